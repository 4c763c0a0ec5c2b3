"""Fault injection on real processes: two builds at once, SIGTERM and SIGINT mid-run, SIGKILL
then a new build, a lock held by a live or a dead process (issue 25).

Every wait is bounded (subprocess timeouts and deadlines). One small delivery of one year; the
two builds started together (`pair`) leave the state the later tests start from.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from tests.conftest import ROOT
from tests.test_operations import deliver, snapshot
from vth_pipeline import writer_lock
from vth_pipeline.publish.swap import staging_folder

YEAR = 2023
BUILD_SECONDS = 240  # a bound, far above the ~30 s a build of this delivery takes
STOP_SECONDS = 10  # the bound for SIGTERM and SIGINT


def home_in(folder: Path) -> Path:
    """A Dagster instance of its own, with the project's instance settings."""
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def instance_of(home: Path) -> DagsterInstance:
    """The instance of `home` (its settings read DAGSTER_HOME once, when it is made)."""
    before = os.environ["DAGSTER_HOME"]
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        return DagsterInstance.from_config(str(home))
    finally:
        os.environ["DAGSTER_HOME"] = before


def start_build(
    folder: Path,
    raw: Path,
    home: Path,
    *args: str,
    out: str = "out",
    pause: float | None = None,
    **env: str,
) -> subprocess.Popen[str]:
    """`vth build` of `raw` into `folder` (out/, w.duckdb), in a process group of its own;
    with `pause`, it sleeps that long after writing the charts (tests/paused_build.py)."""
    cli = ["tests.paused_build", str(pause)] if pause else ["vth_pipeline.cli"]
    return subprocess.Popen(
        [sys.executable, "-m", *cli, "build", "--raw-dir", str(raw),
         "--out", str(folder / out), "--warehouse", str(folder / "w.duckdb"), *args],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home)} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip


def finish(build: subprocess.Popen[str], seconds: float = BUILD_SECONDS) -> tuple[str, str]:
    try:
        return build.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        build.communicate(timeout=30)
        raise AssertionError(f"vth build did not end within {seconds} s") from None


