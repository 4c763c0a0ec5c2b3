"""The v1.3 rules of rekenregels.md on tiny hand-made deliveries, every expected value worked out
by hand from the spec text (not read back from the code):

- `verschil` and `verschil_pct` from the unrounded kern values, then rounded half-to-even;
- one partner-count convention for `geleverd` (landelijk.csv) and `partners_*` (vergelijking.csv);
- joint Seveso inspections with quarantined partner rows: only accepted rows count;
- Seveso comparisons all or nothing, with the reason;
- the three-year window counts an earlier inspection whether or not the establishment was active
  the whole of that earlier year.

Every test reads `stg`, `int` and `staat` tables only: the deliveries are built by the model
harness (`tests.model_harness.build_models`), which `tests/test_models.py` holds to the real
build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CONTROLES_HEADER, write
from tests.model_harness import build_models
from tests.test_seveso import deliver
from vth_pipeline.contract.publication import GENERAL_RULES, seveso_counted_kind

OD = "ODG"  # the Seveso-omgevingsdienst of provincie PV20 (Groningen)
GM, VR = "GM0014", "VR01"  # a gemeente of PV20 and its veiligheidsregio


def vergelijking(built, year: int) -> dict[str, dict]:
    cols = [r[0] for r in built.sql("DESCRIBE staat.vergelijking")]
    rows = built.sql("SELECT * FROM staat.vergelijking WHERE jaar = ?", [year])
    return {r[cols.index("figuur")]: dict(zip(cols, r, strict=True)) for r in rows}


def landelijk(built, year: int) -> dict[str, tuple]:
    rows = built.sql(
        "SELECT figuur, waarde, geleverd, verwacht FROM staat.landelijk WHERE jaar = ?", [year]
    )
    return {r[0]: r[1:] for r in rows}


# ----------------------------------------------------------------- first table: verschil


def controles(year: int, clean: int, n: int) -> str:
    """`n` first controles (aanleiding programma), `clean` of them without a violation."""
    rows = []
    for i in range(n):
        result = "geen_overtreding,,," if i < clean else "overtreding,A,1,waarschuwing"
        rows.append(f"C{i},GM0518,I{i},{year}-03-05,fysiek,programma,lucht,{result},,")
    return CONTROLES_HEADER + "\n" + "\n".join(rows) + "\n"


def deliver_first_table(raw: Path) -> list[int]:
    """2022: 8 controles, 1 clean; 0.06 fte. 2023: 16 controles, 3 clean; 0.63 fte."""
    for year, clean, n, fte in ((2022, 1, 8, "0.06"), (2023, 3, 16, "0.63")):
        write(raw / str(year) / "ODH" / "controles.csv", controles(year, clean, n))
        write(
            raw / str(year) / "ODH" / "kengetallen.csv",
            f"indicator,waarde\nfte_toezicht_handhaving,{fte}\n",
        )
    return [2022, 2023]


@pytest.fixture(scope="module")
def first_table(tmp_path_factory):
    raw = tmp_path_factory.mktemp("verschil") / "raw"
    return build_models(raw, deliver_first_table(raw))


def test_verschil_of_a_percentage_from_the_unrounded_values(first_table):
    v = vergelijking(first_table, 2023)["naleving_eerste_controle_pct"]
    # 1/8 = 12.5 % and 3/16 = 18.75 %, shown 18.8 (half-to-even: 187.5 -> 188).
    assert (v["waarde_vorig_jaar"], v["waarde"]) == ("12.5", "18.8")
    # The exact change is 6.25 procentpunt: half-to-even gives 6.2 (half away from zero would
    # give 6.3, and so does the difference of the rounded values, 18.8 - 12.5).
    assert v["verschil"] == "6.2"
    assert v["verschil_pct"] is None  # a percentage changes in procentpunten only
    assert (v["partners_beide"], v["partners_vorig_jaar"], v["partners_dit_jaar"]) == (1, 1, 1)


def test_verschil_of_a_ratio_and_its_change_in_percent_from_the_unrounded_values(first_table):
    v = vergelijking(first_table, 2023)["controles_per_fte"]
    # 8 / 0.06 = 133.333... shown 133.33; 16 / 0.63 = 25.396825... shown 25.40.
    assert (v["waarde_vorig_jaar"], v["waarde"]) == ("133.33", "25.40")
    # Exact change 25.396825... - 133.333333... = -107.936507... -> -107.94
    # (the rounded values give 25.40 - 133.33 = -107.93).
    assert v["verschil"] == "-107.94"
    # In percent, base 133.33 >= 20: 100 * (16/0.63) / (8/0.06) - 100 = 100 * 0.96/5.04 - 100
    # = -80.952... -> -81.0 (the rounded values give -107.93 / 133.33 = -80.949... -> -80.9).
    assert str(v["verschil_pct"]) == "-81.0"


def test_verschil_of_a_count_is_exact_and_small_bases_get_no_percent(first_table):
    v = vergelijking(first_table, 2023)["controles"]
    assert (v["waarde_vorig_jaar"], v["waarde"], v["verschil"]) == ("8", "16", "8")
    assert v["verschil_pct"] is None  # base 8 < 20


def test_first_table_partner_counts_are_those_of_landelijk(first_table):
    nat = landelijk(first_table, 2023)
    for figuur, v in vergelijking(first_table, 2023).items():
        if not figuur.startswith("seveso_"):
            assert v["partners_dit_jaar"] == nat[figuur][1], figuur


# ------------------------------------------------------------------------ Seveso deliveries


def establishment(inr: str, drempel: str, vanaf: str = "2000-01-01") -> dict:
    return {
        "inrichting_id": inr,
        "naam": f"Bedrijf {inr}",
        "drempel": drempel,
        "gemeente": GM,
        "omgevingsdienst": OD,
        "veiligheidsregio": VR,
        "actief_vanaf": vanaf,
        "actief_tot": "",
        "provincie": "PV20",
    }


def row(partner, key, inr, datum, joint="", type_="regulier", handhaving="geen") -> dict:
    return {
        "partner": partner,
        "inspectie_id": f"{partner}-{key}",
        "inrichting_id": inr,
        "datum": datum,
        "gezamenlijke_inspectie_id": joint,
        "type": type_,
        "overtredingen_cat1": 0,
        "overtredingen_cat2": 0,
        "overtredingen_cat3": 0,
        "handhaving": handhaving,
    }


REGISTER = [establishment("S1", "hoog"), establishment("S2", "laag")]


def seveso_year(year: int, second_unannounced: bool, nla: bool) -> list[dict]:
    """Three integrated inspections: a joint one at S1 (ODG unannounced, NLA when `nla`), one
    by ODG alone at S1 and one by ODG alone at S2."""
    rows = [
        row(OD, f"1-{year}", "S1", f"{year}-03-01", "GI-1", "onaangekondigd"),
        row(OD, f"2-{year}", "S1", f"{year}-04-01", "", "onaangekondigd" if second_unannounced
            else "regulier"),
        row(OD, f"3-{year}", "S2", f"{year}-05-01"),
    ]  # fmt: skip
    if nla:
        rows.append(row("NLA", f"1-{year}", "S1", f"{year}-03-01", "GI-1"))
    return rows


def deliver_seveso_years(raw: Path) -> list[int]:
    deliver(raw, 2022, REGISTER, seveso_year(2022, second_unannounced=False, nla=True))
    deliver(raw, 2023, REGISTER, seveso_year(2023, second_unannounced=True, nla=True))
    # 2024: the NLA delivered nothing
    deliver(raw, 2024, REGISTER, seveso_year(2024, second_unannounced=True, nla=False))
    return [2022, 2023, 2024]


@pytest.fixture(scope="module")
def seveso_years(tmp_path_factory):
    raw = tmp_path_factory.mktemp("seveso_v13") / "raw"
    return build_models(raw, deliver_seveso_years(raw))


def test_seveso_partner_counts_follow_the_convention_of_landelijk(seveso_years):
    """Required to deliver seveso_inspecties: the six Seveso-omgevingsdiensten, the NLA and VR01
    (an active establishment in its area) = 8; ODG and the NLA delivered = 2. Required to deliver
    the register: the twelve provincies; PV20 delivered = 1. Before v1.3 the comparison counted
    the partners of both kinds together (3)."""
    nat = landelijk(seveso_years, 2023)
    assert nat["seveso_inspecties"][1:] == (2, 8)
    assert nat["seveso_inrichtingen_actief"][1:] == (1, 12)
    v = vergelijking(seveso_years, 2023)
    assert (
        v["seveso_inspecties"]["partners_beide"],
        v["seveso_inspecties"]["partners_vorig_jaar"],
        v["seveso_inspecties"]["partners_dit_jaar"],
    ) == (2, 2, 2)
    assert (
        v["seveso_inrichtingen_actief"]["partners_beide"],
        v["seveso_inrichtingen_actief"]["partners_vorig_jaar"],
        v["seveso_inrichtingen_actief"]["partners_dit_jaar"],
    ) == (1, 1, 1)
    # the same figure never shows two partner counts: every year, every Seveso figure
    for year in (2023, 2024):
        nat, prev = landelijk(seveso_years, year), landelijk(seveso_years, year - 1)
        for figuur, row_ in vergelijking(seveso_years, year).items():
            if figuur.startswith("seveso_"):
                assert row_["partners_dit_jaar"] == nat[figuur][1], (year, figuur)
                assert row_["partners_vorig_jaar"] == prev[figuur][1], (year, figuur)


def test_seveso_change_from_the_unrounded_values(seveso_years):
    v = vergelijking(seveso_years, 2023)
    # unannounced: 1 of 3 (33.3) in 2022, 2 of 3 (66.7) in 2023; exact change 33.333... -> 33.3
    # (the rounded values give 66.7 - 33.3 = 33.4)
    o = v["seveso_onaangekondigd_pct"]
    assert (o["waarde_vorig_jaar"], o["waarde"], o["verschil"]) == ("33.3", "66.7", "33.3")
    assert o["opmerking"] is None
    # the NLA took part in 1 of 3 in both years
    n = v["seveso_deelname_arbeidsinspectie_pct"]
    assert (n["waarde_vorig_jaar"], n["waarde"], n["verschil"]) == ("33.3", "33.3", "0.0")
    # the three-year window needs 2020 and 2021 (nothing delivered): empty in both years, so
    # no change, and the reason says so (the same partners did deliver)
    w = v["seveso_laagdrempel_driejaarlijks_pct"]
    assert (w["waarde_vorig_jaar"], w["waarde"], w["verschil"]) == (None, None, None)
    assert w["opmerking"] == "niet vergeleken: geen waarde in 2022 en 2023"
    i = v["seveso_inspecties"]
    assert (i["waarde_vorig_jaar"], i["waarde"], i["verschil"], i["verschil_pct"]) == (
        "3",
        "3",
        "0",
        None,  # base 3 < 20
    )


def test_seveso_comparison_is_all_or_nothing_with_the_reason(seveso_years):
    """2024: the NLA, which delivered inspections in 2023, did not; the integrated figures are
    not compared, and the reason names the delivery; the register alone is still compared."""
    v = vergelijking(seveso_years, 2024)
    for figuur in ("seveso_inspecties", "seveso_onaangekondigd_pct", "seveso_handhaving_geen"):
        r = v[figuur]
        assert (r["waarde_vorig_jaar"], r["waarde"], r["verschil"], r["verschil_pct"]) == (
            None,
            None,
            None,
            None,
        ), figuur
        assert "NLA seveso_inspecties alleen in 2023" in r["opmerking"], figuur
        assert (r["partners_beide"], r["partners_vorig_jaar"], r["partners_dit_jaar"]) == (1, 2, 1)
    a = v["seveso_inrichtingen_actief"]
    assert (a["waarde_vorig_jaar"], a["waarde"], a["verschil"], a["opmerking"]) == (
        "2",
        "2",
        "0",
        None,
    )
    # the totals of each year are still there (landelijk.csv), with their completeness
    assert landelijk(seveso_years, 2024)["seveso_inspecties"] == ("3", 1, 8)


# ------------------------------------------------------- joint inspection, quarantined rows


def deliver_quarantined_joint(raw: Path) -> list[int]:
    """GI-1 at S1: ODG's row is accepted; the NLA's row (dated in 2020, outside the year) and
    VR01's row (an unknown handhaving code) are quarantined. The NLA also delivered an
    inspection of its own (I2), so its file has an accepted row."""
    rows = [
        row(OD, "1", "S1", "2021-05-01", "GI-1"),
        row("NLA", "1", "S1", "2020-05-02", "GI-1"),
        row(VR, "1", "S1", "2021-05-01", "GI-1", handhaving="schorsing_onbekend"),
        row("NLA", "2", "S2", "2021-07-01"),
    ]
    deliver(raw, 2021, REGISTER, rows)
    return [2021]


@pytest.fixture(scope="module")
def quarantined_joint(tmp_path_factory):
    raw = tmp_path_factory.mktemp("quarantined_joint") / "raw"
    return build_models(raw, deliver_quarantined_joint(raw))


def test_joint_inspection_counts_with_the_partners_whose_rows_were_accepted(quarantined_joint):
    b = quarantined_joint
    quarantined = b.sql(
        "SELECT DISTINCT partner_code FROM stg.quarantaine WHERE soort = 'seveso_inspecties' "
        "ORDER BY 1"
    )
    assert quarantined == [("NLA",), (VR,)]
    got = b.sql(
        "SELECT inspectie_sleutel, partners, deelname_arbeidsinspectie, deelname_veiligheidsregio,"
        " conflict, telt_mee FROM int.seveso_inspecties WHERE jaar = 2021 ORDER BY 1"
    )
    assert got == [
        ("G:GI-1", OD, False, False, False, True),  # ODG alone: no NLA, no VR took part
        ("P:NLA:NLA-2", "NLA", True, False, False, True),
    ]
    # the quarantined NLA row's other date is no integration conflict: only accepted rows count
    assert b.sql("SELECT count(*) FROM staat.seveso_conflicten WHERE jaar = 2021") == [(0,)]
    assert b.sql("SELECT reden FROM staat.seveso_integratie WHERE jaar = 2021") == []
    nl = b.sql(
        "SELECT inspecties, deelname_arbeidsinspectie_pct::VARCHAR,"
        " deelname_veiligheidsregio_pct::VARCHAR FROM staat.seveso"
        " WHERE jaar = 2021 AND scope = 'NL'"
    )
    assert nl == [(2, "50.0", "0.0")]  # NLA in 1 of 2 integrated inspections, a VR in none


# ----------------------------------------------------------- three-year window, earlier years


def test_window_counts_an_earlier_inspection_at_an_establishment_not_active_all_that_year(
    tmp_path: Path,
):
    """L1 started on 1 March 2021: not active the whole of 2021, so its 2021 inspection does not
    count in 2021, but does count in the 2023 window (v1.3). L2 was inspected in 2022, L3 never;
    H1 (hoog) in 2023. 2023 window: L1 and L2 of L1, L2, L3 = 2/3 = 66.7 %."""
    raw = tmp_path / "raw"
    reg = [
        establishment("L1", "laag", vanaf="2021-03-01"),
        establishment("L2", "laag"),
        establishment("L3", "laag"),
        establishment("H1", "hoog"),
    ]
    deliver(raw, 2021, reg, [row(OD, "a", "L1", "2021-06-01")])
    deliver(raw, 2022, reg, [row(OD, "b", "L2", "2022-06-01")])
    deliver(raw, 2023, reg, [row(OD, "c", "H1", "2023-06-01")])
    built = build_models(raw, [2021, 2022, 2023])
    got = built.sql(
        "SELECT jaar, inrichtingen_actief, inspecties, laagdrempel_driejaarlijks_pct::VARCHAR"
        " FROM staat.seveso WHERE scope = 'laag' ORDER BY jaar"
    )
    assert got == [
        (2021, 2, 0, None),  # L1 not active all 2021: L2, L3 active, no inspection counts
        (2022, 3, 1, None),  # 2020 is not available
        (2023, 3, 0, "66.7"),
    ]


def test_the_definitions_state_the_rounding_of_changes_and_the_partner_count_once():
    rounding = [r for r in GENERAL_RULES if "onafgeronde" in r]
    assert len(rounding) == 1 and "één in de laatste decimaal" in rounding[0]
    partners = [r for r in GENERAL_RULES if "partners_beide" in r]
    assert len(partners) == 1 and "geleverd (landelijk.csv)" in partners[0]
    assert seveso_counted_kind("seveso_inrichtingen_actief") == "seveso_inrichtingen"
    assert seveso_counted_kind("handhaving_geen") == "seveso_inspecties"


def test_a_key_figure_tile_gives_the_reason_of_an_empty_seveso_comparison():
    """The tile of an uncompared Seveso figure quotes the reason of vergelijking.csv."""
    from types import SimpleNamespace

    from vth_pipeline.publish.report import like_for_like

    reason = "niet vergeleken: geen waarde in 2024"
    row = {"figuur": "seveso_inspecties", "verschil": None, "opmerking": reason}
    data = SimpleNamespace(year=2024, comparison=lambda figure: row)
    assert like_for_like(data, "seveso_inspecties") == (
        "niet te vergelijken met 2023: geen waarde in 2024"
    )
