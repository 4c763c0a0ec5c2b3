"""The publication against an independent computation of every figure of every table.

The expected figures are computed here, in plain Python, from the rows `publication_data`
wrote and from the rules of rekenregels.md (not from the pipeline's SQL): percentages with exact
fractions rounded half to even, and empty (never 0) where the whole is 0 or an input is missing.
Then: the output contract, the workbook and Parquet files, byte-identical CSV on a rebuild,
repeatable report and figures, the static images, the definitions, and the clear failure without
a browser.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from markupsafe import escape

from tests.conftest import ROOT, Built
from tests.publication_data import (
    HOSTILE_INSPECTION_ID,
    HOSTILE_JOINT_ID,
    Deliveries,
    published,
    read_reference,
)
from vth_pipeline.contract.publication import PUBLISHED_TABLES, label

YEARS = (2021, 2022, 2023)
PARTNERS = {r["partner_code"]: r for r in read_reference("partners")}
ODS = sorted(p for p, r in PARTNERS.items() if r["soort"] == "omgevingsdienst")
SEVESO_ODS = sorted(p for p, r in PARTNERS.items() if r["seveso_omgevingsdienst"] == "ja")
PROVINCIES = sorted(r["provincie_code"] for r in read_reference("provincies"))
GEMEENTEN = {r["gm_code"]: r for r in read_reference("gemeenten")}
HANDHAVING = [r["code"] for r in read_reference("codelijsten") if r["lijst"] == "seveso_handhaving"]
ASSESSED = ("geen_overtreding", "overtreding")
CRIMINAL = ("proces_verbaal", "bestuurlijke_strafbeschikking")


@pytest.fixture(scope="module")
def pub(tmp_path_factory) -> tuple[Deliveries, Built]:
    return published(tmp_path_factory)


def read_csv(built: Built, year: int, name: str) -> list[dict[str, str]]:
    with open(built.out / str(year) / "tabellen" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- arithmetic of the rules ---------------------------------------------------------------------


def _text(value: Fraction, decimals: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-decimals)))


def pct(part, whole) -> str:
    """100 * part / whole, one decimal, half to even on the exact value; empty if not defined."""
    if part is None or whole is None or Fraction(whole) == 0:
        return ""
    return _text(round(100 * Fraction(part) / Fraction(whole), 1), 1)


def ratio2(num, den) -> str:
    if num is None or den is None or Fraction(den) == 0:
        return ""
    return _text(round(Fraction(num) / Fraction(den), 2), 2)


def plain(value: Fraction | None) -> str:
    """A delivered number as the CSV writes it: no trailing zeros."""
    if value is None:
        return ""
    return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


def _sum(values) -> Fraction | None:
    values = [v for v in values if v is not None]
    return sum(values, Fraction(0)) if values else None


# --- omgevingsdiensten, landelijk, provincies ----------------------------------------------------


def controle_counts(rows: list[dict]) -> dict:
    """The counts of the first table over some controle rows (the parts of its percentages)."""
    assessed = [r for r in rows if r["resultaat"] in ASSESSED]
    first = [r for r in assessed if r["aanleiding"] != "hercontrole"]
    re_assessed = [r for r in assessed if r["aanleiding"] == "hercontrole"]
    violations = [r for r in rows if r["resultaat"] == "overtreding"]
    return {
        "controles": len(rows),
        "controles_fysiek": sum(r["soort_controle"] == "fysiek" for r in rows),
        "controles_beoordeeld": len(assessed),
        "controles_met_overtreding": len(violations),
        "eerste": len(first),
        "eerste_zonder": sum(r["resultaat"] == "geen_overtreding" for r in first),
        "hercontroles": sum(r["aanleiding"] == "hercontrole" for r in rows),
        "her_beoordeeld": len(re_assessed),
        "her_opgelost": sum(r["resultaat"] == "geen_overtreding" for r in re_assessed),
        "ernstige_overtredingen": sum(r["lhs_gevolg"] in ("C", "D") for r in violations),
        "straf": sum(r["interventie"] in CRIMINAL for r in violations),
        "inrichtingen_gecontroleerd": len({(r["partner"], r["inrichting_id"]) for r in rows}),
    }


def controle_figures(c: dict) -> dict[str, str]:
    return {
        "controles": str(c["controles"]),
        "controles_fysiek": str(c["controles_fysiek"]),
        "controles_beoordeeld": str(c["controles_beoordeeld"]),
        "controles_met_overtreding": str(c["controles_met_overtreding"]),
        "naleving_eerste_controle_pct": pct(c["eerste_zonder"], c["eerste"]),
        "hercontroles": str(c["hercontroles"]),
        "hercontrole_opgelost_pct": pct(c["her_opgelost"], c["her_beoordeeld"]),
        "ernstige_overtredingen": str(c["ernstige_overtredingen"]),
        "strafrechtelijk_pct": pct(c["straf"], c["controles_met_overtreding"]),
        "inrichtingen_gecontroleerd": str(c["inrichtingen_gecontroleerd"]),
    }


def kengetallen(d: Deliveries, year: int) -> dict[str, dict[str, Fraction]]:
    """Per partner and indicator: the partner-wide row, else the sum of the bevoegd-gezag rows."""
    whole: dict = defaultdict(dict)
    parts: dict = defaultdict(lambda: defaultdict(list))
    for r in d.rows(year, "kengetallen"):
        if r["bevoegd_gezag"]:
            parts[r["partner"]][r["indicator"]].append(Fraction(r["waarde"]))
        else:
            whole[r["partner"]][r["indicator"]] = Fraction(r["waarde"])
    out: dict = defaultdict(dict)
    for partner in set(whole) | set(parts):
        for ind in set(whole[partner]) | set(parts[partner]):
            out[partner][ind] = whole[partner].get(ind, sum(parts[partner][ind], Fraction(0)))
    return out


def delivered_controles(d: Deliveries, year: int) -> list[str]:
    return sorted(f.partner for f in d.read(year, "controles"))


def expected_omgevingsdiensten(d: Deliveries, year: int) -> dict[str, dict[str, str]]:
    rows = d.rows(year, "controles")
    k = kengetallen(d, year)
    out = {}
    for od in delivered_controles(d, year):
        c = controle_counts([r for r in rows if r["partner"] == od])
        kg = k.get(od, {})
        ok = consistent(c, kg)
        out[od] = controle_figures(c) | {
            "controledichtheid_pct": pct(
                c["inrichtingen_gecontroleerd"], kg.get("inrichtingen_in_beheer")
            )
            if ok["controledichtheid_pct"]
            else "",
            "controles_per_fte": ratio2(c["controles"], kg.get("fte_toezicht_handhaving")),
            "vergunningen_binnen_termijn_pct": pct(
                kg.get("vergunningbesluiten_binnen_termijn"), kg.get("vergunningbesluiten")
            )
            if ok["vergunningen_binnen_termijn_pct"]
            else "",
            "handhavingsbesluiten_in_stand_pct": pct(
                kg.get("handhavingsbesluiten_in_stand"), kg.get("handhavingsbesluiten_getoetst")
            )
            if ok["handhavingsbesluiten_in_stand_pct"]
            else "",
        }
    return out


def consistent(c: dict, kg: dict) -> dict[str, bool]:
    """rekenregels v1.2: a figure whose inputs contradict each other is empty (and leaves the
    national figure): a part above its whole, fewer in beheer than inspected."""

    def not_above(part, whole) -> bool:
        return part is None or whole is None or part <= whole

    return {
        "controledichtheid_pct": not_above(
            c["inrichtingen_gecontroleerd"], kg.get("inrichtingen_in_beheer")
        ),
        "vergunningen_binnen_termijn_pct": not_above(
            kg.get("vergunningbesluiten_binnen_termijn"), kg.get("vergunningbesluiten")
        ),
        "handhavingsbesluiten_in_stand_pct": not_above(
            kg.get("handhavingsbesluiten_in_stand"), kg.get("handhavingsbesluiten_getoetst")
        ),
    }


def expected_landelijk(d: Deliveries, year: int) -> dict[str, tuple[str, str, str]]:
    """figuur -> (waarde, geleverd, verwacht), first table and Seveso."""
    ods = delivered_controles(d, year)
    rows = [r for r in d.rows(year, "controles") if r["partner"] in ods]
    k = kengetallen(d, year)
    per_od = {od: controle_counts([r for r in rows if r["partner"] == od]) for od in ods}
    total = {key: sum(c[key] for c in per_od.values()) for key in next(iter(per_od.values()))}
    n, want = str(len(ods)), str(len(ODS))
    out = {f: (v, n, want) for f, v in controle_figures(total).items()}
    ok = {od: consistent(per_od[od], k.get(od, {})) for od in ods}
    with_beheer = [
        od
        for od in ods
        if "inrichtingen_in_beheer" in k.get(od, {}) and ok[od]["controledichtheid_pct"]
    ]
    out["controledichtheid_pct"] = (
        pct(
            sum(per_od[od]["inrichtingen_gecontroleerd"] for od in with_beheer),
            sum(k[od]["inrichtingen_in_beheer"] for od in with_beheer),
        ),
        str(len(with_beheer)),
        want,
    )
    with_fte = [od for od in ods if "fte_toezicht_handhaving" in k.get(od, {})]
    out["controles_per_fte"] = (
        ratio2(
            sum(per_od[od]["controles"] for od in with_fte),
            sum(k[od]["fte_toezicht_handhaving"] for od in with_fte),
        ),
        str(len(with_fte)),
        want,
    )
    for figure, part, whole in (
        (
            "vergunningen_binnen_termijn_pct",
            "vergunningbesluiten_binnen_termijn",
            "vergunningbesluiten",
        ),
        (
            "handhavingsbesluiten_in_stand_pct",
            "handhavingsbesluiten_in_stand",
            "handhavingsbesluiten_getoetst",
        ),
    ):
        # v1.2: the omgevingsdiensten of the table only, both inputs, consistent
        both = [p for p in ods if part in k.get(p, {}) and whole in k.get(p, {}) and ok[p][figure]]
        out[figure] = (
            pct(sum(k[p][part] for p in both), sum(k[p][whole] for p in both)),
            str(len(both)),
            want,
        )
    nl = expected_seveso(d, year)["NL"]
    dq = expected_datakwaliteit(d, year)
    for soort in ("seveso_inrichtingen", "seveso_inspecties"):
        required = [v for (p, s), v in dq.items() if s == soort and v["verplicht"] == "ja"]
        got = sum(v["geleverd"] == "ja" for v in required)
        completeness = (str(got), str(len(required)))
        for figure, value in nl.items():
            if (figure == "inrichtingen_actief") == (soort == "seveso_inrichtingen"):
                out[f"seveso_{figure}"] = (value, *completeness)
    return out


def provincie_of(bevoegd_gezag: str) -> str:
    return (
        bevoegd_gezag
        if bevoegd_gezag.startswith("PV")
        else GEMEENTEN[bevoegd_gezag]["provincie_code"]
    )


def expected_provincies(d: Deliveries, year: int) -> dict[str, dict[str, str]]:
    rows = d.rows(year, "controles")
    k = kengetallen(d, year)
    out = {}
    for pv in PROVINCIES:
        mine = [r for r in rows if provincie_of(r["bevoegd_gezag"]) == pv]
        out[pv] = controle_figures(controle_counts(mine)) | {
            ind: str(int(k[pv][ind])) if ind in k.get(pv, {}) else ""
            for ind in (
                "handhavingsoverleg_bijeenkomsten",
                "uitvoeringsprogramma_vastgesteld",
                "vth_jaarverslag_vastgesteld",
            )
        }
    return out


def expected_counts(d: Deliveries, year: int, keys: tuple[str, ...]) -> dict[tuple, str]:
    """(partner, *keys) -> count among rows with a violation, per partner and nationally (NL)."""
    rows = [r for r in d.rows(year, "controles") if r["resultaat"] == "overtreding"]
    per = Counter((r["partner"], *(r[k] for k in keys)) for r in rows)
    per.update(("NL", *(r[k] for k in keys)) for r in rows)
    return {key: str(n) for key, n in per.items()}


# --- Seveso --------------------------------------------------------------------------------------


def _active(r: dict, year: int) -> bool:
    tot = r["actief_tot"]
    return r["actief_vanaf"] <= f"{year}-01-01" and (not tot or tot >= f"{year}-12-31")


def integrated(d: Deliveries, year: int) -> list[dict]:
    """Integrated inspections: one per joint id, or per partner row without one."""
    groups: dict = defaultdict(list)
    for r in d.rows(year, "seveso_inspecties"):
        key = r["gezamenlijke_inspectie_id"] or (r["partner"], r["inspectie_id"])
        groups[key].append(r)
    weight = {code: i for i, code in enumerate(HANDHAVING)}
    out = []
    for rows in groups.values():
        soorten = {PARTNERS[r["partner"]]["soort"] for r in rows}
        out.append(
            {
                # v1.2: disagreeing rows, or two rows of one partner (counted twice otherwise)
                "conflict": len({r["inrichting_id"] for r in rows}) > 1
                or len({r["datum"] for r in rows}) > 1
                or len(rows) > len({r["partner"] for r in rows}),
                "inrichting_id": rows[0]["inrichting_id"],
                "cat": [sum(int(r[f"overtredingen_cat{c}"]) for r in rows) for c in (1, 2, 3)],
                "onaangekondigd": any(r["type"] == "onaangekondigd" for r in rows),
                "nla": "arbeidsinspectie" in soorten,
                "vr": "veiligheidsregio" in soorten,
                "handhaving": max((r["handhaving"] for r in rows), key=weight.__getitem__),
            }
        )
    return out


def available(d: Deliveries, year: int) -> bool:
    return bool(d.rows(year, "seveso_inrichtingen")) and bool(d.read(year, "seveso_inspecties"))


def expected_seveso(d: Deliveries, year: int, share=None) -> dict[str, dict]:
    """Every Seveso figure per scope; `share(part, whole)` makes the percentages (default
    `pct`, the published text; the comparison between years passes the exact quotient)."""
    share = share or pct
    register = {r["inrichting_id"]: r for r in d.rows(year, "seveso_inrichtingen")}
    active = {i: r for i, r in register.items() if _active(r, year)}
    counted = [g for g in integrated(d, year) if not g["conflict"] and g["inrichting_id"] in active]
    now_ok = available(d, year)  # v1.2: else every figure but inrichtingen_actief is empty
    window_ok = all(available(d, y) for y in (year, year - 1, year - 2))
    window = {g["inrichting_id"] for g in counted} | {
        g["inrichting_id"]
        for y in (year - 1, year - 2)
        if y in d.years
        for g in integrated(d, y)
        if not g["conflict"]
    }
    scopes = {"NL": lambda r: True, "hoog": lambda r: r["drempel"] == "hoog"}
    scopes["laag"] = lambda r: r["drempel"] == "laag"
    for od in SEVESO_ODS:
        scopes[od] = lambda r, od=od: r["omgevingsdienst"] == od
    out = {}
    for scope, member in scopes.items():
        est = {i for i, r in active.items() if member(r)}
        ins = [g for g in counted if g["inrichting_id"] in est]
        per_est = {i: [g for g in ins if g["inrichting_id"] == i] for i in est}
        inspected = {i for i, gs in per_est.items() if gs}
        cats = {i: [sum(g["cat"][c] for g in per_est[i]) for c in range(3)] for i in inspected}
        hoog = {i for i in est if active[i]["drempel"] == "hoog"}
        laag = {i for i in est if active[i]["drempel"] == "laag"}
        totals = [sum(g["cat"][c] for g in ins) for c in range(3)]
        out[scope] = {
            "inrichtingen_actief": str(len(est)),
            "inspecties": str(len(ins)),
            "inrichtingen_geinspecteerd": str(len(inspected)),
            "geinspecteerd_pct": share(len(inspected), len(est)),
            "hoogdrempel_jaarlijks_pct": share(len(hoog & inspected), len(hoog)),
            "laagdrempel_driejaarlijks_pct": share(len(laag & window), len(laag))
            if window_ok
            else "",
            "overtredingen_cat1": str(totals[0]),
            "overtredingen_cat2": str(totals[1]),
            "overtredingen_cat3": str(totals[2]),
            "overtredingen_totaal": str(sum(totals)),
            "inrichtingen_met_overtreding_pct": share(
                sum(sum(c) > 0 for c in cats.values()), len(inspected)
            ),
            "inrichtingen_zonder_overtreding_pct": share(
                sum(sum(c) == 0 for c in cats.values()), len(inspected)
            ),
            "inrichtingen_alleen_cat3_pct": share(
                sum(c[0] + c[1] == 0 and c[2] > 0 for c in cats.values()), len(inspected)
            ),
            "onaangekondigd_pct": share(sum(g["onaangekondigd"] for g in ins), len(ins)),
            "deelname_arbeidsinspectie_pct": share(sum(g["nla"] for g in ins), len(ins)),
            "deelname_veiligheidsregio_pct": share(sum(g["vr"] for g in ins), len(ins)),
        } | {f"handhaving_{h}": str(sum(g["handhaving"] == h for g in ins)) for h in HANDHAVING}
        if not now_ok:
            out[scope] = {f: "" for f in out[scope]} | {
                "inrichtingen_actief": str(len(est)) if register else ""
            }
    return out


# --- outcomes ------------------------------------------------------------------------------------


def _exists_on(gm: str, day: str) -> bool:
    g = GEMEENTEN[gm]
    return (g["geldig_van"] or "1900-01-01") <= day <= (g["geldig_tot"] or "9999-12-31")


def _part_of_on(gm: str, day: str) -> str:
    """The gemeente `gm` belongs to on `day`: itself, or the successor it was merged into."""
    while not _exists_on(gm, day) and GEMEENTEN[gm]["opvolger"]:
        gm = GEMEENTEN[gm]["opvolger"]
    return gm


def _previous_members(gm: str, year: int) -> list[str]:
    """rekenregels v1.2: the gemeenten of the indeling of 1 January of last year that belong to
    `gm` on 1 January of `year` (each counts for one gemeente only)."""
    before, now = f"{year - 1}-01-01", f"{year}-01-01"
    return [m for m in GEMEENTEN if _exists_on(m, before) and _part_of_on(m, now) == gm]


def outcome_values(d: Deliveries, year: int) -> dict[tuple[str, str], Fraction | None]:
    """(indicator, gebied) -> value; None for a gebied delivered by two partners (a conflict).
    The NL row: the delivered NL row, else the sum over the GM gebieden."""
    if year not in d.years:
        return {}
    by: dict = defaultdict(list)
    for r in d.rows(year, "uitkomsten"):
        by[(r["indicator"], r["gebied"])].append(Fraction(r["waarde"]))
    values = {k: (v[0] if len(v) == 1 else None) for k, v in by.items()}
    out = {k: v for k, v in values.items() if k[1] != "NL"}
    for ind in {k[0] for k in values}:
        nl = values.get((ind, "NL"))
        gm = _sum(v for (i, g), v in values.items() if i == ind and g.startswith("GM"))
        out[(ind, "NL")] = nl if nl is not None else gm
    return out


def expected_uitkomsten(d: Deliveries, year: int) -> dict[tuple[str, str], dict[str, str]]:
    cur, prev = outcome_values(d, year), outcome_values(d, year - 1)
    out = {}
    for (ind, gebied), value in cur.items():
        if gebied.startswith("GM"):
            members = _previous_members(gebied, year)
            olds = [prev.get((ind, m)) for m in members]
            before = _sum(olds) if members and all(o is not None for o in olds) else None
        else:
            before = prev.get((ind, gebied))
        out[(ind, gebied)] = {
            "waarde": plain(value),
            "waarde_vorig_jaar": plain(before),
            "verschil_pct": pct(value - before, before)
            if value is not None and before is not None
            else "",
        }
    return out


# --- data quality --------------------------------------------------------------------------------

DUTIES = {  # aanlevering.md, "Who delivers what": (required, optional)
    ("omgevingsdienst", "nee"): (("controles", "kengetallen"), ("uitkomsten",)),
    ("omgevingsdienst", "ja"): (("controles", "kengetallen", "seveso_inspecties"), ("uitkomsten",)),
    ("provincie", "nee"): (("kengetallen", "seveso_inrichtingen"), ("uitkomsten",)),
    ("veiligheidsregio", "nee"): ((), ()),  # seveso_inspecties when an establishment is in its area
    ("arbeidsinspectie", "nee"): (("seveso_inspecties",), ()),
}


def expected_datakwaliteit(d: Deliveries, year: int) -> dict[tuple[str, str], dict[str, str]]:
    vr_duty = {
        r["veiligheidsregio"]
        for r in d.rows(year, "seveso_inrichtingen")
        if r["actief_vanaf"] <= f"{year}-12-31"
        and (not r["actief_tot"] or r["actief_tot"] >= f"{year}-01-01")
    }
    expected: dict[tuple[str, str], str] = {}
    for code, p in PARTNERS.items():
        required, optional = DUTIES[(p["soort"], p["seveso_omgevingsdienst"])]
        if p["soort"] == "veiligheidsregio":
            expected[(code, "seveso_inspecties")] = "ja" if code in vr_duty else "nee"
        expected |= {(code, s): "ja" for s in required} | {(code, s): "nee" for s in optional}
    files = {(f.partner, f.soort): f for f in d.files if f.year == year}
    out = {}
    for key in set(expected) | set(files):
        f = files.get(key)
        read = f is not None and not f.empty
        out[key] = {
            "verplicht": expected.get(key, "nee"),
            "geleverd": "ja" if read else "nee",
            "rijen": str(len(f.rows)) if read else "",
            "geaccepteerd": str(len(f.accepted)) if read else "",
            "quarantaine": str(len(f.bad)) if read else "",
        }
    return out


# --- the tests: every figure of every table ------------------------------------------------------


def _compare(actual: dict, expected: dict, what: str) -> int:
    """Same keys, same values for every expected column; returns the number of cells compared."""
    assert sorted(actual) == sorted(expected), what
    cells = 0
    for key, want in expected.items():
        got = {c: actual[key][c] for c in want}
        assert got == want, f"{what} {key}"
        cells += len(want)
    return cells


@pytest.mark.parametrize("year", YEARS)
def test_omgevingsdiensten(pub, year):
    d, built = pub
    actual = {r["partner_code"]: r for r in read_csv(built, year, "omgevingsdiensten.csv")}
    assert _compare(actual, expected_omgevingsdiensten(d, year), "omgevingsdiensten") > 50


@pytest.mark.parametrize("year", YEARS)
def test_landelijk(pub, year):
    d, built = pub
    actual = {
        r["figuur"]: (r["waarde"], r["geleverd"], r["verwacht"])
        for r in read_csv(built, year, "landelijk.csv")
    }
    expected = expected_landelijk(d, year)
    assert sorted(actual) == sorted(expected)
    for figure, want in expected.items():
        assert actual[figure] == want, figure


@pytest.mark.parametrize("year", YEARS)
def test_provincies(pub, year):
    d, built = pub
    actual = {r["provincie_code"]: r for r in read_csv(built, year, "provincies.csv")}
    assert len(actual) == 12  # every provincie, also without controles
    expected = expected_provincies(d, year)
    _compare(actual, expected, "provincies")


NO_CONTROLES = ("PV29",)  # no controle of the generated data has a bevoegd gezag in Zeeland


def test_provincie_without_controles_has_no_inrichting(pub):
    _, built = pub
    for year in YEARS:
        rows = {r["provincie_code"]: r for r in read_csv(built, year, "provincies.csv")}
        for pv in NO_CONTROLES:
            assert rows[pv]["controles"] == "0"
            assert rows[pv]["inrichtingen_gecontroleerd"] == "0"


@pytest.mark.parametrize("year", YEARS)
def test_interventies_and_lhso(pub, year):
    d, built = pub
    for name, keys in (
        ("interventies.csv", ("interventie",)),
        ("lhso.csv", ("lhs_gevolg", "lhs_gedrag")),
    ):
        actual = {
            (r["partner_code"], *(r[k] for k in keys)): r["aantal"]
            for r in read_csv(built, year, name)
        }
        assert actual == expected_counts(d, year, keys), name
        assert "0" not in actual.values()  # only non-zero counts


@pytest.mark.parametrize("year", YEARS)
def test_seveso(pub, year):
    d, built = pub
    actual = {r["scope"]: r for r in read_csv(built, year, "seveso.csv")}
    assert list(actual) == ["NL", "hoog", "laag", *SEVESO_ODS]  # always all nine, in order
    _compare(actual, expected_seveso(d, year), "seveso")


@pytest.mark.parametrize("year", YEARS)
def test_seveso_conflicts_listed(pub, year):
    """Every partner row of a joint id whose rows disagree on establishment or date."""
    d, built = pub
    joint: dict = defaultdict(list)
    for r in d.rows(year, "seveso_inspecties"):
        if r["gezamenlijke_inspectie_id"]:
            joint[r["gezamenlijke_inspectie_id"]].append(r)
    want = sorted(
        (r["partner"], r["inspectie_id"])
        for rows in joint.values()
        if len({(r["inrichting_id"], r["datum"]) for r in rows}) > 1
        for r in rows
    )
    got = [
        (r["partner_code"], r["inspectie_id"])
        for r in read_csv(built, year, "seveso_conflicten.csv")
    ]
    assert sorted(got) == want
    assert len(want) == {2021: 0, 2022: 2, 2023: 2}[year]


@pytest.mark.parametrize("year", YEARS)
def test_uitkomsten(pub, year):
    d, built = pub
    actual = {(r["indicator"], r["gebied"]): r for r in read_csv(built, year, "uitkomsten.csv")}
    _compare(actual, expected_uitkomsten(d, year), "uitkomsten")


@pytest.mark.parametrize("year", YEARS)
def test_datakwaliteit(pub, year):
    d, built = pub
    actual = {
        (r["partner_code"], r["soort"]): r for r in read_csv(built, year, "datakwaliteit.csv")
    }
    _compare(actual, expected_datakwaliteit(d, year), "datakwaliteit")


@pytest.mark.parametrize("year", YEARS)
def test_seveso_reeks(pub, year):
    """Computed national Seveso figures of each year beside the published ones, as published."""
    d, built = pub
    rows = read_csv(built, year, "seveso_reeks.csv")
    computed = {int(r["jaar"]): r for r in rows if r["bron"] == "berekend"}
    assert sorted(computed) == [y for y in YEARS if y <= year]
    for y, r in computed.items():
        nl = expected_seveso(d, y)["NL"]
        for column in (
            "inspecties",
            "inrichtingen_geinspecteerd",
            "overtredingen_totaal",
            "inrichtingen_met_overtreding_pct",
            "deelname_veiligheidsregio_pct",
        ):
            assert r[column] == nl[column], (y, column)
    published_rows = {int(r["jaar"]): r for r in rows if r["bron"] == "gepubliceerd"}
    source = {int(r["jaar"]): r for r in read_reference("brzo_jaarcijfers_gepubliceerd")}
    assert sorted(published_rows) == sorted(y for y in source if y <= year)
    for y, r in published_rows.items():
        for column, ref in (
            ("inspecties", "brzo_inspecties"),
            ("inrichtingen_geinspecteerd", "bedrijven_geinspecteerd"),
            ("inrichtingen_met_overtreding_pct", "bedrijven_met_overtredingen_pct"),
            ("inrichtingen_zonder_overtreding_pct", "bedrijven_zonder_overtredingen_pct"),
        ):
            value = source[y][ref]
            want = Fraction(value) if re.fullmatch(r"[0-9]+", value) else None
            assert (Fraction(r[column]) if r[column] else None) == want, (y, column)
        assert r["bronnen"] == source[y]["bronnen"]  # the source of every published figure


def test_empty_never_zero_and_half_to_even(pub):
    """The cases the rules single out, named, so a regression says what broke."""
    d, built = pub
    od = {
        y: {r["partner_code"]: r for r in read_csv(built, y, "omgevingsdiensten.csv")}
        for y in YEARS
    }
    # RUDD 2022: no assessed controle at all -> every share of assessed controles is empty
    for figure in (
        "naleving_eerste_controle_pct",
        "hercontrole_opgelost_pct",
        "strafrechtelijk_pct",
    ):
        assert od[2022]["RUDD"][figure] == ""
    assert od[2022]["RUDD"]["controles_beoordeeld"] == "0"
    # RUDD delivered no vergunning indicators; DCMR 2022 delivered 0 fte and 0 tested decisions
    assert od[2022]["RUDD"]["vergunningen_binnen_termijn_pct"] == ""
    assert od[2022]["DCMR"]["controles_per_fte"] == ""
    assert od[2022]["DCMR"]["handhavingsbesluiten_in_stand_pct"] == ""
    # ODH 2022 delivered controles but no kengetallen
    assert od[2022]["ODH"]["controledichtheid_pct"] == ""
    # ODBN 2021: 1/16 = 6.25 % -> 6.2 and 25/8 = 3.125 -> 3.12 (half-up would give 6.3, 3.13)
    assert od[2021]["ODBN"]["naleving_eerste_controle_pct"] == "6.2"
    assert od[2021]["ODBN"]["controles_per_fte"] == "3.12"
    assert od[2021]["ODBN"]["hercontrole_opgelost_pct"] == "37.5"
    # a provincie without controles: counts 0, shares empty
    pv = {r["provincie_code"]: r for r in read_csv(built, 2021, "provincies.csv")}
    empty = [p for p, r in pv.items() if r["controles"] == "0"]
    assert empty and all(pv[p]["naleving_eerste_controle_pct"] == "" for p in empty)
    # the three-year window needs two earlier years
    sev = {y: {r["scope"]: r for r in read_csv(built, y, "seveso.csv")} for y in YEARS}
    assert sev[2021]["NL"]["laagdrempel_driejaarlijks_pct"] == ""
    assert sev[2023]["NL"]["laagdrempel_driejaarlijks_pct"] != ""
    # a Seveso-omgevingsdienst without establishments: 0 active, every share empty
    assert sev[2023]["ODRN"]["inrichtingen_actief"] == "0"
    assert sev[2023]["ODRN"]["geinspecteerd_pct"] == ""
    # an outcome whose previous value was 0: no change in percent
    uit = {(r["indicator"], r["gebied"]): r for r in read_csv(built, 2022, "uitkomsten.csv")}
    assert uit[("bodemsaneringen_afgerond", "GM0014")]["waarde_vorig_jaar"] == "0"
    assert uit[("bodemsaneringen_afgerond", "GM0014")]["verschil_pct"] == ""
    # no percentage anywhere is written as 0 where its whole is 0: every table above agrees with
    # the independent computation, which leaves those empty


def test_output_contract(pub):
    """Every table of the contract with at least its columns, the workbook and the report."""
    _, built = pub
    want: dict[str, list[str]] = defaultdict(list)
    with open(ROOT / "docs" / "spec" / "output_columns.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            want[r["bestand"]].append(r["kolom"])
    for year in YEARS:
        folder = built.out / str(year)
        for name, columns in want.items():
            with open(folder / "tabellen" / name, encoding="utf-8", newline="") as f:
                header = next(csv.reader(f))
            assert header[: len(columns)] == columns, name  # the contract's columns come first
            assert (folder / "tabellen" / name.replace(".csv", ".parquet")).is_file()
        assert (folder / "tabellen" / "tabellen.xlsx").is_file()
        assert (folder / "index.html").is_file()


@pytest.mark.parametrize("year", (2022,))
def test_xlsx_and_parquet_hold_the_csv_rows(pub, year):
    import openpyxl
    import pyarrow.parquet as pq

    _, built = pub
    folder = built.out / str(year) / "tabellen"
    book = openpyxl.load_workbook(folder / "tabellen.xlsx", read_only=True)
    full = openpyxl.load_workbook(folder / "tabellen.xlsx")
    for sheet in full.worksheets:  # the two header rows stay in view, with filters on them
        assert sheet.freeze_panes == "A3" and sheet.tables, sheet.title
    counts = full["Landelijk"]
    assert counts["C3"].number_format == "#,##0"  # geleverd: a whole count, no decimals
    assert book.sheetnames == ["Toelichting", *(t.sheet for t in PUBLISHED_TABLES)]
    for table in PUBLISHED_TABLES:
        rows = read_csv(built, year, table.file)
        with open(folder / table.file, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        sheet = list(book[table.sheet].iter_rows(values_only=True))
        assert list(sheet[0]) == [label(c) for c in header], table.file  # Dutch labels first
        assert list(sheet[1]) == header, table.file  # then the CSV's column names
        assert len(sheet) - 2 == len(rows), table.file
        for got, want in zip(sheet[2:], rows, strict=True):
            for value, (column, text) in zip(got, want.items(), strict=True):
                if text == "":
                    assert value in (None, ""), (table.file, column)  # empty stays empty
                elif isinstance(value, int | float):
                    assert Decimal(str(value)) == Decimal(text), (table.file, column)
                else:
                    assert str(value) == text or str(value)[:10] == text, (table.file, column)
        parquet = pq.read_table(folder / f"{table.stem}.parquet")
        assert parquet.num_rows == len(rows) and parquet.column_names == header, table.file


def test_rebuild_gives_identical_tables_report_and_figures(pub, tmp_path):
    """Same raw files, another warehouse and folder: byte-identical CSV tables and workbook for
    every year; for the last year also the charts (plotly JSON, interactive pages) and the
    report (no timestamps, no random ids). The static images are not rendered again: their ids
    are checked in test_every_chart_as_html_png_and_svg."""

    from dagster import DagsterInstance, materialize
    from dagster_duckdb import DuckDBResource

    from tests.conftest import build
    from vth_pipeline.definitions import STAGES
    from vth_pipeline.defs.publicatie import publicatie_rapport, publicatie_tabellen, write_charts
    from vth_pipeline.publish.charts import build_charts, load_geo, load_theme
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.swap import staging_folder
    from vth_pipeline.resources import VthSettings
    from vth_pipeline.warehouse import connect

    d, first = pub
    second = build(tmp_path, d.raw, YEARS, stages=STAGES[:-1])
    resources = {
        "duckdb": DuckDBResource(database=str(second.warehouse)),
        "vth": VthSettings(
            raw_dir=str(d.raw),
            out_dir=str(second.out),
            archive_dir=str(tmp_path / "archief"),
            reference_dir=str(ROOT / "data" / "reference"),
            assets_dir=str(ROOT / "assets"),
        ),
    }
    instance = DagsterInstance.ephemeral()
    for year in YEARS:
        result = materialize(
            [publicatie_tabellen], partition_key=str(year), resources=resources, instance=instance
        )
        assert result.success
    compared = 0
    for year in YEARS:
        for path in sorted((first.out / str(year) / "tabellen").glob("*.csv")) + [
            first.out / str(year) / "tabellen" / "tabellen.xlsx"
        ]:
            # materialised on their own, the tables wait in the staging folder for the report
            other = staging_folder(second.out, year) / "tabellen" / path.name
            assert other.read_bytes() == path.read_bytes(), path
            compared += 1
    assert compared == len(YEARS) * (len(PUBLISHED_TABLES) + 1)  # every CSV and the workbook

    last = first.out / "2023"
    bouw = staging_folder(second.out, 2023)
    shutil.copytree(last / "figuren", bouw / "figuren")  # the images, as inputs of the report
    for page in (bouw / "figuren").glob("*.html"):
        page.unlink()
    (bouw / "figuren" / "figuren.json").unlink()
    with connect(str(second.warehouse)) as conn:
        data = load_publication_data(conn, 2023)
    charts = build_charts(data, load_theme(ROOT / "assets"), load_geo(ROOT / "assets", 2023))
    write_charts(charts, bouw / "figuren", ROOT / "assets", 2023)
    assert materialize(
        [publicatie_rapport], partition_key="2023", resources=resources, instance=instance
    ).success
    same = [
        last / "index.html",
        *sorted((last / "figuren").glob("*.html")),
        last / "figuren" / "figuren.json",
    ]
    for path in same:
        assert (bouw / path.relative_to(last)).read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("year", YEARS)
def test_every_chart_as_html_png_and_svg(pub, year):
    _, built = pub
    folder = built.out / str(year) / "figuren"
    charts = json.loads((folder / "figuren.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in charts}
    assert {
        "trend_landelijk",
        "controles_per_omgevingsdienst",
        "naleving_per_omgevingsdienst",
        "controledichtheid_per_omgevingsdienst",
        "interventiemix",
        "lhso_matrix",
        "provincies",
        "uitkomsten",
        "seveso_trend",
        "seveso_overtredingen",
        "seveso_deelname",
        "seveso_dekking",
        "volledigheid",
    } <= names
    for c in charts:
        assert (folder / f"{c['name']}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (folder / f"{c['name']}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<text" in svg
        # no random ids: plotly's layout id and the trace ids are derived from the chart's name
        stem = re.sub(r"[^a-z0-9]", "", c["name"])
        ids = re.findall(r'id="([^"]+)"', svg)
        assert ids and all(stem in i for i in ids), (c["name"], ids[:5])
        traces = re.findall(r'class="trace [a-z]+ trace([^"]+)"', svg)  # scatter traces only
        assert all(re.fullmatch(rf"{c['name']}-\d+", t) for t in traces), traces[:5]
        page = (folder / f"{c['name']}.html").read_text(encoding="utf-8")
        assert '<script src="plotly.min.js">' in page and "cdn" not in page.lower()
        assert c["title"] and c["alt"] and c["source"].startswith("Bron:")
    assert (folder / "plotly.min.js").stat().st_size > 1_000_000


def test_static_images_are_the_bytes_kaleido_renders_on_a_fresh_page(pub, tmp_path):
    """The build's renderer reuses the pages of two tabs for every image; stock kaleido (a
    browser of its own, a fresh page for every image, drawn here in the opposite order) must
    give the same PNG bytes and, once in canonical XML, the same SVG bytes, for a chart with a
    legend (whose attribute order depends on the page's history) and for a map."""
    import kaleido

    from vth_pipeline.publish.charts import build_charts, load_geo, load_theme
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.images import canonical_svg, find_browser, image_spec
    from vth_pipeline.warehouse import connect

    _, built = pub
    year = YEARS[-1]
    with connect(str(built.warehouse), read_only=True) as conn:
        data = load_publication_data(conn, year)
    charts = build_charts(data, load_theme(ROOT / "assets"), load_geo(ROOT / "assets", year))
    chosen = [c for c in charts if c.name in ("trend_landelijk", "kaart_naleving_provincies")]
    assert len(chosen) == 2
    # stock kaleido is handed plotly's figure itself (the build hands it the figure as data once)
    specs = [
        image_spec(c, tmp_path, fmt) | {"fig": c.figure}
        for c in reversed(chosen)
        for fmt in ("png", "svg")
    ]
    kaleido.write_fig_from_object_sync(
        specs, cancel_on_error=True, kopts={"path": find_browser(), "mathjax": False}
    )
    published_figures = built.out / str(year) / "figuren"
    for c in chosen:
        png = f"{c.name}.png"
        assert (tmp_path / png).read_bytes() == (published_figures / png).read_bytes(), png
        svg = canonical_svg((tmp_path / f"{c.name}.svg").read_text(encoding="utf-8"), c.name)
        assert svg == (published_figures / f"{c.name}.svg").read_text(encoding="utf-8"), c.name


def test_chart_pages_and_figuren_json_are_what_plotly_writes_of_each_figure(pub):
    """The pages and `figuren.json` are made from each figure serialised once; plotly's own
    routes (`Figure.to_html`, `Figure.to_json`) on the rebuilt charts give the same."""
    from vth_pipeline.publish.charts import build_charts, load_geo, load_theme
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.report import PLOT_CONFIG
    from vth_pipeline.warehouse import connect

    _, built = pub
    year = YEARS[-1]
    with connect(str(built.warehouse), read_only=True) as conn:
        data = load_publication_data(conn, year)
    charts = build_charts(data, load_theme(ROOT / "assets"), load_geo(ROOT / "assets", year))
    folder = built.out / str(year) / "figuren"
    entries = json.loads((folder / "figuren.json").read_text(encoding="utf-8"))
    written = {c["name"]: c["figure"] for c in entries}
    assert sorted(written) == sorted(c.name for c in charts)
    assert any(c.name.startswith("kaart_") for c in charts)  # a map (7,000 points) among them
    for c in charts:
        div = c.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=c.name,
            default_width="100%",
            config=PLOT_CONFIG,
        )
        assert div in (folder / f"{c.name}.html").read_text(encoding="utf-8"), c.name
        assert written[c.name] == json.loads(c.figure.to_json()), c.name


