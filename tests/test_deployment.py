"""The deployment as in production, on one machine: PostgreSQL, the code location over gRPC,
the daemon and the webserver as separate processes with deploy/dagster.yaml. A delivery file
appears; the sensor requests a run; the daemon launches it; the year is published and the
overview page brought up to date; PostgreSQL and the webserver's GraphQL show the run, its
materialisations and its check results. And, without processes: the instance configuration,
the Helm values and the login proxies as they must be, and the image's commit in the manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import pytest
import yaml
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.instance.config import dagster_instance_config

from tests.conftest import ROOT
from tests.pg import free_port, postgres_cluster
from tests.test_operations import deliver
from vth_pipeline.dagster_storage import VthInstance
from vth_pipeline.defs.jobs import MAX_RUNTIME_SECONDS

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

        # the publication brings the overview page up to date, by a run the daemon launches
        overview = tmp_path / "out" / "index.html"

        def overview_lists_2023():
            year_run_done()  # no run may have failed meanwhile
            page = overview.read_text(encoding="utf-8") if overview.is_file() else ""
            return 'href="2023/index.html"' in page

        wait_for("the overview page with 2023", overview_lists_2023, deadline, logs, every=2)
        overview_runs = instance.get_runs(RunsFilter(job_name="overzicht"))
        assert [r.tags["dagster/sensor_name"] for r in overview_runs] == ["overzicht_na_publicatie"]

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
        shown = [
            "/".join(e["assetKey"]["path"])
            for e in events
            if e["__typename"] == "MaterializationEvent" and e["partition"] == "2023"
        ]
        materialised = set(shown)
        assert {"meta_leveringen", "stg_controles", "publicatie_rapport"} <= materialised
        # every event the database holds is shown; a side table once per writer
        assert len(shown) == counts["ASSET_MATERIALIZATION"]
        assert shown.count("meta_inlezing") == 5  # one per raw asset (file kind)
        checks = [e["evaluation"] for e in events if e["__typename"] == "AssetCheckEvaluationEvent"]
        assert len(checks) == counts["ASSET_CHECK_EVALUATION"]
        assert all(c["checkName"] for c in checks)
    finally:
        for process in reversed(processes):
            stop(process)
        os.environ.pop("DAGSTER_PG_URL", None)


# --- the configuration, without processes -------------------------------------------------


def test_the_instance_configuration_is_valid_and_bounds_every_run(tmp_path, monkeypatch):
    shutil.copy(ROOT / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://dagster@db:5432/dagster")
    config, instance_class = dagster_instance_config(str(tmp_path))  # Dagster's own validation
    assert instance_class is VthInstance
    monitoring = config["run_monitoring"]
    assert monitoring["enabled"] and monitoring["max_runtime_seconds"] == MAX_RUNTIME_SECONDS
    assert config["compute_logs"]["class"] == "NoOpComputeLogManager"

    from vth_pipeline.definitions import defs

    for job in defs.resolve_all_job_defs():  # the limit where the Helm chart cannot set it
        if not job.name.startswith("__"):
            assert job.tags["dagster/max_runtime"] == str(MAX_RUNTIME_SECONDS), job.name


def helm_values() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "helm-values.yaml").read_text())


def proxy_config(name: str) -> tuple[dict, dict[str, list[str]]]:
    """The values of a login proxy and the lists of its configuration file."""
    values = yaml.safe_load((ROOT / "deploy" / f"oauth2-proxy-{name}.yaml").read_text())
    lists = {
        key: re.findall(r'"([^"]+)"', items)
        for key, items in re.findall(r"^(\w+) = \[(.*)\]$", values["config"]["configFile"], re.M)
    }
    return values, lists


def test_nobody_reaches_the_webserver_or_the_code_server_without_logging_in():
    values = helm_values()
    web = values["dagsterWebserver"]
    release = "vth"  # as docs/deploy.md installs it
    service = f"{release}-{web['nameOverride']}"
    assert web["service"]["type"] == "ClusterIP" and web["enableReadOnly"] is True
    assert values["ingress"]["enabled"] is False  # no way in but the proxies
    code = values["dagster-user-deployments"]["deployments"][0]
    assert "service" not in code or code["service"].get("type", "ClusterIP") == "ClusterIP"
    ui = next(e["value"] for e in code["env"] if e["name"] == "VTH_UI_URL")

    editors, editors_lists = proxy_config("editors")
    viewers, viewers_lists = proxy_config("viewers")
    port = web["service"]["port"]
    assert editors_lists["upstreams"] == [f"http://{service}:{port}/"]
    assert viewers_lists["upstreams"] == [f"http://{service}-read-only:{port}/"]
    assert editors_lists["allowed_groups"] == ["vth-beheer"]  # launching is for few
    assert set(editors_lists["allowed_groups"]) < set(viewers_lists["allowed_groups"])
    for proxy in (editors, viewers):
        assert proxy["config"]["existingSecret"]  # no secret in the values
        assert proxy["ingress"]["enabled"] and proxy["ingress"]["tls"]
        assert "cookie_secure = true" in proxy["config"]["configFile"]
    assert ui == f"https://{editors['ingress']['hosts'][0]}"  # alerts link through the login

    policies = {
        p["metadata"]["name"]: p["spec"]
        for p in yaml.safe_load_all((ROOT / "deploy" / "network-policies.yaml").read_text())
    }
    admitted = {}
    for spec in policies.values():
        target = spec["podSelector"]["matchLabels"]
        assert target["app.kubernetes.io/instance"] == release
        (rule,) = spec["ingress"]
        admitted[target["component"]] = ([p["port"] for p in rule["ports"]], rule["from"])
    assert admitted["dagster-webserver"][0] == admitted["dagster-webserver-read-only"][0] == [port]
    from_editors = admitted["dagster-webserver"][1][0]["podSelector"]["matchLabels"]
    assert from_editors == {
        "app.kubernetes.io/name": "oauth2-proxy",
        "app.kubernetes.io/instance": "vth-login-beheer",
    }
    grpc_ports, grpc_from = admitted["user-deployments"]
    assert grpc_ports == [code["port"]]
    (who,) = grpc_from[0]["podSelector"]["matchExpressions"][1:]
    assert set(who["values"]) == {
        "dagster-webserver",
        "dagster-webserver-read-only",
        "dagster-daemon",
    }


def test_the_helm_values_match_the_instance_configuration():
    values, instance = helm_values(), yaml.safe_load((ROOT / "deploy" / "dagster.yaml").read_text())
    monitoring = values["dagsterDaemon"]["runMonitoring"]
    assert monitoring["enabled"] is instance["run_monitoring"]["enabled"] is True
    assert monitoring["startTimeoutSeconds"] == instance["run_monitoring"]["start_timeout_seconds"]
    assert (
        monitoring["freeSlotsAfterRunEndSeconds"]
        == instance["run_monitoring"]["free_slots_after_run_end_seconds"]
    )
    assert values["computeLogManager"]["type"] == instance["compute_logs"]["class"]
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"


def test_the_manifest_names_the_commit_the_image_was_built_from(tmp_path):
    """What the image sets (Dockerfile: build argument VTH_COMMIT, kept as environment variable
    and label), tried on a copy of the package without .git, as it is installed in the image."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG VTH_COMMIT=onbekend$", dockerfile, re.M)
    assert re.search(r"^ENV VTH_COMMIT=\$\{VTH_COMMIT\}$", dockerfile, re.M)
    assert re.search(
        r"^LABEL org\.opencontainers\.image\.revision=\$\{VTH_COMMIT\}$", dockerfile, re.M
    )

    image = tmp_path / "opt"
    shutil.copytree(ROOT / "vth_pipeline", image / "vth_pipeline")
    code = (
        "import vth_pipeline, json\n"
        "from vth_pipeline.paths import project_root\n"
        "from vth_pipeline.publish.manifest import code_info\n"
        "from vth_pipeline.runner import git_commit\n"
        "print(json.dumps([vth_pipeline.__file__, code_info(project_root())['git_commit'], "
        "git_commit()]))"
    )
    commit = "0123456789abcdef0123456789abcdef01234567"
    seen = {}
    for value in (commit, ""):
        env = {**os.environ, "PYTHONPATH": str(image), "VTH_COMMIT": value}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        seen[value] = json.loads(done.stdout.splitlines()[-1])
    assert seen[commit][0].startswith(str(image))
    assert seen[commit][1:] == [commit, commit]
    assert seen[""][1:] == ["onbekend", "onbekend"]
