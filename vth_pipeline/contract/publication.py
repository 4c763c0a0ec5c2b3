"""The output contract (rekenregels.md v1.3), declared once: the figures and the published tables.

`columns.py` declares what partners deliver; this module declares what the Staat publishes:
every figure with its unit, rounding, Dutch label, definition (the words of rekenregels.md),
the deliveries it needs and the SQL file that computes it, and every published table with its
key, columns and order. The assets (`defs/`), the expectation suites (`validation/`), the
writers and the report (`publish/`) and the documentation all read these declarations; none
of them declares a figure again. The SQL lives in `vth_pipeline/sql/<asset>.sql`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# The version of rekenregels.md this declares (the report names it).
RULES_VERSION = "1.3"

Unit = Literal["aantal", "pct", "ratio"]
DECIMALS: dict[str, int] = {"aantal": 0, "pct": 1, "ratio": 2}


@dataclass(frozen=True)
class Figure:
    """One figure of the Staat.

    `inputs` are what must have been delivered for the figure to be computed: a file kind
    (`controles`) or a kengetal (`kengetallen.inrichtingen_in_beheer`). They drive the
    completeness of national figures and the lineage of a published value.
    """

    name: str
    label: str  # Dutch, the column header readers see
    definition: str  # Dutch, in the words of rekenregels.md
    sql: str  # the asset (and `sql/<asset>.sql`) computing it per partner, provincie or scope
    inputs: tuple[str, ...]

    @property
    def unit(self) -> Unit:
        if self.name.endswith("_pct"):
            return "pct"
        return "ratio" if self.name.endswith("_per_fte") else "aantal"

    @property
    def decimals(self) -> int:
        return DECIMALS[self.unit]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The delivery kinds among the inputs (a kengetal needs the kind `kengetallen`)."""
        return tuple(dict.fromkeys(i.split(".")[0] for i in self.inputs))

    @property
    def kengetallen(self) -> tuple[str, ...]:
        return tuple(i.split(".", 1)[1] for i in self.inputs if i.startswith("kengetallen."))


_OD = "staat_omgevingsdiensten"
_C = ("controles",)


def _kg(*names: str) -> tuple[str, ...]:
    return (*_C, *(f"kengetallen.{n}" for n in names))


# The first table of rekenregels.md, in its order: from `controles` alone, then with kengetallen.
CONTROLE_FIGURE_DECLARATIONS: tuple[Figure, ...] = (
    Figure("controles", "Controles", "Aantal controles (rijen in `controles`).", _OD, _C),
    Figure(
        "controles_fysiek",
        "Fysieke controles",
        "Controles met `soort_controle = fysiek`.",
        _OD,
        _C,
    ),
    Figure(
        "controles_beoordeeld",
        "Beoordeelde controles",
        "Controles met `resultaat` geen_overtreding of overtreding.",
        _OD,
        _C,
    ),
    Figure(
        "controles_met_overtreding",
        "Controles met overtreding",
        "Controles met `resultaat = overtreding`.",
        _OD,
        _C,
    ),
    Figure(
        "naleving_eerste_controle_pct",
        "Naleving bij eerste controle (%)",
        "Van de beoordeelde controles die geen hercontrole zijn: het aandeel zonder overtreding.",
        _OD,
        _C,
    ),
    Figure("hercontroles", "Hercontroles", "Controles met `aanleiding = hercontrole`.", _OD, _C),
    Figure(
        "hercontrole_opgelost_pct",
        "Hercontrole opgelost (%)",
        "Van de beoordeelde hercontroles: het aandeel zonder overtreding.",
        _OD,
        _C,
    ),
    Figure(
        "ernstige_overtredingen",
        "Ernstige overtredingen (C/D)",
        "Controles met overtreding en LHSO-gevolg C of D.",
        _OD,
        _C,
    ),
    Figure(
        "strafrechtelijk_pct",
        "Strafrechtelijk afgedaan (%)",
        "Van de controles met overtreding: het aandeel met proces-verbaal of bestuurlijke "
        "strafbeschikking als zwaarste interventie.",
        _OD,
        _C,
    ),
    Figure(
        "inrichtingen_gecontroleerd",
        "Gecontroleerde inrichtingen",
        "Aantal verschillende gecontroleerde inrichtingen (partner, `inrichting_id`); landelijk "
        "telt een inrichting van twee diensten twee keer.",
        _OD,
        _C,
    ),
)
KENGETAL_FIGURE_DECLARATIONS: tuple[Figure, ...] = (
    Figure(
        "controledichtheid_pct",
        "Controledichtheid (%)",
        "Gecontroleerde inrichtingen gedeeld door het kengetal `inrichtingen_in_beheer`.",
        _OD,
        _kg("inrichtingen_in_beheer"),
    ),
    Figure(
        "controles_per_fte",
        "Controles per fte",
        "Controles gedeeld door het kengetal `fte_toezicht_handhaving` (twee decimalen).",
        _OD,
        _kg("fte_toezicht_handhaving"),
    ),
    Figure(
        "vergunningen_binnen_termijn_pct",
        "Vergunningen binnen termijn (%)",
        "Kengetal `vergunningbesluiten_binnen_termijn` gedeeld door `vergunningbesluiten`.",
        _OD,
        _kg("vergunningbesluiten", "vergunningbesluiten_binnen_termijn"),
    ),
    Figure(
        "handhavingsbesluiten_in_stand_pct",
        "Handhavingsbesluiten in stand (%)",
        "Kengetal `handhavingsbesluiten_in_stand` gedeeld door `handhavingsbesluiten_getoetst`.",
        _OD,
        _kg("handhavingsbesluiten_getoetst", "handhavingsbesluiten_in_stand"),
    ),
)