def test_charts_state_completeness_and_use_dutch_numbers(pub):
    d, built = pub
    charts = {
        c["name"]: c
        for c in json.loads((built.out / "2022" / "figuren" / "figuren.json").read_text("utf-8"))
    }
    n, geleverd, verwacht = expected_landelijk(d, 2022)["controles"]
    assert f"{geleverd} van {verwacht}" in charts["controles_per_omgevingsdienst"]["source"]
    assert charts["trend_landelijk"]["figure"]["layout"]["template"]["layout"]["separators"] == ",."
    naleving = expected_landelijk(d, 2022)["naleving_eerste_controle_pct"][0].replace(".", ",")
    assert f"{naleving}%" in charts["trend_landelijk"]["title"]


def test_report_escapes_delivered_text_and_inlines_plotly_once(pub):
    _, built = pub
    page = (built.out / "2022" / "index.html").read_text(encoding="utf-8")
    assert HOSTILE_JOINT_ID not in page and HOSTILE_INSPECTION_ID not in page
    assert str(escape(HOSTILE_INSPECTION_ID)) in page
    assert str(escape(HOSTILE_JOINT_ID)) in page
    assert "Flevoland &amp; Gooi" in page  # partner names are escaped too
    assert page.count("plotly.js v") == 1  # the library header, once
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r'(src|href)="(https?:)?//', markup)  # nothing from the network
    assert "<script src" not in page
    assert 'id="plot-trend_landelijk"' in page


