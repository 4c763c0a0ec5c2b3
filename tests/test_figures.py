"""Record-level cases of rekenregels.md v1.2, every expected value worked out by hand.

- National kengetal ratios count only the omgevingsdiensten of the table (those that delivered
  controles), with both numerator and denominator: FUMO delivers kengetallen but no controles.
- Mergers: Weesp (GM0457, until 2022-03-23) into Amsterdam (GM0363). Gemeenten follow the
  indeling of 1 January of the reporting year, so in 2022 Weesp still has its own row and is
  compared with itself, and Amsterdam with Amsterdam alone; in 2023 Amsterdam's previous-year
  value is Amsterdam 2022 + Weesp 2022.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import CONTROLES_HEADER, build, write

STAGES = ("leveringen", "raw", "stg", "int", "staat")


def controles(year: int, n: int) -> str:
    rows = [
        f"C{i},GM0518,I{i},{year}-03-05,fysiek,programma,lucht,geen_overtreding,,,,,"
        for i in range(n)
    ]
    return CONTROLES_HEADER + "\n" + "\n".join(rows) + "\n"


UITKOMSTEN = {
    # klachten_geur: delivered for both gemeenten every year they exist
    # klachten_geluid: Weesp missing in 2022, so Amsterdam 2023 has no previous-year value
    2021: [("klachten_geur", "GM0363", 100), ("klachten_geur", "GM0457", 10),
           ("klachten_geluid", "GM0363", 40), ("klachten_geluid", "GM0457", 4)],
    2022: [("klachten_geur", "GM0363", 120), ("klachten_geur", "GM0457", 5),
           ("klachten_geluid", "GM0363", 50)],
    2023: [("klachten_geur", "GM0363", 130), ("klachten_geluid", "GM0363", 60)],
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("figures")
    raw = tmp / "raw"
    y = raw / "2023"
    write(y / "ODH" / "controles.csv", controles(2023, 2))  # 2 inrichtingen
    write(
        y / "ODH" / "kengetallen.csv",
        "indicator,waarde\nvergunningbesluiten,10\nvergunningbesluiten_binnen_termijn,9\n"
        "fte_toezicht_handhaving,4\ninrichtingen_in_beheer,20\n",
    )
    write(y / "ODZOB" / "controles.csv", controles(2023, 1))
    write(
        y / "ODZOB" / "kengetallen.csv",
        "indicator,waarde\nvergunningbesluiten,10\nvergunningbesluiten_binnen_termijn,5\n",
    )
    write(  # kengetallen without controles: no row in the table, so not in the national figure
        y / "FUMO" / "kengetallen.csv",
        "indicator,waarde\nvergunningbesluiten,100\nvergunningbesluiten_binnen_termijn,0\n"
        "fte_toezicht_handhaving,50\ninrichtingen_in_beheer,1000\n",
    )
    for year, rows in UITKOMSTEN.items():
        body = "".join(f"{i},{g},{w}\n" for i, g, w in rows)
        write(raw / str(year) / "ODNZKG" / "uitkomsten.csv", "indicator,gebied,waarde\n" + body)
    return build(tmp, raw, [2021, 2022, 2023], stages=STAGES)


def national(built, figuur: str) -> tuple[str | None, int]:
    return built.sql(
        "SELECT waarde, geleverd FROM staat.landelijk WHERE jaar = 2023 AND figuur = ?", [figuur]
    )[0]


def test_the_table_has_the_omgevingsdiensten_with_controles_only(built):
    assert built.sql("SELECT partner_code FROM staat.omgevingsdiensten WHERE jaar = 2023") == [
        ("ODH",),
        ("ODZOB",),
    ]


def test_national_kengetal_ratios_aggregate_the_rows_of_the_table(built):
    # (9 + 5) / (10 + 10): FUMO's 0 of 100 would make it 14 / 120 = 11.7 over 3 partners
    assert national(built, "vergunningen_binnen_termijn_pct") == ("70.0", 2)
    # ODH alone delivered fte (ODZOB did not; FUMO has no controles): 2 / 4
    assert national(built, "controles_per_fte") == ("0.50", 1)
    assert national(built, "controledichtheid_pct") == ("10.0", 1)  # 2 / 20
    assert national(built, "controles") == ("3", 2)


def uitkomst(built, year: int, indicator: str, gebied: str) -> tuple:
    return built.sql(
        "SELECT waarde, waarde_vorig_jaar, verschil_pct FROM staat.uitkomsten "
        "WHERE jaar = ? AND indicator = ? AND gebied = ?",
        [year, indicator, gebied],
    )[0]


def test_a_gemeente_merged_during_the_year_is_compared_with_itself(built):
    # 2022: Weesp existed on 1 January; (5 - 10) / 10 and Amsterdam (120 - 100) / 100
    assert uitkomst(built, 2022, "klachten_geur", "GM0457") == (5, 10, Decimal("-50.0"))
    assert uitkomst(built, 2022, "klachten_geur", "GM0363") == (120, 100, Decimal("20.0"))
    assert uitkomst(built, 2022, "klachten_geluid", "GM0363") == (50, 40, Decimal("25.0"))


def test_the_successor_compares_with_the_sum_of_last_years_indeling(built):
    # 2023: Weesp is part of Amsterdam on 1 January: 120 + 5 = 125; (130 - 125) / 125
    assert uitkomst(built, 2023, "klachten_geur", "GM0363") == (130, 125, Decimal("4.0"))
    # Weesp 2022 missing for klachten_geluid: a partial sum would be a false change
    assert uitkomst(built, 2023, "klachten_geluid", "GM0363") == (60, None, None)


def test_no_previous_year_value_counts_twice(built):
    rows = built.sql(
        "SELECT gebied, waarde_vorig_jaar FROM staat.uitkomsten WHERE jaar = 2022 "
        "AND indicator = 'klachten_geur' AND gebied LIKE 'GM%' ORDER BY gebied"
    )
    assert rows == [("GM0363", 100), ("GM0457", 10)]  # 110 = the 2021 total, once
