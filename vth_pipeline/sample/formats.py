"""Format variations of the delivery files (profiles) and the column kinds they format.

A delivery is first built as a *logical* table (a polars DataFrame with typed columns in the
contract's column order). A :class:`Profile` decides how it is written: CSV or XLSX, encoding,
separator, date and boolean notation, header spelling, column order, extra columns. The writers
that apply a profile are in :mod:`.render`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from vth_pipeline.contract.columns import FILE_KINDS, Column

# How a contract column is written: its type, except that identifiers (``*_id``) and codes of
# areas and partners (upper or lower case, e.g. ``gm0599``) are formatted apart from other text
# and codes. An extra free-text column ``opmerking`` is of kind "text".
AREA_DOMAINS = {
    "bevoegd_gezag",
    "bevoegd_gezag_jaar",
    "gebied",
    "gemeente",
    "veiligheidsregio",
    "seveso_omgevingsdienst",
}
_KIND_OF_TYPE = {"boolean": "bool"}


def _kind(col: Column) -> str:
    if col.type == "text":
        return "id" if col.name.endswith("_id") else "text"
    if col.type == "code":
        return "area" if col.domain in AREA_DOMAINS else "code"
    return _KIND_OF_TYPE.get(col.type, col.type)


# the columns of every kind of delivery, in the contract's order, with their kind
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    name: [(c.name, _kind(c)) for c in kind.columns] for name, kind in FILE_KINDS.items()
}
EXTRA_COLUMN = "opmerking"


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
