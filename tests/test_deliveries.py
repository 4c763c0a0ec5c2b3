"""Deliveries as partners send them: supersession, idempotence, rejection, and `vth check`."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.conftest import CONTROLES_HEADER, ROOT, build, write
from vth_pipeline.cli import main
from vth_pipeline.docs import load_codes, render
from vth_pipeline.ingest.discovery import Partner, discover, year_folders
from vth_pipeline.xlsx import write_sheets

ROW = "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1.5"
PARTNERS = {
    "ODH": Partner("ODH", "omgevingsdienst", False),
    "PV28": Partner("PV28", "provincie", False),
}


def controles(n: int) -> str:
    return CONTROLES_HEADER + "\n" + "\n".join(ROW.format(n=i) for i in range(n)) + "\n"


def statuses(raw: Path, year: int = 2023) -> dict[str, str]:
    frame = discover(raw, year, PARTNERS)
    return dict(frame.select("pad", "status").iter_rows())


def test_later_delivery_supersedes_and_undated_is_oldest(raw):
    write(raw / "2023/ODH/controles.csv", controles(1))
    write(raw / "2023/ODH/controles_2024-02-01.csv", controles(2))
    write(raw / "2023/ODH/controles_2024-03-01.xlsx", b"later, even if unreadable")
    assert statuses(raw) == {
        "2023/ODH/controles.csv": "vervangen",
        "2023/ODH/controles_2024-02-01.csv": "vervangen",
        "2023/ODH/controles_2024-03-01.xlsx": "in_gebruik",
    }


def test_identical_bytes_change_nothing(raw):
    write(raw / "2023/ODH/controles_2024-02-01.csv", controles(2))
    write(raw / "2023/ODH/controles_2024-03-01.csv", controles(3))
    write(raw / "2023/ODH/controles_2024-04-01.csv", controles(2))  # re-sent, same bytes
    got = statuses(raw)
    assert got["2023/ODH/controles_2024-03-01.csv"] == "in_gebruik"
    assert got["2023/ODH/controles_2024-04-01.csv"] == "identiek"


def test_identical_bytes_are_compared_within_one_partner_and_soort(raw):
    """The same bytes from another partner, or as another soort, are a delivery of their own."""
    same = "indicator,bevoegd_gezag,gebied,waarde\n"  # a valid header of both soorten
    partners = PARTNERS | {"ODZOB": Partner("ODZOB", "omgevingsdienst", False)}
    write(raw / "2023/ODH/controles_2024-02-01.csv", controles(2))
    write(raw / "2023/ODZOB/controles_2024-03-01.csv", controles(2))
    write(raw / "2023/ODH/kengetallen_2024-02-01.csv", same)
    write(raw / "2023/ODH/uitkomsten_2024-03-01.csv", same)
    frame = discover(raw, 2023, partners)
    assert dict(frame.select("pad", "status").iter_rows()) == {
        "2023/ODH/controles_2024-02-01.csv": "in_gebruik",
        "2023/ODZOB/controles_2024-03-01.csv": "in_gebruik",
        "2023/ODH/kengetallen_2024-02-01.csv": "in_gebruik",
        "2023/ODH/uitkomsten_2024-03-01.csv": "in_gebruik",
    }


def test_competing_files_are_a_conflict_and_neither_is_used(raw):
    write(raw / "2023/ODH/controles.csv", controles(1))
    write(raw / "2023/ODH/controles.xlsx", b"x")
    write(raw / "2023/ODH/kengetallen_2024-01-01.csv", "indicator,waarde\n")
    write(raw / "2023/ODH/kengetallen_2024-01-01.xlsx", b"y")
    assert set(statuses(raw).values()) == {"conflict"}


def test_unknown_partner_kind_location_and_wrong_kind_are_reported(raw, tmp_path):
    write(raw / "2023/ODXYZ/controles.csv", controles(1))
    write(raw / "2023/ODH/notities.csv", "x\n")
    write(raw / "2023/losse_file.csv", "x\n")
    write(raw / "2023/PV28/controles.csv", controles(1))
    outside = write(tmp_path / "elders.csv", controles(1))
    (raw / "2023/ODH/controles.csv").symlink_to(outside)
    frame = discover(raw, 2023, PARTNERS)
    got = {p: (s, r) for p, s, r in frame.select("pad", "status", "reden").iter_rows()}
    assert got["2023/ODXYZ/controles.csv"][0] == "genegeerd"
    assert "onbekende partnermap" in got["2023/ODXYZ/controles.csv"][1]
    assert got["2023/ODH/notities.csv"][0] == "genegeerd"
    assert got["2023/losse_file.csv"][0] == "genegeerd"
    assert got["2023/PV28/controles.csv"] == ("afgewezen", "een provincie levert geen 'controles'")
    assert got["2023/ODH/controles.csv"][0] == "genegeerd"  # a link out of the raw folder
    assert frame.filter(pl.col("pad") == "2023/ODH/controles.csv")["sha256"][0] is None


def test_years_before_2021_are_reported_not_read(raw):
    write(raw / "2020/ODH/controles.csv", controles(1))
    write(raw / "2023/ODH/controles.csv", controles(1))
    years, ignored = year_folders(raw)
    assert years == [2023]
    assert ignored == [("2020", "verslagjaar vóór 2021 wordt niet gelezen")]


def test_rebuild_with_identical_redelivery_changes_no_figure(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "2023/ODH/controles_2024-02-01.csv", controles(3))
    first = build(tmp_path / "a", raw, [2023], stages=("leveringen", "raw", "stg"))
    before = first.sql("SELECT * EXCLUDE (bron_bestand, bron_sha256) FROM stg.controles ORDER BY 1")
    write(raw / "2023/ODH/controles_2024-05-01.csv", controles(3))
    second = build(tmp_path / "b", raw, [2023], stages=("leveringen", "raw", "stg"))
    after = second.sql("SELECT * EXCLUDE (bron_bestand, bron_sha256) FROM stg.controles ORDER BY 1")
    assert before == after
    assert second.sql("SELECT DISTINCT bron_bestand FROM stg.controles") == [
        ("2023/ODH/controles_2024-02-01.csv",)
    ]
    archived = sorted(p.name for p in (tmp_path / "b" / "archief").rglob("*.csv"))
    assert len(archived) == 1  # one content, archived once by its hash


def test_published_xlsx_never_holds_formulas(tmp_path):
    path = tmp_path / "t.xlsx"
    values = ["=1+1", "+31 6", "-2", "@SUM(A1)", '=HYPERLINK("http://x")']
    write_sheets({"Blad": pl.DataFrame({"waarde": values})}, path)
    sheet = openpyxl.load_workbook(path)["Blad"]
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(values))]
    assert [c.value for c in cells] == values
    assert {c.data_type for c in cells} == {"s"}


def test_generated_contract_docs_are_current():
    committed = (ROOT / "docs" / "aanlevering.md").read_text(encoding="utf-8")
    assert committed == render(load_codes(ROOT / "data" / "reference")), "run `vth docs`"


@pytest.fixture
def in_tmp(tmp_path):
    cwd = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_vth_check_gives_the_pipeline_verdict(in_tmp, capsys):
    bad = ROW.format(n=1).replace("2023-03-05", "2022-12-31")  # C1 again, and out of year
    path = write(in_tmp / "export.csv", controles(2) + bad + "\n")
    code = main(
        [
            "check",
            str(path),
            "--partner",
            "ODH",
            "--year",
            "2023",
            "--soort",
            "controles",
            "--report",
            str(in_tmp / "rapport.xlsx"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "3 rijen gelezen, 1 geaccepteerd, 2 in quarantaine" in out
    assert "rij 4, kolom datum: waarde '2022-12-31'" in out
    book = openpyxl.load_workbook(in_tmp / "rapport.xlsx")
    findings = list(book["Bevindingen"].iter_rows(min_row=2, values_only=True))
    assert {(r[1], r[5]) for r in findings} == {
        (3, "controles.controle_id.uniek"),
        (4, "controles.controle_id.uniek"),
        (4, "controles.datum.datum_in_jaar"),
    }


def test_vth_check_accepts_a_good_file_and_rejects_a_broken_one(in_tmp, capsys):
    good = write(in_tmp / "2023" / "ODH" / "controles.csv", controles(2))
    assert main(["check", str(good), "--report", str(in_tmp / "r1.xlsx")]) == 0
    assert "2 rijen gelezen, 2 geaccepteerd, 0 in quarantaine" in capsys.readouterr().out
    broken = write(in_tmp / "2023" / "ODH" / "kengetallen.csv", "indicator;iets\nx;1\n")
    assert main(["check", str(broken), "--report", str(in_tmp / "r2.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "AFGEWEZEN: verplichte kolom(men) ontbreken: waarde" in out
    assert main(["check", str(good), "--partner", "../x", "--year", "2023"]) == 2