_PV = "staat_provincies"
_OWN = "Kengetal van de provincie zelf, zoals geleverd."
PROVINCIE_FIGURE_DECLARATIONS: tuple[Figure, ...] = tuple(
    Figure(
        name,
        label,
        "Kengetal van de provincie zelf, zoals geleverd.",
        _PV,
        (f"kengetallen.{name}",),
    )
    for name, label in (
        ("handhavingsoverleg_bijeenkomsten", "Bijeenkomsten handhavingsoverleg"),
        ("uitvoeringsprogramma_vastgesteld", "Uitvoeringsprogramma vastgesteld (1 = ja)"),
        ("vth_jaarverslag_vastgesteld", "VTH-jaarverslag vastgesteld (1 = ja)"),
    )
)

_SV = "staat_seveso"
_REG = ("seveso_inrichtingen",)
_BOTH = ("seveso_inrichtingen", "seveso_inspecties")
# The Seveso table of rekenregels.md, in its order; one `handhaving_<code>` figure per code of
# list seveso_handhaving follows them (see `handhaving_figure`).
SEVESO_FIGURE_DECLARATIONS: tuple[Figure, ...] = (
    Figure(
        "inrichtingen_actief",
        "Actieve inrichtingen",
        "Seveso-inrichtingen in het register die het hele jaar actief waren: `actief_vanaf` op "
        "of vóór 1 januari en `actief_tot` leeg of op of na 31 december (zoals de "
        "BRZO+-monitor telt).",
        _SV,
        _REG,
    ),
    Figure(
        "inspecties",
        "Inspecties",
        "Geïntegreerde inspecties bij actieve inrichtingen: één per "
        "`gezamenlijke_inspectie_id`, of één per partnerrij zonder dat kenmerk. Rijen van een "
        "integratieconflict tellen niet mee.",
        _SV,
        _BOTH,
    ),
    Figure(
        "inrichtingen_geinspecteerd",
        "Geïnspecteerde inrichtingen",
        "Actieve inrichtingen met ten minste één geïntegreerde inspectie in het jaar.",
        _SV,
        _BOTH,
    ),
    Figure(
        "geinspecteerd_pct",
        "Geïnspecteerd (%)",
        "Geïnspecteerde inrichtingen gedeeld door actieve inrichtingen.",
        _SV,
        _BOTH,
    ),
    Figure(
        "hoogdrempel_jaarlijks_pct",
        "Hogedrempel jaarlijks geïnspecteerd (%)",
        "Van de actieve hogedrempelinrichtingen: het aandeel dat dit jaar is geïnspecteerd.",
        _SV,
        _BOTH,
    ),
    Figure(
        "laagdrempel_driejaarlijks_pct",
        "Lagedrempel in drie jaar geïnspecteerd (%)",
        "Van de actieve lagedrempelinrichtingen: het aandeel dat in dit jaar of de twee jaren "
        "ervoor is geïnspecteerd; leeg wanneer een van die jaren niet beschikbaar is (register "
        "en inspecties ingelezen).",
        _SV,
        _BOTH,
    ),
    Figure(
        "overtredingen_cat1",
        "Overtredingen cat. 1 (zwaar)",
        "Overtredingen van categorie 1 (zwaar): de som over de geïntegreerde inspecties, elk de "
        "som van de rijen van haar partners.",
        _SV,
        _BOTH,
    ),
    Figure(
        "overtredingen_cat2",
        "Overtredingen cat. 2 (middelzwaar)",
        "Overtredingen van categorie 2 (middelzwaar), opgeteld als categorie 1.",
        _SV,
        _BOTH,
    ),
    Figure(
        "overtredingen_cat3",
        "Overtredingen cat. 3 (licht)",
        "Overtredingen van categorie 3 (licht), opgeteld als categorie 1.",
        _SV,
        _BOTH,
    ),
    Figure(
        "overtredingen_totaal",
        "Overtredingen totaal",
        "Som van de overtredingen van de drie categorieën.",
        _SV,
        _BOTH,
    ),
    Figure(
        "inrichtingen_met_overtreding_pct",
        "Inrichtingen met overtreding (%)",
        "Van de geïnspecteerde actieve inrichtingen: het aandeel met ten minste één "
        "overtreding (van welke categorie ook) in het jaar.",
        _SV,
        _BOTH,
    ),
    Figure(
        "inrichtingen_zonder_overtreding_pct",
        "Inrichtingen zonder overtreding (%)",
        "Van de geïnspecteerde actieve inrichtingen: het aandeel zonder overtreding.",
        _SV,
        _BOTH,
    ),
    Figure(
        "inrichtingen_alleen_cat3_pct",
        "Inrichtingen met alleen cat. 3 (%)",
        "Van de geïnspecteerde actieve inrichtingen: het aandeel waarvan alle overtredingen "
        "categorie 3 zijn (en ten minste één).",
        _SV,
        _BOTH,
    ),
    Figure(
        "onaangekondigd_pct",
        "Onaangekondigd (%)",
        "Van de geïntegreerde inspecties: het aandeel met ten minste één partnerrij van type "
        "`onaangekondigd`.",
        _SV,
        _BOTH,
    ),
    Figure(
        "deelname_arbeidsinspectie_pct",
        "Deelname Arbeidsinspectie (%)",
        "Van de geïntegreerde inspecties: het aandeel waaraan de Nederlandse Arbeidsinspectie "
        "deelnam (een geaccepteerde NLA-rij hoort erbij).",
        _SV,
        _BOTH,
    ),
    Figure(
        "deelname_veiligheidsregio_pct",
        "Deelname veiligheidsregio (%)",
        "Van de geïntegreerde inspecties: het aandeel waaraan een veiligheidsregio deelnam.",
        _SV,
        _BOTH,
    ),
)


