"""Writers that render a logical table as a partner's file, as a :class:`Profile` says.

Defects are planned against logical row indices (:class:`Mark`); the writer reports where they
land in the file (row number and cell text as the partner sees them).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import polars as pl
import xlsxwriter

from .formats import Profile, column_kinds

_DATE_FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d-%m-%Y", "dmy_nopad": "%-d-%-m-%Y"}
_EXCEL_EPOCH = date(1899, 12, 30)


def _header_name(name: str, i: int, style: str) -> str:
    if style == "plain":
        return name
    variants = [
        lambda s: " " + "_".join(p.capitalize() for p in s.split("_")) + " ",
        lambda s: s.upper(),
        lambda s: s.capitalize() + "  ",
        lambda s: "\t" + s,
    ]
    return variants[i % len(variants)](name)


def _format_number(expr: pl.Expr, decimal_comma: bool, int_fraction: bool) -> pl.Expr:
    whole = expr.round(0) == expr
    as_int = expr.round(0).cast(pl.Int64).cast(pl.Utf8)
    if int_fraction:
        as_int = as_int + pl.lit(".0")
    text = pl.when(whole).then(as_int).otherwise(expr.round(2).cast(pl.Utf8))
    return text.str.replace(".", ",", literal=True) if decimal_comma else text


def format_strings(df: pl.DataFrame, kinds: dict[str, str], profile: Profile) -> pl.DataFrame:
    """Every cell as the text the partner writes (None for an empty cell)."""
    t, f = profile.bool_style
    exprs = []
    for i, name in enumerate(df.columns):
        kind = kinds[name]
        c = pl.col(name)
        if kind == "date":
            e = c.dt.strftime(_DATE_FORMATS[profile.date_style])
        elif kind == "decimal":
            e = c.round(1).cast(pl.Utf8)
            if profile.decimal_comma:
                e = e.str.replace(".", ",", literal=True)
        elif kind == "number":
            e = _format_number(c, profile.decimal_comma, False)
        elif kind == "integer":
            e = _format_number(c.cast(pl.Float64), profile.decimal_comma, profile.int_fraction)
        elif kind == "bool":
            e = pl.when(c).then(pl.lit(t)).when(c.not_()).then(pl.lit(f)).otherwise(None)
        elif kind == "code" and profile.code_case == "mixed":
            e = (
                c.str.to_uppercase()
                if i % 2
                else c.str.slice(0, 1).str.to_uppercase() + c.str.slice(1)
            )
        elif kind == "area" and profile.area_case == "lower":
            e = c.str.to_lowercase()
        else:
            e = c
        exprs.append(e.cast(pl.Utf8).alias(name))
    return df.select(exprs)


def add_whitespace(sdf: pl.DataFrame, kinds: dict[str, str], rng: np.random.Generator):
    """Surround about 3% of the id/code values with spaces, tabs or non-breaking spaces."""
    pads = [(" ", ""), ("", " "), ("\t", ""), ("", "\u00a0"), ("  ", "  ")]
    cols = []
    for name in sdf.columns:
        if kinds[name] not in ("code", "area", "id"):
            cols.append(sdf[name])
            continue
        pick = rng.random(sdf.height) < 0.03
        which = rng.integers(0, len(pads), sdf.height)
        left = np.where(pick, np.asarray([p[0] for p in pads], dtype=object)[which], "")
        right = np.where(pick, np.asarray([p[1] for p in pads], dtype=object)[which], "")
        s = sdf[name]
        padded = pl.Series(left.tolist(), dtype=pl.Utf8) + s + pl.Series(right.tolist())
        cols.append(padded.alias(name))
    return pl.DataFrame(cols)


# --------------------------------------------------------------------------- planned marks


@dataclass
class Mark:
    """A defect planned on a logical row (``row`` = index in the table, None = whole file)."""

    row: int | None
    column: str | None
    klasse: str
    gevolg: str
    detail: str = ""


@dataclass
class Rendered:
    data: bytes
    rows: int
    header_row: int
    sheet: str | None
    resolved: list[tuple[int | None, str | None, str | None, Mark]] = field(default_factory=list)


def _csv_field(value: str | None, sep: str) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in (sep, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _xlsx_norm(value) -> str | None:
    """How a typed XLSX cell reads back as text (see ``Defect.value``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value)


