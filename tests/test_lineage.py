"""`vth lineage` names the parts of every kind of figure, on the session's shared build.

The expected numerators, denominators, kengetallen and missing partners are computed from the
delivered rows (tests/publication_data.py) by the independent helpers of test_publication, not
read from the warehouse the lineage reads.
"""

from __future__ import annotations

import csv
import re
from fractions import Fraction

import pytest

from tests.audit_support import vth
from tests.publication_data import REFERENCE, published
from tests.test_publication import (
    controle_counts,
    delivered_controles,
    expected_landelijk,
    expected_seveso,
    kengetallen,
)

YEAR = 2023


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


def lineage(built, *args: str) -> str:
    done = vth("lineage", "--year", str(YEAR), *args, "--warehouse", str(built.warehouse))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def partners_of(soort: str) -> set[str]:
    with open(REFERENCE / "partners.csv", encoding="utf-8", newline="") as f:
        return {r["partner_code"] for r in csv.DictReader(f) if r["soort"] == soort}


def partner_parts(text: str) -> dict[str, tuple[str, Fraction | None, Fraction | None]]:
    """`  ODH: 4.50 = 36 / 8.00` lines of the partner section: code -> (value, teller, noemer)."""
    section = text.split("Bijdrage per ")[1].split("Niet meegeteld")[0]
    out = {}
    for code, value, t, d in re.findall(r"^  (\w+): (\S+) = (\S+) / (\S+)$", section, re.M):
        out[code] = (value, None if t == "–" else Fraction(t), None if d == "–" else Fraction(d))
    return out


def national_parts(text: str) -> tuple[Fraction, Fraction]:
    t, d = re.search(r"^  = (\S+) / ([^\s:]+)", text, re.M).groups()
    return Fraction(t), Fraction(d)


def missing(text: str) -> set[str]:
    block = text.split("Verwacht maar niet geleverd: ")[1].split("\n\n")[0].splitlines()[1:]
    return {line.split()[0] for line in block}


def test_a_ratio_shows_the_fte_of_each_partner_and_who_did_not_deliver(pub):
    d, built = pub
    text = lineage(built, "--figuur", "controles_per_fte")
    rows = d.rows(YEAR, "controles")
    kg = kengetallen(d, YEAR)
    ods = delivered_controles(d, YEAR)
    shown = partner_parts(text)
    assert set(shown) == set(ods)
    for od in ods:
        controles = controle_counts([r for r in rows if r["partner"] == od])["controles"]
        fte = kg.get(od, {}).get("fte_toezicht_handhaving")
        assert shown[od][1:] == (controles, fte), (od, shown[od])
    with_fte = [od for od in ods if "fte_toezicht_handhaving" in kg.get(od, {})]
    assert national_parts(text) == (
        sum(
            controle_counts([r for r in rows if r["partner"] == od])["controles"] for od in with_fte
        ),
        sum(kg[od]["fte_toezicht_handhaving"] for od in with_fte),
    )
    # "geleverd van verwacht": the partners left out are named, each with why
    waarde, geleverd, verwacht = expected_landelijk(d, YEAR)["controles_per_fte"]
    expected_missing = partners_of("omgevingsdienst") - set(with_fte)
    assert missing(text) == expected_missing
    assert len(expected_missing) == int(verwacht) - int(geleverd)
    assert f"Landelijk: {waarde} (geleverd door {geleverd} van {verwacht} partners)" in text
    for od in expected_missing - set(ods):
        assert re.search(rf"^  {od} \(.*\): geen levering van controles in gebruik$", text, re.M)
    for od in expected_missing & set(ods):
        assert re.search(rf"^  {od} \(.*\): .*fte_toezicht_handhaving", text, re.M), od


def test_a_percentage_shows_numerator_and_denominator_per_partner(pub):
    d, built = pub
    text = lineage(built, "--figuur", "naleving_eerste_controle_pct")
    rows = d.rows(YEAR, "controles")
    shown = partner_parts(text)
    for od in delivered_controles(d, YEAR):
        c = controle_counts([r for r in rows if r["partner"] == od])
        assert shown[od][1:] == (c["eerste_zonder"], c["eerste"]), od
    c = controle_counts([r for r in rows if r["partner"] in delivered_controles(d, YEAR)])
    assert national_parts(text) == (c["eerste_zonder"], c["eerste"])
    assert "teller is de som van eerste_controles_zonder_overtreding" in text


def test_a_seveso_percentage_shows_its_parts_per_scope(pub):
    d, built = pub
    text = lineage(built, "--figuur", "seveso_geinspecteerd_pct")
    parts = expected_seveso(d, YEAR, share=lambda part, whole: (part, whole))
    shown = partner_parts(text)
    assert shown["NL"][1:] == parts["NL"]["geinspecteerd_pct"]
    assert national_parts(text) == parts["NL"]["geinspecteerd_pct"]


def test_a_provincie_kengetal_names_the_provincies_that_did_not_deliver_it(pub):
    d, built = pub
    name = "handhavingsoverleg_bijeenkomsten"
    text = lineage(built, "--figuur", name)
    delivered = {r["partner"] for r in d.rows(YEAR, "kengetallen") if r["indicator"] == name}
    assert missing(text) == partners_of("provincie") - delivered


def row_ranges(numbers: list[int]) -> str:
    """'2-4, 7': consecutive row numbers joined, worked out here from the numbers alone."""
    parts: list[list[int]] = []
    for n in sorted(numbers):
        if parts and n == parts[-1][1] + 1:
            parts[-1][1] = n
        else:
            parts.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def test_the_rows_of_a_figure_are_its_indicators_kengetallen_and_every_controle(pub, tmp_path):
    """The provenance of a figure that reads two kengetallen beside the controles: of each
    kengetallen file only the accepted rows of those two indicators, of each controles file
    every accepted row; row numbers as in the delivered CSV (the header is row 1). Expected
    from the delivered files, not from the warehouse."""
    d, built = pub
    table = tmp_path / "herkomst.csv"
    lineage(built, "--figuur", "handhavingsbesluiten_in_stand_pct", "--csv", str(table))
    with open(table, encoding="utf-8") as f:
        listed = {
            (r["soort"], r["bestand"]): (int(r["rijen"]), r["rijbereiken"])
            for r in csv.DictReader(f)
        }
    # rekenregels: handhavingsbesluiten in stand / getoetst
    wanted = {"handhavingsbesluiten_getoetst", "handhavingsbesluiten_in_stand"}
    expected = {}
    for soort in ("kengetallen", "controles"):
        for file in d.read(YEAR, soort):
            rows = [
                i + 2
                for i, r in enumerate(file.rows)
                if i not in file.bad and (soort == "controles" or r["indicator"].lower() in wanted)
            ]
            if rows:
                expected[(soort, file.path)] = (len(rows), row_ranges(rows))
    assert any(s == "kengetallen" for s, _ in expected)
    assert listed == expected
