"""Resources, configured in one place: where the files are and where the warehouse lives.

Every path can be set by an environment variable (for `dagster dev` and deployments) or by
the CLI, which builds the same definitions with its own paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource

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