def test_overview_links_every_year(pub):
    d, built = pub
    page = (built.out / "index.html").read_text(encoding="utf-8")
    for year in YEARS:
        assert f'href="{year}/index.html"' in page
        controles = expected_landelijk(d, year)["controles"][0]
        assert f"{int(controles):,}".replace(",", ".") in page


def test_definitions_cover_every_figure_and_column(pub):
    from vth_pipeline.contract.publication import (
        COLUMN_LABELS,
        CONTROLE_FIGURES,
        FIGURES,
        KENGETAL_FIGURES,
        SEVESO_FIGURES,
    )

    _, built = pub
    assert all(FIGURES[f].definition for f in (*CONTROLE_FIGURES, *KENGETAL_FIGURES))
    assert all(FIGURES[f].definition for f in SEVESO_FIGURES)
    for path in (built.out / "2023" / "tabellen").glob("*.csv"):
        with open(path, encoding="utf-8") as f:
            header = next(csv.reader(f))
        unlabeled = [
            c
            for c in header
            if c not in COLUMN_LABELS and c not in FIGURES and not c.startswith("handhaving_")
        ]
        assert not unlabeled, path.name
    page = (built.out / "2023" / "index.html").read_text(encoding="utf-8")
    for figure in (*CONTROLE_FIGURES, *KENGETAL_FIGURES, *SEVESO_FIGURES):
        assert f"<code>{figure}</code>" in page


