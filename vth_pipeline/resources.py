"""Resources, configured in one place: where the files are and where the warehouse lives.

Every path can be set by an environment variable (for `dagster dev` and deployments) or by
the CLI, which builds the same definitions with its own paths.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from vth_pipeline.paths import (  # noqa: F401 (re-exported: where callers found them)
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_WAREHOUSE,
    assets_dir,
    project_root,
    reference_dir,
)


class VthSettings(ConfigurableResource):
    """Folders of one pipeline run; relative paths are taken from the working directory."""

    raw_dir: str = "data/raw"
    reference_dir: str = "data/reference"
    out_dir: str = "publicatie"
    archive_dir: str = "data/warehouse/archief"
    assets_dir: str = "assets"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def reference(self) -> Path:
        return Path(self.reference_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)


def settings_from_env(**overrides) -> VthSettings:
    env = {
        "raw_dir": os.environ.get("VTH_RAW_DIR"),
        "reference_dir": os.environ.get("VTH_REFERENCE_DIR"),
        "out_dir": os.environ.get("VTH_OUT_DIR"),
        "archive_dir": os.environ.get("VTH_ARCHIVE_DIR"),
        "assets_dir": os.environ.get("VTH_ASSETS_DIR"),
        "max_file_bytes": os.environ.get("VTH_MAX_FILE_BYTES"),
    }
    values = {k: v for k, v in env.items() if v} | {k: v for k, v in overrides.items() if v}
    if "max_file_bytes" in values:
        values["max_file_bytes"] = int(values["max_file_bytes"])
    return VthSettings(**values)


def warehouse_from_env(path: str | None = None) -> DuckDBResource:
    database = path or os.environ.get("VTH_WAREHOUSE") or DEFAULT_WAREHOUSE
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=database)


class RunWarehouse(DuckDBResource):
    """The warehouse with one DuckDB connection per run; each asset gets a cursor of it.

    Opening and closing the database file for every asset made DuckDB checkpoint the file
    each time (close writes the WAL into the file): about a tenth of a national build. The
    connection is closed when the run ends, so other processes and read-only connections see
    the file as before.
    """

    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, resource: DuckDBResource) -> RunWarehouse:
        if isinstance(resource, cls):
            return resource
        return cls(database=resource.database, connection_config=resource.connection_config)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        if self.database != ":memory:":
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        config = {"custom_user_agent": "dagster", **self.connection_config}
        self._conn = duckdb.connect(self.database, read_only=False, config=config)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

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
