"""Numbers with more than six decimals are accepted and rounded half-to-even (contract v1.2)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import CONTROLES_HEADER, write
from tests.model_harness import stage_deliveries
from vth_pipeline.cli import main

ROW = "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,{uren}"

# (uren as delivered, the value worked out by hand: half-to-even at the sixth decimal)
UREN = [
    ("0.0000005", Decimal("0.000000")),  # tie after an even 0: stays
    ("0.0000015", Decimal("0.000002")),  # tie after an odd 1: up to even 2
    ("2.0000025", Decimal("2.000002")),  # tie after an even 2: stays
    ("2.00000250001", Decimal("2.000003")),  # above the tie: up
    ("7.1234564999", Decimal("7.123456")),  # below the tie: down
    ("1.5", Decimal("1.500000")),  # six decimals or fewer: as written
]


def formula_workbook(path: Path, fte_formula: str, fte_value: float) -> Path:
    """A kengetallen workbook as Excel saves it: a formula cell with its computed value."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("kengetallen")
    sheet.write_row(0, 0, ["indicator", "waarde"])
    sheet.write(1, 0, "fte_toezicht_handhaving")
    sheet.write_formula(1, 1, fte_formula, None, fte_value)
    sheet.write(2, 0, "inrichtingen_in_beheer")
    sheet.write_number(2, 1, 40)
    book.close()
    return path


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("numbers")
    raw = tmp / "raw"
    rows = "\n".join(ROW.format(n=i, uren=u) for i, (u, _) in enumerate(UREN))
    write(raw / "2023/ODH/controles.csv", CONTROLES_HEADER + "\n" + rows + "\n")
    write(
        raw / "2023/ODH/kengetallen.csv",
        "indicator,waarde\nfte_toezicht_handhaving,12.333333333\ninrichtingen_in_beheer,40\n",
    )
    formula_workbook(raw / "2023/ODZOB/kengetallen.xlsx", "=37/3", 37 / 3)
    return stage_deliveries(raw, [2023])


def test_more_than_six_decimals_are_rounded_half_to_even(staged):
    got = dict(staged.sql("SELECT controle_id, uren FROM stg.controles"))
    assert got == {f"C{i}": want for i, (_, want) in enumerate(UREN)}


def test_text_and_typed_excel_fractions_are_accepted(staged):
    got = staged.sql(
        "SELECT partner_code, waarde FROM stg.kengetallen "
        "WHERE indicator = 'fte_toezicht_handhaving' ORDER BY partner_code"
    )
    # 37/3 = 12.3333333333...: the seventh decimal 3 rounds down
    assert got == [("ODH", Decimal("12.333333")), ("ODZOB", Decimal("12.333333"))]
    assert staged.sql("SELECT count(*) FROM stg.quarantaine") == [(0,)]


def test_rounding_is_noted_without_quarantine(staged):
    notes = staged.sql(
        "SELECT partner_code, soort, bron_rij, regel, waarde FROM stg.meldingen "
        "ORDER BY partner_code, soort, bron_rij"
    )
    assert notes == [
        ("ODH", "controles", 2, "controles.uren.afgerond", "0.0000005"),
        ("ODH", "controles", 3, "controles.uren.afgerond", "0.0000015"),
        ("ODH", "controles", 4, "controles.uren.afgerond", "2.0000025"),
        ("ODH", "controles", 5, "controles.uren.afgerond", "2.00000250001"),
        ("ODH", "controles", 6, "controles.uren.afgerond", "7.1234564999"),
        ("ODH", "kengetallen", 2, "kengetallen.waarde.afgerond", "12.333333333"),
        ("ODZOB", "kengetallen", 2, "kengetallen.waarde.afgerond", "12.333333333"),
    ]


def test_an_integer_needs_a_zero_fraction_however_long(tmp_path):
    raw = tmp_path / "raw"
    write(
        raw / "2023/ODH/kengetallen.csv",
        "indicator,waarde\ninrichtingen_in_beheer,40.00000000\nvergunningbesluiten,3.0000001\n",
    )
    built = stage_deliveries(raw, [2023])
    assert built.sql("SELECT indicator, waarde FROM stg.kengetallen") == [
        ("inrichtingen_in_beheer", Decimal("40.000000"))
    ]
    # an aantal: 3.0000001 is not a whole number, even though it rounds to 3.000000
    assert built.sql("SELECT bron_rij, regel FROM stg.quarantaine") == [
        (3, "kengetallen.waarde.eenheid")
    ]


def test_vth_check_mentions_the_rounding_and_accepts(tmp_path, capsys):
    path = formula_workbook(tmp_path / "2023" / "ODZOB" / "kengetallen.xlsx", "=37/3", 37 / 3)
    code = main(["check", str(path), "--report", str(tmp_path / "rapport.xlsx")])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 rijen gelezen, 2 geaccepteerd, 0 in quarantaine" in out
    assert "rij 2, kolom waarde: waarde '12.333333333'" in out
    assert "afgerond op zes decimalen" in out and "[kengetallen.waarde.afgerond]" in out
