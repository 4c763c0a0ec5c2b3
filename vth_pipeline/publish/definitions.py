"""What readers see instead of identifiers: Dutch column labels and the definitions of figures.

The definitions of the first table come from `defs.staat.DEFINITIONS`, beside the SQL that
computes them; the Seveso figures have no such declaration in `defs.seveso` yet, so theirs are
declared here, keyed by `SEVESO_FIGURES` (a test keeps both in step). The report's annex, the
XLSX's explanation sheet and the table headers are all generated from these declarations.
"""

from __future__ import annotations

from vth_pipeline.defs.seveso import SEVESO_FIGURES
from vth_pipeline.defs.staat import (
    CONTROLE_FIGURES,
    DEFINITIONS,
    KENGETAL_FIGURES,
    PROVINCIE_KENGETALLEN,
)

SEVESO_DEFINITIONS: dict[str, str] = {
    "inrichtingen_actief": "Seveso-inrichtingen in het register die het hele jaar actief waren: "
    "`actief_vanaf` op of vóór 1 januari en `actief_tot` leeg of op of na 31 december (zoals "
    "de BRZO+-monitor telt).",
    "inspecties": "Geïntegreerde inspecties bij actieve inrichtingen: één per "
    "`gezamenlijke_inspectie_id`, of één per partnerrij zonder dat kenmerk. Rijen van een "
    "integratieconflict tellen niet mee.",
    "inrichtingen_geinspecteerd": "Actieve inrichtingen met ten minste één geïntegreerde "
    "inspectie in het jaar.",
    "geinspecteerd_pct": "Geïnspecteerde inrichtingen gedeeld door actieve inrichtingen.",
    "hoogdrempel_jaarlijks_pct": "Van de actieve hogedrempelinrichtingen: het aandeel dat dit "
    "jaar is geïnspecteerd.",
    "laagdrempel_driejaarlijks_pct": "Van de actieve lagedrempelinrichtingen: het aandeel dat in "
    "dit jaar of de twee jaren ervoor is geïnspecteerd; leeg wanneer een van die jaren niet "
    "beschikbaar is (register en inspecties ingelezen).",
    "overtredingen_cat1": "Overtredingen van categorie 1 (zwaar): de som over de geïntegreerde "
    "inspecties, elk de som van de rijen van haar partners.",
    "overtredingen_cat2": "Overtredingen van categorie 2 (middelzwaar), opgeteld als categorie 1.",
    "overtredingen_cat3": "Overtredingen van categorie 3 (licht), opgeteld als categorie 1.",
    "overtredingen_totaal": "Som van de overtredingen van de drie categorieën.",
    "inrichtingen_met_overtreding_pct": "Van de geïnspecteerde actieve inrichtingen: het aandeel "
    "met ten minste één overtreding (van welke categorie ook) in het jaar.",
    "inrichtingen_zonder_overtreding_pct": "Van de geïnspecteerde actieve inrichtingen: het "
    "aandeel zonder overtreding.",
    "inrichtingen_alleen_cat3_pct": "Van de geïnspecteerde actieve inrichtingen: het aandeel "
    "waarvan alle overtredingen categorie 3 zijn (en ten minste één).",
    "onaangekondigd_pct": "Van de geïntegreerde inspecties: het aandeel met ten minste één "
    "partnerrij van type `onaangekondigd`.",
    "deelname_arbeidsinspectie_pct": "Van de geïntegreerde inspecties: het aandeel waaraan de "
    "Nederlandse Arbeidsinspectie deelnam (een geaccepteerde NLA-rij hoort erbij).",
    "deelname_veiligheidsregio_pct": "Van de geïntegreerde inspecties: het aandeel waaraan een "
    "veiligheidsregio deelnam.",
}

# Rules that hold for every figure, in the words of rekenregels.md.
GENERAL_RULES: tuple[str, ...] = (
    "Alle cijfers zijn berekend uit geaccepteerde rijen, per verslagjaar.",
    "Een percentage (`_pct`) is 100 × deel / geheel, afgerond op één decimaal; controles per fte "
    "op twee decimalen. Afronding is half-naar-even op de exacte waarde.",
    "Een cijfer is leeg (–), niet 0, wanneer het geheel 0 is of een benodigde levering ontbreekt.",
    "Landelijke aantallen zijn sommen over de partners; landelijke percentages en verhoudingen "
    "zijn berekend uit landelijke sommen, nooit als gemiddelde van percentages.",
    "Een landelijke verhouding met kengetallen telt alleen de partners die teller én noemer "
    "leverden; hoeveel dat er waren staat erbij (geleverd van verwacht).",
    "Kengetallen per bevoegd gezag worden per partner opgeteld wanneer er geen rij voor de "
    "partner als geheel is; zijn er beide, dan telt de rij voor de partner als geheel.",
    "Een inrichting is (partner, `inrichting_id`): landelijk telt een inrichting die door twee "
    "omgevingsdiensten is gecontroleerd twee keer.",
    "Provincie: de provincie van het bevoegd gezag (een GM-code via de gemeentelijst, een PV-code "
    "is zijn eigen provincie), welke omgevingsdienst de controle ook uitvoerde.",
    "Uitkomsten landelijk: de NL-rij wanneer die is geleverd, anders de som over de gemeenten. "
    "Waarden van opgeheven gemeenten tellen bij de opvolger wanneer jaren worden vergeleken.",
)

