"""Format variations of the delivery files and the writers that apply them.

A delivery is first built as a *logical* table (a polars DataFrame with typed columns in the
contract's column order). A :class:`Profile` decides how it is written: CSV or XLSX, encoding,
separator, date and boolean notation, header spelling, column order, extra columns. Defects are
planned against logical row indices; the writer reports where they land in the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import polars as pl
import xlsxwriter

# The column kinds of the contract; an extra free-text column ``opmerking`` is of kind "text".
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "controles": [
        ("controle_id", "id"),
        ("bevoegd_gezag", "area"),
        ("inrichting_id", "id"),
        ("datum", "date"),
        ("soort_controle", "code"),
        ("aanleiding", "code"),
        ("taakveld", "code"),
        ("resultaat", "code"),
        ("lhs_gevolg", "code"),
        ("lhs_gedrag", "code"),
        ("interventie", "code"),
        ("seveso", "bool"),
        ("uren", "decimal"),
    ],
    "kengetallen": [("indicator", "code"), ("bevoegd_gezag", "area"), ("waarde", "number")],
    "uitkomsten": [("indicator", "code"), ("gebied", "area"), ("waarde", "number")],
    "seveso_inrichtingen": [
        ("inrichting_id", "id"),
        ("naam", "text"),
        ("drempel", "code"),
        ("gemeente", "area"),
        ("omgevingsdienst", "area"),
        ("veiligheidsregio", "area"),
        ("actief_vanaf", "date"),
        ("actief_tot", "date"),
    ],
    "seveso_inspecties": [
        ("inspectie_id", "id"),
        ("inrichting_id", "id"),
        ("datum", "date"),
        ("gezamenlijke_inspectie_id", "id"),
        ("type", "code"),
        ("overtredingen_cat1", "integer"),
        ("overtredingen_cat2", "integer"),
        ("overtredingen_cat3", "integer"),
        ("handhaving", "code"),
    ],
}
EXTRA_COLUMN = "opmerking"

KIND_DTYPES = {
    "id": pl.Utf8,
    "area": pl.Utf8,
    "code": pl.Utf8,
    "text": pl.Utf8,
    "date": pl.Date,
    "decimal": pl.Float64,
    "number": pl.Float64,
    "integer": pl.Int64,
    "bool": pl.Boolean,
}


def column_kinds(soort: str) -> dict[str, str]:
    kinds = dict(SCHEMAS[soort])
    kinds[EXTRA_COLUMN] = "text"
    return kinds


@dataclass(frozen=True)
class Profile:
    """One way of writing files, used by several partners for all their kinds."""

    name: str
    description: str
    fmt: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252 (CSV only)
    sep: str = ","
    newline: str = "\n"
    decimal_comma: bool = False
    date_style: str = "iso"  # iso | dmy | dmy_nopad
    header_style: str = "plain"  # plain | mixed (other case, surrounding spaces)
    shuffle: bool = False
    remarks: str | None = None  # None | plain | nonascii | tricky | formula
    bool_style: tuple[str, str] = ("ja", "nee")
    code_case: str = "lower"  # lower | mixed
    area_case: str = "upper"  # upper | lower
    whitespace: bool = False  # surrounding spaces/tabs/nbsp around some values
    int_fraction: bool = False  # whole numbers written with a zero fraction (3,0)
    xlsx_typed: bool = False  # real Excel dates, numbers and booleans
    xlsx_sheets: str = "kind_only"  # kind_only | kind_with_other | single_arbitrary
    blank_rows_above: int = 0
    trailing_blank: bool = False

    @property
    def ext(self) -> str:
        return self.fmt


PROFILES: list[Profile] = [
    Profile("csv_utf8_komma", "CSV UTF-8, separator ',', ISO dates, booleans ja/nee"),
    Profile(
        "csv_utf8bom_puntkomma",
        "CSV UTF-8 with BOM, ';', decimal comma, DD-MM-YYYY dates, booleans J/N, CRLF",
        encoding="utf-8-sig",
        sep=";",
        newline="\r\n",
        decimal_comma=True,
        date_style="dmy",
        bool_style=("J", "N"),
    ),
    Profile(
        "csv_cp1252_puntkomma",
        "CSV Windows-1252, ';', decimal comma, D-M-YYYY dates without leading zeros, "
        "booleans true/false, extra column opmerking with e-acute/e-umlaut, CRLF",
        encoding="cp1252",
        sep=";",
        newline="\r\n",
        decimal_comma=True,
        date_style="dmy_nopad",
        remarks="nonascii",
        bool_style=("true", "false"),
    ),
    Profile(
        "csv_kopjes_volgorde",
        "CSV UTF-8 ',', headers in other case with surrounding spaces, shuffled columns, "
        "codes in other case (Fysiek, OVERTREDING, gm0599), booleans 1/0",
        header_style="mixed",
        shuffle=True,
        code_case="mixed",
        area_case="lower",
        bool_style=("1", "0"),
    ),
    Profile(
        "csv_extra_kolom_quotes",
        "CSV UTF-8 ',', extra column opmerking with quoted separators and line breaks, "
        "DD-MM-YYYY dates, booleans Ja/NEE, CRLF",
        newline="\r\n",
        date_style="dmy",
        remarks="tricky",
        bool_style=("Ja", "NEE"),
    ),
    Profile(
        "xlsx_tabblad_soort",
        "XLSX, data sheet named after the kind behind a sheet 'Toelichting', real Excel "
        "dates/numbers/booleans, opmerking text cells starting with '=' or '-'",
        fmt="xlsx",
        remarks="formula",
        xlsx_typed=True,
        xlsx_sheets="kind_with_other",
    ),
    Profile(
        "xlsx_een_blad_tekst",
        "XLSX, one arbitrarily named sheet, every cell text (dates D-M-YYYY), headers in "
        "other case",
        fmt="xlsx",
        date_style="dmy_nopad",
        header_style="mixed",
        xlsx_sheets="single_arbitrary",
        bool_style=("j", "n"),
    ),
    Profile(
        "xlsx_lege_rijen",
        "XLSX, sheet named after the kind, empty rows above the header, an empty trailing "
        "row and column, real Excel dates and numbers, shuffled columns",
        fmt="xlsx",
        xlsx_typed=True,
        shuffle=True,
        blank_rows_above=2,
        trailing_blank=True,
    ),
    Profile(
        "csv_puntkomma_witruimte",
        "CSV UTF-8 ';', decimal comma, D-M-YYYY dates, whole numbers with ',0', values with "
        "surrounding spaces/tabs/non-breaking spaces",
        sep=";",
        decimal_comma=True,
        date_style="dmy_nopad",
        whitespace=True,
        int_fraction=True,
        bool_style=("JA", "nee"),
    ),
    Profile(
        "csv_cp1252_komma",
        "CSV Windows-1252 ',', ISO dates, booleans j/n, extra column opmerking with "
        "non-ASCII text, CRLF",
        encoding="cp1252",
        newline="\r\n",
        remarks="nonascii",
        bool_style=("j", "n"),
    ),
]
PROFILE_BY_NAME = {p.name: p for p in PROFILES}

_REMARKS_PLAIN = [
    "Geen bijzonderheden",
    "Vervolgafspraak gemaakt",
    "Rapport volgt",
    "Eigenaar niet aanwezig",
    "Zie eerder dossier",
]
_REMARKS_NONASCII = [
    "Overleg met bedrijfsleider; geen bijzonderheden gezien",
    "Controle i.o.m. brandweer; rapport volgt",
    "Coördinatie met waterschap nodig",
    "Eigenaar was niet aanwezig – opnieuw inplannen",
    "Zie rapport, café aan de achterzijde",
    "Geluidsmeting ’s avonds uitgevoerd",
    "Ruimte voor verbetering, € 500 investering gepland",
    "Naïeve opslag van gasflessen; besproken",
]
_REMARKS_TRICKY = [
    "Overleg gehad, vervolg afgesproken",
    "Opslag gecontroleerd; lekbakken in orde, afvoer ok",
    'Melding "stank" niet bevestigd',
    "Eerste bezoek: geen toegang\nTweede bezoek: wel toegang",
    "Aandachtspunten: 1) etikettering, 2) opslag",
]
_REMARKS_FORMULA = [
    "=Zie rapport",
    "-geen bijzonderheden-",
    "= 2 bezoeken nodig",
    "- opslag in orde",
    "Vervolgafspraak gemaakt",
    "+31 10 123 4567 (contactpersoon)",
]
REMARKS = {
    "plain": _REMARKS_PLAIN,
    "nonascii": _REMARKS_NONASCII,
    "tricky": _REMARKS_TRICKY,
    "formula": _REMARKS_FORMULA,
}


def remarks_column(n: int, style: str, rng: np.random.Generator, share: float = 0.12) -> pl.Series:
    """A mostly empty free-text column; at least a few filled cells of every phrase."""
    phrases = REMARKS[style]
    filled = rng.random(n) < share
    # make sure every phrase appears at least once when the table is large enough
    if n >= 4 * len(phrases):
        filled[: len(phrases)] = False
        pos = rng.choice(n, size=len(phrases), replace=False)
        filled[pos] = True
        which = rng.integers(0, len(phrases), n)
        which[pos] = np.arange(len(phrases))
    else:
        which = rng.integers(0, len(phrases), n)
    values = np.asarray(phrases, dtype=object)[which]
    values[~filled] = None
    return pl.Series(EXTRA_COLUMN, values.tolist(), dtype=pl.Utf8)


# --------------------------------------------------------------------------- formatting

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


def _render_csv(sdf, headers, profile, extra_fields, marks) -> Rendered:
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


def _render_xlsx(
    df, sdf, kinds, headers, profile, overrides, marks, soort, jaar, partner, rng
) -> Rendered:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties(
        {
            "title": f"{soort} {jaar}",
            "author": partner,
            "company": partner,
            "created": datetime(2025, 1, 1),
        }
    )
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    bold = wb.add_format({"bold": True})
    if profile.xlsx_sheets == "single_arbitrary":
        sheet = _SHEET_NAMES[(sum(map(ord, partner)) + jaar) % len(_SHEET_NAMES)]
    else:
        sheet = soort
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
        kind = kinds[name]
        texts = sdf[name].to_list()
        if profile.xlsx_typed and kind in ("date", "decimal", "number", "integer", "bool"):
            raw = df[name]
            if kind == "date":
                serial = (raw.cast(pl.Int32) - (_EXCEL_EPOCH - date(1970, 1, 1)).days).to_list()
                vals = [("d", s) for s in serial]
                typed_values[name] = raw.to_list()
            elif kind == "bool":
                vals = [("b", v) for v in raw.to_list()]
                typed_values[name] = raw.to_list()
            else:
                num = raw.cast(pl.Float64)
                if kind == "decimal":
                    num = num.round(1)
                vals = [("n", v) for v in num.to_list()]
                typed_values[name] = num.to_list()
            for r in range(n):
                if (r, name) in overrides:
                    vals[r] = ("s", texts[r])
            for r, (how, v) in enumerate(vals):
                if v is None:
                    continue
                row = r0 + 1 + r
                if how == "d":
                    ws.write_number(row, c, v, date_fmt)
                elif how == "n":
                    ws.write_number(row, c, v)
                elif how == "b":
                    ws.write_boolean(row, c, v)
                else:
                    ws.write_string(row, c, v)
        else:
            for r, v in enumerate(texts):
                if v is not None:
                    ws.write_string(r0 + 1 + r, c, v)
    if profile.trailing_blank:
        blank = wb.add_format({"bg_color": "#FFFFFF"})
        ws.write_blank(r0 + 1 + n, 0, None, blank)
        ws.write_blank(r0, len(headers), None, blank)
    wb.close()
    resolved = []
    for m in marks:
        if m.row is None:
            resolved.append((None, m.column, None, m))
            continue
        value = None
        if m.column is not None:
            if m.column in typed_values and (m.row, m.column) not in overrides:
                value = _xlsx_norm(typed_values[m.column][m.row])
            else:
                value = sdf[m.column][m.row] or ""
        resolved.append((r0 + 2 + m.row, m.column, value, m))
    return Rendered(buf.getvalue(), n, r0 + 1, sheet, resolved)
