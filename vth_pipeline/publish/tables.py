"""Writing the published tables (declared in `contract.publication`) as CSV, Parquet and XLSX.

Two tables are derived views over staat tables only (`sql/kerncijfers.sql`,
`sql/seveso_reeks.sql`), so that every number the report and the charts show is a number in a
published table. Rows are always written in a total order, so the same inputs give
byte-identical files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from vth_pipeline.contract.publication import (
    PUBLISHED_TABLES,
    TABLES_BY_FILE,
    PublishedTable,
    label,
)
from vth_pipeline.publish.opendata import write_csvw
from vth_pipeline.sql import load_sql
from vth_pipeline.warehouse import arrow_table, register_arrow
from vth_pipeline.xlsx import FIXED_TIMESTAMP, safe_workbook


def table_query(table: PublishedTable) -> str:
    source = (
        f"({load_sql(table.source.removesuffix('.sql'))}) AS t" if table.is_view else table.source
    )
    return (
        f"SELECT {', '.join(table.columns)} FROM {source} WHERE {table.where} "
        f"ORDER BY {table.order_by}"
    )


def read_table(conn: duckdb.DuckDBPyConnection, table: PublishedTable, year: int) -> pl.DataFrame:
    """The rows of a published table, exactly as written to its files."""
    return pl.from_arrow(arrow_table(conn, table_query(table), {"jaar": year}))


def csv_query(conn: duckdb.DuckDBPyConnection, table: PublishedTable, year: int) -> str:
    """The table's query with staged decimals written without trailing zeros (`12.5`).

    Staged numbers are DECIMAL(38, 6), which DuckDB writes as `12.500000`; figures rounded by
    the rules (one or two decimals) keep their fixed decimals (`68.0`).
    """
    query = table_query(table)
    conn.complete()  # the relational API waits for no unfinished result (warehouse.register_arrow)
    rel = conn.sql(query, params={"jaar": year})
    cols = []
    for name, kind in zip(rel.columns, rel.types, strict=True):
        text = str(kind)
        if text.startswith("DECIMAL(") and int(text.rstrip(")").split(",")[1]) > 2:
            cols.append(f"rtrim(rtrim({name}::VARCHAR, '0'), '.') AS {name}")
        else:
            cols.append(name)
    return f"SELECT {', '.join(cols)} FROM ({query})"


def write_parquet(conn: duckdb.DuckDBPyConnection, rows: Any, path: Path) -> None:
    """The rows (Arrow) as Parquet, every column nullable.

    DuckDB 2 marks a column `not null` in a Parquet file it writes from a query when the
    table's statistics say it holds no NULL, statistics of the whole table, every year: the
    same year's file then changed with the other years in the warehouse (a year built alone
    against a full build, a rebuild after another year's delivery). Written from the rows as
    Arrow hands them over (nullable fields), the schema depends on the table's columns only."""
    register_arrow(conn, "__parquet_rows", rows)
    try:
        conn.execute(f"COPY (SELECT * FROM __parquet_rows) TO '{path}' (FORMAT parquet)")
    finally:
        conn.unregister("__parquet_rows")


def write_tables(conn: duckdb.DuckDBPyConnection, year: int, folder: Path) -> dict[str, int]:
    """CSV and Parquet per table, and all of them in one `tabellen.xlsx`; returns row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    frames: dict[str, pl.DataFrame] = {}
    for table in PUBLISHED_TABLES:
        conn.execute(
            f"COPY ({csv_query(conn, table, year)}) TO '{folder / table.file}' "
            "(FORMAT csv, HEADER, DELIMITER ',')",
            {"jaar": year},
        )
        rows = arrow_table(conn, table_query(table), {"jaar": year})
        write_parquet(conn, rows, folder / (table.stem + ".parquet"))
        frames[table.file] = pl.from_arrow(rows)
    write_xlsx(frames, folder / "tabellen.xlsx", year)
    write_csvw(folder, frames, year)  # CSV on the Web: <tabel>.csv-metadata.json
    return {file: frame.height for file, frame in frames.items()}


def explanation(frames: dict[str, pl.DataFrame], year: int) -> pl.DataFrame:
    """The first sheet of the workbook: what each sheet holds, and what each column means."""
    rows = []
    for file, frame in frames.items():
        t = TABLES_BY_FILE[file]
        rows.append(
            {"blad": t.sheet, "kolom": "", "betekenis": f"{t.title} {year}. {t.description}"}
        )
        rows += [{"blad": t.sheet, "kolom": c, "betekenis": label(c)} for c in frame.columns]
    return pl.DataFrame(rows, schema={k: pl.String for k in ("blad", "kolom", "betekenis")})


# National figures are text in staat.landelijk (one column for counts, percentages and ratios);
# in the workbook they are numbers, so that Excel can compute with them.
NUMERIC_TEXT = ("waarde", "waarde_vorig_jaar", "verschil")


def _as_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(c).cast(pl.Float64)
        for c in NUMERIC_TEXT
        if c in frame.columns and frame.schema[c] == pl.String
    )


# Whole numbers that are not quantities: no thousands separator ("2021", not "2.021").
PLAIN_INTEGERS = ("jaar", "bron_rij", "eerste_rij")


def column_formats(frame: pl.DataFrame) -> dict[str, str]:
    """Excel number formats: counts whole, figures with the decimals of their rule, no more."""
    formats = {}
    for column, dtype in frame.schema.items():
        if column in PLAIN_INTEGERS:
            formats[column] = "0"
        elif column.endswith("_pct"):
            formats[column] = "#,##0.0"
        elif column.endswith("_per_fte"):
            formats[column] = "#,##0.00"
        elif dtype.is_integer():
            formats[column] = "#,##0"
        elif dtype.is_numeric():  # mixed figures (landelijk `waarde`) and delivered decimals
            formats[column] = "General"
    return formats


def write_sheet(workbook, sheet: str, frame: pl.DataFrame, labels: list[str]) -> None:
    """A sheet with the Dutch labels as first header row and the column names as the second
    (the names of the CSV), the header frozen and filters on it."""
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_row(0, 0, labels, workbook.add_format({"bold": True, "text_wrap": True}))
    frame.write_excel(
        workbook,
        worksheet=worksheet,
        position=(1, 0),
        autofit=True,
        autofilter=True,
        header_format={"italic": True, "font_color": "#555555"},
        column_formats=column_formats(frame),
        freeze_panes=(2, 0),
    )


def write_xlsx(frames: dict[str, pl.DataFrame], path: Path, year: int) -> None:
    """An explanation sheet, then one sheet per table (frames keyed by file name).

    Text is never turned into a formula or link (partners' values), and the workbook carries a
    fixed date, not the build time.
    """
    workbook = safe_workbook(path)
    workbook.set_properties(
        {
            "created": FIXED_TIMESTAMP,
            "author": "vth-pipeline",
            "title": f"Staat van VTH {year}: tabellen",
        }
    )
    sheets = {"Toelichting": explanation(frames, year)}
    sheets |= {TABLES_BY_FILE[file].sheet: _as_numbers(frame) for file, frame in frames.items()}
    for sheet, frame in sheets.items():
        write_sheet(workbook, sheet, frame, [label(c) for c in frame.columns])
    workbook.close()