LABELS: dict[str, str] = {
    # keys and names
    "partner_code": "Partner",
    "provincie_code": "Provincie",
    "naam": "Naam",
    "scope": "Groep",
    "figuur": "Cijfer",
    "jaar": "Jaar",
    # the first table
    "controles": "Controles",
    "controles_fysiek": "Fysieke controles",
    "controles_beoordeeld": "Beoordeelde controles",
    "controles_met_overtreding": "Controles met overtreding",
    "naleving_eerste_controle_pct": "Naleving bij eerste controle (%)",
    "hercontroles": "Hercontroles",
    "hercontrole_opgelost_pct": "Hercontrole opgelost (%)",
    "ernstige_overtredingen": "Ernstige overtredingen (C/D)",
    "strafrechtelijk_pct": "Strafrechtelijk afgedaan (%)",
    "inrichtingen_gecontroleerd": "Gecontroleerde inrichtingen",
    "controledichtheid_pct": "Controledichtheid (%)",
    "controles_per_fte": "Controles per fte",
    "vergunningen_binnen_termijn_pct": "Vergunningen binnen termijn (%)",
    "handhavingsbesluiten_in_stand_pct": "Handhavingsbesluiten in stand (%)",
    "handhavingsoverleg_bijeenkomsten": "Bijeenkomsten handhavingsoverleg",
    "uitvoeringsprogramma_vastgesteld": "Uitvoeringsprogramma vastgesteld (1 = ja)",
    "vth_jaarverslag_vastgesteld": "VTH-jaarverslag vastgesteld (1 = ja)",
    # national figures and their comparison
    "waarde": "Waarde",
    "waarde_vorig_jaar": "Vorig jaar",
    "verschil": "Verschil",
    "verschil_pct": "Verschil (%)",
    "geleverd": "Geleverd",
    "verwacht": "Verwacht",
    "geleverd_vorig_jaar": "Geleverd vorig jaar",
    # interventions and LHSO
    "interventie": "Interventie",
    "aantal": "Aantal",
    "lhs_gevolg": "Gevolgen",
    "lhs_gedrag": "Gedrag",
    # Seveso
    "inrichtingen_actief": "Actieve inrichtingen",
    "inspecties": "Inspecties",
    "inrichtingen_geinspecteerd": "Geïnspecteerde inrichtingen",
    "geinspecteerd_pct": "Geïnspecteerd (%)",
    "hoogdrempel_jaarlijks_pct": "Hogedrempel jaarlijks geïnspecteerd (%)",
    "laagdrempel_driejaarlijks_pct": "Lagedrempel in drie jaar geïnspecteerd (%)",
    "overtredingen_cat1": "Overtredingen cat. 1 (zwaar)",
    "overtredingen_cat2": "Overtredingen cat. 2 (middelzwaar)",
    "overtredingen_cat3": "Overtredingen cat. 3 (licht)",
    "overtredingen_totaal": "Overtredingen totaal",
    "inrichtingen_met_overtreding_pct": "Inrichtingen met overtreding (%)",
    "inrichtingen_zonder_overtreding_pct": "Inrichtingen zonder overtreding (%)",
    "inrichtingen_alleen_cat3_pct": "Inrichtingen met alleen cat. 3 (%)",
    "onaangekondigd_pct": "Onaangekondigd (%)",
    "deelname_arbeidsinspectie_pct": "Deelname Arbeidsinspectie (%)",
    "deelname_veiligheidsregio_pct": "Deelname veiligheidsregio (%)",
    "bron": "Bron",
    "bronnen": "Bronnen",
    "reden": "Reden",
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


def handhaving_label(code: str, omschrijving: str | None = None) -> str:
    return f"Zwaarste handhaving: {(omschrijving or code.replace('_', ' ')).lower()}"


def label(column: str, handhaving: dict[str, str] | None = None) -> str:
    """The Dutch header of a column; `handhaving_<code>` from the code list; never a KeyError."""
    if column in LABELS:
        return LABELS[column]
    if column.startswith("handhaving_"):
        code = column.removeprefix("handhaving_")
        return handhaving_label(code, (handhaving or {}).get(code))
    if column.startswith("seveso_"):
        return "Seveso: " + label(column.removeprefix("seveso_"), handhaving)
    return column.replace("_", " ").capitalize()


def definition(figure: str, handhaving: dict[str, str] | None = None) -> str:
    """The definition of a national figure (`seveso_` prefixed ones included)."""
    if figure in DEFINITIONS:
        return DEFINITIONS[figure]
    name = figure.removeprefix("seveso_")
    if name in SEVESO_DEFINITIONS:
        return SEVESO_DEFINITIONS[name]
    if name.startswith("handhaving_"):
        code = name.removeprefix("handhaving_")
        what = (handhaving or {}).get(code, code).lower()
        return f"Geïntegreerde inspecties waarvan de zwaarste handhaving '{what}' was."
    return ""


def definition_groups(handhaving: dict[str, str]) -> list[dict]:
    """The definitions annex: one group per table of rekenregels.md, in its order."""
    first = [*CONTROLE_FIGURES, *KENGETAL_FIGURES]
    seveso = [*SEVESO_FIGURES, *(f"handhaving_{c}" for c in handhaving)]
    return [
        {
            "titel": "Output van de omgevingsdiensten",
            "items": [{"figuur": f, "label": label(f), "definitie": definition(f)} for f in first],
        },
        {
            "titel": "Provincies",
            "items": [
                {
                    "figuur": f,
                    "label": label(f),
                    "definitie": "Kengetal van de provincie zelf, zoals geleverd.",
                }
                for f in PROVINCIE_KENGETALLEN
            ],
        },
        {
            "titel": "Geïntegreerd Seveso-toezicht",
            "items": [
                {
                    "figuur": f,
                    "label": label(f, handhaving),
                    "definitie": definition(f, handhaving),
                }
                for f in seveso
            ],
        },
    ]
