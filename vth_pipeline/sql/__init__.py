"""The SQL of every `int_*` and `staat_*` asset, one file per asset (as dbt and SQLMesh do).

An auditor who asks how a figure is computed opens `sql/<asset>.sql`. The files are plain
DuckDB SQL over the year `$jaar`, with a few Jinja placeholders where a declaration of the
contract feeds in (the kengetallen a table pivots, the file kinds, the duties of partners, the
codes of a code list); `load_sql` fills them from `vth_pipeline.contract`. Files whose name
starts with `_` are shared fragments, included by others.

`toetsen/` holds the SQL of the validation: the views the expectation suites judge and the
value sets they compare with (`validation.model.toets_sql`), written and rendered as the
models are. A subfolder, so that no view is taken for an asset.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from vth_pipeline.contract import statuses
from vth_pipeline.contract.columns import DUTIES, FILE_KINDS
from vth_pipeline.contract.publication import (
    FIGURES,
    KENGETAL_COLUMNS,
    MIN_BASE_PCT_CHANGE,
    NATIONAL_PARTS,
    NATIONAL_SEVESO_PREFIX,
    OUTCOME_PREFIX,
    PARTNER_INCONSISTENCIES,
    SEVESO_COUNTED_KIND_DEFAULT,
    SEVESO_COUNTED_KINDS,
    SEVESO_FIGURES,
    Figure,
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


def figure_inputs(figures: Iterable[Figure]) -> list[dict[str, str | None]]:
    """(figuur, soort, indicator or None) for every input of the figures (for the lineage)."""
    return [
        {
            "figuur": f.name,
            "soort": i.split(".")[0],
            "indicator": i.split(".", 1)[1] if "." in i else None,
        }
        for f in figures
        for i in f.inputs
    ]


# What the templates may use, all from the contract's declarations.
CONTEXT: dict[str, Any] = {
    "kengetal_columns": KENGETAL_COLUMNS,
    "seveso_figures": SEVESO_FIGURES,
    "file_kinds": tuple(FILE_KINDS),
    "duties": _duties(),
    "inconsistencies": PARTNER_INCONSISTENCIES,
    "figures": FIGURES,
    "figure_inputs": figure_inputs(FIGURES.values()),
    # the comparison between years: what each national figure aggregates and needs
    "national_parts": NATIONAL_PARTS,
    "figure_kengetallen": {name: FIGURES[name].kengetallen for name in NATIONAL_PARTS},
    "seveso_prefix": NATIONAL_SEVESO_PREFIX,
    "seveso_kinds": {name: FIGURES[name].kinds for name in SEVESO_FIGURES},
    "handhaving_kinds": handhaving_figure("x").kinds,
    # one partner-count convention for the Seveso figures (`_seveso_partners.sql`)
    "seveso_counted_kinds": {
        NATIONAL_SEVESO_PREFIX + name: kind for name, kind in SEVESO_COUNTED_KINDS.items()
    },
    "seveso_counted_kind_default": SEVESO_COUNTED_KIND_DEFAULT,
    # the Seveso percentages, whose parts staat.seveso keeps in `delen` for the comparison
    "seveso_pct_figures": tuple(f for f in SEVESO_FIGURES if f.endswith("_pct")),
    "outcome_prefix": OUTCOME_PREFIX,
    "min_base_pct_change": MIN_BASE_PCT_CHANGE,
    # the statuses of a delivery file (contract.statuses)
    "status": {s: s for s in statuses.STATUSES},
    "no_usable_row": statuses.NO_USABLE_ROW,
    "in_effect": statuses.IN_EFFECT,
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


def fragment_values(name: str) -> dict[str, Any]:
    """The values a fragment `sql/<name>.sql` sets at its top level (`{% set x = ... %}`), for
    Python code that must use a limit the SQL states (the toetsen of `_partner_conflicten`)."""
    module = _environment().get_template(f"{name}.sql").make_module(CONTEXT)
    return {k: v for k, v in vars(module).items() if not k.startswith("_") and not callable(v)}


def sql_names() -> list[str]:
    """Every asset with a SQL file (fragments `_*.sql` excluded; the toetsen's SQL is in a
    subfolder, `toetsen/`, not globbed here)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.name.startswith("_"))


def _sources(name: str, seen: set[str] | None = None) -> list[str]:
    """The template `name` and every file it includes, in include order (each once)."""
    seen = seen if seen is not None else set()
    if name in seen:
        return []
    seen.add(name)
    env = _environment()
    source = env.loader.get_source(env, name)[0]
    out = [source]
    for included in jinja2.meta.find_referenced_templates(env.parse(source)):
        if included:
            out += _sources(included, seen)
    return out


def sql_version(name: str) -> str:
    """A version of asset `name`'s computation: its SQL (with fragments) and the declarations it
    reads from the contract; Dagster's `code_version`. Placeholders the warehouse fills (codes
    of a code list) are data, not code, and are left out."""
    env = _environment()
    sources = _sources(f"{name}.sql")
    used = set().union(*(jinja2.meta.find_undeclared_variables(env.parse(s)) for s in sources))
    declarations = {k: CONTEXT[k] for k in sorted(used) if k in CONTEXT}
    text = "\n".join(sources) + json.dumps(declarations, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