def handhaving_figure(code: str, omschrijving: str | None = None) -> Figure:
    """The figure `handhaving_<code>` of one code of list seveso_handhaving (data-driven)."""
    what = (omschrijving or code.replace("_", " ")).lower()
    return Figure(
        f"handhaving_{code}",
        f"Zwaarste handhaving: {what}",
        f"Geïntegreerde inspecties waarvan de zwaarste handhaving '{what}' was.",
        _SV,
        _BOTH,
    )


def _names(figures: tuple[Figure, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in figures)


CONTROLE_FIGURES = _names(CONTROLE_FIGURE_DECLARATIONS)
KENGETAL_FIGURES = _names(KENGETAL_FIGURE_DECLARATIONS)
PROVINCIE_KENGETALLEN = _names(PROVINCIE_FIGURE_DECLARATIONS)
SEVESO_FIGURES = _names(SEVESO_FIGURE_DECLARATIONS)
# The columns `handhaving_<code>` of staat.seveso, one per code of list seveso_handhaving.
HANDHAVING_COLUMNS = "COLUMNS('^handhaving_')"

FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        *CONTROLE_FIGURE_DECLARATIONS,
        *KENGETAL_FIGURE_DECLARATIONS,
        *PROVINCIE_FIGURE_DECLARATIONS,
        *SEVESO_FIGURE_DECLARATIONS,
    )
}

# What every national figure of the first table aggregates, as columns of staat.omgevingsdiensten:
# a count is sum(part), a percentage or ratio sum(part) / sum(whole) (national figures come from
# national sums). The comparison between years (`sql/staat_vergelijking.sql`) sums them over
# the partners that delivered the figure's inputs in both years.
NATIONAL_PARTS: dict[str, tuple[str, str | None]] = {
    "controles": ("controles", None),
    "controles_fysiek": ("controles_fysiek", None),
    "controles_beoordeeld": ("controles_beoordeeld", None),
    "controles_met_overtreding": ("controles_met_overtreding", None),
    "naleving_eerste_controle_pct": (
        "eerste_controles_zonder_overtreding",
        "eerste_controles_beoordeeld",
    ),
    "hercontroles": ("hercontroles", None),
    "hercontrole_opgelost_pct": ("hercontroles_opgelost", "hercontroles_beoordeeld"),
    "ernstige_overtredingen": ("ernstige_overtredingen", None),
    "strafrechtelijk_pct": ("strafrechtelijke_interventies", "controles_met_overtreding"),
    "inrichtingen_gecontroleerd": ("inrichtingen_gecontroleerd", None),
    "controledichtheid_pct": ("inrichtingen_gecontroleerd", "inrichtingen_in_beheer"),
    "controles_per_fte": ("controles", "fte_toezicht_handhaving"),
    "vergunningen_binnen_termijn_pct": (
        "vergunningbesluiten_binnen_termijn",
        "vergunningbesluiten",
    ),
    "handhavingsbesluiten_in_stand_pct": (
        "handhavingsbesluiten_in_stand",
        "handhavingsbesluiten_getoetst",
    ),
}
# A change in percent is shown only when its base (last year's value over the kern) is at
# least this (rekenregels.md, "Comparisons between years"); below it only the absolute change.
MIN_BASE_PCT_CHANGE = 20
# Outcome indicators compared between years are rows `uitkomst_<indicator>` of vergelijking.csv.
OUTCOME_PREFIX = "uitkomst_"

