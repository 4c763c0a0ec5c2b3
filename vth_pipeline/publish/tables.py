"""The published tables: which staat table becomes which file, with which columns, in which order.

The column lists begin with the columns of the output contract (`docs/spec/output_columns.csv`,
checked by a test); a few columns for readers (names, provenance) follow them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from vth_pipeline.defs.seveso import HANDHAVING_COLUMNS, SEVESO_FIGURES
from vth_pipeline.defs.staat import CONTROLE_FIGURES, KENGETAL_FIGURES, PROVINCIE_KENGETALLEN


@dataclass(frozen=True)
class PublishedTable:
    file: str
    source: str
    columns: tuple[str, ...]
    order_by: str
    sheet: str

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".csv")


PUBLISHED_TABLES: tuple[PublishedTable, ...] = (
    PublishedTable(
        "landelijk.csv",
        "staat.landelijk",
        ("figuur", "waarde", "geleverd", "verwacht"),
        "volgorde",
        "Landelijk",
    ),
    PublishedTable(
        "omgevingsdiensten.csv",
        "staat.omgevingsdiensten",
        ("partner_code", *CONTROLE_FIGURES, *KENGETAL_FIGURES, "naam"),
        "partner_code",
        "Omgevingsdiensten",
    ),
    PublishedTable(
        "provincies.csv",
        "staat.provincies",
        ("provincie_code", *CONTROLE_FIGURES, *PROVINCIE_KENGETALLEN, "naam"),
        "provincie_code",
        "Provincies",
    ),
    PublishedTable(
        "interventies.csv",
        "staat.interventies",
        ("partner_code", "interventie", "aantal"),
        "partner_code = 'NL', partner_code, interventie",
        "Interventies",
    ),
    PublishedTable(
        "lhso.csv",
        "staat.lhso",
        ("partner_code", "lhs_gevolg", "lhs_gedrag", "aantal"),
        "partner_code = 'NL', partner_code, lhs_gevolg, lhs_gedrag",
        "LHSO-matrix",
    ),
    PublishedTable(
        "seveso.csv",
        "staat.seveso",
        ("scope", *SEVESO_FIGURES, HANDHAVING_COLUMNS),
        "volgorde, scope",
        "Seveso",
    ),
    PublishedTable(
        "seveso_integratie.csv",
        "staat.seveso_integratie",
        ("reden", "inspecties"),
        "reden",
        "Seveso-integratie",
    ),
    PublishedTable(
        "seveso_conflicten.csv",
        "staat.seveso_conflicten",
        (
            "gezamenlijke_inspectie_id",
            "partner_code",
            "inspectie_id",
            "inrichting_id",
            "datum",
            "bron_bestand",
            "bron_rij",
        ),
        "gezamenlijke_inspectie_id, partner_code, inspectie_id",
        "Seveso-conflicten",
    ),
    PublishedTable(
        "uitkomsten.csv",
        "staat.uitkomsten",
        (
            "indicator",
            "gebied",
            "waarde",
            "waarde_vorig_jaar",
            "verschil_pct",
            "geleverd_door",
            "opmerking",
        ),
        "indicator, gebied = 'NL', gebied",
        "Uitkomsten",
    ),
    PublishedTable(
        "datakwaliteit.csv",
        "staat.datakwaliteit",
        (
            "partner_code",
            "soort",
            "verplicht",
            "geleverd",
            "rijen",
            "geaccepteerd",
            "quarantaine",
            "status",
            "leverdatum",
            "bestand",
            "sha256",
            "bestanden_ontvangen",
            "reden",
        ),
        "partner_code, soort",
        "Datakwaliteit",
    ),
    PublishedTable(
        "quarantaine_regels.csv",
        "staat.quarantaine_regels",
        (
            "partner_code",
            "soort",
            "bron_bestand",
            "regel",
            "kolom",
            "rijen",
            "eerste_rij",
            "melding",
        ),
        "partner_code, soort, bron_bestand, regel",
        "Quarantaine",
    ),
    PublishedTable(
        "leveringen.csv",
        "staat.leveringen",
        (
            "pad",
            "partner_code",
            "soort",
            "leverdatum",
            "formaat",
            "bytes",
            "sha256",
            "status",
            "reden",
        ),
        "pad",
        "Leveringen",
    ),
)

# No timestamps in published files: the same inputs give the same bytes.
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)


def table_query(table: PublishedTable) -> str:
    return (
        f"SELECT {', '.join(table.columns)} FROM {table.source} WHERE jaar = $jaar "
        f"ORDER BY {table.order_by}"
    )


def read_table(conn: duckdb.DuckDBPyConnection, table: PublishedTable, year: int) -> pl.DataFrame:
    return pl.from_arrow(conn.execute(table_query(table), {"jaar": year}).to_arrow_table())


def write_tables(conn: duckdb.DuckDBPyConnection, year: int, folder: Path) -> dict[str, int]:
    """CSV and Parquet per table, and all of them in one `tabellen.xlsx`; returns row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    frames: dict[str, pl.DataFrame] = {}
    for table in PUBLISHED_TABLES:
        query = table_query(table)
        conn.execute(
            f"COPY ({query}) TO '{folder / table.file}' (FORMAT csv, HEADER, DELIMITER ',')",
            {"jaar": year},
        )
        conn.execute(
            f"COPY ({query}) TO '{folder / (table.stem + '.parquet')}' (FORMAT parquet)",
            {"jaar": year},
        )
        frames[table.sheet] = read_table(conn, table, year)
        counts[table.file] = frames[table.sheet].height
    write_xlsx(frames, folder / "tabellen.xlsx")
    return counts


def write_xlsx(frames: dict[str, pl.DataFrame], path: Path) -> None:
    """One sheet per table. Text is never turned into a formula or link (partners' values)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties({"created": FIXED_TIMESTAMP, "author": "vth-pipeline"})
    for sheet, frame in frames.items():
        frame.write_excel(
            workbook,
            worksheet=sheet,
            autofit=True,
            header_format={"bold": True},
            float_precision=2,
        )
    workbook.close()
