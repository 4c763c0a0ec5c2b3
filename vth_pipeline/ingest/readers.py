"""Read one delivery file into text columns, or reject it with a reason a partner can act on.

Every cell is kept as text (typing is the staging layer's job), with the row number as the
partner sees it: in CSV the header is row 1 and a record with a quoted newline is one row (as
Excel shows it); in XLSX the sheet's own row number. Wholly empty rows are not rows.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import (
    BINARY_SAMPLE_BYTES,
    MAX_CONTROL_SHARE,
    MAX_CSV_CELLS,
    MAX_HEADER_COLUMNS,
    QUOTE_CHARS,
    FileKind,
    cut,
    dutch_number,
)
from vth_pipeline.ingest.xlsx_guard import XlsxRejection, inspect_xlsx

EXTRA_FIELDS = 16  # room for rows with more fields than the header, so they can be reported;
# each costs 16 bytes per row (a polars string view) even when empty: 64 made a 10 MB file of
# short rows take 6 GB (docs/performance.md, "Reading limits")
_XLSX_DATETIME = r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$"
# Starts of files that are certainly not text: zip (XLSX), PDF, OLE (XLS), gzip, PNG, JPEG.
_BINARY_SIGNATURES = (
    b"PK\x03\x04",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
    b"\x89PNG",
    b"\xff\xd8\xff",
)
# Control bytes that no text has in bulk: all of C0 but tab, LF and CR, and DEL.
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


@dataclass
class ReadResult:
    """What came out of one file: a frame of text cells, or a rejection."""

    frame: pl.DataFrame | None = None
    rejected: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    extra_columns: list[str] = field(default_factory=list)

    @property
    def decimal_comma(self) -> bool:
        return self.separator == ";"


class Rejection(Exception):
    """A whole file cannot be used; the message is Dutch and meant for the partner."""


def read_delivery(path: Path, kind: FileKind, max_bytes: int) -> ReadResult:
    """Read a CSV or XLSX delivery of `kind`; never raises for bad input."""
    result = ReadResult()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Rejection(
                f"bestand is te groot ({size:,} bytes; de grens is {max_bytes:,} bytes)".replace(
                    ",", "."
                )
            )
        if size == 0:
            raise Rejection("bestand is leeg")
        if path.suffix.lower() == ".xlsx":
            grid = _read_xlsx(path, kind, result)
        else:
            grid = _read_csv(path.read_bytes(), result)
        result.frame = _to_columns(grid, kind, result)
    except Rejection as e:
        result.rejected = str(e)
        result.frame = None
    return result


def _decode(data: bytes, result: ReadResult) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        result.encoding = "utf-8-sig"
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Rejection("tekencodering niet herkend (UTF-16); toegestaan: UTF-8 of Windows-1252")
    if _mostly_binary(data):
        raise Rejection("bestand is geen CSV-tekstbestand (het lijkt een ander soort bestand)")
    try:
        text = data.decode("utf-8")
        result.encoding = result.encoding or "utf-8"
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            result.encoding = "windows-1252"
        except UnicodeDecodeError as e:
            raise Rejection(
                f"tekencodering niet herkend (byte {e.start + 1}); "
                "toegestaan: UTF-8 of Windows-1252"
            ) from e
    if not text.strip():
        raise Rejection("bestand is leeg")
    return text


def _mostly_binary(data: bytes) -> bool:
    """A known binary signature, or more than MAX_CONTROL_SHARE control bytes at the start.

    A few control characters in a text file (a NUL typed into a cell) quarantine their rows in
    staging (rule `controleteken`); only a file that is mostly not text is refused whole."""
    if data.startswith(_BINARY_SIGNATURES):
        return True
    sample = data[:BINARY_SAMPLE_BYTES]
    return len(sample.translate(None, _NOT_CONTROL)) > MAX_CONTROL_SHARE * len(sample)


def _header_line(text: str) -> str:
    """The first line with something on it, without splitting the whole file into lines."""
    found = re.search(r"\S", text)
    if found is None:
        return ""
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    return text[start : end if end >= 0 else len(text)]


def _detect_separator(header: str) -> str:
    """The separator that splits the header line most; `,` when neither occurs."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _header_width(header: str, sep: str) -> int:
    """Columns in the header line, bounded: the reading schema is this wide (plus room for
    surplus fields), so a header of megabytes must not become a schema of millions."""
    width = re.sub(r'"[^"]*"', "", header).count(sep) + 1
    if width > MAX_HEADER_COLUMNS:
        raise Rejection(
            f"kopregel heeft te veel kolommen ({dutch_number(width)}; de grens is "
            f"{dutch_number(MAX_HEADER_COLUMNS)})"
        )
    return width