@contextlib.contextmanager
def reaped(build: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """The build, killed with its process group if a test leaves it running."""
    try:
        yield build
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate(timeout=30)


def stop(build: subprocess.Popen[str], signum: int) -> tuple[float, str]:
    """Send `signum` to the build: the seconds until it ended (at most 10), its stderr."""
    sent = time.monotonic()
    build.send_signal(signum)
    _, err = finish(build, STOP_SECONDS)
    return time.monotonic() - sent, err


def wait_until(condition: Callable[[], bool], build: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + BUILD_SECONDS
    while not condition():
        if build.poll() is not None:
            raise AssertionError(f"the build ended before {what}: {build.communicate(timeout=30)}")
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.1)


def lock_record(folder: Path) -> str:
    path = folder / "w.duckdb.lock"
    return path.read_text() if path.exists() else ""


def publication(folder: Path, out: str = "out") -> dict[str, bytes]:
    """The year's published files, but the build log (its times and run ids differ)."""
    files = snapshot(folder / out / str(YEAR))
    return {name: data for name, data in files.items() if name != "bouwlog.json"}


def unfinished(instance: DagsterInstance) -> list:
    active = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
    return instance.get_runs(RunsFilter(statuses=active))


@dataclass
class Pair:
    folder: Path
    home: Path
    first: subprocess.Popen[str]
    second: subprocess.Popen[str]
    outputs: tuple[tuple[str, str], tuple[str, str]]


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Pair:
    """Two builds of one warehouse started together (the second once the first holds the
    lock), publishing into out/ and out_b/; the previous publication of the later tests."""
    folder = tmp_path_factory.mktemp("pair")
    deliver(folder / "raw", YEAR, n=12)
    home = home_in(folder)
    first = start_build(folder, folder / "raw", home)
    try:
        wait_until(lambda: lock_record(folder), first, "took the lock")
        second = start_build(folder, folder / "raw", home, out="out_b")
        outputs_b = finish(second)
    finally:
        outputs_a = finish(first)
    return Pair(folder, home, first, second, (outputs_a, outputs_b))


def test_two_builds_at_once_write_one_after_the_other(pair):
    """The second waits for the first (saying for whom) and then builds; the runs of the two
    never overlap, and both publish the same files (the first ran alone: a single build)."""
    (out1, err1), (out2, err2) = pair.outputs
    assert (pair.first.returncode, pair.second.returncode) == (0, 0), (err1, err2)
    assert f"wacht op het warehouse (ten hoogste 900 s): het wordt geschreven door proces " \
        f"{pair.first.pid} op {socket.gethostname()}" in out2  # fmt: skip
    assert "afgebroken" not in out2
    instance = instance_of(pair.home)
    runs = instance.get_runs()
    spans = {}
    for run in runs:
        record = instance.get_run_record_by_id(run.run_id)
        span = spans.setdefault(run.tags["vth/build_id"], [float("inf"), 0.0])
        span[0] = min(span[0], record.start_time)
        span[1] = max(span[1], record.end_time)
    assert len(spans) == 2 and len(runs) == 6  # reference data, the year, the overview, twice
    (a_start, a_end), (b_start, b_end) = sorted(spans.values())
    assert a_end <= b_start  # exactly one writer at a time
    assert all(r.status == DagsterRunStatus.SUCCESS for r in runs)
    assert publication(pair.folder, "out_b") == publication(pair.folder)
    assert "tabellen/landelijk.csv" in publication(pair.folder)
    assert lock_record(pair.folder) == ""  # let go


def copy_built(pair: Pair, folder: Path) -> None:
    """The pair's warehouse and publication, as the state a next build starts from."""
    shutil.copytree(pair.folder / "out", folder / "out")
    shutil.copy(pair.folder / "w.duckdb", folder / "w.duckdb")


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigterm_mid_run_cancels_it_and_leaves_the_publication(tmp_path, pair):
    """SIGTERM while the year's images are drawn: the build ends within 10 s, its run
    CANCELED (not failed: no alert), the lock let go, the browser gone, the previous
    publication byte for byte as it was."""
    signum = signal.SIGTERM
    copy_built(pair, tmp_path)
    before = snapshot(tmp_path / "out" / str(YEAR))
    raw = tmp_path / "raw"
    deliver(raw, YEAR, n=30)  # a corrected delivery: the new tables differ
    home = home_in(tmp_path)
    charts = staging_folder(tmp_path / "out", YEAR) / "figuren" / "figuren.json"
    with reaped(start_build(tmp_path, raw, home, pause=120)) as build:
        wait_until(
            lambda: charts.exists() and charts.read_bytes() != before["figuren/figuren.json"],
            build,
            "reached the images",
        )
        children = psutil.Process(build.pid).children(recursive=True)
        names = [c.name() for c in children]
        took, err = stop(build, signum)
    assert took < STOP_SECONDS, took
    assert build.returncode == 128 + signum, err
    assert f"vth build gestopt door {signal.Signals(signum).name}" in err
    assert "Traceback" not in err
    instance = instance_of(home)
    years = instance.get_runs(RunsFilter(job_name="staat_van_vth_jaar"))
    assert [r.status for r in years] == [DagsterRunStatus.CANCELED]
    assert unfinished(instance) == []
    assert not instance.get_runs(RunsFilter(job_name="overzicht"))  # the build stopped
    assert lock_record(tmp_path) == ""
    writer_lock.acquire(str(tmp_path / "w.duckdb"), {"pid": 1}, wait=0)  # free at once
    writer_lock.release(str(tmp_path / "w.duckdb"))
    assert [c for c in children if alive(c)] == []
    assert any("chrom" in name for name in names), names  # the browser was among them
    assert snapshot(tmp_path / "out" / str(YEAR)) == before


def test_sigint_in_the_first_run_cancels_it(tmp_path):
    """Ctrl-C as soon as the first run (the reference data) started: the same end."""
    deliver(tmp_path / "raw", YEAR)
    home = home_in(tmp_path)
    instance = instance_of(home)
    with reaped(start_build(tmp_path, tmp_path / "raw", home)) as build:
        wait_until(lambda: bool(unfinished(instance)), build, "started a run")
        children = psutil.Process(build.pid).children(recursive=True)  # the browser, starting
        took, err = stop(build, signal.SIGINT)
    assert took < STOP_SECONDS, took
    assert build.returncode == 130, err
    assert "vth build gestopt door SIGINT" in err and "Traceback" not in err, err
    assert [r.status for r in instance.get_runs()] == [DagsterRunStatus.CANCELED]
    assert lock_record(tmp_path) == ""
    assert [c for c in children if alive(c)] == []


def test_after_sigkill_the_next_build_proceeds_and_ends_the_dead_runs(tmp_path, pair):
    """A build killed outright (no handler runs): the kernel lets go of its lock; the next
    build proceeds at once and marks the killed build's run failed."""
    copy_built(pair, tmp_path)
    home = home_in(tmp_path)
    instance = instance_of(home)
    with reaped(start_build(tmp_path, pair.folder / "raw", home)) as killed:
        wait_until(lambda: bool(unfinished(instance)), killed, "started a run")
        os.killpg(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=30)
    (dead_run,) = unfinished(instance)  # the killed build's run, left STARTED
    assert f'"pid": {killed.pid}' in lock_record(tmp_path)  # its record, left behind
    build = start_build(
        tmp_path, pair.folder / "raw", home, "--alleen-gewijzigd", VTH_WAREHOUSE_LOCK_WAIT="5"
    )
    out, err = finish(build)
    assert build.returncode == 0, err
    assert "wacht op het warehouse" not in out  # a dead holder never blocks
    assert f"let op: run {dead_run.run_id} van een afgebroken build als mislukt gemarkeerd" in out
    assert instance.get_run_by_id(dead_run.run_id).status == DagsterRunStatus.FAILURE
    assert unfinished(instance) == []
    done = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.SUCCESS]))
    assert {r.job_name for r in done} == {"referentiedata", "overzicht"}  # nothing changed
    assert publication(tmp_path) == publication(pair.folder)
    assert lock_record(tmp_path) == ""


