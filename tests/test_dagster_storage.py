"""The local instance's event log (vth_pipeline/dagster_storage.py): Dagster's files, read and
written by Dagster's stock SQLite storage as well, with connections opened once, not per event."""

from __future__ import annotations

import shutil

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
