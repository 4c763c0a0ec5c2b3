"""The deployment as in production, on one machine: PostgreSQL, the code location over gRPC,
the daemon and the webserver as separate processes with deploy/dagster.yaml. A delivery file
appears; the sensor requests a run; the daemon launches it; the year is published; PostgreSQL
and the webserver's GraphQL show the run, its materialisations and its check results."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from tests.conftest import ROOT
from tests.pg import free_port, postgres_cluster
from tests.test_operations import deliver

DEADLINE = 540  # seconds for the whole scenario; every wait below is bounded by it
BIN = Path(sys.executable).parent

GRAPHQL = """
query ($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { status jobName tags { key value } } }
  logsForRun(runId: $runId) {
    __typename
    ... on EventConnection {
      events {
        __typename
        ... on MaterializationEvent { assetKey { path } partition }
        ... on AssetCheckEvaluationEvent { evaluation { checkName success partition } }
      }
    }
  }
}
"""


@pytest.fixture
def pg_url():
    with postgres_cluster() as url:
        yield url


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in its own group (stopped as a whole), its output in `log`."""
    out = log.open("wb")
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


PROCESSES: list[subprocess.Popen] = []


def wait_for(what: str, check, deadline: float, logs: Path, every: float = 1.0):
    """Poll `check` until it returns something, the deadline passes or a process died."""
    while time.monotonic() < deadline and all(p.poll() is None for p in PROCESSES):
        value = check()
        if value:
            return value
        time.sleep(every)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in
                      sorted(logs.glob("*.log")))  # fmt: skip
    raise AssertionError(f"no {what} (timed out or a process ended)\n{tails}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def graphql(port: int, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def test_a_new_delivery_is_built_by_the_deployed_processes(tmp_path, pg_url):
    deadline = time.monotonic() + DEADLINE
    home, raw, logs = tmp_path / "home", tmp_path / "raw", tmp_path / "logs"
    for folder in (home, raw, logs):
        folder.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    grpc_port, web_port = free_port(), free_port()
    (tmp_path / "workspace.yaml").write_text(
        "load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
        f"      port: {grpc_port}\n      location_name: vth_pipeline\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": pg_url,
        "VTH_RAW_DIR": str(raw),
        "VTH_OUT_DIR": str(tmp_path / "out"),
        "VTH_WAREHOUSE": str(tmp_path / "warehouse" / "vth.duckdb"),
        "VTH_ARCHIVE_DIR": str(tmp_path / "warehouse" / "archief"),
        "VTH_REFERENCE_DIR": str(ROOT / "data" / "reference"),
        "VTH_ASSETS_DIR": str(ROOT / "assets"),
        "VTH_AUTOMATION": "aan",  # the production configuration: sensors and schedule on
        "VTH_SENSOR_INTERVAL": "5",
    }
    workspace = ["-w", str(tmp_path / "workspace.yaml")]
    processes = PROCESSES
    processes.clear()
    try:
        processes.append(
            start(
                [
                    str(BIN / "dagster"),
                    "api",
                    "grpc",
                    "-m",
                    "vth_pipeline.definitions",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(grpc_port),
                ],  # fmt: skip
                env,
                logs / "grpc.log",
            )
        )
        health = [str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(grpc_port)]
        wait_for(
            "the gRPC code server",
            lambda: (
                subprocess.run(health, env=env, capture_output=True, timeout=30).returncode == 0
            ),
            deadline,
            logs,
        )
        processes.append(start([str(BIN / "dagster-daemon"), "run", *workspace], env,
                               logs / "daemon.log"))  # fmt: skip
        processes.append(
            start(
                [
                    str(BIN / "dagster-webserver"),
                    *workspace,
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(web_port),
                ],  # fmt: skip
                env,
                logs / "webserver.log",
            )
        )
        wait_for("the webserver", lambda: http_ok(f"http://127.0.0.1:{web_port}/server_info"),
                 deadline, logs)  # fmt: skip

        deliver(raw, 2023)  # the new delivery appears

        os.environ["DAGSTER_PG_URL"] = pg_url
        instance = DagsterInstance.from_config(str(home))

        def year_run_done():
            failed = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.FAILURE]))
            assert not failed, [(r.job_name, r.run_id) for r in failed]
            done = instance.get_runs(
                RunsFilter(
                    job_name="staat_van_vth_jaar",
                    statuses=[DagsterRunStatus.SUCCESS],
                    tags={"dagster/partition": "2023"},
                )
            )
            return done[0] if done else None

        run = wait_for("the sensor's run of 2023", year_run_done, deadline, logs, every=3)
        assert run.tags["dagster/sensor_name"] == "leveringen_sensor"
        published = tmp_path / "out" / "2023"
        assert (published / "index.html").is_file()
        assert (published / "tabellen" / "landelijk.csv").is_file()

        # the run, its materialisations and check results, in PostgreSQL itself
        with psycopg2.connect(pg_url.replace("+psycopg2", "")) as conn, conn.cursor() as cur:
            cur.execute("SELECT status FROM runs WHERE run_id = %s", [run.run_id])
            assert cur.fetchone() == ("SUCCESS",)
            cur.execute(
                "SELECT dagster_event_type, count(*) FROM event_logs WHERE run_id = %s AND "
                "dagster_event_type IN ('ASSET_MATERIALIZATION', 'ASSET_CHECK_EVALUATION') "
                "GROUP BY 1",
                [run.run_id],
            )
            counts = dict(cur.fetchall())
        assert counts["ASSET_MATERIALIZATION"] >= 20 and counts["ASSET_CHECK_EVALUATION"] >= 5

        # and as the webserver shows them
        data = graphql(web_port, GRAPHQL, {"runId": run.run_id})
        assert data["runOrError"]["status"] == "SUCCESS"
        events = data["logsForRun"]["events"]
        materialised = {
            "/".join(e["assetKey"]["path"])
            for e in events
            if e["__typename"] == "MaterializationEvent" and e["partition"] == "2023"
        }
        assert {"meta_leveringen", "stg_controles", "publicatie_rapport"} <= materialised
        assert len(materialised) == counts["ASSET_MATERIALIZATION"]
        checks = [e["evaluation"] for e in events if e["__typename"] == "AssetCheckEvaluationEvent"]
        assert len(checks) == counts["ASSET_CHECK_EVALUATION"]
        assert all(c["checkName"] for c in checks)
    finally:
        for process in reversed(processes):
            stop(process)
        os.environ.pop("DAGSTER_PG_URL", None)
