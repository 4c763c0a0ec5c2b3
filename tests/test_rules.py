"""Rules of kengetallen, uitkomsten and the Seveso register: each row breaks exactly one rule.

Every spoiled row below is written by hand with the one rule id it must get in
stg.quarantaine; the good rows beside them must be accepted.
"""

from __future__ import annotations

import pytest

from tests.conftest import write
from tests.model_harness import stage_deliveries

YEAR = 2023  # Weesp (GM0457) ended on 2022-03-23: not valid on any day of 2023

KENGETALLEN_ODH = """indicator,bevoegd_gezag,waarde
inrichtingen_in_beheer,,40
inrichtingen_in_beheer,,41
fte_toezicht_handhaving,GM0518,3
fte_toezicht_handhaving,GM0518,4
vergunningbesluiten,,7
"""
# rows 2 and 3: the partner-wide row twice; rows 4 and 5: the same bevoegd gezag twice

KENGETALLEN_PV27 = """indicator,bevoegd_gezag,waarde
uitvoeringsprogramma_vastgesteld,,2
vth_jaarverslag_vastgesteld,,1
"""

UITKOMSTEN_ODNZKG = """indicator,gebied,waarde
klachten_geur,GM0363,5
klachten_geur,GM0363,6
klachten_geluid,GM0457,2
klachten_geluid,NL,9
"""

REGISTER_HEADER = (
    "inrichting_id,naam,drempel,gemeente,omgevingsdienst,veiligheidsregio,actief_vanaf,actief_tot"
)
REGISTER_PV27 = f"""{REGISTER_HEADER}
S1,Goed,hoog,GM0363,ODNZKG,VR13,2000-01-01,
S2,Weesp bestaat niet meer,hoog,GM0457,ODNZKG,VR13,2000-01-01,
S3,Geen Seveso-dienst,laag,GM0363,FUMO,VR13,2000-01-01,
S4,Onbekende regio,laag,GM0363,ODNZKG,VR99,2000-01-01,
S5,Stopt voor de start,laag,GM0363,ODNZKG,VR13,2023-05-01,2023-04-30
S6,Stopt op de startdag,laag,GM0363,ODNZKG,VR13,2023-05-01,2023-05-01
"""

# (file, row, the rule ids that must fire on exactly that row)
EXPECTED = [
    ("kengetallen.csv", "ODH", 2, {"kengetallen.indicator,bevoegd_gezag.uniek"}),
    ("kengetallen.csv", "ODH", 3, {"kengetallen.indicator,bevoegd_gezag.uniek"}),
    ("kengetallen.csv", "ODH", 4, {"kengetallen.indicator,bevoegd_gezag.uniek"}),
    ("kengetallen.csv", "ODH", 5, {"kengetallen.indicator,bevoegd_gezag.uniek"}),
    ("kengetallen.csv", "PV27", 2, {"kengetallen.waarde.eenheid"}),
    ("uitkomsten.csv", "ODNZKG", 2, {"uitkomsten.indicator,gebied.uniek"}),
    ("uitkomsten.csv", "ODNZKG", 3, {"uitkomsten.indicator,gebied.uniek"}),
    ("uitkomsten.csv", "ODNZKG", 4, {"uitkomsten.gebied.geldig_in_jaar"}),
    ("seveso_inrichtingen.csv", "PV27", 3, {"seveso_inrichtingen.gemeente.geldig_in_jaar"}),
    ("seveso_inrichtingen.csv", "PV27", 4, {"seveso_inrichtingen.omgevingsdienst.type"}),
    ("seveso_inrichtingen.csv", "PV27", 5, {"seveso_inrichtingen.veiligheidsregio.type"}),
    ("seveso_inrichtingen.csv", "PV27", 6, {"seveso_inrichtingen.actief_tot.na_actief_vanaf"}),
]


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rules")
    raw = tmp / "raw"
    write(raw / str(YEAR) / "ODH" / "kengetallen.csv", KENGETALLEN_ODH)
    write(raw / str(YEAR) / "PV27" / "kengetallen.csv", KENGETALLEN_PV27)
    write(raw / str(YEAR) / "ODNZKG" / "uitkomsten.csv", UITKOMSTEN_ODNZKG)
    write(raw / str(YEAR) / "PV27" / "seveso_inrichtingen.csv", REGISTER_PV27)
    return stage_deliveries(raw, [YEAR])


@pytest.mark.parametrize(
    ("name", "partner", "row", "rules"),
    EXPECTED,
    ids=[f"{p}-{n.split('.')[0]}-rij{r}" for n, p, r, _ in EXPECTED],
)
def test_each_spoiled_row_gets_its_rule(staged, name, partner, row, rules):
    found = staged.sql(
        "SELECT regel FROM stg.quarantaine WHERE bron_bestand = ? AND bron_rij = ?",
        [f"{YEAR}/{partner}/{name}", row],
    )
    assert {r[0] for r in found} == rules


def test_no_other_row_is_quarantined(staged):
    spoiled = {(f"{YEAR}/{p}/{n}", r) for n, p, r, _ in EXPECTED}
    found = set(staged.sql("SELECT bron_bestand, bron_rij FROM stg.quarantaine"))
    assert found == spoiled


def test_good_rows_are_accepted(staged):
    assert staged.sql("SELECT partner_code, indicator FROM stg.kengetallen ORDER BY 1, 2") == [
        ("ODH", "vergunningbesluiten"),
        ("PV27", "vth_jaarverslag_vastgesteld"),
    ]
    assert staged.sql("SELECT indicator, gebied FROM stg.uitkomsten") == [("klachten_geluid", "NL")]
    # an establishment that ends on the day it starts is active for that day
    assert staged.sql("SELECT inrichting_id FROM stg.seveso_inrichtingen ORDER BY 1") == [
        ("S1",),
        ("S6",),
    ]
