"""The instance's storage. Local: the event log (vth_pipeline/dagster_storage.py), Dagster's
files, read and written by Dagster's stock SQLite storage as well, with connections opened once,
not per event. Production (deploy/dagster.yaml): PostgreSQL under every URL spelling, and a
wrong or unreachable one said in one Dutch line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import psycopg2
import sqlalchemy
from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    asset,
    asset_check,
    materialize,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from tests.conftest import ROOT, write
from tests.pg import free_port, postgres_server
from tests.test_operations import build_args, deliver
from vth_pipeline.cli import main
from vth_pipeline.dagster_storage import OPEN_SHARDS, PooledSqliteEventLogStorage
from vth_pipeline.runner import instance_from_env


@asset
def getal() -> int:
    return 7


@asset_check(asset=getal, blocking=True)
def getal_positief(getal: int) -> AssetCheckResult:
    return AssetCheckResult(passed=getal > 0, metadata={"waarde": getal})


def project_instance(home, monkeypatch) -> DagsterInstance:
    shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return instance_from_env()


def stock_instance(home) -> DagsterInstance:
    """The same folder opened with Dagster's default storage (as an older `dg dev` would)."""
    other = home.parent / "stock_config"
    write(other / "dagster.yaml", "telemetry:\n  enabled: false\n" + (
        "event_log_storage:\n  module: dagster.core.storage.event_log\n"
        "  class: SqliteEventLogStorage\n  config:\n"
        f"    base_dir: {home / 'history' / 'runs'}\n"
    ))  # fmt: skip
    return DagsterInstance.from_config(str(other))


def event_log_connects(home):
    """A counter of new SQLite connections to the event log's files (`history/runs/`)."""
    folder = str(home / "history" / "runs") + "/"  # not runs.db, the run storage
    count = {"n": 0}

    def listener(dbapi_connection, _record) -> None:
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if any(f and f.startswith(folder) for f in files):
            count["n"] += 1

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "connect", listener)
    return count, lambda: sqlalchemy.event.remove(sqlalchemy.engine.Engine, "connect", listener)


def test_project_instance_keeps_connections_and_stock_dagster_reads_what_it_wrote(
    tmp_path, monkeypatch
):
    home = tmp_path / "home"
    home.mkdir()
    instance = project_instance(home, monkeypatch)
    assert type(instance.event_log_storage) is PooledSqliteEventLogStorage
    count, stop = event_log_connects(home)
    try:
        runs = [materialize([getal, getal_positief], instance=instance) for _ in range(6)]
    finally:
        stop()
    assert all(r.success for r in runs)
    events = sum(len(instance.all_logs(r.run_id)) for r in runs)
    # six runs store ~20 events each; connections: Dagster's own set-up of each new run
    # database (four), the one kept per shard, the index's and a look-up of each index table
    # once: ~32, where the stock storage opens one or more per event (next test)
    assert events > 100
    assert count["n"] <= 6 * 5 + 5, (count["n"], events)
    assert len(instance.event_log_storage._engines) <= OPEN_SHARDS + 1

    stock = stock_instance(home)
    assert type(stock.event_log_storage) is SqliteEventLogStorage
    for run in runs:
        mine = [e.dagster_event_type for e in instance.all_logs(run.run_id)]
        theirs = [e.dagster_event_type for e in stock.all_logs(run.run_id)]
        assert theirs == mine
        assert DagsterEventType.ASSET_CHECK_EVALUATION in theirs
    latest = stock.get_latest_materialization_event(AssetKey("getal"))
    assert latest is not None and latest.run_id == runs[-1].run_id
    check_key = getal_positief.check_key
    executions = stock.event_log_storage.get_asset_check_execution_history(check_key, limit=10)
    assert len(executions) == 6

    # and the other way round: a run stored by stock Dagster is read by the project's instance
    again = materialize([getal, getal_positief], instance=stock)
    assert again.success
    reopened = project_instance(home, monkeypatch)
    assert reopened.get_latest_materialization_event(AssetKey("getal")).run_id == again.run_id
    assert len(reopened.event_log_storage.get_asset_check_execution_history(check_key, 10)) == 7
    for inst in (instance, stock, reopened):
        inst.dispose()
    assert instance.event_log_storage._engines == {}


def test_stock_storage_opens_connections_per_event(tmp_path):
    """The reason for the subclass, kept measurable: Dagster's own storage connects for every
    event (if a Dagster upgrade pools them itself, the subclass can go)."""
    home = tmp_path / "home"
    write(home / "dagster.yaml", "telemetry:\n  enabled: false\n")
    instance = DagsterInstance.from_config(str(home))
    count, stop = event_log_connects(home)
    try:
        run = materialize([getal, getal_positief], instance=instance)
    finally:
        stop()
    assert count["n"] >= len(instance.all_logs(run.run_id))
    instance.dispose()


