"""Provenance per figure and partner (staat.herkomst), built in SQL with the figures.

`vth lineage` reads it, so the answer to "where does this number come from" does not depend on
re-running anything: files, sha256 and row-number ranges of the rows that went in.
"""

from __future__ import annotations

import duckdb

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.contract.publication import handhaving_figure
from vth_pipeline.defs.factory import sql_asset
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.defs.seveso import _handhaving_codes
from vth_pipeline.sql import figure_inputs


def _handhaving_inputs(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The data-driven `handhaving_<code>` figures, one per code of list seveso_handhaving."""
    codes = _handhaving_codes(conn)["handhaving_codes"]
    return {"handhaving_inputs": figure_inputs(handhaving_figure(c) for c in codes)}


staat_herkomst = sql_asset(
    "staat_herkomst",
    [*(f"stg_{k}" for k in FILE_KINDS), *REF_KEYS],
    "Per figure and partner: the files (sha256) and row-number ranges of the rows that went in.",
    template_values=_handhaving_inputs,
)