HOLDER = """
import sys, time
from vth_pipeline import writer_lock
writer_lock.acquire(sys.argv[1], writer_lock.holder_record(run_id="run-van-de-daemon"), 0)
print("vast", flush=True)
time.sleep(120)
"""


def hold_writer_lock(database: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "vast"
    return holder


def test_a_build_waits_no_longer_than_configured_and_names_the_holder(tmp_path):
    """A holder that does not let go: `vth build` fails after VTH_WAREHOUSE_LOCK_WAIT seconds
    with one Dutch line naming pid, host, command, run and since when."""
    deliver(tmp_path / "raw", YEAR)
    holder = hold_writer_lock(tmp_path / "w.duckdb")
    try:
        started = time.monotonic()
        build = start_build(
            tmp_path, tmp_path / "raw", home_in(tmp_path), VTH_WAREHOUSE_LOCK_WAIT="2"
        )
        out, err = finish(build, 60)
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert build.returncode == 1
    (line,) = err.splitlines()
    assert line.startswith(
        f"fout: Het warehouse {tmp_path / 'w.duckdb'} wordt geschreven door proces "
        f"{holder.pid} op {socket.gethostname()} (python -c {tmp_path / 'w.duckdb'}; "
    ), line
    assert "run run-van-de-daemon), sinds 20" in line
    assert "na 2 s wachten is gestopt" in line and "VTH_WAREHOUSE_LOCK_WAIT" in line
    assert 2 <= took < 30, took


def test_a_run_of_the_code_location_takes_the_lock_too(tmp_path):
    """A run the daemon or a backfill would start (not `vth build`): its first warehouse step
    waits for the lock and fails naming the holder; it carries the writer tag, also when it
    was made for an asset selection (as an asset backfill's runs are)."""
    from dagster import AssetKey
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.definitions import make_definitions
    from vth_pipeline.defs.jobs import WRITER_TAGS
    from vth_pipeline.resources import VthSettings

    database = tmp_path / "w.duckdb"
    settings = VthSettings(
        raw_dir=str(tmp_path / "raw"),
        reference_dir=str(ROOT / "data" / "reference"),
        warehouse_lock_wait=1,
    )
    defs = make_definitions(settings, DuckDBResource(database=str(database)))
    job = defs.resolve_implicit_global_asset_job_def()
    instance = DagsterInstance.ephemeral()
    holder = hold_writer_lock(database)
    try:
        started = time.monotonic()
        result = job.execute_in_process(
            instance=instance,
            asset_selection=[AssetKey("ref_partners")],
            raise_on_error=False,
        )
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert not result.success
    assert took < 30, took
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert f"wordt geschreven door proces {holder.pid}" in str(failure.step_failure_data.error)
    run = instance.get_run_by_id(result.run_id)
    assert {k: run.tags.get(k) for k in WRITER_TAGS} == WRITER_TAGS

    # the holder is gone (killed): the next run takes the lock at once and ends its run
    result = job.execute_in_process(
        instance=instance,
        asset_selection=[AssetKey("ref_partners")],
        raise_on_error=False,
    )
    assert result.success
    assert lock_record(tmp_path) == ""


def test_every_subprocess_the_pipeline_starts_has_a_timeout():
    """Every `subprocess` call in the package names a timeout, and none is a bare `Popen`
    (which has none); the browser is started and bounded by publish/images.py."""
    import ast

    calls = []
    for path in sorted((ROOT / "vth_pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "subprocess"
            ):
                keywords = {k.arg for k in node.keywords}
                calls.append((path.name, node.func.attr, "timeout" in keywords))
    assert calls, "the package starts git and the browser's --version"
    assert [c for c in calls if c[1] == "Popen" or not c[2]] == []


def wait_for_line(build: subprocess.Popen[str], text: str, seconds: float = 60) -> None:
    """Read the build's stdout until a line holds `text`, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([build.stdout], [], [], 0.5)
        if ready:
            line = build.stdout.readline()
            assert line, f"the build ended before saying {text!r}"
            if text in line:
                return
    raise AssertionError(f"the build did not say {text!r} within {seconds} s")


def test_sigterm_while_waiting_for_the_lock_ends_the_build_at_once(tmp_path):
    deliver(tmp_path / "raw", YEAR)
    holder = hold_writer_lock(tmp_path / "w.duckdb")
    home = home_in(tmp_path)
    try:
        with reaped(start_build(tmp_path, tmp_path / "raw", home)) as build:
            wait_for_line(build, f"wacht op het warehouse (ten hoogste 900 s): het wordt "
                          f"geschreven door proces {holder.pid}")  # fmt: skip
            took, err = stop(build, signal.SIGTERM)
        assert holder.poll() is None  # the holder keeps its lock
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert took < STOP_SECONDS, took
    assert build.returncode == 143
    assert err == "fout: vth build gestopt door SIGTERM (wachtend op het warehouse)\n"
    assert instance_of(home).get_runs() == []
