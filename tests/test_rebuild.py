"""`vth build --alleen-gewijzigd`: what a superseding delivery makes stale.

Expected sets are worked out by hand from the lineage in docs/architecture.md: the Seveso
three-year window reads the integrated inspections of the two previous years, a year's
vergelijking reads the staat tables of the year before, and every publication (its manifest
last) shows the series of the earlier years.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CONTROLES_HEADER, ROOT, write
from vth_pipeline.definitions import defs
from vth_pipeline.ingest.discovery import record_deliveries
from vth_pipeline.ingest.reference import REFERENCE_TABLES, load_reference
from vth_pipeline.rebuild import changed_kinds, stale_assets
from vth_pipeline.warehouse import connect

PUBLICATION = {
    "publicatie_tabellen",
    "publicatie_figuren",
    "publicatie_rapport",
    "publicatie_manifest",
}
GRAPH = defs.resolve_asset_graph()


def names(stale):
    return {y: None if keys is None else {k.path[-1] for k in keys} for y, keys in stale.items()}


def test_a_seveso_register_reaches_the_two_years_whose_window_reads_it():
    stale = names(
        stale_assets(GRAPH, {2021: set(), 2022: {"seveso_inrichtingen"}, 2023: set(), 2024: set()})
    )
    assert stale[2021] == set()
    assert {"raw_seveso_inrichtingen", "stg_seveso_inspecties", "int_seveso_inspecties"} <= stale[
        2022
    ]
    assert not {"raw_controles", "stg_controles", "staat_omgevingsdiensten"} & stale[2022]
    assert (
        stale[2023]
        == stale[2024]
        == {
            "staat_seveso",
            "staat_landelijk",
            "staat_vergelijking",  # compares with the year before, whose figures changed
            *PUBLICATION,
        }
    )


def test_a_controles_file_stays_in_its_year_but_for_later_publications():
    stale = names(stale_assets(GRAPH, {2022: set(), 2023: {"controles"}, 2024: set(), 2025: None}))
    assert stale[2022] == set()
    assert {"meta_leveringen", "raw_controles", "stg_controles", "staat_lhso"} <= stale[2023]
    assert not {"raw_seveso_inrichtingen", "int_seveso_inspecties"} & stale[2023]
    # its comparison with 2023 and its trend charts read 2023
    assert stale[2024] == {"staat_vergelijking", *PUBLICATION}
    assert stale[2025] is None  # never built: the whole year


def _warehouse(tmp_path: Path, raw: Path, years: list[int]) -> Path:
    database = tmp_path / "vth.duckdb"
    with connect(str(database)) as conn:
        for name in REFERENCE_TABLES:
            load_reference(conn, ROOT / "data" / "reference", name)
        for year in years:
            record_deliveries(conn, raw, year)
    return database


def test_changed_kinds_compares_the_files_with_the_warehouse(tmp_path):
    raw = tmp_path / "raw"
    row = "C1,GM0363,,2023-03-05,fysiek,planmatig,milieu,geen_overtreding,,,,nee,2"
    write(raw / "2023" / "ODH" / "controles.csv", f"{CONTROLES_HEADER}\n{row}\n")
    write(raw / "2024" / "ODH" / "controles.csv", f"{CONTROLES_HEADER}\n{row}\n")
    database = _warehouse(tmp_path, raw, [2023, 2024])
    assert changed_kinds(database, raw, [2023, 2024, 2025]) == {
        2023: set(),
        2024: set(),
        2025: None,
    }
    # a byte-identical copy changes the list of files only; a new content changes controles
    write(raw / "2023" / "ODH" / "controles_2024-02-01.csv", f"{CONTROLES_HEADER}\n{row}\n")
    write(raw / "2024" / "ODH" / "controles_2025-02-01.csv", f"{CONTROLES_HEADER}\n")
    assert changed_kinds(database, raw, [2023, 2024]) == {
        2023: {"overige bestanden"},
        2024: {"controles"},
    }
