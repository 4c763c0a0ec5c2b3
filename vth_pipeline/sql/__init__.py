"""The SQL of every `int_*` and `staat_*` asset, one file per asset (as dbt and SQLMesh do).

An auditor who asks how a figure is computed opens `sql/<asset>.sql`. The files are plain
DuckDB SQL over the year `$jaar`, with a few Jinja placeholders where a declaration of the
contract feeds in (the kengetallen a table pivots, the file kinds, the duties of partners, the
codes of a code list); `load_sql` fills them from `vth_pipeline.contract`. Files whose name
starts with `_` are shared fragments, included by others.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from vth_pipeline.contract.columns import DUTIES, FILE_KINDS
from vth_pipeline.contract.publication import (
    FIGURES,
    KENGETAL_COLUMNS,
    MIN_BASE_PCT_CHANGE,
    NATIONAL_PARTS,
    NATIONAL_SEVESO_PREFIX,
    OUTCOME_PREFIX,
    SEVESO_FIGURES,
    handhaving_figure,
)

SQL_DIR = Path(__file__).resolve().parent


def _duties() -> list[dict[str, Any]]:
    """(partner_soort, seveso flag or None, soort, verplicht) for every duty of the contract."""
    return [
        {
            "partner_soort": d.partner_soort,
            "seveso": "NULL" if d.seveso_omgevingsdienst is None else str(d.seveso_omgevingsdienst),
            "soort": kind,
            "verplicht": str(kind in d.required).lower(),
        }
        for d in DUTIES
        for kind in (*d.required, *d.optional)
    ]


# What the templates may use, all from the contract's declarations.
CONTEXT: dict[str, Any] = {
    "kengetal_columns": KENGETAL_COLUMNS,
    "seveso_figures": SEVESO_FIGURES,
    "file_kinds": tuple(FILE_KINDS),
    "duties": _duties(),
    # the comparison between years: what each national figure aggregates and needs
    "national_parts": NATIONAL_PARTS,
    "figure_kengetallen": {name: FIGURES[name].kengetallen for name in NATIONAL_PARTS},
    "seveso_prefix": NATIONAL_SEVESO_PREFIX,
    "seveso_kinds": {name: FIGURES[name].kinds for name in SEVESO_FIGURES},
    "handhaving_kinds": handhaving_figure("x").kinds,
    "outcome_prefix": OUTCOME_PREFIX,
    "min_base_pct_change": MIN_BASE_PCT_CHANGE,
}


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SQL_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # SQL, not HTML; every value comes from the declarations
    )
    env.filters["quoted"] = lambda names: ", ".join(f"'{n}'" for n in names)
    return env


def sql_path(name: str) -> Path:
    return SQL_DIR / f"{name}.sql"


def load_sql(name: str, **context: Any) -> str:
    """The SQL of asset `name` (`sql/<name>.sql`), its placeholders filled."""
    return _environment().get_template(f"{name}.sql").render(CONTEXT | context)


def sql_names() -> list[str]:
    """Every asset with a SQL file (fragments `_*.sql` excluded)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.name.startswith("_"))
