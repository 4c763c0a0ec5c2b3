"""Running the asset graph for years, stage by stage: shared by `vth build`, `vth check`, tests.

One run per stage and year keeps progress visible and lets a failed (or blocked) year stop
without stopping the other years.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance
from dagster_duckdb import DuckDBResource

from vth_pipeline.definitions import STAGES, make_definitions
from vth_pipeline.defs.factory import VALIDATION_SECONDS
from vth_pipeline.publish.manifest import git_state
from vth_pipeline.resources import VthSettings, assets_dir, project_root, reference_dir
from vth_pipeline.validation import failed_check_messages

# Progress and the reason of a failure are printed by the callers; Dagster's own event log
# (with its ERROR lines and stack traces) stays in the instance, not on the terminal.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class StageResult:
    job: str
    year: int | None
    success: bool
    seconds: float
    error: str | None = None
    validation_seconds: float = 0.0


def instance_from_env() -> DagsterInstance:
    """The instance of DAGSTER_HOME, else the project's `.dagster_home` (so the UI shows runs)."""
    home = Path(os.environ.get("DAGSTER_HOME") or project_root() / ".dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    return DagsterInstance.from_config(str(home.resolve()))


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_builds(instance: DagsterInstance) -> list[str]:
    """Mark runs of earlier `vth build`s whose process is gone (killed) as failed and free
    their pool slots; otherwise a killed build would hold the warehouse pool forever.

    A deployment has the daemon's run monitoring for this; `vth build` runs in its own process
    on this machine, and its runs say which (the pid of their start event).
    """
    from dagster import DagsterEventType, DagsterRunStatus, RunsFilter

    released = []
    active = RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])
    for run in instance.get_runs(active):
        if "vth/build_id" not in run.tags:
            continue
        starts = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_START)
        pid = starts[0].dagster_event.pid if starts and starts[0].dagster_event else None
        if _alive(pid):
            continue
        instance.report_run_failed(run, f"het proces van vth build ({pid}) bestaat niet meer")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def git_commit() -> str:
    """The commit of the code that runs (for the run's tags), or 'onbekend' outside git."""
    commit, _ = git_state(project_root())
    return commit or "onbekend"


def build_tags(settings: VthSettings) -> dict[str, str]:
    """Tags of every run of one `vth build`: the UI shows which build, code and folders."""
    import uuid

    return {
        "vth/build_id": uuid.uuid4().hex[:12],
        "vth/git_commit": git_commit(),
        "vth/raw_dir": str(Path(settings.raw_dir).resolve()),
        "vth/out_dir": str(Path(settings.out_dir).resolve()),
    }


def failure_message(result) -> str:
    """Why a run failed: the failed blocking checks with their reasons, else the step error."""
    checks = failed_check_messages(result, blocking_only=True)
    if checks:
        return "\n".join(checks)
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            cause = error.cause or error if error else None
            return f"stap {event.step_key} mislukt: {_reason(cause) if cause else 'onbekende fout'}"
    return "onbekende fout"


def _reason(error) -> str:
    """An exception's message: ours carry a Dutch message, shown without their class; others
    keep their short class name (`CatalogException: ...`)."""
    message = error.message.strip()
    prefix = re.match(r"^([\w.]+): ", message)
    if not prefix:
        return message
    name, rest = prefix.group(1), message[prefix.end() :]
    return rest if name.startswith("vth_pipeline.") else f"{name.rsplit('.', 1)[-1]}: {rest}"


def validation_seconds(result) -> float:
    """Time the assets of a run spent in their asset checks (from materialisation metadata)."""
    total = 0.0
    for event in result.get_asset_materialization_events():
        value = event.materialization.metadata.get(VALIDATION_SECONDS)
        total += float(getattr(value, "value", 0) or 0)
    return total


class Runner:
    """The definitions with one set of paths, and the runs made with them."""

    def __init__(
        self,
        settings: VthSettings,
        warehouse: DuckDBResource,
        instance: DagsterInstance | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        self.defs = make_definitions(settings, warehouse)
        self.instance = instance or DagsterInstance.ephemeral()
        self.tags = tags or {}

    def run(self, job: str, year: int | None = None) -> StageResult:
        t0 = time.monotonic()
        result = self.defs.resolve_job_def(job).execute_in_process(
            instance=self.instance,
            partition_key=None if year is None else str(year),
            raise_on_error=False,
            run_config=QUIET,
            tags=self.tags,
        )
        error = None if result.success else failure_message(result)
        return StageResult(
            job, year, result.success, time.monotonic() - t0, error, validation_seconds(result)
        )

    def build(
        self,
        years: Iterable[int],
        stages: Sequence[str] = STAGES,
        on_stage: Callable[[str, int | None], None] | None = None,
        on_done: Callable[[StageResult], None] | None = None,
        overview: bool = True,
    ) -> list[StageResult]:
        """Reference data, then each year stage by stage; a failed year stops only itself."""
        results = []

        def step(job: str, year: int | None) -> bool:
            if on_stage:
                on_stage(job, year)
            r = self.run(job, year)
            results.append(r)
            if on_done:
                on_done(r)
            return r.success

        if not step("referentiedata", None):
            return results
        for year in years:
            for stage in stages:
                if not step(f"stap_{stage}", year):
                    break
        if overview and "publicatie" in stages:
            step("overzicht", None)
        return results


def run_stages(
    raw: Path,
    database: Path,
    work: Path,
    years: Iterable[int],
    stages: Sequence[str] = STAGES,
    max_file_bytes: int | None = None,
) -> list[StageResult]:
    """Build into a private workspace (used by `vth check`); raises when a stage fails."""
    settings = VthSettings(
        raw_dir=str(raw),
        out_dir=str(work / "out"),
        archive_dir=str(work / "archief"),
        reference_dir=str(reference_dir()),
        assets_dir=str(assets_dir()),
        **({"max_file_bytes": max_file_bytes} if max_file_bytes else {}),
    )
    results = Runner(settings, DuckDBResource(database=str(database))).build(
        years, stages, overview=False
    )
    failed = [r for r in results if not r.success]
    if failed:
        raise RuntimeError(failed[0].error)
    return results
