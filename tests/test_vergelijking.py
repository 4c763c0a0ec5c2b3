"""vergelijking.csv against an independent computation over the vergelijkbare kern.

The expected values are computed here from the delivered rows of both years (the per-partner
files `publication_data` wrote), with exact fractions rounded half to even: for each national
figure the partners that delivered its inputs in both years, and the figure over them in each
year (rekenregels.md, "Comparisons between years"). v1.3: the change is the difference of the
exact values, rounded; the partners are counted as `geleverd` of landelijk.csv counts them.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tests.publication_data import Deliveries
from tests.test_publication import (
    _text,
    controle_counts,
    controle_figures,
    delivered_controles,
    expected_datakwaliteit,
    expected_landelijk,
    expected_seveso,
    expected_uitkomsten,
    kengetallen,
    outcome_values,
    pct,
    plain,
    pub,  # noqa: F401 - the shared build, a fixture
    ratio2,
    read_csv,
)

COLUMNS = (
    "waarde_vorig_jaar",
    "waarde",
    "verschil",
    "verschil_pct",
    "partners_beide",
    "partners_vorig_jaar",
    "partners_dit_jaar",
)
# The kengetallen each ratio of the first table needs (rekenregels.md, by hand).
RATIOS = {
    "controledichtheid_pct": ("inrichtingen_gecontroleerd", "inrichtingen_in_beheer", None),
    "controles_per_fte": ("controles", "fte_toezicht_handhaving", None),
    "vergunningen_binnen_termijn_pct": (
        "vergunningbesluiten_binnen_termijn",
        "vergunningbesluiten",
        "kg",
    ),
    "handhavingsbesluiten_in_stand_pct": (
        "handhavingsbesluiten_in_stand",
        "handhavingsbesluiten_getoetst",
        "kg",
    ),
}
REGISTER_ONLY = {"inrichtingen_actief"}


def _delivered(d: Deliveries, year: int, figure: str) -> set[str]:
    """Omgevingsdiensten that delivered the inputs of a figure of the first table in a year."""
    ods = set(delivered_controles(d, year))
    if figure not in RATIOS:
        return ods
    part, whole, _ = RATIOS[figure]
    k = kengetallen(d, year)
    needed = [n for n in (part, whole) if n not in ("controles", "inrichtingen_gecontroleerd")]
    return {od for od in ods if all(n in k.get(od, {}) for n in needed)}


# The parts (of `controle_counts`) of each percentage of the first table from controles alone.
SHARES = {
    "naleving_eerste_controle_pct": ("eerste_zonder", "eerste"),
    "hercontrole_opgelost_pct": ("her_opgelost", "her_beoordeeld"),
    "strafrechtelijk_pct": ("straf", "controles_met_overtreding"),
}


def _exact(part, whole, factor: int = 100) -> Fraction | None:
    return None if not whole else factor * Fraction(part) / Fraction(whole)


def _first_table_over(
    d: Deliveries, year: int, figure: str, ods: set[str]
) -> tuple[str, Fraction | None]:
    """A national figure of the first table over some omgevingsdiensten only: (as published,
    its exact value)."""
    if not ods:
        return "", None
    rows = [r for r in d.rows(year, "controles") if r["partner"] in ods]
    if figure not in RATIOS:
        counts = controle_counts(rows)
        text = controle_figures(counts)[figure]
        if figure in SHARES:
            part, whole = SHARES[figure]
            return text, _exact(counts[part], counts[whole])
        return text, Fraction(text)
    part, whole, source = RATIOS[figure]
    k = kengetallen(d, year)
    per = {od: controle_counts([r for r in rows if r["partner"] == od]) for od in ods}
    top = sum((k[od][part] if source == "kg" else per[od][part]) for od in ods)
    bottom = sum(k[od][whole] for od in ods)
    if figure == "controles_per_fte":
        return ratio2(top, bottom), _exact(top, bottom, 1)
    return pct(top, bottom), _exact(top, bottom)


def _difference(
    figure: str, before: str, now: str, exact_before=None, exact_now=None
) -> tuple[str, str]:
    """(verschil, verschil_pct): procentpunten for percentages; percent only on a base >= 20.
    v1.3: from the exact values (when given), rounded half to even only at the end."""
    if before == "" or now == "":
        return "", ""
    old = Fraction(before) if exact_before is None else exact_before
    new = Fraction(now) if exact_now is None else exact_now
    diff = new - old
    if figure.endswith("_pct"):
        return _text(round(diff, 1), 1), ""
    if figure.endswith("_per_fte"):
        text = _text(round(diff, 2), 2)
    else:
        text = str(Decimal(now) - Decimal(before))
        text = text if not figure.startswith("uitkomst_") else plain(diff)
    return text, (pct(diff, old) if old >= 20 else "")


def _exact_share(part, whole) -> Fraction | str:
    return "" if not whole else 100 * Fraction(part) / Fraction(whole)


def _seveso_counted(d: Deliveries, year: int, figure: str) -> set[str]:
    """v1.3, one convention: the partners required to deliver the register (for
    inrichtingen_actief) or the inspections (every other Seveso figure) that delivered it."""
    kind = "seveso_inrichtingen" if figure in REGISTER_ONLY else "seveso_inspecties"
    dq = expected_datakwaliteit(d, year)
    return {p for (p, s), v in dq.items() if s == kind and v["verplicht"] == v["geleverd"] == "ja"}


def _seveso_deliveries(d: Deliveries, year: int, figure: str) -> set[tuple[str, str]]:
    kinds = (
        ("seveso_inrichtingen",)
        if figure in REGISTER_ONLY
        else (
            "seveso_inrichtingen",
            "seveso_inspecties",
        )
    )
    return {(f.partner, f.soort) for k in kinds for f in d.read(year, k)}


def _outcome_rows(d: Deliveries, year: int) -> dict[str, dict[str, str]]:
    cur = expected_uitkomsten(d, year)
    prev_values = outcome_values(d, year - 1)
    out = {}
    for ind in sorted({i for i, g in cur if g == "NL"}):
        nl_by = [
            {
                r["partner"]
                for r in d.rows(y, "uitkomsten")
                if (r["indicator"], r["gebied"])
                == (
                    ind,
                    "NL",
                )
            }
            for y in (year - 1, year)
        ]
        if all(len(p) == 1 for p in nl_by) and nl_by[0] == nl_by[1]:
            before, now = cur[(ind, "NL")]["waarde_vorig_jaar"], cur[(ind, "NL")]["waarde"]
            n = (1, 1, 1)
        else:
            gm = {g: v for (i, g), v in cur.items() if i == ind and g.startswith("GM")}
            kern = [g for g, v in gm.items() if v["waarde"] and v["waarde_vorig_jaar"]]
            before = plain(sum((Fraction(gm[g]["waarde_vorig_jaar"]) for g in kern), Fraction(0)))
            now = plain(sum((Fraction(gm[g]["waarde"]) for g in kern), Fraction(0)))
            if not kern:
                before = now = ""
            n = (
                len(kern),
                sum(
                    1
                    for (i, g), v in prev_values.items()
                    if i == ind and g.startswith("GM") and v is not None
                ),
                sum(1 for v in gm.values() if v["waarde"]),
            )
        out[f"uitkomst_{ind}"] = dict(
            zip(
                COLUMNS,
                (before, now, *_difference(f"uitkomst_{ind}", before, now), *map(str, n)),
                strict=True,
            )
        )
    return out


def expected_vergelijking(d: Deliveries, year: int) -> dict[str, dict[str, str]]:
    out = {}
    for figure in expected_landelijk(d, year):
        if figure.startswith("seveso_"):
            bare = figure.removeprefix("seveso_")
            prev, now = (_seveso_deliveries(d, y, bare) for y in (year - 1, year))
            same = prev == now  # all or nothing
            before = expected_seveso(d, year - 1)["NL"][bare] if same else ""
            value = expected_seveso(d, year)["NL"][bare] if same else ""
            exact = [expected_seveso(d, y, _exact_share)["NL"][bare] for y in (year - 1, year)]
            exact = [Fraction(e) if e != "" else None for e in exact]
            counted = [_seveso_counted(d, y, bare) for y in (year - 1, year)]
            partners = (counted[0] & counted[1], *counted)
        else:
            prev, now = (_delivered(d, y, figure) for y in (year - 1, year))
            kern = prev & now
            before, exact_before = _first_table_over(d, year - 1, figure, kern)
            value, exact_now = _first_table_over(d, year, figure, kern)
            exact = [exact_before, exact_now]
            partners = (kern, prev, now)
        out[figure] = dict(
            zip(
                COLUMNS,
                (
                    before,
                    value,
                    *_difference(figure, before, value, *exact),
                    *(str(len(p)) for p in partners),
                ),
                strict=True,
            )
        )
    return out | _outcome_rows(d, year)


@pytest.mark.parametrize("year", (2022, 2023))
def test_vergelijking_over_the_kern(pub, year):  # noqa: F811
    d, built = pub
    actual = {r["figuur"]: r for r in read_csv(built, year, "vergelijking.csv")}
    expected = expected_vergelijking(d, year)
    assert list(actual) == list(expected)  # every national figure, in the order of landelijk
    for figure, want in expected.items():
        assert {c: actual[figure][c] for c in COLUMNS} == want, figure


def test_vergelijking_cases(pub):  # noqa: F811
    """The cases the rules name, worked out by hand on the generated deliveries."""
    d, built = pub
    rows = {y: {r["figuur"]: r for r in read_csv(built, y, "vergelijking.csv")} for y in (2022,)}
    v = rows[2022]
    # 2021 and 2022 share six omgevingsdiensten (ODBN only 2021, ODH only 2022)
    assert (v["controles"]["partners_beide"], v["controles"]["partners_dit_jaar"]) == ("6", "7")
    # a percentage changes in procentpunten, never in percent
    assert v["naleving_eerste_controle_pct"]["verschil_pct"] == ""
    # VR01 did not deliver its Seveso inspections in 2022: no like-for-like Seveso change
    assert v["seveso_inspecties"]["waarde"] == "" and v["seveso_inspecties"]["verschil"] == ""
    # the register alone: the same provincies delivered it in both years
    assert v["seveso_inrichtingen_actief"]["waarde"] != ""
    # the NL row of PV20 in both years: 921 -> 922 (+1; base >= 20 gives +0.1 %)
    assert v["uitkomst_milieu_incidenten"]["waarde_vorig_jaar"] == "921"
    assert v["uitkomst_milieu_incidenten"]["verschil"] == "1"
    assert v["uitkomst_milieu_incidenten"]["verschil_pct"] == "0.1"
    # a base under 20: the change in percent is not given
    small = [
        r
        for r in v.values()
        if r["waarde_vorig_jaar"]
        and 0 < float(r["waarde_vorig_jaar"]) < 20
        and not r["figuur"].endswith("_pct")
    ]
    assert small and all(r["verschil_pct"] == "" for r in small)
    # the first year has nothing to compare with: the table is there, without rows
    assert read_csv(built, 2021, "vergelijking.csv") == []


@pytest.mark.parametrize("year", (2021, 2022, 2023))
def test_kerncijfers_give_totals_and_the_change_over_the_kern(pub, year):  # noqa: F811
    """kerncijfers.csv: both years' totals with their completeness; the change is the
    like-for-like one of vergelijking, never the difference of the totals."""
    d, built = pub
    cur = expected_landelijk(d, year)
    prev = expected_landelijk(d, year - 1) if year > 2021 else {}
    kern = expected_vergelijking(d, year) if year > 2021 else {}
    rows = {r["figuur"]: r for r in read_csv(built, year, "kerncijfers.csv")}
    assert list(rows) == [r["figuur"] for r in read_csv(built, year, "landelijk.csv")]
    for figure, (value, geleverd, verwacht) in cur.items():
        change = kern.get(figure, {})
        want = {
            "waarde": value,
            "waarde_vorig_jaar": prev.get(figure, ("", "", ""))[0],
            "verschil": change.get("verschil", ""),
            "verschil_pct": change.get("verschil_pct", ""),
            "geleverd": geleverd,
            "verwacht": verwacht,
            "geleverd_vorig_jaar": prev.get(figure, ("", "", ""))[1],
            "partners_beide": change.get("partners_beide", ""),
        }
        assert {k: rows[figure][k] for k in want} == want, figure


@pytest.mark.parametrize("year", (2022, 2023))
def test_partner_counts_are_those_of_landelijk(pub, year):  # noqa: F811
    """v1.3, one convention: for every national figure `partners_dit_jaar` and
    `partners_vorig_jaar` are `geleverd` of landelijk.csv of that year and of the year before."""
    _, built = pub
    now = {r["figuur"]: r["geleverd"] for r in read_csv(built, year, "landelijk.csv")}
    before = {r["figuur"]: r["geleverd"] for r in read_csv(built, year - 1, "landelijk.csv")}
    rows = [r for r in read_csv(built, year, "vergelijking.csv") if r["figuur"] in now]
    assert len(rows) == len(now)
    for r in rows:
        assert (r["partners_dit_jaar"], r["partners_vorig_jaar"]) == (
            now[r["figuur"]],
            before[r["figuur"]],
        ), r["figuur"]
        assert int(r["partners_beide"]) <= min(int(now[r["figuur"]]), int(before[r["figuur"]]))
