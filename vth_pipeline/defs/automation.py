"""Automation: the raw folder sensor, the yearly final build, and alerts to a webhook.

Everything is off by default (development) and on in the production configuration
(`VTH_AUTOMATION=aan`, set in deploy/). The sensor and schedule request runs of the year job;
runs queue in the instance's run queue and the warehouse pool keeps one writer at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from pathlib import Path

from dagster import (
    DagsterEventType,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    schedule,
    sensor,
)

from vth_pipeline.defs.jobs import reference_job, year_job
from vth_pipeline.ingest.discovery import buildable_years, sha256_of
from vth_pipeline.resources import VthSettings
from vth_pipeline.validation import failed_check_messages

YEAR_JOB = year_job.name
AUTOMATION_ENV = "VTH_AUTOMATION"  # "aan": sensors and schedule start RUNNING
FINAL_BUILD_ENV = "VTH_JAARBOUW_DATUM"  # MM-DD of the final build of the previous year
SENSOR_INTERVAL_ENV = "VTH_SENSOR_INTERVAL"  # seconds between looks at the raw folder
DEFAULT_FINAL_BUILD = "04-01"


def automation_on() -> bool:
    return os.environ.get(AUTOMATION_ENV, "").strip().lower() in ("aan", "on", "1", "true")


def _sensor_status() -> DefaultSensorStatus:
    return DefaultSensorStatus.RUNNING if automation_on() else DefaultSensorStatus.STOPPED


def _schedule_status() -> DefaultScheduleStatus:
    return DefaultScheduleStatus.RUNNING if automation_on() else DefaultScheduleStatus.STOPPED


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


@sensor(
    jobs=[reference_job, year_job],
    minimum_interval_seconds=int(os.environ.get(SENSOR_INTERVAL_ENV) or 60),
    default_status=_sensor_status(),
    description="Looks at the raw folder: a year whose delivery files were added, changed or "
    "removed is built again (run_key: the hash of the year's files), and after it every later "
    "year, which reads it; the reference data first when its files changed. Open years are "
    "skipped.",
)
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


@schedule(
    cron_schedule=final_build_cron(),
    job=year_job,
    execution_timezone="Europe/Amsterdam",
    default_status=_schedule_status(),
    description="The final build of the previous reporting year (VTH_JAARBOUW_DATUM, MM-DD, "
    "default 04-01), after the partners' deadline.",
)
def jaarlijkse_eindbouw(context: ScheduleEvaluationContext):
    year = context.scheduled_execution_time.year - 1
    return RunRequest(
        run_key=f"eindbouw-{year}",
        partition_key=str(year),
        tags={"vth/aanleiding": "jaarlijkse eindbouw"},
    )


# --- alerts ---------------------------------------------------------------------------------


def failure_reason(instance, run_id: str, fallback: str) -> tuple[str, str]:
    """(kind, Dutch reason) of a failed run: its failed blocking checks, else the step error."""
    evaluations = [
        entry.dagster_event.event_specific_data
        for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    ]
    checks = failed_check_messages(evaluations, blocking_only=True)
    if checks:
        return "blokkerende_controle", "blokkerende controle mislukt: " + "; ".join(checks)
    for record in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = record.dagster_event.step_failure_data.error
        cause = (error.cause or error) if error else None
        if cause:
            return "fout", f"stap {record.step_key} mislukt: {cause.message.strip()}"
    return "fout", f"run mislukt: {fallback}"


def post_alert(url: str, payload: dict) -> int:
    """POST the alert as JSON; returns the HTTP status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@run_failure_sensor(
    name="melding_bij_mislukte_run",
    default_status=_sensor_status(),
    description="Posts a failed run (also one stopped by a blocking check) to VTH_ALERT_WEBHOOK: "
    "year, job and the reason in Dutch.",
)
def melding_bij_mislukte_run(context: RunFailureSensorContext, vth: VthSettings):
    run = context.dagster_run
    kind, reason = failure_reason(context.instance, run.run_id, context.failure_event.message)
    partition = run.tags.get("dagster/partition")
    payload = {
        "jaar": int(partition) if partition and partition.isdigit() else None,
        "job": run.job_name,
        "run_id": run.run_id,
        "soort": kind,
        "reden": reason,
    }
    if not vth.alert_webhook:
        context.log.warning(f"geen VTH_ALERT_WEBHOOK ingesteld; niet verstuurd: {payload}")
        return
    status = post_alert(vth.alert_webhook, payload)
    context.log.info(f"melding verstuurd ({status}): {payload}")


automation = {
    "sensors": [leveringen_sensor, melding_bij_mislukte_run],
    "schedules": [jaarlijkse_eindbouw],
}
