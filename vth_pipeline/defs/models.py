"""The SQL models: every `sql/int_*.sql` and `sql/staat_*.sql` is one asset of its layer.

A model is its SQL file and nothing else: the asset's description is the file's opening comment,
its dependencies are the tables the SQL reads (`sql.reads`, with the earlier years it reads as
partition mappings), its group the layer in its name. Python appears only where a placeholder
needs the warehouse (`TEMPLATES`: the codes of a code list, the columns a table was built with).

The tables of rekenregels.md are `staat_*`. Every percentage goes through the `pct` macro
(half-to-even on the exact quotient, NULL when the whole is 0 or missing); national figures are
computed from national sums. Integrated Seveso supervision: the provincies' registers become one
national register (`int_seveso_register`); the partner rows of the omgevingsdiensten, the NLA and
the veiligheidsregio's become integrated inspections (`int_seveso_inspecties`), joined on
`gezamenlijke_inspectie_id`; joint ids whose rows disagree on establishment or date are
integration conflicts: reported, never counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from dagster import AssetsDefinition

from vth_pipeline.contract.publication import handhaving_figure
from vth_pipeline.defs.factory import sql_asset
from vth_pipeline.sql import figure_inputs, sql_names

MODEL_LAYERS = ("int", "staat")
# `delen`: the parts of the percentages, for the comparison between years (not a figure)
SEVESO_NOT_FIGURES = ("jaar", "scope", "volgorde", "delen")


def _seveso_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The figures of staat.seveso as built (handhaving_<code> follow the code list)."""
    names = [r[0] for r in conn.execute("DESCRIBE staat.seveso").fetchall()]
    return {"seveso_columns": [n for n in names if n not in SEVESO_NOT_FIGURES]}


def _handhaving_codes(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """One `handhaving_<code>` figure per code of list seveso_handhaving, in its order."""
    rows = conn.execute(
        "SELECT code FROM ref.codelijsten WHERE lijst = 'seveso_handhaving' ORDER BY volgorde"
    ).fetchall()
    return {"handhaving_codes": [r[0] for r in rows]}


def _handhaving_inputs(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The data-driven `handhaving_<code>` figures, one per code of list seveso_handhaving."""
    codes = _handhaving_codes(conn)["handhaving_codes"]
    return {"handhaving_inputs": figure_inputs(handhaving_figure(c) for c in codes)}


Template = Callable[[duckdb.DuckDBPyConnection], dict[str, Any]]
# Placeholders only the warehouse fills, and the tables read to fill them (dependencies too).
TEMPLATES: dict[str, tuple[Template, tuple[str, ...]]] = {
    "staat_landelijk": (_seveso_columns, ("staat.seveso",)),
    "staat_seveso": (_handhaving_codes, ("ref.codelijsten",)),
    "staat_herkomst": (_handhaving_inputs, ("ref.codelijsten",)),
}


def model_names() -> list[str]:
    """Every model: the SQL files of the int and staat layers."""
    return [n for n in sql_names() if n.split("_", 1)[0] in MODEL_LAYERS]


def _model(name: str) -> AssetsDefinition:
    values, reads = TEMPLATES.get(name, (None, ()))
    return sql_asset(
        name, group=name.split("_", 1)[0], template_values=values, template_reads=reads
    )


model_assets = [_model(n) for n in model_names()]
