"""Default folders and limits, without Dagster: `vth check` needs them and must start fast."""

from __future__ import annotations

from pathlib import Path

from vth_pipeline import environment

DEFAULT_WAREHOUSE = environment.WAREHOUSE.default
DEFAULT_MAX_FILE_BYTES = int(environment.MAX_FILE_BYTES.default)


def project_root() -> Path:
    return Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    """data/reference of the working directory, else of the source checkout."""
    local = Path("data/reference")
    return local if local.is_dir() else project_root() / "data" / "reference"


def assets_dir() -> Path:
    local = Path("assets")
    return local if (local / "theme.json").is_file() else project_root() / "assets"
