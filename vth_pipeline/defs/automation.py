"""Automation: the raw folder sensor, the yearly final build, the overview page after every
publication, and alerts to a webhook.

Everything is off by default (development) and on in the production configuration
(`VTH_AUTOMATION=aan`, set in deploy/). The sensor and schedule request runs of the year job;
runs queue in the instance's run queue and the warehouse pool keeps one writer at a time.

The switches (VTH_AUTOMATION, VTH_SENSOR_INTERVAL, VTH_JAARBOUW_DATUM) are read when the
definitions are built (`automation()`, called by `make_definitions`: each load of the code
location, each `vth build`), not when this module is imported. They cannot be read later:
Dagster takes a sensor's default status, its interval and a schedule's cron from the
definition when it loads the code location. A sensor switched on or off in the UI keeps that
state (stored in the instance) whatever the default.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from dagster import (
    AssetKey,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    EventLogEntry,
    RunFailureSensorContext,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset_sensor,
    run_failure_sensor,
    schedule,
    sensor,
)

from vth_pipeline import environment, writer_lock
from vth_pipeline.alerts import CLI_RUN_TAG, alert_run
from vth_pipeline.defs.jobs import overview_job, reference_job, year_job
from vth_pipeline.ingest.discovery import buildable_years, sha256_of
from vth_pipeline.resources import RunWarehouse, VthSettings

YEAR_JOB = year_job.name
AUTOMATION_ENV = environment.AUTOMATION.name  # "aan": sensors and schedule start RUNNING
FINAL_BUILD_ENV = environment.FINAL_BUILD_DATE.name  # MM-DD of the final build of a year
SENSOR_INTERVAL_ENV = environment.SENSOR_INTERVAL.name  # seconds between looks at the raw folder
DEFAULT_FINAL_BUILD = environment.FINAL_BUILD_DATE.default


def automation_on() -> bool:
    return os.environ.get(AUTOMATION_ENV, "").strip().lower() in ("aan", "on", "1", "true")


def sensor_interval() -> int:
    return int(os.environ.get(SENSOR_INTERVAL_ENV) or environment.SENSOR_INTERVAL.default)


# --- the raw folder -------------------------------------------------------------------------


def year_digest(files: dict[str, list]) -> str:
    """One hash of a year's delivery: its paths and their contents (order-independent)."""
    lines = "".join(f"{rel}\t{entry[2]}\n" for rel, entry in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def folder_digest(folder: Path, known: dict[str, list], files: dict[str, list]) -> str:
    """The digest of every file under `folder` (entries added to `files`)."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.as_posix()
        stat = path.stat()
        old = known.get(rel)
        same = old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns
        found[rel] = [stat.st_size, stat.st_mtime_ns, old[2] if same else sha256_of(path)]
    files |= found
    rel_to = folder.parent
    return year_digest({Path(k).relative_to(rel_to).as_posix(): v for k, v in found.items()})


def raw_folder_changes(
    raw: Path, cursor: str | None, reference: Path | None = None
) -> tuple[list[RunRequest], str, list[str]]:
    """Run requests for the years whose files changed since `cursor` (first the reference data
    when its files changed), the new cursor, and Dutch lines for the folders not built.

    Every later year is requested too, after the changed one: it reads the earlier years (the
    three-year window, the comparison, the series), and a year's files must not depend on
    which years were built (rekenregels v1.3). The run queue keeps the order of the requests.
    """
    state = json.loads(cursor) if cursor else {"jaren": {}, "bestanden": {}}
    years, skipped = buildable_years(raw)
    requests, digests, files = [], {}, {}
    if reference is not None and years:
        digests["referentie"] = folder_digest(reference, state["bestanden"], files)
        if state["jaren"].get("referentie") != digests["referentie"]:
            requests.append(
                RunRequest(
                    job_name=reference_job.name,
                    run_key=f"referentie-{digests['referentie'][:16]}",
                    tags={"vth/aanleiding": "nieuwe of gewijzigde referentiedata"},
                )
            )
    changed: list[str] = []  # years whose files changed, in order
    for year in years:
        key = str(year)
        digests[key] = folder_digest(raw / key, state["bestanden"], files)
        if state["jaren"].get(key) != digests[key]:
            changed.append(key)
            run_key = f"{year}-{digests[key][:16]}"
            reason = "nieuwe, gewijzigde of verwijderde leveringen"
        elif changed:  # a later year reads the earlier ones (rekenregels v1.3)
            run_key = f"{year}-{digests[key][:16]}-na-{changed[-1]}-{digests[changed[-1]][:8]}"
            reason = f"leest verslagjaar {', '.join(changed)}, waarvan de leveringen veranderden"
        else:
            continue
        requests.append(
            RunRequest(
                job_name=YEAR_JOB,
                run_key=run_key,
                partition_key=key,
                tags={"vth/aanleiding": reason},
            )
        )
    notes = [f"{raw / name}: overgeslagen: {reason}" for name, reason in skipped]
    return requests, json.dumps({"jaren": digests, "bestanden": files}, sort_keys=True), notes


def leveringen_sensor(context: SensorEvaluationContext, vth: VthSettings):
    requests, cursor, notes = raw_folder_changes(vth.raw, context.cursor, vth.reference)
    for note in notes:
        context.log.info(note)
    if not requests:
        reason = "geen nieuwe, gewijzigde of verwijderde leveringen"
        return SensorResult(skip_reason=SkipReason("; ".join([reason, *notes])), cursor=cursor)
    return SensorResult(run_requests=requests, cursor=cursor)


# --- the final yearly build -----------------------------------------------------------------


def final_build_cron(date: str | None = None) -> str:
    """Cron of the final build: 06:00 on MM-DD (VTH_JAARBOUW_DATUM, default 1 April)."""
    month, day = (date or os.environ.get(FINAL_BUILD_ENV) or DEFAULT_FINAL_BUILD).split("-")
    return f"0 6 {int(day)} {int(month)} *"


def jaarlijkse_eindbouw(context: ScheduleEvaluationContext):
    year = context.scheduled_execution_time.year - 1
    return RunRequest(
        run_key=f"eindbouw-{year}",
        partition_key=str(year),
        tags={"vth/aanleiding": "jaarlijkse eindbouw"},
    )


# --- the overview page -------------------------------------------------------------------


def overzicht_na_publicatie(context: SensorEvaluationContext, asset_event: EventLogEntry):
    """After a year is published (its manifest written and swapped in) by a run of the
    instance, the overview page is written again. `vth build` writes it itself at its end."""
    run = context.instance.get_run_by_id(asset_event.run_id)
    if run is not None and CLI_RUN_TAG in run.tags:
        return SkipReason("gepubliceerd door vth build, dat het overzicht zelf schrijft")
    partition = asset_event.dagster_event.partition if asset_event.dagster_event else None
    return RunRequest(
        job_name=overview_job.name,
        run_key=f"overzicht-{asset_event.run_id}-{partition}",
        tags={"vth/aanleiding": f"verslagjaar {partition} gepubliceerd"},
    )


# --- alerts ---------------------------------------------------------------------------------


def melding_bij_mislukte_run(context: RunFailureSensorContext, vth: VthSettings):
    run = context.dagster_run
    if CLI_RUN_TAG in run.tags:  # never seen unless monitored; vth build alerts its own runs
        context.log.info(f"run {run.run_id} van vth build: die verstuurt zijn melding zelf")
        return
    line = alert_run(
        context.instance, run, vth.alert_webhook, vth.ui_url, context.failure_event.message or ""
    )
    if line:
        context.log.info(line)


# --- a writer that died holding the warehouse -------------------------------------------------


def schrijver_afgebroken(context: SensorEvaluationContext, vth: VthSettings, duckdb: RunWarehouse):
    """A writer killed while it held the warehouse (a `vth build` stopped with SIGKILL, a node
    lost) leaves its runs STARTED, and the run queue waits on them. The kernel has freed its
    lock already; this sensor takes the lock when nobody holds it and, when the last holder's
    record is still in the lock file (it did not let go normally), marks that holder's runs
    failed, frees their pool slots and sends their alerts. Never waits: a held lock means a
    writer is alive."""
    database = duckdb.database
    record = writer_lock.holder_record(command="sensor schrijver_afgebroken")
    try:
        left = writer_lock.acquire(database, record, wait=0)
    except writer_lock.WarehouseBusy:
        return SkipReason("het warehouse wordt geschreven: de schrijver leeft")
    try:
        ended = writer_lock.end_runs_of_dead_holder(context.instance, left) if left else []
    finally:
        writer_lock.release(database)
    for run_id in ended:
        run = context.instance.get_run_by_id(run_id)
        line = alert_run(context.instance, run, vth.alert_webhook, vth.ui_url, "afgebroken")
        context.log.info(
            f"run {run_id} van een afgebroken schrijver als mislukt gemarkeerd; {line}"
        )
    if not ended:
        return SkipReason("geen afgebroken schrijver")
    return SkipReason(f"{len(ended)} run(s) van een afgebroken schrijver als mislukt gemarkeerd")


def automation() -> dict[str, list]:
    """The sensors and the schedule, with the switches as they are set now (module docstring)."""
    on = automation_on()
    sensor_status = DefaultSensorStatus.RUNNING if on else DefaultSensorStatus.STOPPED
    schedule_status = DefaultScheduleStatus.RUNNING if on else DefaultScheduleStatus.STOPPED
    return {
        "sensors": [
            sensor(
                jobs=[reference_job, year_job],
                minimum_interval_seconds=sensor_interval(),
                default_status=sensor_status,
                description="Looks at the raw folder: a year whose delivery files were added, "
                "changed or removed is built again (run_key: the hash of the year's files), and "
                "after it every later year, which reads it; the reference data first when its "
                "files changed. Open years are skipped.",
            )(leveringen_sensor),
            asset_sensor(
                asset_key=AssetKey("publicatie_manifest"),
                job=overview_job,
                minimum_interval_seconds=sensor_interval(),
                default_status=sensor_status,
                description="After a year is published by a run of the instance (sensor, "
                "schedule, backfill, the UI), writes the overview page <out>/index.html again.",
            )(overzicht_na_publicatie),
            sensor(
                name="schrijver_afgebroken",
                minimum_interval_seconds=sensor_interval(),
                default_status=sensor_status,
                description="A writer of the warehouse that died holding it (a vth build killed "
                "with SIGKILL): its runs are marked failed, their pool slots freed and their "
                "alerts sent, so the run queue does not wait on them (writer_lock.py).",
            )(schrijver_afgebroken),
            run_failure_sensor(
                name="melding_bij_mislukte_run",
                default_status=sensor_status,
                description="Posts a failed run of the instance (also one stopped by a blocking "
                "check or by its maximum runtime) to VTH_ALERT_WEBHOOK: year, step and reason in "
                "one Dutch line, with a link to the run (VTH_UI_URL). vth build alerts its own.",
            )(melding_bij_mislukte_run),
        ],
        "schedules": [
            schedule(
                cron_schedule=final_build_cron(),
                job=year_job,
                execution_timezone="Europe/Amsterdam",
                default_status=schedule_status,
                description="The final build of the previous reporting year (VTH_JAARBOUW_DATUM, "
                "MM-DD, default 04-01), after the partners' deadline.",
            )(jaarlijkse_eindbouw)
        ],
    }
