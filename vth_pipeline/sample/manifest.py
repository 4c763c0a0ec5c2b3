"""What the sample generator wrote: files, deliberate defects and missing deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# What the pipeline is expected to do with a defect (``Defect.gevolg``).
QUARANTAINE = "quarantaine"  # the row is quarantined with this rule
AFGEWEZEN = "afgewezen"  # the file (or the triple) is rejected, the run goes on without it
GENEGEERD = "genegeerd"  # the file is reported and not read (or changes nothing)
VERVANGEN = "vervangen"  # superseded by a later delivery of the same triple; stays archived
GEMELD = "gemeld"  # reported (conflict, difference); rows are not quarantined
GEEN = "geen"  # a scenario marker that the pipeline cannot (and need not) detect

# Every ``Defect.klasse`` the generator uses, with its ``gevolg``.
KLASSEN: dict[str, str] = {
    # rows (``row`` and usually ``column`` set)
    "datum_ongeldig": QUARANTAINE,  # 31 February, in the file's date notation
    "datum_buiten_jaar": QUARANTAINE,  # a date in the next year
    "code_onbekend": QUARANTAINE,  # taakveld 'natuur', handhaving 'boete'
    "verplicht_leeg": QUARANTAINE,  # empty inrichting_id (controles), naam (register)
    "lhs_niet_leeg_zonder_overtreding": QUARANTAINE,
    "overtreding_zonder_lhs": QUARANTAINE,
    "dubbel_id": QUARANTAINE,  # controle_id / inspectie_id twice: both rows listed
    "gemeente_niet_geldig_op_datum": QUARANTAINE,  # Weesp after 2022-03-23, Beemster from 2022
    "uren_buiten_bereik": QUARANTAINE,  # 1250
    "geen_geheel_getal": QUARANTAINE,  # an aantal with .5
    "waarde_negatief": QUARANTAINE,
    "decimaalkomma_bij_komma_scheiding": QUARANTAINE,  # "3,5" quoted in a ','-file
    "te_veel_velden": QUARANTAINE,  # one field more than the header (column None)
    "indicator_niet_voor_partner": QUARANTAINE,  # a provincie kengetal from an od
    "inrichting_niet_in_register": QUARANTAINE,  # S9999
    "dubbel_id_landelijk": QUARANTAINE,  # one id in two registers: both rows listed
    "integratieconflict": GEMELD,  # all rows of the joint id are listed
    "conflict_uitkomst": GEMELD,  # two partners, same (indicator, gebied): both rows
    "kengetal_verschil": GEMELD,  # partner-wide row differs from the sum per bevoegd gezag
    "gezamenlijk_deels_geleverd": GEEN,  # joint inspection without its NLA row
    # files (``row`` None)
    "bestand_onleesbaar": AFGEWEZEN,
    "kolom_ontbreekt": AFGEWEZEN,  # ``column`` names the missing column
    "bestand_leeg": AFGEWEZEN,
    "concurrerende_levering": AFGEWEZEN,  # same triple, same (no) date: both files
    "onbekende_partner": GENEGEERD,
    "onbekende_soort": GENEGEERD,
    "jaar_te_vroeg": GENEGEERD,
    "identiek_bestand": GENEGEERD,
    "vervangen_bestand": VERVANGEN,
}


@dataclass(frozen=True)
class FileInfo:
    """One file written under ``out``."""

    path: str  # relative to ``out``, with ``/``
    jaar: int
    partner_code: str
    soort: str  # the kind as in the file name (may be unknown, e.g. ``notities``)
    format: str  # ``csv``, ``xlsx``; ``onleesbaar``/``leeg`` for deliberately broken files
    encoding: str | None  # ``utf-8``, ``utf-8-sig`` (with BOM) or ``cp1252``; None for XLSX
    separator: str | None  # ``,`` or ``;``; None for XLSX
    rows: int  # data rows written (records after the header; in XLSX: non-empty data rows)
    in_effect: bool  # the delivery whose rows should count after supersession and rejection
    profile: str = ""  # name of the format variation (see ``formats.PROFILES``)
    sheet: str | None = None  # XLSX: the sheet holding the data
    header_row: int = 1  # file row of the header (XLSX sheets may have empty rows above it)
    delivery_date: date | None = None  # the date in the file name


@dataclass(frozen=True)
class Defect:
    """A deliberate defect: in a row (``row``/``column`` set) or of a whole file (``row`` None).

    ``row`` is the row number as the partner sees it: in CSV the record number with the header
    as row 1 (a quoted field with a line break does not start a new row); in XLSX the sheet's
    own 1-based row number. ``value`` is the text of the bad cell as written (XLSX typed cells
    normalised: dates ``YYYY-MM-DD``, whole numbers without fraction, booleans ``true/false``).
    """

    path: str
    row: int | None
    column: str | None
    klasse: str
    value: str | None = None
    gevolg: str = QUARANTAINE
    detail: str = ""


@dataclass(frozen=True)
class Missing:
    """A required delivery that was deliberately left out."""

    jaar: int
    partner_code: str
    soort: str


@dataclass(frozen=True)
class SampleManifest:
    out: str
    years: tuple[int, ...]
    scale: float
    seed: int
    files: list[FileInfo] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    def select(
        self,
        jaar: int | None = None,
        soort: str | None = None,
        partner_code: str | None = None,
        in_effect: bool | None = None,
    ) -> list[FileInfo]:
        return [
            f
            for f in self.files
            if (jaar is None or f.jaar == jaar)
            and (soort is None or f.soort == soort)
            and (partner_code is None or f.partner_code == partner_code)
            and (in_effect is None or f.in_effect == in_effect)
        ]

    def defects_of(self, klasse: str) -> list[Defect]:
        return [d for d in self.defects if d.klasse == klasse]
