"""Operations: settings from the environment, runs in the instance, one warehouse writer."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml
from dagster import DagsterInstance, DagsterRunStatus, EnvVar, RunsFilter

from tests.conftest import CONTROLES_HEADER, ROOT, write
from vth_pipeline.cli import main


def deliver(raw: Path, year: int, n: int = 12) -> None:
    """A tiny, valid delivery of one omgevingsdienst for `year`."""
    rows = "".join(
        f"C{i},GM0518,I{i % 5},{year}-03-0{1 + i % 9},fysiek,programma,lucht,"
        "geen_overtreding,,,,,\n"
        for i in range(n)
    )
    write(raw / str(year) / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + rows)
    write(
        raw / str(year) / "ODH" / "kengetallen.csv",
        "indicator,waarde\ninrichtingen_in_beheer,40\nfte_toezicht_handhaving,2\n",
    )


def build_args(tmp: Path, raw: Path, *extra: str) -> list[str]:
    return [
        "build",
        "--raw-dir",
        str(raw),
        "--out",
        str(tmp / "out"),
        "--warehouse",
        str(tmp / "w.duckdb"),
        *extra,
    ]


def test_importing_the_code_location_creates_no_folder(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VTH_WAREHOUSE": str(tmp_path / "w" / "vth.duckdb"),
        "VTH_OUT_DIR": str(tmp_path / "out"),
        "VTH_ARCHIVE_DIR": str(tmp_path / "archief"),
    }
    work = tmp_path / "cwd"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", "import vth_pipeline.definitions as d; d.defs.resolve_job_def"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd"]
    assert list(work.iterdir()) == []


def test_settings_come_from_the_environment_as_envvar(monkeypatch):
    from vth_pipeline.resources import settings_from_env, warehouse_from_env

    monkeypatch.setenv("VTH_RAW_DIR", "/srv/raw")
    monkeypatch.setenv("VTH_ALERT_WEBHOOK", "http://127.0.0.1:9/x")
    monkeypatch.setenv("VTH_WAREHOUSE", "/srv/w.duckdb")
    monkeypatch.delenv("VTH_OUT_DIR", raising=False)
    settings = settings_from_env(out_dir="elders")
    assert isinstance(settings.raw_dir, EnvVar) and settings.raw_dir.env_var_name == "VTH_RAW_DIR"
    assert settings.alert_webhook.env_var_name == "VTH_ALERT_WEBHOOK"
    assert settings.out_dir == "elders"  # an explicit value (the CLI) wins
    assert warehouse_from_env().database.env_var_name == "VTH_WAREHOUSE"


def test_vth_build_records_its_runs_tagged_in_the_configured_instance(
    tmp_path, monkeypatch, capsys
):
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    current = dt.date.today().year
    deliver(raw, current)  # a partner delivered early: the open year is skipped, not refused
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(build_args(tmp_path, raw)) == 0
    out = capsys.readouterr().out
    assert (
        f"overgeslagen: {raw / str(current)}: verslagjaar {current} is nog niet afgesloten" in out
    )
    assert "Gebouwd: 2023." in out
    assert not (tmp_path / "out" / str(current)).exists()
    runs = DagsterInstance.from_config(str(home)).get_runs()
    jobs = sorted(r.job_name for r in runs)
    assert jobs == ["overzicht", "referentiedata", "staat_van_vth_jaar"]  # one run per year
    assert all(r.status == DagsterRunStatus.SUCCESS for r in runs)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    tags = {
        (
            r.tags["vth/build_id"],
            r.tags["vth/git_commit"],
            r.tags["vth/raw_dir"],
            r.tags["vth/out_dir"],
        )
        for r in runs
    }
    assert len(tags) == 1  # one build id for every run of the build
    build_id, commit, raw_tag, out_tag = tags.pop()
    assert re.fullmatch(r"[0-9a-f]{12}", build_id)
    assert (commit, raw_tag, out_tag) == (head, str(raw.resolve()), str(tmp_path / "out"))
    partitioned = RunsFilter(tags={"dagster/partition": "2023"})
    assert len(DagsterInstance.from_config(str(home)).get_runs(partitioned)) == 1  # per year


def test_without_dagster_home_vth_build_uses_the_projects_instance(monkeypatch, tmp_path):
    from vth_pipeline import runner

    monkeypatch.delenv("DAGSTER_HOME")
    monkeypatch.setattr(runner, "project_root", lambda: tmp_path)
    assert runner.instance_from_env().root_directory == str(tmp_path / ".dagster_home")


# --- one writer at a time ---------------------------------------------------------------------


def test_every_asset_that_opens_the_warehouse_is_in_the_one_pool_of_limit_1():
    from vth_pipeline.definitions import defs
    from vth_pipeline.resources import WAREHOUSE_POOL

    graph = defs.resolve_asset_graph()
    writers = [
        graph.get(key).assets_def
        for key in graph.get_all_asset_keys()
        if "duckdb" in graph.get(key).assets_def.required_resource_keys
    ]
    assert len(writers) > 30
    assert {a.node_def.pool for a in writers} == {WAREHOUSE_POOL}
    for config in (ROOT / ".dagster_home" / "dagster.yaml", ROOT / "deploy" / "dagster.yaml"):
        pools = yaml.safe_load(config.read_text())["concurrency"]["pools"]
        assert pools["default_limit"] == 1, config


def hold_lock(database: Path) -> subprocess.Popen:
    """Another process (an analyst's session) that holds the DuckDB file open for writing."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"c = duckdb.connect({str(database)!r})\n"
            "print('open', flush=True)\n"
            "time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_writer_meeting_a_lock_fails_within_seconds_saying_who_holds_it(tmp_path, capsys):
    raw = tmp_path / "raw"
    deliver(raw, 2023)
    holder = hold_lock(tmp_path / "w.duckdb")
    try:
        started = time.monotonic()
        code = main(build_args(tmp_path, raw, "--year", "2023"))
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    err = capsys.readouterr().err
    assert code == 1
    assert elapsed < 10, elapsed  # the bound: fails within 10 s, not minutes
    assert f"in gebruik door proces {holder.pid}" in err
    assert "Sluit die sessie" in err


def test_an_asset_meeting_a_lock_fails_its_run_within_seconds_saying_who(tmp_path):
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.resources import VthSettings
    from vth_pipeline.runner import Runner

    database = tmp_path / "w.duckdb"
    runner = Runner(
        VthSettings(reference_dir=str(ROOT / "data" / "reference")),
        DuckDBResource(database=str(database)),
    )
    holder = hold_lock(database)
    try:
        result = runner.run("stap_leveringen", 2023)  # one asset, one connect
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert not result.success
    assert result.seconds < 10, result.seconds
    assert f"in gebruik door proces {holder.pid}" in result.error


# --- atomic publication ---------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_build_killed_while_publishing_leaves_the_previous_year_complete(tmp_path, capsys):
    import signal

    from vth_pipeline.publish.swap import staging_folder

    raw = tmp_path / "raw"
    deliver(raw, 2023, n=12)
    assert main(build_args(tmp_path, raw)) == 0
    published = tmp_path / "out" / "2023"
    before = snapshot(published)
    assert "index.html" in before and "tabellen/landelijk.csv" in before

    deliver(raw, 2023, n=30)  # a corrected delivery: every table changes
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    build = subprocess.Popen(  # pauses after writing the charts (tests/paused_build.py)
        [sys.executable, "-m", "tests.paused_build", "300", *build_args(tmp_path, raw)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staged = staging_folder(tmp_path / "out", 2023)
    try:
        deadline = time.monotonic() + 240
        charts = staged / "figuren" / "figuren.json"  # rewritten just before the pause
        while not charts.exists() or charts.read_bytes() == before["figuren/figuren.json"]:
            assert build.poll() is None, "the build ended before its publication stage"
            assert time.monotonic() < deadline, "the build never reached the publication stage"
            time.sleep(0.2)
        os.killpg(build.pid, signal.SIGKILL)  # killed halfway through publishing 2023
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
    # the new tables were written, but only in the staging folder
    assert (staged / "tabellen" / "landelijk.csv").read_bytes() != before["tabellen/landelijk.csv"]
    assert snapshot(published) == before  # the previous publication, complete and unchanged

    capsys.readouterr()
    assert main(build_args(tmp_path, raw)) == 0  # the next build publishes over the leftover
    # the killed build's run no longer holds the warehouse pool
    assert "van een afgebroken build als mislukt gemarkeerd" in capsys.readouterr().out
    after = snapshot(published)
    assert after["tabellen/landelijk.csv"] != before["tabellen/landelijk.csv"]
    assert set(after) == set(before)
    assert not (tmp_path / "out" / ".bouw").exists()


def test_local_instance_commits_without_waiting_for_every_fsync(tmp_path, monkeypatch):
    """Dagster's own connections to the local instance's SQLite files: WAL, synchronous=NORMAL
    (1); another SQLite file in the same process keeps SQLite's default (FULL, 2)."""
    import sqlalchemy

    from vth_pipeline.runner import instance_from_env

    home = tmp_path / "dagster_home"
    write(home / "dagster.yaml", "telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = instance_from_env()
    with instance.event_log_storage.index_connection() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    other = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'ander.db'}")
    with other.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    other.dispose()
    instance.dispose()


def test_closed_years_are_the_yearly_partitions():
    """`vth check` and discovery know the closed years without Dagster; they are the keys of
    the yearly partitions (from 2021 up to last year), today and on other dates."""
    import datetime as dt

    from vth_pipeline.contract.columns import closed_years
    from vth_pipeline.partitions import yearly

    today = dt.date.today()
    assert [str(y) for y in closed_years(today)] == yearly.get_partition_keys()
    assert list(closed_years(dt.date(2026, 1, 1))) == [2021, 2022, 2023, 2024, 2025]
    assert list(closed_years(dt.date(2025, 12, 31))) == [2021, 2022, 2023, 2024]
    assert [str(y) for y in closed_years(dt.date(2025, 12, 31))] == yearly.get_partition_keys(
        current_time=dt.datetime(2025, 12, 31, 23, 0)
    )


def test_vth_check_does_not_import_dagster_or_great_expectations():
    """A partner's check of one file starts without the orchestration it does not use."""
    code = (
        "import sys, vth_pipeline.check; "
        "print(sorted(m for m in ('dagster', 'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_warm_up_starts_gx_and_the_browser_only_for_the_stages_that_need_them(tmp_path):
    """In a fresh process: GX is imported in the background only for checking stages, and a
    missing browser is left to publicatie_figuren to report (no error at the start)."""
    script = """
import sys, time
from vth_pipeline.runner import warm_up
from vth_pipeline.validation.gx import GxRuntime
assert warm_up(["leveringen", "raw"]) == []
time.sleep(0.5)
assert "great_expectations" not in sys.modules
assert warm_up(["raw", "stg", "publicatie"]) == ["gx"]  # no browser at BROWSER_PATH
deadline = time.monotonic() + 120
while GxRuntime._instance is None and time.monotonic() < deadline:
    time.sleep(0.1)
assert GxRuntime._instance is not None and "great_expectations" in sys.modules
print("ok")
"""
    env = os.environ | {"BROWSER_PATH": str(tmp_path / "geen-chromium"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