# The kengetallen the published figures divide by, in the order of the omgevingsdiensten table.
KENGETAL_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(k for f in KENGETAL_FIGURE_DECLARATIONS for k in f.kengetallen)
)
NATIONAL_SEVESO_PREFIX = "seveso_"

# rekenregels.md v1.3, one partner-count convention for the Seveso figures: `geleverd` and
# `verwacht` of landelijk.csv and `partners_beide`, `partners_vorig_jaar`, `partners_dit_jaar`
# of vergelijking.csv all count the partners required to deliver the figure's counted kind in
# the year (`verplicht` in datakwaliteit.csv), `geleverd` those whose delivery of it was
# accepted. The counted kind is the register for `inrichtingen_actief` and the inspections for
# every other Seveso figure (the `handhaving_<code>` figures included). Both SQL files read it
# through `sql/_seveso_partners.sql`.
SEVESO_COUNTED_KIND_DEFAULT = "seveso_inspecties"
SEVESO_COUNTED_KINDS: dict[str, str] = {"inrichtingen_actief": "seveso_inrichtingen"}


def seveso_counted_kind(name: str) -> str:
    """The delivery kind whose partners a Seveso figure counts (bare or `seveso_` name)."""
    bare = name.removeprefix(NATIONAL_SEVESO_PREFIX)
    return SEVESO_COUNTED_KINDS.get(bare, SEVESO_COUNTED_KIND_DEFAULT)


def figure(name: str, handhaving: dict[str, str] | None = None) -> Figure | None:
    """The declaration of a figure by the name it has in any table (`seveso_` of landelijk)."""
    if name in FIGURES:
        return FIGURES[name]
    bare = name.removeprefix(NATIONAL_SEVESO_PREFIX)
    if bare in FIGURES and FIGURES[bare].sql == _SV:
        return FIGURES[bare]
    if bare.startswith("handhaving_"):
        code = bare.removeprefix("handhaving_")
        return handhaving_figure(code, (handhaving or {}).get(code))
    return None


@dataclass(frozen=True)
class Inconsistency:
    """One partner's deliveries that contradict each other (rekenregels.md v1.2, "Checks and
    what they stop"): a part larger than its whole. The year is published, the figure is empty
    for that partner with the reason in `opmerking`, its inputs leave the national figure, the
    finding is listed.

    Declared once for both sides: `staat_omgevingsdiensten.sql` empties the figure where `when`
    holds, and the (non-blocking) validation toets `check` (`validation.handmatig`) expects
    `whole >= part` of the same two columns. `whole` and `part` are columns of the partner's row
    of staat.omgevingsdiensten (counts and kengetallen); `reason` is Dutch with `{column}`
    placeholders for the values involved: those two columns.
    """

    check: str
    figure: str
    whole: str
    part: str
    reason: str

    def __post_init__(self) -> None:
        named = set(re.findall(r"\{(\w+)\}", self.reason))
        if named != {self.whole, self.part}:
            raise ValueError(f"{self.figure}: reason names {sorted(named)}, not its two columns")

    @property
    def when(self) -> str:
        """SQL over the partner's row: the part exceeds its whole (NULL when either is empty)."""
        return f"{self.part} > {self.whole}"

    @property
    def reason_sql(self) -> str:
        """`reason` as a SQL string expression, the placeholders filled from the row."""
        parts = re.split(r"\{(\w+)\}", self.reason)
        sql = []
        for i, part in enumerate(parts):
            if i % 2:  # a column: whole numbers without a zero fraction
                sql.append(
                    f"CASE WHEN contains({part}::VARCHAR, '.') THEN rtrim(rtrim({part}::VARCHAR, "
                    f"'0'), '.') ELSE {part}::VARCHAR END"
                )
            elif part:
                sql.append("'" + part.replace("'", "''") + "'")
        return " || ".join(sql)


PARTNER_INCONSISTENCIES: tuple[Inconsistency, ...] = (
    Inconsistency(
        "afstemming_inrichtingen",
        "controledichtheid_pct",
        "inrichtingen_in_beheer",
        "inrichtingen_gecontroleerd",
        "controledichtheid leeg: kengetal inrichtingen_in_beheer ({inrichtingen_in_beheer}) is "
        "kleiner dan het aantal gecontroleerde inrichtingen ({inrichtingen_gecontroleerd})",
    ),
    Inconsistency(
        "deel_binnen_geheel",
        "vergunningen_binnen_termijn_pct",
        "vergunningbesluiten",
        "vergunningbesluiten_binnen_termijn",
        "vergunningen binnen termijn leeg: kengetal vergunningbesluiten_binnen_termijn "
        "({vergunningbesluiten_binnen_termijn}) is groter dan vergunningbesluiten "
        "({vergunningbesluiten})",
    ),
    Inconsistency(
        "deel_binnen_geheel",
        "handhavingsbesluiten_in_stand_pct",
        "handhavingsbesluiten_getoetst",
        "handhavingsbesluiten_in_stand",
        "handhavingsbesluiten in stand leeg: kengetal handhavingsbesluiten_in_stand "
        "({handhavingsbesluiten_in_stand}) is groter dan handhavingsbesluiten_getoetst "
        "({handhavingsbesluiten_getoetst})",
    ),
)


