"""Integrated Seveso supervision: one account of what three kinds of inspectors found.

The provincies' registers become one national register (int_seveso_register); the partner
rows of the omgevingsdiensten, the NLA and the veiligheidsregio's become integrated
inspections (int_seveso_inspecties), joined on `gezamenlijke_inspectie_id`. Joint ids whose
rows disagree on establishment or date are integration conflicts: reported, never counted.
The SQL of each asset is `sql/<asset>.sql`.
"""

from __future__ import annotations

import duckdb
from dagster import AssetDep

from vth_pipeline.defs.factory import sql_asset
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.partitions import three_years


def _handhaving_codes(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """One `handhaving_<code>` figure per code of list seveso_handhaving, in its order."""
    rows = conn.execute(
        "SELECT code FROM ref.codelijsten WHERE lijst = 'seveso_handhaving' ORDER BY volgorde"
    ).fetchall()
    return {"handhaving_codes": [r[0] for r in rows]}


int_seveso_register = sql_asset(
    "int_seveso_register",
    ["stg_seveso_inrichtingen", *REF_KEYS],
    "The national Seveso register of the year, with the active-the-whole-year flag.",
    group="int",
)
int_seveso_inspecties = sql_asset(
    "int_seveso_inspecties",
    ["stg_seveso_inspecties", "int_seveso_register", *REF_KEYS],
    "Integrated inspections: partner rows joined on gezamenlijke_inspectie_id.",
    group="int",
)
staat_seveso_conflicten = sql_asset(
    "staat_seveso_conflicten",
    ["int_seveso_inspecties"],
    "Every partner row of a joint inspection whose rows disagree on establishment or date.",
)
staat_seveso_integratie = sql_asset(
    "staat_seveso_integratie",
    ["int_seveso_inspecties"],
    "Integrated inspections left out of the Seveso figures, per reason.",
)
staat_seveso = sql_asset(
    "staat_seveso",
    [
        AssetDep("int_seveso_inspecties", partition_mapping=three_years),
        "int_seveso_register",
        "meta_leveringen",
        "raw_seveso_inspecties",
        # its check reconciles the national count with the gemeenten of the map's table
        "staat_seveso_locaties",
        *REF_KEYS,
    ],
    "Every Seveso figure per scope: NL, hoog, laag and each Seveso-omgevingsdienst. "
    "The lower-tier three-year figure reads the two previous year partitions.",
    template_values=_handhaving_codes,
)

staat_seveso_locaties = sql_asset(
    "staat_seveso_locaties",
    ["int_seveso_register"],
    "Active Seveso establishments per gemeente and Seveso-omgevingsdienst, for the map.",
)

seveso_assets = [
    int_seveso_register,
    int_seveso_inspecties,
    staat_seveso_conflicten,
    staat_seveso_integratie,
    staat_seveso,
    staat_seveso_locaties,
]
