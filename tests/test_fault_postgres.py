"""Fault injection: the instance's PostgreSQL stops while `vth build` runs a year.

Real processes: a throwaway PostgreSQL (tests/pg.py) under the production instance
configuration (deploy/dagster.yaml), `vth build` as its own process, a webhook receiver on
127.0.0.1. The server is stopped once the year's run has started. The build must end (bounded),
say so in one Dutch line without a traceback, send the alert itself (the instance is gone, so
nobody else can), and leave the previous publication as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from tests.conftest import ROOT, write
from tests.pg import postgres_server
from tests.test_operations import build_args, deliver
from tests.webhook import webhook

BUILD_SECONDS = 300  # the whole build, its start and dagster-postgres's retries included


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def year_run_started(url: str) -> bool:
    try:
        with psycopg2.connect(url, connect_timeout=5) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM runs WHERE pipeline_name = 'staat_van_vth_jaar' "
                "AND status = 'STARTED'"
            )
            return cur.fetchone()[0] > 0
    except psycopg2.Error:  # the tables appear with the first run
        return False


def test_postgresql_stopped_mid_run_fails_the_build_alerts_and_publishes_nothing_half(tmp_path):
    raw, home = tmp_path / "raw", tmp_path / "home"
    deliver(raw, 2023)
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    # the publication as an earlier build left it: it must come out of this build unchanged
    previous = tmp_path / "out" / "2023"
    write(previous / "index.html", "<p>Staat van VTH 2023, vorige publicatie</p>")
    write(previous / "manifest.json", '{"jaar": 2023}\n')
    before = tree(previous)

    with postgres_server() as server, webhook() as (hook, received):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_URL": server.url,
            "VTH_ALERT_WEBHOOK": hook,
            "VTH_UI_URL": "http://dagster.intern",
        }
        out, err = (tmp_path / "stdout").open("w"), (tmp_path / "stderr").open("w")
        build = subprocess.Popen(
            [sys.executable, "-m", "vth_pipeline.cli", *build_args(tmp_path, raw)],
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + BUILD_SECONDS
            while not year_run_started(server.url):
                assert build.poll() is None, (tmp_path / "stderr").read_text()[-3000:]
                assert time.monotonic() < deadline, "the year's run did not start"
                time.sleep(0.3)
            server.stop()
            returncode = build.wait(timeout=max(1, deadline - time.monotonic()))
            alerts = received.wait_for(1, 10)
        finally:
            if build.poll() is None:
                os.killpg(build.pid, signal.SIGKILL)
                build.wait(timeout=30)
            out.close()
            err.close()

    stdout, stderr = ((tmp_path / name).read_text() for name in ("stdout", "stderr"))
    assert returncode == 1, stdout[-2000:] + stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-3000:]
    assert lines[0].startswith("fout: de database van de Dagster-instance is niet bereikbaar ")
    assert lines[0].endswith("de build is afgebroken, er is niets half gepubliceerd")
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["jaar"], alert["job"], alert["soort"]) == (2023, "staat_van_vth_jaar", "fout")
    assert "niet bereikbaar" in alert["reden"] and alert["link"] is None
    assert alert["text"].startswith("Staat van VTH mislukt: verslagjaar 2023: de database ")
    assert f"let op: melding verstuurd (204): {alert['text']}" in stdout
    assert tree(previous) == before  # nothing swapped in, nothing half written
    assert not (tmp_path / "out" / "index.html").exists()  # the overview was not reached