def render(
    df: pl.DataFrame,
    soort: str,
    profile: Profile,
    rng: np.random.Generator,
    *,
    jaar: int,
    partner: str,
    overrides: dict[tuple[int, str], str] | None = None,
    extra_fields: dict[int, list[str]] | None = None,
    drop_columns: Sequence[str] = (),
    marks: Sequence[Mark] = (),
) -> Rendered:
    """Write the logical table ``df`` as ``profile`` says; resolve ``marks`` to file cells."""
    overrides = dict(overrides or {})
    extra_fields = dict(extra_fields or {})
    kinds = column_kinds(soort)
    df = df.drop([c for c in drop_columns if c in df.columns])
    order = list(df.columns)
    if profile.shuffle:
        order = [order[i] for i in rng.permutation(len(order))]
    df = df.select(order)
    sdf = format_strings(df, kinds, profile)
    if profile.whitespace:
        sdf = add_whitespace(sdf, kinds, rng)
    # raw overrides (bad values that no formatting would produce)
    by_col: dict[str, list[tuple[int, str]]] = {}
    for (r, col), val in overrides.items():
        by_col.setdefault(col, []).append((r, val))
    for col, items in sorted(by_col.items()):
        idx = [r for r, _ in sorted(items)]
        vals = [v for _, v in sorted(items)]
        sdf = sdf.with_columns(sdf[col].scatter(idx, vals))
    # an empty string is an empty cell
    sdf = sdf.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in sdf.columns
    )
    headers = [_header_name(c, i, profile.header_style) for i, c in enumerate(order)]
    if profile.fmt == "csv":
        return _render_csv(sdf, headers, profile, extra_fields, marks)
    return _render_xlsx(
        df, sdf, kinds, headers, profile, overrides, marks, soort, jaar, partner, rng
    )


def _render_csv(
    sdf: pl.DataFrame,
    headers: list[str],
    profile: Profile,
    extra_fields: dict[int, list[str]],
    marks: Sequence[Mark],
) -> Rendered:
    out = io.StringIO()
    sep, nl = profile.sep, profile.newline
    out.write(sep.join(_csv_field(h, sep) for h in headers) + nl)
    start = 0
    for r in sorted(extra_fields) + [sdf.height]:
        if r > start:
            chunk = sdf.slice(start, r - start)
            out.write(
                chunk.write_csv(
                    include_header=False,
                    separator=sep,
                    line_terminator=nl,
                    quote_style="necessary",
                    null_value="",
                )
            )
        if r < sdf.height:
            values = list(sdf.row(r)) + extra_fields[r]
            out.write(sep.join(_csv_field(v, sep) for v in values) + nl)
        start = r + 1
    data = out.getvalue().encode(profile.encoding)
    resolved = []
    for m in marks:
        if m.row is None:
            resolved.append((None, m.column, None, m))
            continue
        value = None if m.column is None else (sdf[m.column][m.row] or "")
        resolved.append((m.row + 2, m.column, value, m))
    return Rendered(data, sdf.height, 1, None, resolved)


_SHEET_NAMES = ["Export", "Blad1", "Query resultaat", "Gegevens"]
_TYPED_KINDS = ("date", "decimal", "number", "integer", "bool")


def _workbook(buf: io.BytesIO, soort: str, jaar: int, partner: str) -> xlsxwriter.Workbook:
    """A workbook with fixed document properties, so no timestamp of the run lands in it."""
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties(
        {
            "title": f"{soort} {jaar}",
            "author": partner,
            "company": partner,
            "created": datetime(2025, 1, 1),
        }
    )
    return wb


def _sheet_name(profile: Profile, soort: str, jaar: int, partner: str) -> str:
    if profile.xlsx_sheets == "single_arbitrary":
        return _SHEET_NAMES[(sum(map(ord, partner)) + jaar) % len(_SHEET_NAMES)]
    return soort