def test_figures_fail_clearly_without_a_browser(pub, monkeypatch):
    from dagster import DagsterInstance, materialize
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.defs.publicatie import publicatie_figuren
    from vth_pipeline.publish.images import BrowserNotFoundError, find_browser
    from vth_pipeline.resources import VthSettings

    d, built = pub
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(BrowserNotFoundError, match="BROWSER_PATH"):
        find_browser()
    result = materialize(
        [publicatie_figuren],
        partition_key="2023",
        resources={
            "duckdb": DuckDBResource(database=str(built.warehouse)),
            "vth": VthSettings(
                out_dir=str(built.out / "zonder-browser"), assets_dir=str(ROOT / "assets")
            ),
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "BROWSER_PATH" in str(failure.step_failure_data.error)
    assert not (built.out / "zonder-browser").exists()  # failed before writing anything


def test_dates_are_inside_the_generated_years(pub):
    """Guard on the generator itself: the independent computation assumes all rows valid but the
    deliberately bad ones, so the quarantine holds exactly those."""
    d, built = pub
    bad = sum(len(f.bad) for f in d.files)
    assert bad == len(YEARS)
    assert built.sql("SELECT count(*) FROM stg.quarantaine")[0][0] == bad
    for f in d.files:
        for r in f.rows:
            if "datum" in r:
                assert dt.date.fromisoformat(r["datum"]).year == f.year


def test_annex_shows_every_toets_that_did_not_pass(pub):
    _, built = pub
    for year in YEARS:
        page = (built.out / str(year) / "index.html").read_text(encoding="utf-8")
        flagged = built.sql(
            "SELECT toets FROM staat.validatie WHERE jaar = ? AND uitkomst <> 'geslaagd'", [year]
        )
        assert flagged  # the generated data trip a few warnings on purpose
        for (toets,) in flagged:
            assert f"<td>{toets}</td>" in page, (year, toets)
        assert (built.out / str(year) / "validatie.html").is_file()


def test_no_publication_after_a_failed_blocking_toets(pub, tmp_path):

    import duckdb
    from dagster import DagsterInstance, materialize
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.defs.publicatie import publicatie_tabellen
    from vth_pipeline.resources import VthSettings

    _, built = pub
    warehouse = tmp_path / "vth.duckdb"
    shutil.copyfile(built.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "UPDATE staat.validatie SET geslaagd = false, uitkomst = 'mislukt' WHERE jaar = 2023 "
            "AND ernst = 'ERROR' AND toets = (SELECT min(toets) FROM staat.validatie "
            "WHERE jaar = 2023 AND ernst = 'ERROR')"
        )
    result = materialize(
        [publicatie_tabellen],
        partition_key="2023",
        resources={
            "duckdb": DuckDBResource(database=str(warehouse)),
            "vth": VthSettings(out_dir=str(tmp_path / "out"), assets_dir=str(ROOT / "assets")),
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "niet gepubliceerd" in str(failure.step_failure_data.error)
    assert not (tmp_path / "out").exists()


def test_the_boundaries_are_decoded_once_per_file_and_again_when_it_is_replaced(tmp_path):
    """A build publishes several years with the same boundary files: decoded once per process,
    and read again when a file is replaced (a new indeling under the same name)."""
    from vth_pipeline.publish.charts import load_geo

    geo = tmp_path / "geo"
    geo.mkdir()
    for name in ("provincie_2023.topojson", "gemeente_2023.topojson"):
        shutil.copyfile(ROOT / "assets" / "geo" / name, geo / name)
    topo = json.loads((geo / "provincie_2023.topojson").read_text(encoding="utf-8"))
    (collection,) = topo["objects"].values()
    codes = [g["properties"]["statcode"] for g in collection["geometries"]]
    first, again = load_geo(tmp_path, 2023), load_geo(tmp_path, 2023)
    assert sorted(first.provincies) == sorted(codes) and len(codes) == 12
    assert again.provincies is first.provincies  # not decoded a second time
    collection["geometries"] = collection["geometries"][:1]  # an indeling of one provincie
    (geo / "provincie_2023.topojson").write_text(json.dumps(topo), encoding="utf-8")
    replaced = load_geo(tmp_path, 2023)
    assert list(replaced.provincies) == codes[:1]
    assert replaced.provincies[codes[0]] == first.provincies[codes[0]]
    assert replaced.gemeenten is first.gemeenten  # the file that stayed is not read again
