"""Running the asset graph for years: shared by `vth build`, benchmarks and tests.

One Dagster run per year (job `staat_van_vth_jaar`, or the selected stages of it): a failed
(or blocked) year stops without stopping the other years, and a run's start-up is paid once a
year rather than once per stage and year. Progress is still reported per stage: the run's
step events are followed as they happen, and a stage is reported when its last step ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    DagsterInvalidConfigError,
    DagsterRunStatus,
)
from dagster_duckdb import DuckDBResource
from dagster_postgres.utils import DagsterPostgresException

from vth_pipeline import environment
from vth_pipeline.alerts import describe_failure
from vth_pipeline.definitions import STAGES, YEARLY_ASSETS, make_definitions, year_job
from vth_pipeline.defs.factory import VALIDATION_SECONDS
from vth_pipeline.publish.images import BrowserNotFoundError, start_image_server
from vth_pipeline.publish.manifest import git_state
from vth_pipeline.resources import VthSettings, project_root
from vth_pipeline.stopping import SignalWatch
from vth_pipeline.validation import failed_check_messages
from vth_pipeline.validation.gx import import_in_background

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


class InstanceUnavailable(Exception):
    """The Dagster instance cannot be opened or was lost; the message is one Dutch line."""


def instance_from_env() -> DagsterInstance:
    """The instance of DAGSTER_HOME, else the project's `.dagster_home` (so the UI shows runs).

    Raises InstanceUnavailable (a wrong or unset DAGSTER_PG_URL, an unreachable PostgreSQL)."""
    home = Path(os.environ.get("DAGSTER_HOME") or project_root() / ".dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DAGSTER_HOME", str(home.resolve()))  # dagster.yaml refers to it
    sqlite_commits_without_fsync_under(home.resolve())
    try:
        return DagsterInstance.from_config(str(home.resolve()))
    except INSTANCE_ERRORS as e:
        raise InstanceUnavailable(instance_problem(e, home)) from e


# What using the instance's storage raises when its database went away (after dagster-postgres's
# own retries), and what opening it raises when its configuration is wrong.
INSTANCE_LOST = (sqlalchemy.exc.SQLAlchemyError, DagsterPostgresException)
INSTANCE_ERRORS = (
    *INSTANCE_LOST,
    DagsterInvalidConfigError,
    ImportError,  # a URL naming a driver that is not installed (mysql://)
)
PG_URL_ENV = environment.PG_URL.name  # deploy/dagster.yaml


def _shown_url() -> str:
    """DAGSTER_PG_URL without its password."""
    url = os.environ.get(PG_URL_ENV, "")
    try:
        return sqlalchemy.make_url(url).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def instance_problem(error: BaseException, home: Path | None = None) -> str:
    """One Dutch line for an instance that cannot be opened or was lost mid-run."""
    where = f" ({home}/dagster.yaml)" if home else ""
    unset = re.search(r'environment variable "(\w+)"', str(error))
    if isinstance(error, DagsterInvalidConfigError) and unset:
        return f"{unset.group(1)} is niet ingesteld; de Dagster-instance{where} heeft hem nodig"
    if isinstance(error, sqlalchemy.exc.ArgumentError | ImportError):
        return (
            f"{PG_URL_ENV} is geen bruikbare PostgreSQL-URL ({_shown_url()!r}): schrijf "
            "postgresql://gebruiker:wachtwoord@host:5432/database (of postgresql+psycopg2:// "
            "of postgresql+psycopg://)"
        )
    cause: BaseException | None = error
    while cause.__cause__ is not None:  # the driver's own message
        cause = cause.__cause__
    first = (str(getattr(cause, "orig", None) or cause).strip().splitlines() or ["?"])[0]
    return (
        f"de database van de Dagster-instance{where} is niet bereikbaar ({_shown_url()}): {first}"
    )


_RELAXED_HOMES: set[str] = set()


def sqlite_commits_without_fsync_under(home: Path) -> None:
    """Connections to the SQLite databases of a local instance with `synchronous=NORMAL`.

    Dagster's SQLite storage commits every event (a year writes ~700: steps, materialisations,
    ~180 asset-check evaluations) in its own transaction. Its databases are in WAL mode, but
    with SQLite's default `synchronous=FULL` every commit waits for an fsync of the log: on a
    busy disk a large part of a `vth build`. With NORMAL the log is synced at checkpoints: a
    crash of the process loses nothing, a power cut at most the last events, and the database
    stays consistent. Dagster has no setting for this, so a SQLAlchemy connect listener sets
    the pragma on connections to files under the instance's folder only. A deployment uses
    PostgreSQL (deploy/dagster.yaml): not touched.
    """
    root = str(home)
    if root in _RELAXED_HOMES:
        return
    _RELAXED_HOMES.add(root)

    @sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
    def _synchronous_normal(dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if any(f and f.startswith(root + os.sep) for f in files):
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")


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
    failure = describe_failure(result.all_events, "onbekende fout")
    return f"stap {failure.step} mislukt: {failure.reason}" if failure.step else failure.reason


def validation_seconds(result) -> float:
    """Time the assets of a run spent in their asset checks (from materialisation metadata)."""
    total = 0.0
    for event in result.get_asset_materialization_events():
        value = event.materialization.metadata.get(VALIDATION_SECONDS)
        total += float(getattr(value, "value", 0) or 0)
    return total


# The stage (asset group) of each yearly asset's step; a step is named after its asset.
STAGE_OF_STEP = {
    key.path[-1]: group for a in YEARLY_ASSETS for key, group in a.group_names_by_key.items()
}
STEP_ENDS = {
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.STEP_SKIPPED,
}


class StageProgress:
    """Follows the step events of a year's run and reports each stage when its steps are done.

    Stages are reported in the order of `stages`; a stage's seconds are those of its steps
    (data and checks), its validation seconds those its assets report.
    """

    def __init__(
        self,
        year: int,
        stages: Sequence[str],
        on_done: Callable[[StageResult], None],
        steps: set[str] | None = None,
    ) -> None:
        self.waiting = {
            s: {k for k, g in STAGE_OF_STEP.items() if g == s and (steps is None or k in steps)}
            for s in stages
        }
        self.year, self.on_done = year, on_done
        self.stages = [
            s for s in stages if self.waiting[s]
        ]  # a stage with nothing to do is not shown
        self.started: dict[str, float] = {}
        self.seconds = dict.fromkeys(stages, 0.0)
        self.checks = dict.fromkeys(stages, 0.0)
        self.failed: set[str] = set()
        self.reported = 0

    def __call__(self, record) -> None:
        event = record.dagster_event
        if event is None or event.step_key not in STAGE_OF_STEP:
            return
        stage = STAGE_OF_STEP[event.step_key]
        if stage not in self.waiting:
            return
        if event.event_type == DagsterEventType.STEP_START:
            self.started[event.step_key] = record.timestamp
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            value = event.event_specific_data.materialization.metadata.get(VALIDATION_SECONDS)
            self.checks[stage] += float(getattr(value, "value", 0) or 0)
        elif event.event_type in STEP_ENDS:
            start = self.started.get(event.step_key, record.timestamp)
            self.seconds[stage] += record.timestamp - start
            if event.event_type != DagsterEventType.STEP_SUCCESS:
                self.failed.add(stage)
            self.waiting[stage].discard(event.step_key)
            self.report_done()

    def result(self, stage: str, success: bool = True, error: str | None = None) -> StageResult:
        return StageResult(
            f"stap_{stage}", self.year, success, self.seconds[stage], error, self.checks[stage]
        )

    def report_done(self) -> None:
        """Report, in order, the stages whose steps all succeeded."""
        while self.reported < len(self.stages):
            stage = self.stages[self.reported]
            if self.waiting[stage] or stage in self.failed:
                return
            self.on_done(self.result(stage))
            self.reported += 1


def warm_up(stages: Sequence[str]) -> list[str]:
    """Start, in the background, what later stages would otherwise wait for: GX's import (for
    the checks of stg and staat) and the browser of the static images (publicatie). Both
    overlap the first year's reading and staging: ~3 s each per `vth build` process.
    Returns what was started."""
    started = []
    if {"stg", "staat"} & set(stages):
        import_in_background()
        started.append("gx")
    if "publicatie" in stages:
        with contextlib.suppress(BrowserNotFoundError):  # publicatie_figuren says what to do
            start_image_server()
            started.append("browser")
    return started


def refused(year: int, missing: Sequence[int]) -> StageResult:
    """A year not built because an earlier year it reads could not be built."""
    years = ", ".join(map(str, missing))
    return StageResult(
        "staat_van_vth_jaar",
        year,
        False,
        0.0,
        f"verslagjaar {year} niet gebouwd: het leest verslagjaar {years}, dat niet gebouwd kon "
        "worden (zie de fout daarboven); zonder dat jaar zouden de driejaarsperiode, de "
        "vergelijking en de reeksen ten onrechte leeg zijn",
    )


class Runner:
    """The definitions with one set of paths, and the runs made with them."""

    def __init__(
        self,
        settings: VthSettings,
        warehouse: DuckDBResource,
        instance: DagsterInstance | None = None,
        tags: dict[str, str] | None = None,
        watch: SignalWatch | None = None,
    ) -> None:
        self.settings = settings
        self.defs = make_definitions(settings, warehouse)
        self.instance = instance or DagsterInstance.ephemeral()
        self.tags = tags or {}
        self.watch = watch  # `vth build`: SIGTERM/SIGINT cancel the run and stop the build
        self.running: tuple[int | None, str] | None = None  # (year, job) of the run under way

    def execute(self, job: str, run_id: str | None = None, **kwargs):
        """One in-process run of `job`; with a signal watch, a stop signal marks the run
        CANCELING as soon as it is seen and raises `BuildStopped` once the run has ended."""
        run_id = run_id or str(uuid.uuid4())
        if self.watch is not None:
            self.watch.raise_if_stopped()
            self.instance.add_event_listener(
                run_id, self.watch.cancel_on_signal(self.instance, run_id)
            )
        result = self.defs.resolve_job_def(job).execute_in_process(
            instance=self.instance,
            raise_on_error=False,
            run_config=QUIET,
            run_id=run_id,
            tags=self.tags,
            **kwargs,
        )
        if self.watch is not None:
            if self.watch.stop_requested() is not None:
                self._canceled_not_failed(run_id)
            self.watch.raise_if_stopped()
        return result

    def _canceled_not_failed(self, run_id: str) -> None:
        """A signal that interrupted a step before any event let the listener mark the run
        CANCELING leaves Dagster to record a failure (seen once in a test run under load): the
        run was stopped, not broken, so it ends CANCELED and no alert says otherwise."""
        run = self.instance.get_run_by_id(run_id)
        if run is not None and run.status == DagsterRunStatus.FAILURE:
            name = signal.Signals(self.watch.received[0]).name
            self.instance.report_run_canceled(run, message=f"vth build gestopt door {name}")

    def run_year(
        self,
        year: int,
        stages: Sequence[str],
        on_done: Callable[[StageResult], None],
        keys: set[AssetKey] | None = None,
    ) -> bool:
        """One run for the stages of a year (only `keys` when given); each stage reported as it
        ends, a failure last."""
        selection = [
            k
            for a in YEARLY_ASSETS
            for k, g in a.group_names_by_key.items()
            if g in stages and (keys is None or k in keys)
        ]
        if not selection:
            return True
        progress = StageProgress(year, stages, on_done, {k.path[-1] for k in selection})
        self.running = (year, year_job.name)
        run_id = str(uuid.uuid4())
        self.instance.add_event_listener(run_id, progress)
        if set(stages) == set(STAGES) and keys is None:
            selection = None  # the whole job, as the UI shows it
        result = self.execute(
            year_job.name, run_id, partition_key=str(year), asset_selection=selection
        )
        if result.success:
            return True
        failed = next(
            (s for s in progress.stages[progress.reported :] if s in progress.failed),
            progress.stages[min(progress.reported, len(progress.stages) - 1)],
        )
        on_done(progress.result(failed, success=False, error=failure_message(result)))
        return False

    def run(self, job: str, year: int | None = None) -> StageResult:
        t0 = time.monotonic()
        self.running = (year, job)
        result = self.execute(job, partition_key=None if year is None else str(year))
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
        selection: Mapping[int, set[AssetKey] | None] | None = None,
        earlier: Iterable[int] = (),
    ) -> list[StageResult]:
        """Reference data, then one run per year; a failed year stops only itself.

        `selection` limits a year to the given assets (None: the whole year); see rebuild.py.
        `earlier` are years that the given years read (the three-year window, the comparison,
        the series), built first without their publication, so that a year comes out the same
        whichever years were asked for (rekenregels v1.3). A year that reads an earlier year
        that failed is not built: its files would silently miss what that year delivered."""
        results = []

        def report(r: StageResult) -> None:
            if on_stage:
                on_stage(r.job, r.year)
            results.append(r)
            if on_done:
                on_done(r)

        def step(job: str, year: int | None) -> bool:
            if on_stage:
                on_stage(job, year)
            r = self.run(job, year)
            results.append(r)
            if on_done:
                on_done(r)
            return r.success

        warm_up(stages)
        if not step("referentiedata", None):
            return results
        ordered = [s for s in STAGES if s in stages]
        data_stages = [s for s in ordered if s != "publicatie"]
        asked, failed = set(years), []
        for year in sorted(asked | set(earlier)):  # in order: a year reads the years before it
            missing = [y for y in failed if y < year]
            if year in asked and missing:
                report(refused(year, missing))
                continue
            stages_of_year = ordered if year in asked else data_stages
            if not self.run_year(year, stages_of_year, report, (selection or {}).get(year)):
                failed.append(year)
        if overview and "publicatie" in stages:
            step("overzicht", None)
        return results