def _bound_cells(text: str, columns: int) -> None:
    """Refuse before parsing a CSV whose lines would make more cells than MAX_CSV_CELLS."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines * columns > MAX_CSV_CELLS:
        raise Rejection(
            f"bestand te groot: {dutch_number(lines)} regels van {dutch_number(columns)} "
            f"kolommen zijn meer dan {dutch_number(MAX_CSV_CELLS)} cellen (de grens)"
        )


def _csv_error(error: Exception, text: str) -> Rejection:
    """A Dutch reason for a CSV that polars cannot parse (in practice: an open quote)."""
    message = str(error)
    if "not properly escaped" in message or text.count('"') % 2:
        return Rejection(
            "CSV kan niet gelezen worden (een veld tussen aanhalingstekens wordt niet "
            "afgesloten; controleer de aanhalingstekens)"
        )
    reason = message.splitlines()[0] if message else type(error).__name__
    return Rejection(f"CSV kan niet gelezen worden ({cut(reason)})")


def _read_csv(data: bytes, result: ReadResult) -> pl.DataFrame:
    text = _decode(data, result)
    if "\r" in text:  # a lone CR (old Mac) ends a line as CRLF and LF do
        text = re.sub(r"\r(?!\n)", "\n", text)
    header = _header_line(text)
    sep = _detect_separator(header)
    result.separator = sep
    columns = _header_width(header, sep)
    _bound_cells(text, columns)
    width = columns + EXTRA_FIELDS
    try:
        grid = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=sep,
            has_header=False,
            infer_schema=False,
            schema={f"column_{i + 1}": pl.String for i in range(width)},
            missing_columns="insert",
            truncate_ragged_lines=True,
            quote_char='"',
            row_index_name="__rij",
            row_index_offset=1,
        )
    except Exception as e:  # polars raises several kinds for malformed CSV
        raise _csv_error(e, text) from e
    return grid


def _read_xlsx(path: Path, kind: FileKind, result: ReadResult) -> pl.DataFrame:
    import fastexcel

    try:
        sheet = inspect_xlsx(path, kind.name)  # bounded before fastexcel allocates anything
    except XlsxRejection as e:
        raise Rejection(str(e)) from e
    result.sheet = sheet
    try:
        book = fastexcel.read_excel(str(path))
        grid = book.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise Rejection(f"bestand kan niet als XLSX-werkmap gelezen worden ({cut(reason)})") from e
    grid = grid.rename({c: f"column_{i + 1}" for i, c in enumerate(grid.columns)})
    # Excel-typed dates arrive as 'YYYY-MM-DD 00:00:00': keep the date.
    grid = grid.with_columns(pl.all().str.replace(_XLSX_DATETIME, "$1"))
    return grid.with_row_index("__rij", offset=1)


def _header_name(value: str | None, position: int) -> str:
    name = (value or "").replace("\ufeff", "").replace("\xa0", " ").strip().lower()
    return name or f"kolom_{position}"


def _quoted_names(names: list[str]) -> list[str]:
    """Unknown column names as shown in the outcome (joined with ', '): cut as one value."""
    joined = ", ".join(names)
    return names if len(joined) <= QUOTE_CHARS else [cut(joined)]


def _to_columns(grid: pl.DataFrame, kind: FileKind, result: ReadResult) -> pl.DataFrame:
    # Columns empty from top to bottom carry nothing (most of the spare CSV columns).
    grid = grid.select(c.name for c in grid if c.name == "__rij" or c.null_count() < grid.height)
    cells = [c for c in grid.columns if c != "__rij"]
    if not cells:
        raise Rejection("bestand is leeg")
    nonempty = pl.any_horizontal(pl.col(c).str.strip_chars().str.len_chars() > 0 for c in cells)
    rows = grid.filter(nonempty.fill_null(False))
    if rows.height == 0:
        raise Rejection("bestand is leeg")
    header_row = rows.row(0, named=True)
    last = max((i for i, c in enumerate(cells) if header_row[c] not in (None, "")), default=-1)
    if last < 0:
        raise Rejection("bestand is leeg")
    if last + 1 > MAX_HEADER_COLUMNS:  # an XLSX header; a CSV one was bounded before reading
        raise Rejection(
            f"kopregel heeft te veel kolommen ({dutch_number(last + 1)}; de grens is "
            f"{dutch_number(MAX_HEADER_COLUMNS)})"
        )
    names = [_header_name(header_row[c], i + 1) for i, c in enumerate(cells[: last + 1])]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise Rejection(f"kolom komt meer dan eens voor in de kopregel: {cut(', '.join(dupes))}")
    missing = [c for c in kind.required_columns if c not in names]
    if missing:
        raise Rejection(
            "verplichte kolom(men) ontbreken: "
            + ", ".join(missing)
            + f"; gevonden kolommen: {cut(', '.join(names))}"
        )
    data = rows.slice(1)  # a header without rows is a valid delivery of nothing
    header_cells = cells[: last + 1]
    surplus = cells[last + 1 :]
    mapping = dict(zip(header_cells, names, strict=True))
    result.extra_columns = _quoted_names([n for n in names if n not in kind.column_names])
    out = [pl.col("__rij").cast(pl.Int64).alias("bron_rij")]
    for col in kind.column_names:
        src = next((c for c, n in mapping.items() if n == col), None)
        out.append(pl.col(src).alias(col) if src else pl.lit(None, pl.String).alias(col))
    extras = [c for c, n in mapping.items() if n not in kind.column_names]
    if extras:
        out.append(
            pl.struct([pl.col(c).alias(mapping[c]) for c in extras])
            .struct.json_encode()
            .alias("extra_kolommen")
        )
    else:
        out.append(pl.lit(None, pl.String).alias("extra_kolommen"))
    if surplus:
        sep = result.separator or ";"
        filled = [pl.col(c).fill_null("") for c in surplus]
        any_surplus = pl.any_horizontal(pl.col(c).str.strip_chars() != "" for c in surplus)
        out.append(
            pl.when(any_surplus.fill_null(False))
            .then(pl.concat_str(filled, separator=sep).str.strip_chars_end(sep))
            .otherwise(None)
            .alias("te_veel_velden")
        )
    else:
        out.append(pl.lit(None, pl.String).alias("te_veel_velden"))
    return data.select(out)