def deployed_home(tmp_path, monkeypatch, url: str | None):
    """A DAGSTER_HOME with the production instance configuration (deploy/dagster.yaml)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    if url is None:
        monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    else:
        monkeypatch.setenv("DAGSTER_PG_URL", url)
    return home


def test_every_postgresql_url_spelling_opens_the_production_instance(tmp_path, monkeypatch):
    """`postgresql://` (as Dagster documents postgres_url), `+psycopg2` and `+psycopg`: each
    stores a run in the same PostgreSQL, read back with psycopg2 directly."""
    with postgres_server() as server:
        rest = server.url.split("://", 1)[1]
        for scheme in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
            deployed_home(tmp_path, monkeypatch, f"{scheme}://{rest}")
            instance = instance_from_env()
            assert materialize([getal, getal_positief], instance=instance).success, scheme
            instance.dispose()
        with psycopg2.connect(f"postgresql://{rest}") as conn, conn.cursor() as cur:
            cur.execute("SELECT status, count(*) FROM runs GROUP BY status")
            assert cur.fetchall() == [("SUCCESS", 3)]
        # a process of Dagster's own that never imports this package (the daemon, the
        # webserver): the instance class of deploy/dagster.yaml settles the driver there too
        code = "from dagster import DagsterInstance; print(len(DagsterInstance.get().get_runs()))"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_PG_URL": f"postgresql://{rest}"}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert (done.returncode, done.stdout.strip()) == (0, "3"), done.stderr[-2000:]


def build_cli(tmp_path, *env: tuple[str, str]) -> subprocess.CompletedProcess:
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    return subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", *build_args(tmp_path, raw)],
        env={**os.environ, "PYTHONPATH": str(ROOT), **dict(env)},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_an_unreachable_instance_is_one_dutch_line_without_traceback(tmp_path, monkeypatch):
    home = deployed_home(tmp_path, monkeypatch, None)
    port = free_port()  # nothing listens there
    url = f"postgresql://dagster:geheim@127.0.0.1:{port}/dagster"
    done = build_cli(tmp_path, ("DAGSTER_HOME", str(home)), ("DAGSTER_PG_URL", url))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith(
        f"fout: de database van de Dagster-instance ({home}/dagster.yaml) is niet bereikbaar "
        f"(postgresql://dagster:***@127.0.0.1:{port}/dagster): "
    )
    assert "Connection refused" in lines[0] and "geheim" not in done.stdout + done.stderr


def test_a_wrong_or_missing_instance_url_is_one_dutch_line(tmp_path, monkeypatch, capsys):
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    home = deployed_home(tmp_path, monkeypatch, "postgres://dagster@db:5432/dagster")
    assert main(build_args(tmp_path, raw)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "fout: DAGSTER_PG_URL is geen bruikbare PostgreSQL-URL "
        "('postgres://dagster@db:5432/dagster'): schrijf "
        "postgresql://gebruiker:wachtwoord@host:5432/database (of postgresql+psycopg2:// of "
        "postgresql+psycopg://)"
    ]
    deployed_home(tmp_path, monkeypatch, None)
    assert main(build_args(tmp_path, raw)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"fout: DAGSTER_PG_URL is niet ingesteld; de Dagster-instance ({home}/dagster.yaml) "
        "heeft hem nodig"
    ]


def test_the_private_dagster_apis_we_use_are_still_there():
    """What `dagster_storage.py` takes from Dagster's private modules (docs/architecture.md,
    "Private Dagster APIs"), checked by name and signature; and nothing else of the package
    imports `dagster._*`."""
    import inspect
    import re

    from dagster._core.storage.event_log.sqlite import sqlite_event_log as module
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    assert list(inspect.signature(SqliteEventLogStorage._connect).parameters) == ["self", "shard"]
    source = inspect.getsource(SqliteEventLogStorage)
    for name in ("_db_lock", "_initialized_dbs", "_initdb", "conn_string_for_shard"):
        assert name in source, name
    assert isinstance(module.INDEX_SHARD_NAME, str)
    from dagster._config import StringSource  # noqa: F401
    from dagster._core.instance.ref import InstanceRef
    from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
    from dagster._serdes import ConfigurableClassData  # noqa: F401

    assert SQLITE_BUSY_TIMEOUT_SECONDS > 0
    assert callable(InstanceRef.config_defaults)
    private = re.compile(r"^\s*(from|import) dagster\._", re.M)
    users = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "vth_pipeline").rglob("*.py")
        if private.search(p.read_text(encoding="utf-8"))
    )
    assert users == ["vth_pipeline/dagster_storage.py"]
