"""Every environment variable the pipeline reads, declared once: name, default, purpose.

The modules that read a variable name it through this module (`environment.RAW_DIR.name`), so
that one list says what a deployment can set; `docs/configuration.md` is rendered from it
(`vth docs`) and a test finds any `VTH_*` name spelled anywhere else in the package. The
portal's own settings (`VTH_PORTAAL_*`) are declared the same way in `portaal/settings.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as a data engineer would write it; "" when unset means "none"
    purpose: str
    group: str

    def get(self) -> str | None:
        """The value set in the environment; None when unset or empty."""
        return os.environ.get(self.name) or None

    def value(self) -> str:
        """The value set in the environment, else the default."""
        return self.get() or self.default


PATHS, LIMITS, OPERATIONS, RULES = "paths", "limits", "operations", "rules"

RAW_DIR = Variable(
    "VTH_RAW_DIR", "data/raw", "The partners' deliveries: `<jaar>/<partner>/<soort>.csv`.", PATHS
)
OUT_DIR = Variable("VTH_OUT_DIR", "publicatie", "Where the publication is written.", PATHS)
WAREHOUSE = Variable(
    "VTH_WAREHOUSE", "data/warehouse/vth.duckdb", "The DuckDB warehouse file.", PATHS
)
ARCHIVE_DIR = Variable(
    "VTH_ARCHIVE_DIR",
    "data/warehouse/archief",
    "Every file read, stored immutably by sha256, with its index (`vth verify` reads it).",
    PATHS,
)
REFERENCE_DIR = Variable(
    "VTH_REFERENCE_DIR",
    "data/reference",
    "Code lists and registers (a copy of ../shared/reference).",
    PATHS,
)
ASSETS_DIR = Variable(
    "VTH_ASSETS_DIR", "assets", "Theme, map boundaries, texts and the publication register.", PATHS
)
EXPECTATIONS_DIR = Variable("VTH_EXPECTATIONS_DIR", "expectations", "The GX suites as JSON.", PATHS)
BROWSER_PATH = Variable(
    "BROWSER_PATH",
    "",
    "The Chromium that draws the static images (Debian: /usr/bin/chromium); unset: the "
    "chromium on PATH.",
    PATHS,
)
MAX_FILE_BYTES = Variable(
    "VTH_MAX_FILE_BYTES",
    "104857600",
    "Largest delivered file read, in bytes (100 MiB); a larger one is rejected.",
    LIMITS,
)
DUCKDB_MEMORY_LIMIT = Variable(
    "VTH_DUCKDB_MEMORY_LIMIT",
    "768MB",
    "DuckDB's memory cap for a run's warehouse connection; it spills to disk beyond it.",
    LIMITS,
)
WAREHOUSE_LOCK_WAIT = Variable(
    "VTH_WAREHOUSE_LOCK_WAIT",
    "900",
    "Seconds a build or run waits for the warehouse another one writes, then fails naming it.",
    LIMITS,
)
BROWSER_START_SECONDS = Variable(
    "VTH_BROWSER_START_SECONDS", "30", "Seconds the browser may take to start.", LIMITS
)
BROWSER_IMAGE_SECONDS = Variable(
    "VTH_BROWSER_IMAGE_SECONDS", "20", "Seconds per image the browser may take.", LIMITS
)
TRANSIENT_RETRIES = Variable(
    "VTH_TRANSIENT_RETRIES",
    "0",
    "Retries of a step that failed for a passing reason (the browser did not start).",
    OPERATIONS,
)
ALERT_WEBHOOK = Variable(
    "VTH_ALERT_WEBHOOK", "", "Where every failed run posts its alert (a secret).", OPERATIONS
)
UI_URL = Variable(
    "VTH_UI_URL", "", "The Dagster UI as its users reach it, for the link in alerts.", OPERATIONS
)
AUTOMATION = Variable(
    "VTH_AUTOMATION",
    "uit",
    "`aan`: the sensors and the schedule start running (production).",
    OPERATIONS,
)
SENSOR_INTERVAL = Variable(
    "VTH_SENSOR_INTERVAL", "60", "Seconds between the sensor's looks at the raw folder.", OPERATIONS
)
FINAL_BUILD_DATE = Variable(
    "VTH_JAARBOUW_DATUM",
    "04-01",
    "MM-DD of the scheduled final build of the previous reporting year.",
    OPERATIONS,
)
COMMIT = Variable(
    "VTH_COMMIT",
    "",
    "The git commit of a deployed image (it has no .git), for the manifest.",
    OPERATIONS,
)
PG_URL = Variable(
    "DAGSTER_PG_URL",
    "",
    "PostgreSQL URL of the Dagster instance (deploy/dagster.yaml); unset: SQLite in DAGSTER_HOME.",
    OPERATIONS,
)
YEAR_ON_YEAR_FACTOR = Variable(
    "VTH_JAAR_OP_JAAR_FACTOR",
    "3.0",
    "Year-on-year toets: a figure that changes by more than this factor is reported.",
    RULES,
)
YEAR_ON_YEAR_MIN_BASIS = Variable(
    "VTH_JAAR_OP_JAAR_MIN_BASIS",
    "25",
    "Year-on-year toets: only figures of at least this size are compared.",
    RULES,
)

VARIABLES: tuple[Variable, ...] = tuple(v for v in globals().values() if isinstance(v, Variable))


def render_markdown() -> str:
    """docs/configuration.md: the variables by group."""
    lines = [
        "# Configuration: environment variables",
        "",
        "Generated from `vth_pipeline/environment.py` by `vth docs`; do not edit by hand. The",
        "portal's settings (`VTH_PORTAAL_*`) are in docs/portaal.md.",
    ]
    for group in (PATHS, LIMITS, OPERATIONS, RULES):
        lines += [
            "",
            f"## {group.capitalize()}",
            "",
            "| variable | default | what for |",
            "|---|---|---|",
        ]
        for v in (v for v in VARIABLES if v.group == group):
            default = f"`{v.default}`" if v.default else "(none)"
            lines.append(f"| `{v.name}` | {default} | {v.purpose} |")
    return "\n".join(lines) + "\n"