# Rules that hold for every figure, in the words of rekenregels.md.
GENERAL_RULES: tuple[str, ...] = (
    "Alle cijfers zijn berekend uit geaccepteerde rijen, per verslagjaar.",
    "Een percentage (`_pct`) is 100 × deel / geheel, afgerond op één decimaal; controles per fte "
    "op twee decimalen. Afronding is half-naar-even op de exacte waarde.",
    "Een cijfer is leeg (–), niet 0, wanneer het geheel 0 is of een benodigde levering ontbreekt.",
    "Landelijke aantallen zijn sommen over de partners; landelijke percentages en verhoudingen "
    "zijn berekend uit landelijke sommen, nooit als gemiddelde van percentages.",
    "Een verschil met vorig jaar (verschil, verschil_pct) is berekend uit de onafgeronde waarden "
    "over dezelfde partners en daarna afgerond (half-naar-even); het kan daardoor één in de "
    "laatste decimaal afwijken van het verschil van de afgeronde waarden die er staan.",
    "Partners tellen overal op één manier: bij de cijfers van de omgevingsdiensten de "
    "omgevingsdiensten die de benodigde gegevens leverden; bij de Seveso-cijfers de partners die "
    "het register (actieve inrichtingen) of de Seveso-inspecties (alle andere Seveso-cijfers) "
    "moesten leveren en dat deden. Zo tellen geleverd (landelijk.csv) en partners_vorig_jaar, "
    "partners_dit_jaar en partners_beide (vergelijking.csv) voor hetzelfde cijfer dezelfde "
    "partners.",
    "Een landelijke verhouding met kengetallen telt alleen de partners die teller én noemer "
    "leverden; hoeveel dat er waren staat erbij (geleverd van verwacht).",
    "Kengetallen per bevoegd gezag worden per partner opgeteld wanneer er geen rij voor de "
    "partner als geheel is; zijn er beide, dan telt de rij voor de partner als geheel.",
    "Een inrichting is (partner, `inrichting_id`): landelijk telt een inrichting die door twee "
    "omgevingsdiensten is gecontroleerd twee keer.",
    "Provincie: de provincie van het bevoegd gezag (een GM-code via de gemeentelijst, een PV-code "
    "is zijn eigen provincie), welke omgevingsdienst de controle ook uitvoerde.",
    "Uitkomsten landelijk: de NL-rij wanneer die is geleverd, anders de som over de gemeenten. "
    "Gemeenten volgen de indeling van 1 januari van het verslagjaar: de waarde van vorig jaar "
    "van een gemeente is de som over de gemeenten die op die datum in haar zijn opgegaan (leeg "
    "tenzij elk daarvan leverde); een gemeente die in de loop van het jaar opgaat, wordt dat "
    "jaar met zichzelf vergeleken. Geen waarde van vorig jaar telt dubbel.",
)

# Dutch headers of the published columns that are not figures.
COLUMN_LABELS: dict[str, str] = {
    # keys and names
    "partner_code": "Partner",
    "provincie_code": "Provincie",
    "naam": "Naam",
    "scope": "Groep",
    "figuur": "Cijfer",
    "jaar": "Jaar",
    # national figures and their comparison
    "waarde": "Waarde",
    "waarde_vorig_jaar": "Vorig jaar",
    "verschil": "Verschil",
    "verschil_pct": "Verschil (%)",
    "geleverd": "Geleverd",
    "verwacht": "Verwacht",
    "geleverd_vorig_jaar": "Geleverd vorig jaar",
    "partners_beide": "Partners in beide jaren",
    "partners_vorig_jaar": "Partners vorig jaar",
    "partners_dit_jaar": "Partners dit jaar",
    "gm_code": "Gemeente",
    "controles_partner": "Controles van de omgevingsdienst",
    # interventions and LHSO
    "interventie": "Interventie",
    "aantal": "Aantal",
    "lhs_gevolg": "Gevolgen",
    "lhs_gedrag": "Gedrag",
    # Seveso
    "bron": "Bron",
    "bronnen": "Bronnen",
    "reden": "Reden",
    "bevindingen": "Bevindingen",
    # kengetallen differences and validation
    "waarde_partner": "Kengetal van de partner",
    "som_bevoegd_gezag": "Som per bevoegd gezag",
    "dataset": "Gegevens",
    "toets": "Toets",
    "ernst": "Ernst (ERROR blokkeert)",
    "uitkomst": "Uitkomst",
    "verwachtingen": "Verwachtingen",
    "verwachtingen_mislukt": "Verwachtingen mislukt",
    "getoetste_rijen": "Getoetste rijen",
    "afwijkende_rijen": "Afwijkende rijen",
    "waargenomen": "Waargenomen",
    "omschrijving": "Omschrijving",
    "toelichting": "Toelichting",
    "gezamenlijke_inspectie_id": "Gezamenlijke inspectie",
    "inspectie_id": "Inspectie",
    "inrichting_id": "Inrichting",
    "datum": "Datum",
    "bron_bestand": "Bestand",
    "bron_rij": "Rij",
    # outcomes
    "indicator": "Indicator",
    "gebied": "Gebied",
    "geleverd_door": "Geleverd door",
    "opmerking": "Opmerking",
    # data quality and lineage
    "soort": "Soort levering",
    "verplicht": "Verplicht",
    "rijen": "Rijen gelezen",
    "geaccepteerd": "Geaccepteerd",
    "quarantaine": "Quarantaine",
    "status": "Status",
    "leverdatum": "Leverdatum",
    "bestand": "Bestand",
    "sha256": "SHA-256",
    "bestanden_ontvangen": "Bestanden ontvangen",
    "regel": "Regel",
    "kolom": "Kolom",
    "eerste_rij": "Eerste rij",
    "melding": "Melding",
    "pad": "Pad",
    "formaat": "Formaat",
    "bytes": "Bytes",
}