def _typed_cells(raw: pl.Series, kind: str) -> tuple[list[tuple[str, object]], list]:
    """Excel cells of a typed column as (how, value), and the values a reader gets back."""
    if kind == "date":
        serial = (raw.cast(pl.Int32) - (_EXCEL_EPOCH - date(1970, 1, 1)).days).to_list()
        return [("d", s) for s in serial], raw.to_list()
    if kind == "bool":
        return [("b", v) for v in raw.to_list()], raw.to_list()
    num = raw.cast(pl.Float64)
    if kind == "decimal":
        num = num.round(1)
    return [("n", v) for v in num.to_list()], num.to_list()


def _write_typed(ws, row: int, col: int, how: str, value: object, date_fmt) -> None:
    if how == "d":
        ws.write_number(row, col, value, date_fmt)
    elif how == "n":
        ws.write_number(row, col, value)
    elif how == "b":
        ws.write_boolean(row, col, value)
    else:
        ws.write_string(row, col, value)


def _render_xlsx(
    df: pl.DataFrame,
    sdf: pl.DataFrame,
    kinds: dict[str, str],
    headers: list[str],
    profile: Profile,
    overrides: dict[tuple[int, str], str],
    marks: Sequence[Mark],
    soort: str,
    jaar: int,
    partner: str,
    rng: np.random.Generator,
) -> Rendered:
    buf = io.BytesIO()
    wb = _workbook(buf, soort, jaar, partner)
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    bold = wb.add_format({"bold": True})
    sheet = _sheet_name(profile, soort, jaar, partner)
    if profile.xlsx_sheets == "kind_with_other":
        info = wb.add_worksheet("Toelichting")
        info.write_string(0, 0, f"Aanlevering {soort} {jaar}", bold)
        info.write_string(1, 0, f"Partner: {partner}")
        info.write_string(2, 0, "Contactpersoon: afdeling informatiebeheer")
    ws = wb.add_worksheet(sheet)
    # one or two empty rows above the header (varies per file)
    r0 = int(rng.integers(1, profile.blank_rows_above + 1)) if profile.blank_rows_above else 0
    for c, h in enumerate(headers):
        ws.write_string(r0, c, h, bold if profile.xlsx_typed else None)
    n = sdf.height
    typed_values: dict[str, list] = {}
    for c, name in enumerate(sdf.columns):
        texts = sdf[name].to_list()
        if profile.xlsx_typed and kinds[name] in _TYPED_KINDS:
            vals, typed_values[name] = _typed_cells(df[name], kinds[name])
            for r in range(n):
                if (r, name) in overrides:
                    vals[r] = ("s", texts[r])
            for r, (how, v) in enumerate(vals):
                if v is not None:
                    _write_typed(ws, r0 + 1 + r, c, how, v, date_fmt)
        else:
            for r, v in enumerate(texts):
                if v is not None:
                    ws.write_string(r0 + 1 + r, c, v)
    if profile.trailing_blank:
        blank = wb.add_format({"bg_color": "#FFFFFF"})
        ws.write_blank(r0 + 1 + n, 0, None, blank)
        ws.write_blank(r0, len(headers), None, blank)
    wb.close()
    resolved = [_resolve_xlsx(m, r0, sdf, typed_values, overrides) for m in marks]
    return Rendered(buf.getvalue(), n, r0 + 1, sheet, resolved)


def _resolve_xlsx(
    m: Mark,
    r0: int,
    sdf: pl.DataFrame,
    typed_values: dict[str, list],
    overrides: dict[tuple[int, str], str],
) -> tuple[int | None, str | None, str | None, Mark]:
    """Where a planned mark lands in the sheet, with the cell text as a reader gets it."""
    if m.row is None:
        return (None, m.column, None, m)
    value = None
    if m.column is not None:
        if m.column in typed_values and (m.row, m.column) not in overrides:
            value = _xlsx_norm(typed_values[m.column][m.row])
        else:
            value = sdf[m.column][m.row] or ""
    return (r0 + 2 + m.row, m.column, value, m)
