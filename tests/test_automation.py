"""Automation evaluated for real: the raw folder sensor, the final build, the overview after a
publication, the failure alert (of the instance's runs and of `vth build`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    RunsFilter,
    build_run_status_sensor_context,
    build_schedule_context,
    build_sensor_context,
)
from dagster_duckdb import DuckDBResource

from tests.conftest import ROOT, write
from tests.test_operations import build_args, deliver
from tests.webhook import webhook
from vth_pipeline.cli import main
from vth_pipeline.defs.automation import automation, final_build_cron
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner


def definition(name: str):
    """The sensor or schedule `name`, built as the code location builds it."""
    built = automation()
    return next(d for d in [*built["sensors"], *built["schedules"]] if d.name == name)


def expected_run_key(raw: Path, year: int) -> str:
    """The year's files and their sha256, hashed here without the pipeline's code."""
    lines = ""
    for path in sorted((raw / str(year)).rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines += f"{path.relative_to(raw).as_posix()}\t{digest}\n"
    return f"{year}-{hashlib.sha256(lines.encode()).hexdigest()[:16]}"


def evaluate(raw: Path, cursor: str | None, instance: DagsterInstance):
    context = build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={
            "vth": VthSettings(raw_dir=str(raw), reference_dir=str(ROOT / "data" / "reference"))
        },
    )
    return definition("leveringen_sensor")(context)


def test_the_sensor_requests_a_year_when_its_files_change_and_nothing_otherwise(tmp_path):
    raw = tmp_path / "raw"
    instance = DagsterInstance.ephemeral()
    deliver(raw, 2022)
    deliver(raw, 2023)
    first = evaluate(raw, None, instance)
    assert [(r.job_name, r.partition_key, r.run_key) for r in first.run_requests] == [
        ("referentiedata", None, first.run_requests[0].run_key),  # first the reference data
        ("staat_van_vth_jaar", "2022", expected_run_key(raw, 2022)),
        ("staat_van_vth_jaar", "2023", expected_run_key(raw, 2023)),
    ]
    unchanged = evaluate(raw, first.cursor, instance)
    assert unchanged.run_requests == [] and "geen nieuwe" in unchanged.skip_reason.skip_message

    # a new delivery file appears in 2023 (a corrected controles file, dated)
    new = raw / "2023" / "ODH" / "uitkomsten.csv"
    write(new, "indicator,gebied,waarde\n")
    added = evaluate(raw, unchanged.cursor, instance)
    assert [(r.partition_key, r.run_key) for r in added.run_requests] == [
        ("2023", expected_run_key(raw, 2023))
    ]
    assert added.run_requests[0].run_key != first.run_requests[2].run_key

    new.unlink()  # and removed again: the year is as at first, so its first run_key again
    removed = evaluate(raw, added.cursor, instance)
    assert [r.run_key for r in removed.run_requests] == [first.run_requests[2].run_key]

    # a change in 2022 builds 2022 and then 2023, which reads it (rekenregels v1.3)
    earlier = raw / "2022" / "ODH" / "uitkomsten.csv"
    write(earlier, "indicator,gebied,waarde\n")
    cascade = evaluate(raw, removed.cursor, instance)
    assert [(r.partition_key, r.tags["vth/aanleiding"]) for r in cascade.run_requests] == [
        ("2022", "nieuwe, gewijzigde of verwijderde leveringen"),
        ("2023", "leest verslagjaar 2022, waarvan de leveringen veranderden"),
    ]
    assert cascade.run_requests[0].run_key == expected_run_key(raw, 2022)
    assert cascade.run_requests[1].run_key.startswith(expected_run_key(raw, 2023) + "-na-2022-")
    assert cascade.run_requests[1].run_key not in {r.run_key for r in first.run_requests}
    earlier.unlink()
    removed = evaluate(raw, cascade.cursor, instance)

    # a folder of the current (open) year: skipped, with the reason in Dutch
    current = dt.date.today().year
    deliver(raw, current)
    early = evaluate(raw, removed.cursor, instance)
    assert early.run_requests == []
    assert f"verslagjaar {current} is nog niet afgesloten" in early.skip_reason.skip_message


def test_the_final_build_is_the_previous_year_on_the_configured_date(monkeypatch):
    monkeypatch.delenv("VTH_JAARBOUW_DATUM", raising=False)
    eindbouw = definition("jaarlijkse_eindbouw")
    assert eindbouw.cron_schedule == "0 6 1 4 *"  # default: 1 April
    assert final_build_cron("05-15") == "0 6 15 5 *"
    context = build_schedule_context(
        scheduled_execution_time=dt.datetime(2027, 4, 1, 6, tzinfo=dt.UTC)
    )
    request = eindbouw(context)
    assert request.partition_key == "2026"


def test_the_switches_are_read_when_the_definitions_are_built_not_at_import(monkeypatch):
    """Off in development, on in production; the interval and the date as set when built."""
    seen = {}
    for value, interval, date in (("", "", ""), ("aan", "7", "05-15")):
        monkeypatch.setenv("VTH_AUTOMATION", value)
        monkeypatch.setenv("VTH_SENSOR_INTERVAL", interval)
        monkeypatch.setenv("VTH_JAARBOUW_DATUM", date)
        built = automation()
        seen[value] = (
            sorted({d.default_status.value for d in [*built["sensors"], *built["schedules"]]}),
            built["sensors"][0].minimum_interval_seconds,
            built["schedules"][0].cron_schedule,
        )
    assert seen == {
        "": (["STOPPED"], 60, "0 6 1 4 *"),
        "aan": (["RUNNING"], 7, "0 6 15 5 *"),
    }


def settings_for(tmp_path: Path, raw: Path, **extra) -> VthSettings:
    return VthSettings(
        raw_dir=str(raw),
        out_dir=str(tmp_path / "out"),
        archive_dir=str(tmp_path / "archief"),
        reference_dir=str(ROOT / "data" / "reference"),
        assets_dir=str(ROOT / "assets"),
        **extra,
    )


def failure_context(instance: DagsterInstance, run, settings: VthSettings):
    failure = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_FAILURE)[0]
    return build_run_status_sensor_context(
        sensor_name="melding_bij_mislukte_run",
        dagster_event=failure.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"vth": settings},
    ).for_run_failure()


def test_a_blocking_check_failure_is_posted_once_to_the_webhook_in_dutch(tmp_path):
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    instance = DagsterInstance.ephemeral()
    settings = settings_for(tmp_path, raw)
    warehouse = tmp_path / "w.duckdb"
    runner = Runner(settings, DuckDBResource(database=str(warehouse)), instance)
    first = runner.build([2023], stages=("leveringen", "raw", "stg", "int"), overview=False)
    assert all(r.success for r in first)
    with duckdb.connect(str(warehouse)) as conn:  # a code no contract allows, past staging
        conn.execute(
            "UPDATE stg.controles SET resultaat = 'overtreding', lhs_gevolg = 'B', "
            "lhs_gedrag = '2', interventie = 'ruimtevaart' WHERE jaar = 2023 AND controle_id = 'C0'"
        )
    results = runner.build([2023], stages=("staat",), overview=False)
    assert not results[-1].success and results[-1].job == "stap_staat"
    run = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.FAILURE]))[0]

    with webhook() as (url, received):
        alerting = VthSettings(
            **settings.model_dump()
            | {"alert_webhook": url, "ui_url": "https://vth.example.nl/dagster/"}
        )
        sensor = definition("melding_bij_mislukte_run")
        sensor(failure_context(instance, run, alerting))
        sensor(failure_context(instance, run, alerting))  # looked at again: not sent twice
        alerts = received.wait_for(1, 10)
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["jaar"], alert["job"], alert["soort"]) == (
        2023,
        run.job_name,  # the Dagster job of the failed run (vth build: one run per year)
        "blokkerende_controle",
    )
    assert run.job_name == "staat_van_vth_jaar"
    assert alert["reden"].startswith("blokkerende controle mislukt")
    assert "staat_interventies / codelijsten" in alert["reden"]
    assert alert["stap"] == "staat_interventies"
    link = f"https://vth.example.nl/dagster/runs/{run.run_id}"
    assert alert["link"] == link
    assert alert["text"] == (
        f"Staat van VTH mislukt: verslagjaar 2023, stap staat_interventies: {alert['reden']} {link}"
    )
    assert "\n" not in alert["text"]
    assert instance.get_run_by_id(run.run_id).tags["vth/melding"] == "verstuurd"


def test_a_failed_vth_build_alerts_itself_and_the_daemon_does_not_again(tmp_path, monkeypatch):
    """`vth build` runs in its own process: the run-failure sensor would never see its runs, so
    it sends their alert itself, with the link, and tags the run; the sensor leaves it."""
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("VTH_UI_URL", "http://dagster.intern:3000")
    (tmp_path / "out").write_text("geen map")  # the publication cannot be written
    with webhook() as (url, received):
        monkeypatch.setenv("VTH_ALERT_WEBHOOK", url)
        assert main(build_args(tmp_path, raw, "--year", "2023")) == 1
        alerts = received.wait_for(2, 10)
    instance = DagsterInstance.from_config(str(home))
    failed = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.FAILURE]))
    by_job = {r.job_name: r for r in failed}
    assert sorted(by_job) == ["overzicht", "staat_van_vth_jaar"]
    year_run = by_job["staat_van_vth_jaar"]
    year_alert = next(a for a in alerts if a["job"] == "staat_van_vth_jaar")
    assert len(alerts) == 2
    assert (year_alert["jaar"], year_alert["soort"]) == (2023, "fout")
    assert year_alert["stap"] == "publicatie_tabellen"  # the first step that writes the folder
    assert str(tmp_path / "out") in year_alert["reden"]
    assert year_alert["link"] == f"http://dagster.intern:3000/runs/{year_run.run_id}"
    assert year_alert["text"].startswith(
        "Staat van VTH mislukt: verslagjaar 2023, stap publicatie_tabellen: "
    )
    assert all(r.tags["vth/melding"] == "verstuurd" for r in failed)

    with webhook() as (url, received):  # a daemon watching the same instance sends nothing
        settings = settings_for(tmp_path, raw, alert_webhook=url)
        definition("melding_bij_mislukte_run")(failure_context(instance, year_run, settings))
        assert received.wait_for(1, 2) == []


def test_a_publication_by_a_run_of_the_instance_brings_the_overview_up_to_date(tmp_path):
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    instance = DagsterInstance.ephemeral()
    settings = settings_for(tmp_path, raw)
    runner = Runner(settings, DuckDBResource(database=str(tmp_path / "w.duckdb")), instance)
    assert all(r.success for r in runner.build([2023], overview=False))
    overview = tmp_path / "out" / "index.html"
    assert (tmp_path / "out" / "2023" / "index.html").is_file() and not overview.exists()

    sensor = definition("overzicht_na_publicatie")
    context = build_sensor_context(instance=instance, definitions=runner.defs)
    result = sensor.evaluate_tick(context)
    assert [(r.job_name, r.tags["vth/aanleiding"]) for r in result.run_requests] == [
        ("overzicht", "verslagjaar 2023 gepubliceerd")
    ]
    assert runner.run("overzicht").success  # what the daemon launches for the request
    assert 'href="2023/index.html"' in overview.read_text(encoding="utf-8")

    again = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=result.cursor))
    assert again.run_requests == []  # nothing published since

    # a publication by vth build (its runs carry vth/build_id): it writes the overview itself
    cli_run = instance.get_runs(RunsFilter(tags={"dagster/partition": "2023"}))[0]
    instance.add_run_tags(cli_run.run_id, {"vth/build_id": "abc"})
    skipped = sensor.evaluate_tick(build_sensor_context(instance=instance))
    assert skipped.run_requests == [] and "vth build" in skipped.skip_message


def test_a_writer_that_died_holding_the_warehouse_is_cleared_by_the_sensor(tmp_path):
    """A `vth build` killed with SIGKILL: its lock record is left in the lock file (a live
    holder empties it) and its run stays STARTED. The sensor marks the run failed, frees the
    lock for the queue and sends the alert once; with a live holder it does nothing."""
    import json as json_
    import subprocess
    import sys

    from dagster import DagsterInstance, DagsterRunStatus, build_sensor_context
    from dagster._core.storage.dagster_run import DagsterRun

    from tests.webhook import webhook
    from vth_pipeline import writer_lock
    from vth_pipeline.resources import RunWarehouse, VthSettings

    database = str(tmp_path / "vth.duckdb")
    instance = DagsterInstance.ephemeral()
    run = DagsterRun(
        job_name="staat_van_vth_jaar",
        run_id="dood-0001",
        status=DagsterRunStatus.STARTED,
        tags={"vth/build_id": "b1", "dagster/partition": "2023"},
    )
    instance.add_run(run)
    dead = {"pid": 999999, "host": "elders", "command": "vth build", "build_id": "b1"}
    writer_lock.lock_path(database).write_text(json_.dumps(dead), encoding="utf-8")
    sensor = definition("schrijver_afgebroken")
    with webhook() as (url, received):
        resources = {
            "vth": VthSettings(alert_webhook=url),
            "duckdb": RunWarehouse(database=database),
        }
        # a live holder in another process: nothing happens
        hold = (
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('vast', flush=True); time.sleep(60)"
        )
        holder = subprocess.Popen(
            [sys.executable, "-c", hold, str(writer_lock.lock_path(database))],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "vast"
            with build_sensor_context(instance=instance, resources=resources) as context:
                skipped = sensor(context)
        finally:
            holder.kill()
            holder.wait(timeout=10)
        assert "de schrijver leeft" in str(skipped.skip_message)
        assert instance.get_run_by_id("dood-0001").status == DagsterRunStatus.STARTED
        with build_sensor_context(instance=instance, resources=resources) as context:
            sensor(context)
        assert instance.get_run_by_id("dood-0001").status == DagsterRunStatus.FAILURE
        alerts = received.wait_for(1, 10)
        assert len(alerts) == 1 and "2023" in alerts[0]["text"]
        with build_sensor_context(instance=instance, resources=resources) as context:
            again = sensor(context)  # the record is gone: nothing more to do
        assert "geen afgebroken schrijver" in str(again.skip_message)
        assert len(received.wait_for(2, 1)) == 1
    assert writer_lock.lock_path(database).read_text(encoding="utf-8") == ""