def label(column: str, handhaving: dict[str, str] | None = None) -> str:
    """The Dutch header of a column; `handhaving_<code>` from the code list; never a KeyError."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if column in FIGURES:
        return FIGURES[column].label
    if column.startswith("handhaving_"):
        code = column.removeprefix("handhaving_")
        return handhaving_figure(code, (handhaving or {}).get(code)).label
    if column.startswith(NATIONAL_SEVESO_PREFIX):
        return "Seveso: " + label(column.removeprefix(NATIONAL_SEVESO_PREFIX), handhaving)
    if column.startswith(OUTCOME_PREFIX):
        return "Uitkomst: " + column.removeprefix(OUTCOME_PREFIX).replace("_", " ")
    return column.replace("_", " ").capitalize()


def definition(name: str, handhaving: dict[str, str] | None = None) -> str:
    """The definition of a figure (`seveso_` prefixed national ones included), else ''."""
    declared = figure(name, handhaving)
    return declared.definition if declared else ""


# ----------------------------------------------------------------------- published tables


@dataclass(frozen=True)
class PublishedTable:
    """One table of `<out>/<jaar>/tabellen/`.

    `source` is a staat table (`staat.landelijk`) or the name of a derived query over staat
    tables in `vth_pipeline/sql/` (`kerncijfers.sql`). `columns` begin with those of the output
    contract (`docs/spec/output_columns.csv`, checked by a test); `order_by` is a total order,
    so the same inputs give byte-identical files.
    """

    file: str
    source: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    order_by: str
    sheet: str
    title: str  # Dutch, for readers (report, explanation sheet)
    description: str
    where: str = "jaar = $jaar"

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".csv")

    @property
    def is_view(self) -> bool:
        return self.source.endswith(".sql")


SEVESO_REEKS_COLUMNS = (
    "jaar",
    "bron",
    "inrichtingen_actief",
    "inspecties",
    "inrichtingen_geinspecteerd",
    "inrichtingen_met_overtreding_pct",
    "inrichtingen_zonder_overtreding_pct",
    "overtredingen_cat1",
    "overtredingen_cat2",
    "overtredingen_cat3",
    "overtredingen_totaal",
    "deelname_arbeidsinspectie_pct",
    "deelname_veiligheidsregio_pct",
    "bronnen",
    "opmerking",
)

PUBLISHED_TABLES: tuple[PublishedTable, ...] = (
    PublishedTable(
        "landelijk.csv",
        "staat.landelijk",
        ("figuur",),
        ("figuur", "waarde", "geleverd", "verwacht"),
        "volgorde",
        "Landelijk",
        "Landelijke cijfers",
        "De landelijke cijfers van de omgevingsdiensten en van het Seveso-toezicht (seveso_), "
        "met hoeveel partners de benodigde gegevens leverden (geleverd) van hoeveel dat hadden "
        "moeten doen (verwacht).",
    ),
    PublishedTable(
        "kerncijfers.csv",
        "kerncijfers.sql",
        ("figuur",),
        (
            "figuur",
            "waarde",
            "waarde_vorig_jaar",
            "verschil",
            "verschil_pct",
            "geleverd",
            "verwacht",
            "geleverd_vorig_jaar",
            "partners_beide",
        ),
        "volgorde",
        "Kerncijfers",
        "Landelijke cijfers vergeleken met het jaar ervoor",
        "De landelijke cijfers van dit en vorig jaar, elk met hoeveel partners leverden. Het "
        "verschil is berekend over dezelfde partners in beide jaren (partners_beide; zie "
        "vergelijking.csv), niet als verschil van de totalen. Het verschil van een percentage is "
        "in procentpunten; de verandering in procenten staat er alleen bij aantallen en "
        "verhoudingen met een basis van 20 of meer.",
    ),
    PublishedTable(
        "vergelijking.csv",
        "staat.vergelijking",
        ("figuur",),
        (
            "figuur",
            "waarde_vorig_jaar",
            "waarde",
            "verschil",
            "verschil_pct",
            "partners_beide",
            "partners_vorig_jaar",
            "partners_dit_jaar",
            "opmerking",
        ),
        "volgorde",
        "Vergelijking",
        "Vergelijking met het jaar ervoor over dezelfde partners",
        "Elk landelijk cijfer van dit en vorig jaar, berekend over de vergelijkbare kern: de "
        "partners die de benodigde gegevens in beide jaren leverden (voor uitkomstindicatoren, "
        "rijen uitkomst_: de gebieden). Het verschil van een percentage is in procentpunten; "
        "de verandering in procenten staat er alleen bij een basis van 20 of meer. Verschillen "
        "zijn berekend uit de onafgeronde waarden en daarna afgerond. De partners tellen zoals "
        "geleverd in landelijk.csv. Seveso-cijfers worden alleen vergeleken wanneer elke partner "
        "die in een van beide jaren Seveso-gegevens voor het cijfer leverde, dat in beide jaren "
        "deed; anders staat de reden in de opmerking. Leeg in het eerste jaar.",
    ),
    PublishedTable(
        "omgevingsdiensten.csv",
        "staat.omgevingsdiensten",
        ("partner_code",),
        ("partner_code", *CONTROLE_FIGURES, *KENGETAL_FIGURES, "naam", "opmerking"),
        "partner_code",
        "Omgevingsdiensten",
        "Output per omgevingsdienst",
        "Eén rij per omgevingsdienst die controles leverde, met elk cijfer van de rekenregels. "
        "Spreken de leveringen van een dienst elkaar tegen, dan blijft het cijfer dat ze "
        "gebruikt leeg en staat de reden in de opmerking.",
    ),
    PublishedTable(
        "provincies.csv",
        "staat.provincies",
        ("provincie_code",),
        ("provincie_code", *CONTROLE_FIGURES, *PROVINCIE_KENGETALLEN, "naam"),
        "provincie_code",
        "Provincies",
        "Controles per provincie",
        "Controles naar de provincie van het bevoegd gezag, welke omgevingsdienst de controle "
        "ook uitvoerde, en de kengetallen van de provincies zelf. Alle twaalf provincies.",
    ),
    PublishedTable(
        "werkgebieden.csv",
        "staat.werkgebieden",
        ("gm_code",),
        ("gm_code", "naam", "provincie_code", "partner_code", "controles_partner", "controles"),
        "gm_code",
        "Werkgebieden",
        "Werkgebieden van de omgevingsdiensten volgens de leveringen",
        "Per gemeente (indeling van 1 januari) de omgevingsdienst die de meeste controles "
        "uitvoerde met die gemeente als bevoegd gezag (controles_partner, van controles in "
        "totaal); leeg voor een gemeente zonder controles. Werkgebieden zijn geen open data; "
        "de kaarten gebruiken deze indeling.",
    ),
    PublishedTable(
        "interventies.csv",
        "staat.interventies",
        ("partner_code", "interventie"),
        ("partner_code", "interventie", "aantal"),
        "partner_code = 'NL', partner_code, interventie",
        "Interventies",
        "Interventies na een overtreding",
        "Aantal controles met overtreding per zwaarste interventie, per omgevingsdienst en "
        "landelijk (NL); alleen aantallen groter dan 0.",
    ),
    PublishedTable(
        "lhso.csv",
        "staat.lhso",
        ("partner_code", "lhs_gevolg", "lhs_gedrag"),
        ("partner_code", "lhs_gevolg", "lhs_gedrag", "aantal"),
        "partner_code = 'NL', partner_code, lhs_gevolg, lhs_gedrag",
        "LHSO-matrix",
        "Overtredingen in de LHSO-matrix",
        "Aantal controles met overtreding per cel van de interventiematrix van de Landelijke "
        "Handhavingsstrategie (gevolgen A-D, gedrag 1-4), per omgevingsdienst en landelijk (NL).",
    ),
    PublishedTable(
        "seveso.csv",
        "staat.seveso",
        ("scope",),
        ("scope", *SEVESO_FIGURES, HANDHAVING_COLUMNS),
        "volgorde, scope",
        "Seveso",
        "Geïntegreerd Seveso-toezicht",
        "Alle Seveso-cijfers landelijk (NL), per drempel (hoog, laag) en per "
        "Seveso-omgevingsdienst; alleen geïntegreerde inspecties bij actieve inrichtingen.",
    ),
    PublishedTable(
        "seveso_locaties.csv",
        "staat.seveso_locaties",
        ("gm_code", "partner_code"),
        ("gm_code", "partner_code", "inrichtingen_actief"),
        "gm_code, partner_code",
        "Seveso-locaties",
        "Seveso-inrichtingen per gemeente",
        "Per gemeente en Seveso-omgevingsdienst het aantal Seveso-inrichtingen dat het hele jaar "
        "actief was (volgens het register).",
    ),
    PublishedTable(
        "seveso_reeks.csv",
        "seveso_reeks.sql",
        ("jaar", "bron"),
        SEVESO_REEKS_COLUMNS,
        "jaar, bron",
        "Seveso-reeks",
        "Seveso-cijfers door de jaren",
        "De berekende landelijke Seveso-cijfers van elk beschikbaar jaar (bron = berekend) naast "
        "de landelijke cijfers die eerder zijn gepubliceerd in de Staat van de Veiligheid en de "
        "jaarverslagen van BRZO+ (bron = gepubliceerd, met de vindplaatsen). Een gepubliceerd "
        "cijfer dat geen enkel getal is (zoals 'ca. 45') is leeg; zie de opmerking.",
        where="jaar <= $jaar",
    ),
    PublishedTable(
        "seveso_integratie.csv",
        "staat.seveso_integratie",
        ("reden",),
        ("reden", "inspecties"),
        "reden",
        "Seveso-integratie",
        "Niet meegetelde Seveso-inspecties",
        "Geïntegreerde inspecties die niet meetellen in de Seveso-cijfers, per reden.",
    ),
    PublishedTable(
        "seveso_conflicten.csv",
        "staat.seveso_conflicten",
        ("gezamenlijke_inspectie_id", "partner_code", "inspectie_id"),
        (
            "gezamenlijke_inspectie_id",
            "partner_code",
            "inspectie_id",
            "inrichting_id",
            "datum",
            "bron_bestand",
            "bron_rij",
        ),
        "gezamenlijke_inspectie_id, partner_code, inspectie_id, bron_bestand, bron_rij",
        "Seveso-conflicten",
        "Integratieconflicten",
        "Partnerrijen van een gezamenlijke inspectie die het oneens zijn over inrichting of "
        "datum. Geen van deze rijen telt mee in de Seveso-cijfers.",
    ),
    PublishedTable(
        "uitkomsten.csv",
        "staat.uitkomsten",
        ("indicator", "gebied"),
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
        "Uitkomstindicatoren",
        "Per indicator en gebied de waarde, de waarde van het jaar ervoor en de verandering.",
    ),
    PublishedTable(
        "datakwaliteit.csv",
        "staat.datakwaliteit",
        ("partner_code", "soort"),
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
            "bevindingen",
        ),
        "partner_code, soort",
        "Datakwaliteit",
        "Leveringen per partner",
        "Per partner en soort levering: verplicht of niet, geleverd of niet, en de rijen "
        "gelezen, geaccepteerd en in quarantaine (gelezen = geaccepteerd + quarantaine), en "
        "bevindingen: leveringen die elkaar tegenspreken (het cijfer blijft dan leeg).",
    ),
    PublishedTable(
        "quarantaine_regels.csv",
        "staat.quarantaine_regels",
        ("partner_code", "soort", "bron_bestand", "regel", "kolom"),
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
        "partner_code, soort, bron_bestand, regel, kolom, eerste_rij",
        "Quarantaine",
        "Rijen in quarantaine per regel",
        "Rijen die een regel van de aanleverspecificatie overtreden, per bestand en regel, met "
        "de eerste rij en de melding.",
    ),
    PublishedTable(
        "leveringen.csv",
        "staat.leveringen",
        ("pad",),
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
        "Ontvangen bestanden",
        "Elk ontvangen bestand met zijn SHA-256 en status (in gebruik, vervangen, identiek, "
        "afgewezen, conflict, genegeerd) en de reden.",
    ),
    PublishedTable(
        "kengetallen_verschillen.csv",
        "staat.kengetallen_verschillen",
        ("partner_code", "indicator"),
        ("partner_code", "indicator", "waarde_partner", "som_bevoegd_gezag", "verschil"),
        "partner_code, indicator",
        "Kengetalverschillen",
        "Kengetallen: partner en som per bevoegd gezag",
        "Kengetallen die een partner voor zichzelf en per bevoegd gezag leverde en die niet "
        "gelijk zijn; het kengetal van de partner telt.",
    ),
    PublishedTable(
        "validatie.csv",
        "staat.validatie",
        ("dataset", "toets"),
        (
            "dataset",
            "toets",
            "ernst",
            "uitkomst",
            "verwachtingen",
            "verwachtingen_mislukt",
            "getoetste_rijen",
            "afwijkende_rijen",
            "waargenomen",
            "omschrijving",
            "toelichting",
        ),
        "dataset, toets",
        "Validatie",
        "Toetsen op de gegevens",
        "Elke toets (expectation suite) op de gegevens van het jaar: ernst (ERROR blokkeert de "
        "publicatie, WARN wordt gemeld), uitkomst en het aantal afwijkende rijen.",
    ),
)

TABLES_BY_FILE = {t.file: t for t in PUBLISHED_TABLES}


def table_for(source: str) -> PublishedTable:
    """The published table written from a staat table (`staat.seveso`)."""
    return next(t for t in PUBLISHED_TABLES if t.source == source)
