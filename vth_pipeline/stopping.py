"""SIGTERM and SIGINT end a `vth build` within seconds, its run marked canceled.

A build runs its Dagster runs in its own process (`execute_in_process`). While a run executes,
Dagster's own handlers catch both signals: in a step they interrupt it at once, between steps
they are noted and interrupt the next step. Dagster then marks the run CANCELED only when the
run was already CANCELING (a termination request); otherwise it records a failure and the
build would carry on with its next year. Hence:

- `SignalWatch` learns of every SIGTERM and SIGINT whichever Python handler runs, through the
  interpreter's wakeup file descriptor (`signal.set_wakeup_fd`: the signal number is written
  there before any handler runs);
- its event listener (`cancel_on_signal`) marks the run CANCELING as soon as a signal was seen,
  so the interrupted run ends CANCELED, not failed, and no alert says it broke;
- between runs its own handler raises `BuildStopped`, and after every run the runner asks
  `stop_requested()` and raises it: no later year, no overview page;
- `cancel_unfinished` marks whatever run of the build was not ended yet (a signal during the
  start of a run) CANCELED.

The writer lock and the run's DuckDB connection are let go by the run's resource teardown and
the build's `finally`; the browser of the images is closed with its processes
(`images.stop_image_server`, also for a browser still starting).
The publication is untouched: a year is swapped in by one rename at the end of its run
(publish/swap.py), so an interrupted run leaves the previous year as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class BuildStopped(BaseException):
    """A stop was asked by SIGTERM or SIGINT; the build ends after canceling its run.

    A BaseException, as KeyboardInterrupt: raised between runs it may land in code (Dagster's
    or ours) that handles `Exception` as a failure of the run; a stop is not a failure."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"gestopt door {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


class SignalWatch:
    """The stop signals this process received (see the module's docstring)."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self._read = self._write = -1
        self._previous: dict[int, object] = {}
        self._previous_fd = -1

    def install(self) -> None:
        """Watch from now on; only the main thread can (signal handlers run there)."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._read, self._write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._between_runs)

    def uninstall(self) -> None:
        if self._read < 0:
            return
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._read = self._write = -1

    def _between_runs(self, signum: int, _frame) -> None:
        self._drain()
        if signum not in self.received:
            self.received.append(signum)
        raise BuildStopped(signum)

    def _drain(self) -> None:
        if self._read < 0:
            return
        with contextlib.suppress(BlockingIOError, OSError):
            while data := os.read(self._read, 64):
                self.received += [s for s in data if s in STOP_SIGNALS]

    def stop_requested(self) -> int | None:
        """The first stop signal received so far, if any."""
        self._drain()
        return self.received[0] if self.received else None

    def raise_if_stopped(self) -> None:
        signum = self.stop_requested()
        if signum is not None:
            raise BuildStopped(signum)

    def cancel_on_signal(self, instance, run_id: str):
        """An event listener for a run: marks it CANCELING once a stop signal was seen."""
        marked = []

        def listener(_record) -> None:
            if marked or self.stop_requested() is None:
                return
            run = instance.get_run_by_id(run_id)
            if run is not None and not run.is_finished:
                marked.append(run_id)
                name = signal.Signals(self.received[0]).name
                instance.report_run_canceling(run, message=f"vth build gestopt door {name}")

        return listener


@contextlib.contextmanager
def watching(watch: SignalWatch) -> Iterator[SignalWatch]:
    watch.install()
    try:
        yield watch
    finally:
        watch.uninstall()


def cancel_unfinished(instance, tags: dict[str, str], reason: str) -> list[str]:
    """Mark the runs with `tags` that did not end as CANCELED; returns their ids."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = [
        DagsterRunStatus.NOT_STARTED,
        DagsterRunStatus.STARTING,
        DagsterRunStatus.STARTED,
        DagsterRunStatus.CANCELING,
    ]
    ended = []
    for run in instance.get_runs(RunsFilter(tags=tags, statuses=unfinished)):
        instance.report_run_canceled(run, message=reason)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        ended.append(run.run_id)
    return ended
