"""The delivery contract (aanlevering.md v1.3), declared once.

Everything that reads, checks or documents a delivery file uses these declarations: the raw
table layout, the staging SQL with its quarantine rules, `vth check`, the data-quality annex
and the generated `docs/aanlevering.md`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

ValueType = Literal["text", "code", "date", "boolean", "integer", "decimal", "number"]
Required = Literal["ja", "nee", "voorwaardelijk"]
PartnerSoort = Literal["omgevingsdienst", "provincie", "veiligheidsregio", "arbeidsinspectie"]

CONTRACT_VERSION = "1.3"
FIRST_YEAR = 2021

# Reading limits (aanlevering.md v1.3, "File formats: Limits"), declared once: the readers
# enforce them, the staging SQL quotes values with the same cut, and `docs/aanlevering.md`
# states them. They bound what a file may cost to read whatever it claims about itself.
MAX_SHEET_ROWS = 1_048_576  # Excel's own grid: an address beyond it is not a real sheet
MAX_SHEET_COLUMNS = 16_384  # column XFD
# Cells from A1 to the last filled row and column: fastexcel (calamine) allocates that grid
# densely, so one far-away cell costs rows x columns; ~300 MB RSS at the bound.
MAX_SHEET_CELLS = 5_000_000
MAX_UNPACKED_BYTES = 200_000_000  # the whole workbook unpacked, declared and actually read
MAX_COMPRESSION_RATIO = 500  # per zip entry of at least COMPRESSION_CHECK_BYTES unpacked
COMPRESSION_CHECK_BYTES = 1_000_000
MAX_ZIP_ENTRIES = 10_000
MAX_SHARED_STRINGS = MAX_SHEET_CELLS  # no sheet can use more distinct texts than cells
MAX_XML_DEPTH = 100  # a sheet needs about ten levels
MAX_HEADER_COLUMNS = 1_000  # a CSV header; the contract has at most 13 columns
# A CSV's lines times its header's columns: polars gives every line a cell per column (plus
# room for surplus fields), so a file of very short lines costs far more than its bytes (a
# 10 MB file of 2-byte lines took 2.4 GB); the same bound as a sheet keeps it near 200 MB.
MAX_CSV_CELLS = MAX_SHEET_CELLS
BINARY_SAMPLE_BYTES = 65_536  # "mostly binary" is judged on the start of a CSV file
MAX_CONTROL_SHARE = 0.30  # share of control bytes in that sample above which it is no CSV
QUOTE_CHARS = 200  # a delivered value quoted to people is cut to this many characters


def dutch_number(n: int) -> str:
    """An integer with Dutch thousands separators (1.048.576), as in every message."""
    return f"{n:,}".replace(",", ".")


# Control characters (all of C0 but tab, LF and CR; DEL; C1) as a regular-expression class that
# Python and DuckDB (RE2) read alike: a field holding one quarantines its row (rule
# `controleteken`), and a quoted value shows it as U+FFFD, so no report or sheet receives it.
CONTROL_CLASS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x{80}-\x{9F}]"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x80-\x9F]")


def cut(value: str) -> str:
    """A delivered value as quoted to people: at most QUOTE_CHARS characters, then the length.

    One rule for every reason, finding and message, so that no delivered value (a 50 MB
    field, a header of a thousand columns) can make a report or table large; `cut_sql` is the
    same cut inside the staging SQL. Control characters are shown as U+FFFD."""
    value = _CONTROL_RE.sub("\ufffd", value)
    if len(value) <= QUOTE_CHARS:
        return value
    return f"{value[:QUOTE_CHARS]}… ({dutch_number(len(value))} tekens)"


def cut_sql(expr: str) -> str:
    """SQL (DuckDB) for `cut` of a text expression; NULL stays NULL. Lengths in characters."""
    shown = f"regexp_replace({expr}, '{CONTROL_CLASS}', '\ufffd', 'g')"
    return (
        f"CASE WHEN length({expr}) > {QUOTE_CHARS} THEN left({shown}, {QUOTE_CHARS}) || "
        f"'… (' || replace(format('{{:,}}', length({expr})), ',', '.') || ' tekens)' "
        f"ELSE {shown} END"
    )


def closed_years(today: dt.date) -> range:
    """The reporting years that are over (a year can be built from 1 January after it): the
    keys of the yearly Dagster partitions (`partitions.yearly`, a test keeps them equal),
    without importing Dagster where only files are read (`vth check`)."""
    return range(FIRST_YEAR, today.year)


@dataclass(frozen=True)
class Column:
    """One column of a delivery file.

    `domain` names what a code must be: a list of `codelijsten.csv`, or one of the registers
    handled in `rules.DOMAINS` (gemeenten, provincies, ...).
    """

    name: str
    type: ValueType
    required: Required
    omschrijving: str
    domain: str | None = None
    when: str | None = None  # SQL condition (over typed values) under which it is required
    when_text: str | None = None  # the same condition in words, for messages and docs
    minimum: float | None = None
    maximum_exclusive: float | None = None


@dataclass(frozen=True)
class FileKind:
    """One kind (`soort`) of delivery file."""

    name: str
    omschrijving: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...]
    unique_text: str
    delivered_by: tuple[PartnerSoort, ...]
    extra_rules: tuple[str, ...] = field(default_factory=tuple)  # ids of rules in rules.py

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required == "ja")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_OVERTREDING = "resultaat__v = 'overtreding'"

CONTROLES = FileKind(
    name="controles",
    omschrijving="Eén rij per controle die een omgevingsdienst heeft uitgevoerd.",
    columns=(
        Column("controle_id", "text", "ja", "Kenmerk van de controle."),
        Column(
            "bevoegd_gezag",
            "code",
            "ja",
            "Een GM-code die geldig is op `datum`, of een PV-code.",
            domain="bevoegd_gezag",
        ),
        Column(
            "inrichting_id",
            "text",
            "ja",
            "De inrichting; bij Seveso-inrichtingen het kenmerk uit het register.",
        ),
        Column("datum", "date", "ja", "Binnen het verslagjaar."),
        Column("soort_controle", "code", "ja", "Lijst `soort_controle`.", domain="soort_controle"),
        Column("aanleiding", "code", "ja", "Lijst `aanleiding`.", domain="aanleiding"),
        Column("taakveld", "code", "ja", "Lijst `taakveld`.", domain="taakveld"),
        Column("resultaat", "code", "ja", "Lijst `resultaat`.", domain="resultaat"),
        Column(
            "lhs_gevolg",
            "code",
            "voorwaardelijk",
            "Lijst `lhs_gevolg`; anders leeg.",
            domain="lhs_gevolg",
            when=_OVERTREDING,
            when_text="resultaat = overtreding",
        ),
        Column(
            "lhs_gedrag",
            "code",
            "voorwaardelijk",
            "Lijst `lhs_gedrag`; anders leeg.",
            domain="lhs_gedrag",
            when=_OVERTREDING,
            when_text="resultaat = overtreding",
        ),
        Column(
            "interventie",
            "code",
            "voorwaardelijk",
            "Lijst `interventie`: de zwaarste die is ingezet; anders leeg.",
            domain="interventie",
            when=_OVERTREDING,
            when_text="resultaat = overtreding",
        ),
        Column("seveso", "boolean", "nee", "Standaard `nee`."),
        Column(
            "uren",
            "decimal",
            "nee",
            "Minstens 0 en kleiner dan 1000.",
            minimum=0,
            maximum_exclusive=1000,
        ),
    ),
    unique_key=("controle_id",),
    unique_text="`controle_id` is uniek binnen (partner, jaar)",
    delivered_by=("omgevingsdienst",),
    extra_rules=("datum_in_jaar", "bevoegd_gezag_geldig_op_datum"),
)

KENGETALLEN = FileKind(
    name="kengetallen",
    omschrijving="Geaggregeerde kengetallen over de output van het jaar (lang formaat).",
    columns=(
        Column(
            "indicator",
            "code",
            "ja",
            "`indicatoren.csv` met `soort = kengetal`, geleverd door dit soort partner.",
            domain="indicator_kengetal",
        ),
        Column(
            "bevoegd_gezag",
            "code",
            "nee",
            "Als in `controles`; leeg betekent de partner als geheel.",
            domain="bevoegd_gezag_jaar",
        ),
        Column(
            "waarde",
            "number",
            "ja",
            "Minstens 0; gehele getallen bij eenheid `aantal`; 0 of 1 bij `ja_nee`.",
            minimum=0,
        ),
    ),
    unique_key=("indicator", "bevoegd_gezag"),
    unique_text="hoogstens één rij per (`indicator`, `bevoegd_gezag`); een lege `bevoegd_gezag` "
    "telt als eigen waarde",
    delivered_by=("omgevingsdienst", "provincie"),
    extra_rules=("indicator_voor_partner", "waarde_eenheid"),
)

UITKOMSTEN = FileKind(
    name="uitkomsten",
    omschrijving="Uitkomstindicatoren (lang formaat).",
    columns=(
        Column(
            "indicator",
            "code",
            "ja",
            "`indicatoren.csv` met `soort = uitkomst`.",
            domain="indicator_uitkomst",
        ),
        Column(
            "gebied",
            "code",
            "ja",
            "Een GM-code die geldig is in het jaar, een PV-code, of `NL`.",
            domain="gebied",
        ),
        Column("waarde", "number", "ja", "Minstens 0.", minimum=0),
    ),
    unique_key=("indicator", "gebied"),
    unique_text="hoogstens één rij per (`indicator`, `gebied`) per partner",
    delivered_by=("omgevingsdienst", "provincie"),
)

SEVESO_INRICHTINGEN = FileKind(
    name="seveso_inrichtingen",
    omschrijving="Register van Seveso-inrichtingen, geleverd door elke provincie.",
    columns=(
        Column("inrichting_id", "text", "ja", "Landelijk uniek."),
        Column("naam", "text", "ja", "Naam van de inrichting."),
        Column("drempel", "code", "ja", "Lijst `seveso_drempel`.", domain="seveso_drempel"),
        Column("gemeente", "code", "ja", "GM-code die geldig is in het jaar.", domain="gemeente"),
        Column(
            "omgevingsdienst",
            "code",
            "ja",
            "Een partner met `seveso_omgevingsdienst = ja`.",
            domain="seveso_omgevingsdienst",
        ),
        Column("veiligheidsregio", "code", "ja", "Een VR-code.", domain="veiligheidsregio"),
        Column("actief_vanaf", "date", "ja", "Datum vanaf wanneer de inrichting actief is."),
        Column("actief_tot", "date", "nee", "Leeg betekent: nog actief."),
    ),
    unique_key=("inrichting_id",),
    unique_text="`inrichting_id` is landelijk uniek: een kenmerk in de registers van twee "
    "provincies gaat bij beide in quarantaine",
    delivered_by=("provincie",),
    extra_rules=("actief_tot_na_vanaf", "inrichting_landelijk_uniek"),
)

SEVESO_INSPECTIES = FileKind(
    name="seveso_inspecties",
    omschrijving="Eén rij per partner per Seveso-inspectie.",
    columns=(
        Column("inspectie_id", "text", "ja", "Uniek binnen (partner, jaar)."),
        Column(
            "inrichting_id",
            "text",
            "ja",
            "Aanwezig in de geaccepteerde registerrijen van dat jaar.",
        ),
        Column("datum", "date", "ja", "Binnen het verslagjaar."),
        Column(
            "gezamenlijke_inspectie_id",
            "text",
            "nee",
            "Hetzelfde kenmerk bij elke partner die deelnam aan één gezamenlijke inspectie.",
        ),
        Column(
            "type", "code", "ja", "Lijst `seveso_inspectietype`.", domain="seveso_inspectietype"
        ),
        Column("overtredingen_cat1", "integer", "ja", "Minstens 0; categorie 1, zwaar.", minimum=0),
        Column(
            "overtredingen_cat2",
            "integer",
            "ja",
            "Minstens 0; categorie 2, middelzwaar.",
            minimum=0,
        ),
        Column("overtredingen_cat3", "integer", "ja", "Minstens 0; categorie 3, licht.", minimum=0),
        Column(
            "handhaving",
            "code",
            "ja",
            "Lijst `seveso_handhaving`: de zwaarste die is ingezet.",
            domain="seveso_handhaving",
        ),
    ),
    unique_key=("inspectie_id",),
    unique_text="`inspectie_id` is uniek binnen (partner, jaar)",
    delivered_by=("omgevingsdienst", "veiligheidsregio", "arbeidsinspectie"),
    extra_rules=("datum_in_jaar", "inrichting_in_register"),
)

FILE_KINDS: dict[str, FileKind] = {
    k.name: k for k in (CONTROLES, KENGETALLEN, UITKOMSTEN, SEVESO_INRICHTINGEN, SEVESO_INSPECTIES)
}


@dataclass(frozen=True)
class Duty:
    """Which kinds a partner soort delivers (the table 'Who delivers what')."""

    partner_soort: str
    seveso_omgevingsdienst: bool | None  # None: regardless of the flag
    required: tuple[str, ...]
    optional: tuple[str, ...]
    condition: str | None = None  # words, for the docs


DUTIES: tuple[Duty, ...] = (
    Duty("omgevingsdienst", False, ("controles", "kengetallen"), ("uitkomsten",)),
    Duty(
        "omgevingsdienst",
        True,
        ("controles", "kengetallen", "seveso_inspecties"),
        ("uitkomsten",),
    ),
    Duty("provincie", None, ("kengetallen", "seveso_inrichtingen"), ("uitkomsten",)),
    Duty(
        "veiligheidsregio",
        None,
        ("seveso_inspecties",),
        (),
        condition="wanneer ten minste één actieve Seveso-inrichting in het register in haar "
        "gebied ligt",
    ),
    Duty("arbeidsinspectie", None, ("seveso_inspecties",), ()),
)


def kinds_for(partner_soort: str, seveso_omgevingsdienst: bool) -> tuple[set[str], set[str]]:
    """(required, optional) kinds for a partner; the veiligheidsregio condition is data-driven."""
    for duty in DUTIES:
        if duty.partner_soort == partner_soort and duty.seveso_omgevingsdienst in (
            None,
            seveso_omgevingsdienst,
        ):
            return set(duty.required), set(duty.optional)
    return set(), set()
