"""The verdict: `vth check`'s own function (`vth_pipeline.check.check_file`), in a child process.

Why a child: the check reads a stranger's file; whatever it meets (a bound that was missed, a
native crash, a read that takes too long) must end in a verdict, never in the portal's process.
Workers are forked from a forkserver that imported the check once and then serve check
after check (a fresh process pays about a second of first-use costs in DuckDB and pandas on
every file); a worker whose check runs past the time limit is killed and replaced, and the file
is rejected with that reason. The worker writes the XLSX report (`check.write_report`, as
`vth check --report`) and sends back the verdict with at most `max_findings` findings (the
report has them all).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import queue
import traceback
from dataclasses import dataclass
from pathlib import Path

from vth_pipeline.check import check_file, write_report
from vth_pipeline.contract.statuses import AFGEWEZEN

# A forkserver child imports the starting script's main module as `__mp_main__` (Python's own
# rule): `vth` and `python -m vth_pipeline.cli` guard their start with `if __name__ ==
# "__main__"`, and so must any script that starts the portal.
CONTEXT = multiprocessing.get_context("forkserver")
# What the check imports on its first call (DuckDB hands frames over through pandas and
# pyarrow; the report is written with xlsxwriter): imported once in the forkserver, a child
# starts warm. Imports only: nothing that starts threads runs before the fork.
CONTEXT.set_forkserver_preload([__name__, "numpy", "pandas", "pyarrow", "xlsxwriter"])

TOO_SLOW = "de controle duurde langer dan {seconds:g} seconden; het bestand is niet beoordeeld"
CRASHED = (
    "het bestand kon niet worden gecontroleerd (de controle brak af); meld dit aan de beheerder"
)


@dataclass(frozen=True)
class Job:
    path: Path
    partner: str
    jaar: int
    soort: str
    bestandsnaam: str  # as the partner named it, for the report; never a path
    raw_dir: Path
    max_file_bytes: int
    work: Path
    report: Path
    max_findings: int


def _judge(job: Job) -> dict:
    verdict = check_file(
        job.path,
        partner=job.partner,
        year=job.jaar,
        soort=job.soort,
        raw_dir=job.raw_dir if job.raw_dir.is_dir() else None,
        max_file_bytes=job.max_file_bytes,
        work=job.work,
    )
    verdict.bestand = job.bestandsnaam
    write_report([verdict], job.report)
    result = dataclasses.asdict(verdict)
    result["bevindingen_totaal"] = len(verdict.bevindingen)
    result["opmerkingen_totaal"] = len(verdict.opmerkingen)
    result["bevindingen"] = result["bevindingen"][: job.max_findings]
    result["opmerkingen"] = result["opmerkingen"][: job.max_findings]
    return result


def _serve(conn) -> None:
    """A worker: judge the jobs that arrive, one at a time, until the pipe closes."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = _judge(job)
        except BaseException:  # noqa: BLE001 - the parent turns it into a verdict, never a crash
            result = {"fout": traceback.format_exc(limit=5)}
        conn.send(result)


class Worker:
    """A child process that keeps serving checks (warm after its first); killed when late."""

    def __init__(self):
        self.conn, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(10)


class Pool:
    """`size` workers; a worker is replaced after a timeout, a crash or `max_jobs` jobs (so
    whatever one check left behind in memory does not grow without bound)."""

    def __init__(self, size: int, max_jobs: int = 200):
        self.size, self.max_jobs = size, max_jobs
        self.idle: queue.Queue[Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)  # started on first use

    def run(self, job: Job, seconds: float) -> tuple[dict, str | None]:
        """(verdict as a dict, error text for the log or None); blocks up to `seconds`."""
        worker = self.idle.get() or Worker()
        try:
            try:
                worker.conn.send(job)
            except OSError:  # it died while idle (killed from outside): a fresh one takes it
                worker.stop()
                worker = Worker()
                worker.conn.send(job)
            if not worker.conn.poll(seconds):
                worker.stop()
                worker = None
                return rejected(TOO_SLOW.format(seconds=seconds), job), "tijdslimiet"
            result = worker.conn.recv()
        except (EOFError, OSError):
            worker.stop()
            code = worker.process.exitcode
            worker = None
            return rejected(CRASHED, job), f"controleproces stopte (exitcode {code})"
        finally:
            if worker is not None:
                worker.jobs += 1
                if worker.jobs >= self.max_jobs:
                    worker.stop()
                    worker = None
            self.idle.put(worker)
        if "fout" in result:
            return rejected(CRASHED, job), result["fout"]
        return result, None

    def close(self) -> None:
        while not self.idle.empty():
            worker = self.idle.get_nowait()
            if worker is not None:
                worker.stop()


def rejected(reason: str, job: Job) -> dict:
    """A verdict without rows: the whole file rejected for `reason`."""
    return {
        "bestand": job.bestandsnaam,
        "jaar": job.jaar,
        "partner_code": job.partner,
        "soort": job.soort,
        "status": AFGEWEZEN,
        "reden": reason,
        "rijen": None,
        "geaccepteerd": None,
        "quarantaine": None,
        "bevindingen": [],
        "opmerkingen": [],
        "bevindingen_totaal": 0,
        "opmerkingen_totaal": 0,
    }


@dataclass
class Checks:
    """The pool and the limit on threads waiting for it (one per worker)."""

    pool: Pool
    limiter: object  # anyio.CapacityLimiter, made inside the event loop
