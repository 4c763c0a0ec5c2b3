"""The deliberate scenarios (bad files, bad rows, supersession, missing deliveries) per year.

Each scenario has a preferred year and preferred partners. When a preferred year is not
generated, the scenario goes to the nearest generated year, so every class occurs in any run.
The plan of a year says which partner gets which scenario; the delivery modules carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .context import DEFAULT_WEIGHT, OD_WEIGHTS, S_MISSING, Ctx
from .reference import Reference

# special roles of partners in every year
KENGETALLEN_PER_BG_ONLY = "RUDZ"  # delivers kengetallen per bevoegd gezag only
KENGETALLEN_BOTH = "ODBN"  # partner-wide and per bevoegd gezag, with one difference
GETOETST_ZERO = ("ODMH", "ODIJMOND")  # handhavingsbesluiten_getoetst = 0
UITKOMSTEN_PROVINCIES = ("PV21", "PV25", "PV28")
# the omgevingsdiensten (about a third) that deliver the optional uitkomsten
UITKOMSTEN_ODS = ("FUMO", "ODT", "ODV", "ODR", "OFGV", "ODNZKG", "ODH", "OZHZ", "ODZOB", "RUDZL")
NL_ROW_PARTNER = "RUDZL"

# Deliberate scenarios and their preferred year.
SCENARIO_YEAR = {
    # bad files and supersession
    "bestand_leeg": 2021,
    "vervangen_kengetallen": 2021,
    "bestand_onleesbaar": 2022,
    "identiek_bestand": 2022,
    "kolom_ontbreekt": 2023,
    "onbekende_partner": 2023,
    "vervangen_controles": 2023,
    "onbekende_soort": 2024,
    "concurrerende_levering": 2024,
    # bad rows
    "c_datum_ongeldig": 2021,
    "c_verplicht_leeg": 2021,
    "c_code_onbekend": 2021,
    "c_uren_buiten_bereik": 2021,
    "k_geen_geheel_getal": 2021,
    "u_waarde_negatief": 2021,
    "c_lhs_niet_leeg": 2022,
    "c_dubbel_id": 2022,
    "c_gemeente_a": 2022,
    "c_decimaalkomma": 2022,
    "k_indicator_niet_voor_partner": 2022,
    "u_conflict": 2022,
    "vr_ontbreekt": 2022,
    "c_datum_buiten_jaar": 2023,
    "c_te_veel_velden": 2023,
    "c_gemeente_b": 2023,
    "k_waarde_negatief": 2023,
    "s_niet_in_register": 2023,
    "r_dubbel_id_landelijk": 2023,
    "u_nl_rij_a": 2023,
    "u_nl_rij_b": 2024,
    "s_datum_ongeldig": 2024,
    "s_code_onbekend": 2024,
    "r_verplicht_leeg": 2024,
    "c_overtreding_zonder_lhs": 2024,
}
# preferred partner per scenario (the first one that can take it in that year is used)
SCENARIO_PARTNERS = {
    "bestand_leeg": ["PV22", "PV24"],
    "vervangen_kengetallen": ["OVIJ", "ODA", "RUDLN"],
    "bestand_onleesbaar": ["ODA", "RUDLN", "ODR"],
    "identiek_bestand": ["ODRA", "ODV", "RUDLN"],
    "kolom_ontbreekt": ["RUDU", "RUDLN", "ODR"],
    "vervangen_controles": ["ODIJ", "ODR", "RUDLN"],
    "concurrerende_levering": ["ODV", "ODR", "FUMO"],
    "onbekende_soort": ["ODH"],
    "c_datum_ongeldig": ["ODT", "RUDD", "ODMH"],
    "c_verplicht_leeg": ["OZHZ", "ODRN"],
    "c_code_onbekend": ["ODNHN", "ODG"],
    "c_uren_buiten_bereik": ["ODBN", "ODZOB"],
    "k_geen_geheel_getal": ["ODZOB", "ODH"],
    "u_waarde_negatief": ["ODR", "ODT"],
    "c_lhs_niet_leeg": ["ODRN", "OFGV"],
    "c_dubbel_id": ["OMWB", "DCMR"],
    "c_decimaalkomma": ["ODIJMOND", "ODRA", "ODG"],
    "k_indicator_niet_voor_partner": ["ODG", "ODRA"],
    "c_datum_buiten_jaar": ["FUMO", "ODRU"],
    "c_te_veel_velden": ["ODNZKG", "OMWB", "ODZOB"],
    "k_waarde_negatief": ["ODWH", "RUDD"],
    "c_overtreding_zonder_lhs": ["ODRU", "ODWH", "ODT"],
    "s_niet_in_register": ["NLA"],
    "s_datum_ongeldig": ["VR17", "VR20", "VR24"],
    "s_code_onbekend": ["DCMR", "OMWB"],
    "r_verplicht_leeg": ["PV31", "PV30"],
    "u_nl_rij_a": [NL_ROW_PARTNER],
    "u_nl_rij_b": [NL_ROW_PARTNER],
}
SCENARIO_SOORT = {
    "bestand_leeg": "uitkomsten",
    "vervangen_kengetallen": "kengetallen",
    "bestand_onleesbaar": "controles",
    "identiek_bestand": "kengetallen",
    "kolom_ontbreekt": "controles",
    "vervangen_controles": "controles",
    "concurrerende_levering": "uitkomsten",
    "onbekende_soort": "notities",
    "k_geen_geheel_getal": "kengetallen",
    "k_indicator_niet_voor_partner": "kengetallen",
    "k_waarde_negatief": "kengetallen",
    "u_waarde_negatief": "uitkomsten",
    "u_nl_rij_a": "uitkomsten",
    "u_nl_rij_b": "uitkomsten",
    "s_niet_in_register": "seveso_inspecties",
    "s_datum_ongeldig": "seveso_inspecties",
    "s_code_onbekend": "seveso_inspecties",
    "r_verplicht_leeg": "seveso_inrichtingen",
}
# scenarios after which the rows of that (partner, soort) do not count: no row defects there
DESTROYERS = {"bestand_leeg", "bestand_onleesbaar", "kolom_ontbreekt", "concurrerende_levering"}
CSV_ONLY = {"c_te_veel_velden", "c_decimaalkomma", "vervangen_controles", "identiek_bestand"}
COMMA_ONLY = {"c_decimaalkomma"}
# scenarios whose partner the delivery module chooses itself (from the data of the year)
PLACED_BY_DELIVERY = {"u_conflict", "vr_ontbreekt", "r_dubbel_id_landelijk", "onbekende_partner"}


def scenario_soort(name: str) -> str:
    """The kind of delivery a scenario lands in ('' for those placed by the delivery itself)."""
    return SCENARIO_SOORT.get(name, "controles" if name.startswith("c_") else "")


@dataclass
class YearPlan:
    """Which partner gets which scenario in one year, and which deliveries are left out."""

    jaar: int
    who: dict[str, str] = field(default_factory=dict)  # scenario -> partner
    missing: set[tuple[str, str]] = field(default_factory=set)  # (partner, soort)
    blocked: set[tuple[str, str]] = field(default_factory=set)  # rows of these do not count
    gemeente_case: tuple[str, str] | None = None  # (code, kind) for c_gemeente_*

    def has(self, scenario: str, code: str | None = None) -> bool:
        return scenario in self.who and (code is None or self.who[scenario] == code)

    def for_partner(self, code: str, prefix: str = "") -> list[str]:
        return sorted(s for s, c in self.who.items() if c == code and s.startswith(prefix))


def actual_year(pref: int, years: tuple[int, ...]) -> int:
    return min(years, key=lambda y: (abs(y - pref), y))


def gemeente_case(ref: Reference, jaar: int) -> tuple[str, str]:
    """A gemeente code that is invalid for (some) dates of ``jaar`` and how."""
    y0, y1 = date(jaar, 1, 1), date(jaar, 12, 31)
    mid = sorted(c for c, g in ref.gemeenten.items() if g.geldig_tot and y0 <= g.geldig_tot < y1)
    if mid:
        return mid[0], "na_einde"
    ended = sorted(c for c, g in ref.gemeenten.items() if g.geldig_tot and g.geldig_tot < y0)
    if ended:
        return ("GM0370" if "GM0370" in ended else ended[0]), "opgeheven"
    future = sorted(c for c, g in ref.gemeenten.items() if g.geldig_van and g.geldig_van > y1)
    return future[0], "nog_niet"


def make_plans(ctx: Ctx) -> dict[int, YearPlan]:
    """The plan of every generated year: scenarios first, then the missing deliveries."""
    plans = {y: YearPlan(y) for y in ctx.years}
    by_year: dict[int, list[str]] = {}
    for name, pref in SCENARIO_YEAR.items():
        by_year.setdefault(actual_year(pref, ctx.years), []).append(name)
    for jaar, names in sorted(by_year.items()):
        # destroyers first, then the rest, in a fixed order
        for name in sorted(names, key=lambda n: (n not in DESTROYERS, n)):
            _place(ctx, plans[jaar], name)
    for plan in plans.values():
        _leave_out(ctx, plan)
    return plans


def _candidates(ctx: Ctx, plan: YearPlan, name: str) -> list[str] | None:
    """The partners that may take scenario ``name``, best first (None: placed elsewhere)."""
    ods = [p.code for p in ctx.ref.partners_of("omgevingsdienst")]
    if name.startswith("c_gemeente"):
        code, kind = gemeente_case(ctx.ref, plan.jaar)
        plan.gemeente_case = (code, kind)
        final = ctx.ref.final_code(code)
        return [ctx.geo.od_of_final[final]] + ods
    if name in PLACED_BY_DELIVERY:
        return None
    return SCENARIO_PARTNERS[name] + (ods if scenario_soort(name) == "controles" else [])


def _place(ctx: Ctx, plan: YearPlan, name: str) -> None:
    """Give scenario ``name`` to the first candidate whose files can carry it."""
    prefs = _candidates(ctx, plan, name)
    if prefs is None:
        plan.who[name] = ""
        return
    soort = scenario_soort(name)
    for code in prefs:
        prof = ctx.profiles[code]
        if (code, soort) in plan.blocked:
            continue
        if name in CSV_ONLY and prof.fmt != "csv":
            continue
        if name in COMMA_ONLY and prof.sep != ",":
            continue
        if name in DESTROYERS and any(c == code for c in plan.who.values()):
            continue
        plan.who[name] = code
        if name in DESTROYERS:
            plan.blocked.add((code, soort))
        return


def _leave_out(ctx: Ctx, plan: YearPlan) -> None:
    """Missing required deliveries: 2-3 omgevingsdiensten a year (controles or kengetallen)."""
    ods = [p.code for p in ctx.ref.partners_of("omgevingsdienst")]
    special = set(GETOETST_ZERO) | {KENGETALLEN_BOTH, KENGETALLEN_PER_BG_ONLY}
    rng = ctx.rng(S_MISSING, plan.jaar)
    involved = set(plan.who.values()) | special
    cand = [
        c
        for c in ods
        if c not in involved
        and OD_WEIGHTS.get(c, DEFAULT_WEIGHT) < 1.3
        and not ctx.partner(c).seveso
    ]
    k = int(rng.integers(2, 4))
    for c in sorted(rng.choice(cand, size=min(k, len(cand)), replace=False).tolist()):
        soort = "controles" if rng.random() < 0.5 else "kengetallen"
        plan.missing.add((c, soort))
        plan.blocked.add((c, soort))
