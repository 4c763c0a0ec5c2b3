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

# Setting -> environment variable. One table for the resources, the docs and the tests.
SETTINGS_ENV = {
    "raw_dir": "VTH_RAW_DIR",
    "reference_dir": "VTH_REFERENCE_DIR",
    "out_dir": "VTH_OUT_DIR",
    "archive_dir": "VTH_ARCHIVE_DIR",
    "assets_dir": "VTH_ASSETS_DIR",
    "max_file_bytes": "VTH_MAX_FILE_BYTES",
    "alert_webhook": "VTH_ALERT_WEBHOOK",
    "ui_url": "VTH_UI_URL",
    "transient_retries": "VTH_TRANSIENT_RETRIES",
}
WAREHOUSE_ENV = "VTH_WAREHOUSE"


class VthSettings(ConfigurableResource):
    """Folders of one pipeline run; relative paths are taken from the working directory."""

    raw_dir: str = "data/raw"
    reference_dir: str = "data/reference"
    out_dir: str = "publicatie"
    archive_dir: str = "data/warehouse/archief"
    assets_dir: str = "assets"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    alert_webhook: str = ""
    # The Dagster UI's address as its users reach it (behind the login proxy): alerts link to
    # <ui_url>/runs/<run_id>; empty: alerts carry no link.
    ui_url: str = ""
    # Retries of a step that met a transient failure (warehouse lock, browser start); 0 in
    # development so a collision is reported at once, set in the production configuration.
    transient_retries: int = 0

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
    return (
        EnvVar.int(name)
        if name in ("VTH_MAX_FILE_BYTES", "VTH_TRANSIENT_RETRIES")
        else EnvVar(name)
    )


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
    """

    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _in_run: bool = PrivateAttr(default=False)

    @classmethod
    def of(cls, resource: DuckDBResource) -> RunWarehouse:
        if isinstance(resource, cls):
            return resource
        return cls(database=resource.database, connection_config=resource.connection_config)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._in_run = True  # the file is opened by the first asset that needs it

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._in_run = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def run_cursor(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor of the run's connection (`warehouse.session` uses it), None outside a run.

        The connection is opened inside the first asset's step, so a lock held by another
        process fails that step within seconds with a message naming the holder
        (`warehouse.open_writer`), and a production run can retry it."""
        if not self._in_run:
            return None
        if self._conn is None:
            self._conn = open_writer(self.database, self.connection_config)
        return self._conn.cursor()

    @contextlib.contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._conn is None:  # outside a run (e.g. a direct call in a notebook)
            with super().get_connection() as conn:
                yield conn
            return
        cursor = self._conn.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
