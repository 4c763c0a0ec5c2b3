"""One writer of the warehouse for sure: an OS file lock beside the DuckDB file.

`vth build` holds it for the whole build (reference data, every year, the overview page) and
every run of the code location holds it from its first warehouse step to its end
(resources.RunWarehouse), whoever launched the run: the daemon's sensor and schedule, a
backfill, the UI. The lock is taken atomically by the kernel (`flock`), not checked and then
taken, and the kernel releases it when its holder dies, however it dies (SIGKILL, out of
memory): a dead holder never blocks.

The lock file (`<warehouse>.lock`) says who holds it: pid, host, command, run or build id and
since when; a process that waits too long names that holder in its one Dutch line. A holder
that ends normally empties the file before it lets go, so a new holder that finds it filled
knows the previous holder died while writing, and which Dagster runs it left behind
(`runner.end_runs_of_dead_holder` marks them failed and frees their pool slots).

Why `fcntl.flock` and not the `filelock` package: filelock opens the lock file with O_TRUNC on
every attempt, so each waiter would erase the holder's record that the Dutch message names.
The lock itself is the same system call either way. POSIX only (the pipeline runs on Linux).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shlex
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vth_pipeline import environment
from vth_pipeline.warehouse import WarehouseLocked

LOCK_SUFFIX = ".lock"
LOCK_WAIT_ENV = environment.WAREHOUSE_LOCK_WAIT.name  # a setting (resources.SETTINGS_ENV)
POLL_SECONDS = 0.2


class WarehouseBusy(WarehouseLocked):
    """Another build or run held the warehouse longer than this one would wait (Dutch)."""


@dataclass
class _Held:
    fd: int
    count: int


_HELD: dict[str, _Held] = {}
_GUARD = threading.Lock()


def lock_path(database: str) -> Path | None:
    """The lock file of a warehouse file; None for an in-memory database (nothing to share)."""
    if not database or database == ":memory:":
        return None
    file = Path(database).resolve()
    return file.with_name(file.name + LOCK_SUFFIX)


def holder_record(command: str | None = None, **ids: str) -> dict[str, Any]:
    """What the lock file says about this process: pid, host, command (this process's own
    unless given), since when, and the ids of its build or run."""
    if command is None and sys.argv:
        program = "python -c" if sys.argv[0] == "-c" else Path(sys.argv[0]).name
        command = " ".join([program, shlex.join(sys.argv[1:])]).strip()
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": (command or "")[:300],
        "since": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        **{k: v for k, v in ids.items() if v},
    }


def describe(record: dict[str, Any]) -> str:
    """A holder in Dutch, for the one line of a process that waited in vain."""
    if not record:
        return "een ander proces (dat zich niet in het slotbestand heeft genoemd)"
    ids = ", ".join(
        f"{label} {record[key]}"
        for key, label in (("run_id", "run"), ("build_id", "build"))
        if record.get(key)
    )
    return (
        f"proces {record.get('pid', '?')} op {record.get('host', '?')} "
        f"({record.get('command') or 'onbekend commando'}{'; ' + ids if ids else ''}), "
        f"sinds {record.get('since', '?')}"
    )


def busy_message(database: str, record: dict[str, Any], waited: float) -> str:
    return (
        f"Het warehouse {database} wordt geschreven door {describe(record)}; na {waited:g} s "
        f"wachten is gestopt (er schrijft maar één proces tegelijk; wacht tot dat klaar is en "
        f"start opnieuw, of stel de wachttijd in met {LOCK_WAIT_ENV})."
    )


def _read(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    try:
        record = json.loads(data) if data.strip() else {}
    except ValueError:
        return {"command": data.decode(errors="replace").strip()[:200]}
    return record if isinstance(record, dict) else {}


def _write(fd: int, record: dict[str, Any]) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(record, sort_keys=True) + "\n").encode() if record else b"")


def acquire(
    database: str,
    record: dict[str, Any],
    wait: float,
    on_wait: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Hold the warehouse's lock, waiting at most `wait` seconds; returns the record a holder
    that died left behind (empty when the previous holder let go normally). `on_wait` is told
    once, in Dutch, whom this process waits for.

    Re-entrant within a process: the runs of `vth build` take the lock the build already holds
    (flock would refuse a second open file of the same process)."""
    path = lock_path(database)
    if path is None:
        return {}
    key = str(path)
    with _GUARD:
        if key in _HELD:
            _HELD[key].count += 1
            return {}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
    deadline = time.monotonic() + max(wait, 0)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(
                        f"wacht op het warehouse (ten hoogste {wait:g} s): het wordt "
                        f"geschreven door {describe(_read(fd))}"
                    )
                    on_wait = None
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(busy_message(database, _read(fd), wait)) from None
                time.sleep(POLL_SECONDS)
        left = _read(fd)
        _write(fd, record)
    except BaseException:
        os.close(fd)  # closing the file lets go of the lock, if it was taken
        raise
    with _GUARD:
        _HELD[key] = _Held(fd, 1)
    return left


def release(database: str) -> None:
    """Let go (the outermost holder of the process only), saying the file is free first."""
    path = lock_path(database)
    if path is None:
        return
    with _GUARD:
        held = _HELD.get(str(path))
        if held is None:
            return
        held.count -= 1
        if held.count:
            return
        del _HELD[str(path)]
    try:
        _write(held.fd, {})
    finally:
        os.close(held.fd)  # the kernel releases the flock with the last descriptor


def end_runs_of_dead_holder(instance, record: dict[str, Any]) -> list[str]:
    """Mark the unfinished Dagster runs of a holder that died holding the lock as failed and
    free their pool slots; returns their run ids.

    Certain, not guessed: the record was left in the lock file, so its process ended without
    letting go, and the kernel gave the lock to the caller only because that process is gone.
    Without this a killed `vth build` would keep its runs STARTED, and with them the
    warehouse pool and the run queue, until the daemon's run monitoring timed them out."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = [
        DagsterRunStatus.NOT_STARTED,
        DagsterRunStatus.STARTING,
        DagsterRunStatus.STARTED,
        DagsterRunStatus.CANCELING,
    ]
    runs = []
    if record.get("run_id"):
        runs += instance.get_runs(RunsFilter(run_ids=[record["run_id"]], statuses=unfinished))
    if record.get("build_id"):
        build = {"vth/build_id": record["build_id"]}
        runs += instance.get_runs(RunsFilter(tags=build, statuses=unfinished))
    ended = []
    for run in {r.run_id: r for r in runs}.values():
        instance.report_run_failed(
            run,
            f"het proces {record.get('pid', '?')} op {record.get('host', '?')} dat het warehouse "
            f"schreef sinds {record.get('since', '?')} bestaat niet meer (afgebroken)",
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        ended.append(run.run_id)
    return ended
