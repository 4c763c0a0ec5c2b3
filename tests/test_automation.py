"""Automation evaluated for real: the raw folder sensor, the final build, the failure alert."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
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
from tests.test_operations import deliver
from vth_pipeline.defs.automation import (
    final_build_cron,
    jaarlijkse_eindbouw,
    leveringen_sensor,
    melding_bij_mislukte_run,
)
from vth_pipeline.resources import VthSettings


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
    return leveringen_sensor(context)


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


def test_the_final_build_is_the_previous_year_on_the_configured_date():
    assert jaarlijkse_eindbouw.cron_schedule == "0 6 1 4 *"  # default: 1 April
    assert final_build_cron("05-15") == "0 6 15 5 *"
    context = build_schedule_context(
        scheduled_execution_time=dt.datetime(2027, 4, 1, 6, tzinfo=dt.UTC)
    )
    request = jaarlijkse_eindbouw(context)
    assert request.partition_key == "2026"


def test_automation_is_off_in_development_and_on_in_production():
    code = (
        "from vth_pipeline.defs.automation import *\n"
        "print(leveringen_sensor.default_status.value, melding_bij_mislukte_run.default_status."
        "value, jaarlijkse_eindbouw.default_status.value)"
    )
    seen = {}
    for value in ("", "aan"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "VTH_AUTOMATION": value}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        seen[value] = done.stdout.split()
    assert seen == {"": ["STOPPED"] * 3, "aan": ["RUNNING"] * 3}


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_blocking_check_failure_is_posted_to_the_webhook_in_dutch(tmp_path):
    from vth_pipeline.runner import Runner

    raw = tmp_path / "raw"
    deliver(raw, 2023)
    instance = DagsterInstance.ephemeral()
    settings = VthSettings(
        raw_dir=str(raw),
        out_dir=str(tmp_path / "out"),
        archive_dir=str(tmp_path / "archief"),
        reference_dir=str(ROOT / "data" / "reference"),
        assets_dir=str(ROOT / "assets"),
    )
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
    failure = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_FAILURE)[0]

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/vth"
        context = build_run_status_sensor_context(
            sensor_name="melding_bij_mislukte_run",
            dagster_event=failure.dagster_event,
            dagster_instance=instance,
            dagster_run=run,
            resources={"vth": VthSettings(**settings.model_dump() | {"alert_webhook": url})},
        ).for_run_failure()
        melding_bij_mislukte_run(context)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert len(Receiver.received) == 1
    alert = Receiver.received[0]
    assert (alert["jaar"], alert["job"], alert["soort"]) == (
        2023,
        run.job_name,  # the Dagster job of the failed run (vth build: one run per year)
        "blokkerende_controle",
    )
    assert run.job_name == "staat_van_vth_jaar"
    assert alert["reden"].startswith("blokkerende controle mislukt")
    assert "staat_interventies / codelijsten" in alert["reden"]
