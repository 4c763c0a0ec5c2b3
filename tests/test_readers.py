"""The reader keeps every cell as text with the partner's row number, or rejects the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import CONTROLES_HEADER, write
from vth_pipeline.contract.columns import CONTROLES, KENGETALLEN
from vth_pipeline.ingest.readers import read_delivery

ROW = "C1,GM0518,I1,2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1.5"


def read(path: Path, kind=CONTROLES, max_bytes: int = 10_000_000):
    return read_delivery(path, kind, max_bytes)


def test_utf8_comma(tmp_path):
    r = read(write(tmp_path / "c.csv", f"{CONTROLES_HEADER}\n{ROW}\n"))
    assert r.rejected is None
    assert r.separator == "," and r.encoding == "utf-8"
    assert r.frame["controle_id"].to_list() == ["C1"]
    assert r.frame["bron_rij"].to_list() == [2]


def test_bom_semicolon_and_cp1252(tmp_path):
    text = f"{CONTROLES_HEADER};opmerking\n".replace(",", ";") + ROW.replace(",", ";") + ";café\n"
    bom = read(write(tmp_path / "a.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    cp = read(write(tmp_path / "b.csv", text, encoding="cp1252"))
    assert bom.encoding == "utf-8-sig" and cp.encoding == "windows-1252"
    for r in (bom, cp):
        assert r.separator == ";" and r.decimal_comma
        assert r.frame["extra_kolommen"].to_list() == ['{"opmerking":"café"}']


def test_quoted_newline_is_one_row_and_rows_numbered_as_in_excel(tmp_path):
    body = f'{CONTROLES_HEADER},opmerking\n{ROW},"a,\nb"\n\n{ROW.replace("C1", "C2")},x\n'
    r = read(write(tmp_path / "c.csv", body))
    assert r.frame["controle_id"].to_list() == ["C1", "C2"]
    assert r.frame["bron_rij"].to_list() == [2, 4]  # the blank line is row 3, not a row of data


def test_headers_case_space_order_and_missing_optional(tmp_path):
    cols = CONTROLES_HEADER.split(",")[:-2]  # no seveso, uren: optional
    header = ",".join(f" {c.upper()} " for c in reversed(cols))
    row = ",".join(reversed(ROW.split(",")[:-2]))
    r = read(write(tmp_path / "c.csv", f"{header}\n{row}\n"))
    assert r.rejected is None
    assert r.frame["datum"].to_list() == ["2023-03-05"]
    assert r.frame["uren"].to_list() == [None]


def test_too_many_fields_is_kept_for_quarantine(tmp_path):
    r = read(write(tmp_path / "c.csv", f"{CONTROLES_HEADER}\n{ROW},extra,meer\n"))
    assert r.frame["te_veel_velden"].to_list() == ["extra,meer"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "leeg"),
        (b"  \n\n", "leeg"),
        (b"%PDF-1.4\x00\x01binary", "geen CSV"),
        (b"controle_id,datum\nC1,2023-01-01\n", "verplichte kolom(men) ontbreken"),
        (b"\x81\x8d\x8f\x90\x9d\n", "tekencodering"),
        ((CONTROLES_HEADER + ",controle_id\n" + ROW + ",x\n").encode(), "meer dan eens"),
        (b'a,b\n"unterminated,1\n', "CSV kan niet gelezen worden"),
    ],
)
def test_rejections_have_a_reason(tmp_path, content, reason):
    r = read(write(tmp_path / "c.csv", content))
    assert r.frame is None
    assert reason in r.rejected


def test_header_without_rows_is_a_delivery_of_nothing(tmp_path):
    r = read(write(tmp_path / "c.csv", CONTROLES_HEADER + "\n\n"))
    assert r.rejected is None and r.frame.height == 0


def test_size_limit_rejects_before_parsing(tmp_path):
    r = read(write(tmp_path / "c.csv", f"{CONTROLES_HEADER}\n{ROW}\n"), max_bytes=10)
    assert r.frame is None and "te groot" in r.rejected


def test_xlsx_named_sheet_header_offset_and_typed_cells(tmp_path):
    import datetime as dt

    path = tmp_path / "controles.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Toelichting").write(0, 0, "lees mij")
    ws = wb.add_worksheet("Controles")
    date = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(2, 1, CONTROLES_HEADER.split(","))  # header on row 3, from column B
    values = ROW.split(",")
    for i, v in enumerate(values):
        if i == 3:
            ws.write_datetime(3, 1 + i, dt.datetime(2023, 3, 5), date)
        elif i == 12:
            ws.write_number(3, 1 + i, 1.5)
        elif v:
            ws.write_string(3, 1 + i, v)
    ws.write_string(5, 1, "C2")
    ws.write_string(5, 2, '=HYPERLINK("x")')
    wb.close()
    r = read(path)
    assert r.rejected is None and r.sheet == "Controles"
    assert r.frame["bron_rij"].to_list() == [4, 6]
    assert r.frame["datum"].to_list() == ["2023-03-05", None]
    assert r.frame["uren"].to_list() == ["1.5", None]
    assert r.frame["bevoegd_gezag"].to_list() == ["GM0518", '=HYPERLINK("x")']


def test_xlsx_unreadable(tmp_path):
    r = read(write(tmp_path / "kengetallen.xlsx", b"PK\x03\x04 not really a zip"), KENGETALLEN)
    assert r.frame is None and "XLSX" in r.rejected
