"""Resources, configured in one place: where the files are and where the warehouse lives.

Every setting can come from an environment variable, read through Dagster's `EnvVar` so the UI
shows which variable a value came from (deployments, `dg dev`), or from the CLI, which
builds the same definitions with its own paths. Nothing here touches the file system: importing
the code location creates no folder; the folders are made when a run writes into them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from vth_pipeline import environment, writer_lock
from vth_pipeline.paths import (  # noqa: F401 (re-exported: where callers found them)
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_WAREHOUSE,
    assets_dir,
    project_root,
    reference_dir,
)
from vth_pipeline.warehouse import open_writer

# The one Dagster concurrency pool of every asset that opens the warehouse for writing; its
# limit (1) is set in the instance configuration (.dagster_home/ and deploy/dagster.yaml).
WAREHOUSE_POOL = "vth_warehouse"

# The tag of every run that writes the warehouse (defs/jobs.py gives it to every job,
# `tag_as_writer` to runs made for an asset selection).
WRITER_TAGS = {"vth/warehouse": "schrijver"}

# Setting -> environment variable. One table for the resources, the docs and the tests.
# The variables themselves (name, default, purpose) are declared in environment.py.
SETTINGS_ENV = {
    "raw_dir": environment.RAW_DIR.name,
    "reference_dir": environment.REFERENCE_DIR.name,
    "out_dir": environment.OUT_DIR.name,
    "archive_dir": environment.ARCHIVE_DIR.name,
    "assets_dir": environment.ASSETS_DIR.name,
    "max_file_bytes": environment.MAX_FILE_BYTES.name,
    "alert_webhook": environment.ALERT_WEBHOOK.name,
    "ui_url": environment.UI_URL.name,
    "transient_retries": environment.TRANSIENT_RETRIES.name,
    "warehouse_lock_wait": environment.WAREHOUSE_LOCK_WAIT.name,
}
INT_SETTINGS = (
    environment.MAX_FILE_BYTES.name,
    environment.TRANSIENT_RETRIES.name,
    environment.WAREHOUSE_LOCK_WAIT.name,
)
# How long a build or run waits for the warehouse another one writes (writer_lock.py) before it
# fails naming that holder: a year of national data takes minutes, so a second build started
# meanwhile runs after it; a holder that hangs fails the waiter after a quarter of an hour.
DEFAULT_LOCK_WAIT_SECONDS = int(environment.WAREHOUSE_LOCK_WAIT.default)
WAREHOUSE_ENV = environment.WAREHOUSE.name


class VthSettings(ConfigurableResource):
    """Folders of one pipeline run; relative paths are taken from the working directory."""

    raw_dir: str = environment.RAW_DIR.default
    reference_dir: str = environment.REFERENCE_DIR.default
    out_dir: str = environment.OUT_DIR.default
    archive_dir: str = environment.ARCHIVE_DIR.default
    assets_dir: str = environment.ASSETS_DIR.default
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    alert_webhook: str = ""
    # The Dagster UI's address as its users reach it (behind the login proxy): alerts link to
    # <ui_url>/runs/<run_id>; empty: alerts carry no link.
    ui_url: str = ""
    # Retries of a step that met a transient failure (warehouse lock, browser start); 0 in
    # development so a collision is reported at once, set in the production configuration.
    transient_retries: int = int(environment.TRANSIENT_RETRIES.default)
    # Seconds a build or run waits for the warehouse lock held by another (writer_lock.py).
    warehouse_lock_wait: int = DEFAULT_LOCK_WAIT_SECONDS

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def reference(self) -> Path:
        return Path(self.reference_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)


def _env_or_default(name: str):
    """`EnvVar(name)` when the variable is set (resolved by Dagster at run time), else None."""
    if not os.environ.get(name):
        return None
    return EnvVar.int(name) if name in INT_SETTINGS else EnvVar(name)


def settings_from_env(**overrides) -> VthSettings:
    """Settings from the environment (as `EnvVar`), overridden by explicit values (the CLI)."""
    values = {key: _env_or_default(name) for key, name in SETTINGS_ENV.items()}
    values |= {k: v for k, v in overrides.items() if v}
    return VthSettings(**{k: v for k, v in values.items() if v is not None})


def resolved(settings: VthSettings) -> VthSettings:
    """The same settings with every `EnvVar` read into its value, for code that uses them
    outside a Dagster run (`vth verify`): an `EnvVar` is not a string (`Path(EnvVar("X"))`
    raises), Dagster resolves it only when it initialises the resource for a run."""
    values = {name: getattr(settings, name) for name in VthSettings.model_fields}
    return VthSettings(
        **{
            name: value.get_value() if hasattr(value, "get_value") else value  # EnvVar, IntEnvVar
            for name, value in values.items()
        }
    )


def warehouse_from_env(path: str | None = None) -> DuckDBResource:
    """The warehouse at `path`, else VTH_WAREHOUSE (as `EnvVar`), else the default file.

    Every asset connects through `warehouse.session`, which fails within seconds on a lock
    held by another process (dagster-duckdb's own connect retries for minutes).
    """
    if path:
        return DuckDBResource(database=path)
    if os.environ.get(WAREHOUSE_ENV):
        return DuckDBResource(database=EnvVar(WAREHOUSE_ENV))
    return DuckDBResource(database=DEFAULT_WAREHOUSE)


class RunWarehouse(DuckDBResource):
    """The warehouse with one DuckDB connection per run; each asset gets a cursor of it.

    Opening and closing the database file for every asset made DuckDB checkpoint the file
    each time (close writes the WAL into the file): about a tenth of a national build. The
    connection is closed when the run ends, so other processes and read-only connections see
    the file as before.

    The first asset that opens the file takes the warehouse's writer lock (writer_lock.py) and
    the run holds it until it ends: every run of the code location, whoever launched it (a
    sensor, the schedule, a backfill, the UI, `vth build`), writes alone.
    """

    lock_wait: int = DEFAULT_LOCK_WAIT_SECONDS
    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _in_run: bool = PrivateAttr(default=False)
    _locked: bool = PrivateAttr(default=False)
    _context: InitResourceContext | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, resource: DuckDBResource, lock_wait=None) -> RunWarehouse:
        """The resource as a RunWarehouse; `lock_wait` may be an `EnvVar` (resolved per run)."""
        if isinstance(resource, cls) and lock_wait is None:
            return resource
        wait = {} if lock_wait is None else {"lock_wait": lock_wait}
        return cls(database=resource.database, connection_config=resource.connection_config, **wait)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._in_run = True  # the file is opened by the first asset that needs it
        self._context = context
        tag_as_writer(context)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._in_run = False
        try:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        finally:
            if self._locked:
                self._locked = False
                writer_lock.release(self.database)

    def run_cursor(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor of the run's connection (`warehouse.session` uses it), None outside a run.

        The lock and the connection are taken inside the first asset's step, so a warehouse
        held too long by another build fails that step with a message naming the holder, and
        a production run can retry it (VTH_TRANSIENT_RETRIES); a process outside the pipeline
        holding the DuckDB file (a notebook) fails it within seconds (`warehouse.open_writer`)."""
        if not self._in_run:
            return None
        if self._conn is None:
            if not self._locked:
                self._lock()
            self._conn = open_writer(self.database, self.connection_config)
        return self._conn.cursor()

    def _lock(self) -> None:
        """Take the writer lock for this run; end the runs of a holder that died holding it."""
        context = self._context
        run = context.run if context else None
        what = f"Dagster-run {run.job_name}" if run else "Dagster-run"
        if run and run.tags.get("dagster/partition"):
            what += f" {run.tags['dagster/partition']}"
        record = writer_lock.holder_record(command=what, run_id=run.run_id if run else "")
        log = context.log.info if context and context.log else None
        left = writer_lock.acquire(self.database, record, self.lock_wait, on_wait=log)
        self._locked = True
        if left and context and context.instance:
            for run_id in writer_lock.end_runs_of_dead_holder(context.instance, left):
                if context.log:
                    context.log.warning(
                        f"run {run_id} van een proces dat stierf terwijl het het warehouse "
                        "schreef, als mislukt gemarkeerd"
                    )

    @contextlib.contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """In a run a cursor of the run's connection (the writer lock taken), as `session`."""
        cursor = self.run_cursor()
        if cursor is None:  # outside a run (e.g. a direct call in a notebook)
            with super().get_connection() as conn:
                yield conn
            return
        try:
            yield cursor
        finally:
            cursor.close()


def tag_as_writer(context: InitResourceContext) -> None:
    """Give a run that writes the warehouse the writer tags it lacks (defs/jobs.WRITER_TAGS).

    The jobs carry them, but a run Dagster makes for an asset selection (an asset backfill,
    "Materialize" in the UI) carries only the tags it was launched with. The run queue does not
    depend on the tag (the pool `vth_warehouse`, at run granularity, is in every such run), but
    the UI's filter and the alerts find every writer run by it."""
    run, instance = context.run, context.instance
    if run is None or instance is None:
        return
    missing = {k: v for k, v in WRITER_TAGS.items() if run.tags.get(k) != v}
    if missing:
        instance.add_run_tags(run.run_id, missing)
