"""The tables of rekenregels.md, one asset each; the SQL of each is `sql/<asset>.sql`.

Every percentage goes through the `pct` macro (half-to-even on the exact quotient, NULL when
the whole is 0 or missing); national figures are computed from national sums.
"""

from __future__ import annotations

import duckdb
from dagster import AssetDep

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.defs.factory import sql_asset
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.partitions import previous_year

# `delen`: the parts of the percentages, for the comparison between years (not a figure)
SEVESO_NOT_FIGURES = ("jaar", "scope", "volgorde", "delen")


def _seveso_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The figures of staat.seveso as built (handhaving_<code> follow the code list)."""
    names = [r[0] for r in conn.execute("DESCRIBE staat.seveso").fetchall()]
    return {"seveso_columns": [n for n in names if n not in SEVESO_NOT_FIGURES]}


int_kengetallen = sql_asset(
    "int_kengetallen",
    ["stg_kengetallen"],
    "Kengetallen per partner and indicator, per-bevoegd-gezag rows summed when needed.",
    group="int",
)
staat_omgevingsdiensten = sql_asset(
    "staat_omgevingsdiensten",
    ["stg_controles", "int_kengetallen", *REF_KEYS],
    "One row per omgevingsdienst that delivered controles, every figure of rekenregels.md.",
)
staat_landelijk = sql_asset(
    "staat_landelijk",
    ["staat_omgevingsdiensten", "staat_seveso", "staat_datakwaliteit"],
    "National figures (Seveso ones prefixed seveso_) with their completeness.",
    template_values=_seveso_columns,
)
staat_provincies = sql_asset(
    "staat_provincies",
    ["stg_controles", "int_kengetallen", *REF_KEYS],
    "Controles by the provincie of the bevoegd gezag, and the provincies' own kengetallen.",
)
staat_interventies = sql_asset(
    "staat_interventies",
    ["stg_controles"],
    "Interventions after a violation, per omgevingsdienst and nationally (NL).",
)
staat_lhso = sql_asset(
    "staat_lhso",
    ["stg_controles"],
    "Violations per cell of the LHSO matrix, per omgevingsdienst and nationally (NL).",
)
staat_uitkomsten = sql_asset(
    "staat_uitkomsten",
    [AssetDep("stg_uitkomsten", partition_mapping=previous_year), *REF_KEYS],
    "Outcome indicators with the previous year's value and the change.",
)
staat_datakwaliteit = sql_asset(
    "staat_datakwaliteit",
    ["meta_leveringen", *(f"stg_{k}" for k in FILE_KINDS), "staat_omgevingsdiensten", *REF_KEYS],
    "Per partner and kind: required, delivered, rows read, accepted and quarantined.",
)
staat_quarantaine_regels = sql_asset(
    "staat_quarantaine_regels",
    [f"stg_{k}" for k in FILE_KINDS],
    "Quarantined rows per file and rule, with the first row and the message.",
)
staat_kengetallen_verschillen = sql_asset(
    "staat_kengetallen_verschillen",
    ["int_kengetallen"],
    "Partner-wide kengetallen that differ from the sum over the bevoegd-gezag rows.",
)
staat_leveringen = sql_asset(
    "staat_leveringen",
    ["meta_leveringen", *(f"stg_{k}" for k in FILE_KINDS)],
    "Every file received for the year with its sha256 and status, for the lineage.",
)

# Both years: the comparison reads the staat tables of the year and of the year before.
staat_vergelijking = sql_asset(
    "staat_vergelijking",
    [
        AssetDep(name, partition_mapping=previous_year)
        for name in (
            "staat_omgevingsdiensten",
            "staat_landelijk",
            "staat_datakwaliteit",
            "staat_uitkomsten",
            # the parts of the Seveso percentages (`delen`), for a change from unrounded values
            "staat_seveso",
        )
    ],
    "Every national figure compared with the year before over the vergelijkbare kern: the "
    "partners (for outcome indicators the gebieden) that delivered its inputs in both years.",
)

staat_werkgebieden = sql_asset(
    "staat_werkgebieden",
    ["stg_controles", *REF_KEYS],
    "Per gemeente of the year's indeling the omgevingsdienst that carried out most of its "
    "controles: the werkgebieden as the deliveries define them, for the maps.",
)

staat_assets = [
    int_kengetallen,
    staat_omgevingsdiensten,
    staat_landelijk,
    staat_provincies,
    staat_interventies,
    staat_lhso,
    staat_uitkomsten,
    staat_datakwaliteit,
    staat_quarantaine_regels,
    staat_leveringen,
    staat_kengetallen_verschillen,
    staat_vergelijking,
    staat_werkgebieden,
]
