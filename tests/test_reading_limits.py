"""aanlevering.md v1.3, "File formats": Rows and Limits. Expected values are worked out by hand
from the spec text (Excel's grid is 1,048,576 rows by 16,384 columns, column XFD; a header of
13 columns reaching row 384,616 spans 13 x 384,616 = 5,000,008 cells)."""

from __future__ import annotations

import pytest

from tests.conftest import CONTROLES_HEADER, reference_warehouse, write
from tests.xlsx_parts import HEADER_CELLS, read_isolated, sheet_xml, workbook
from vth_pipeline.contract.columns import CONTROLES, cut
from vth_pipeline.ingest import xlsx_guard
from vth_pipeline.ingest.raw import load_raw
from vth_pipeline.ingest.readers import read_delivery
from vth_pipeline.ingest.staging import stage

ROW = "C1,GM0518,I1,2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1.5"
DATA = [("A2", "C1")]


def read(path, max_bytes: int = 100 * 1024 * 1024):
    return read_delivery(path, CONTROLES, max_bytes)


# --- XLSX: bounded before fastexcel allocates (each case in a child process) ------------------


def test_xlsx_far_cells_and_ranges_are_rejected_without_killing_the_process(tmp_path):
    cases = {
        # the 1.7 KB workbook that made calamine ask for 512 GiB and abort
        "far_cell": (sheet_xml([*HEADER_CELLS, ("XFD1048576", "x")]), "werkblad te groot"),
        "beyond_columns": (sheet_xml([*HEADER_CELLS, ("XFE2", "x")]), "werkblad te groot"),
        "beyond_rows": (sheet_xml([*HEADER_CELLS, ("A1048577", "x")]), "werkblad te groot"),
        "range_beyond": (sheet_xml(HEADER_CELLS + DATA, "A1:XFE2"), "werkblad te groot"),
        "five_million_and_8": (sheet_xml([*HEADER_CELLS, ("A384616", "x")]), "5.000.000 cellen"),
        "bad_address": (sheet_xml([*HEADER_CELLS, ("1A", "x")]), "ongeldig celadres"),
    }
    files = {n: workbook(tmp_path / f"{n}.xlsx", xml) for n, (xml, _) in cases.items()}
    results, _ = read_isolated([("controles", p) for p in files.values()])
    for name, (_, reason) in cases.items():
        got = results[str(files[name])]
        assert got["rows"] is None and reason in got["rejected"], (name, got)


def test_xlsx_large_declared_range_with_few_cells_is_read(tmp_path):
    """fastexcel allocates the cells present, not the declared <dimension>: measured, kept."""
    path = workbook(tmp_path / "c.xlsx", sheet_xml(HEADER_CELLS + DATA, "A1:XFD1048576"))
    results, rss = read_isolated([("controles", path)])
    assert results[str(path)] == {"path": str(path), "rejected": None, "rows": 1}
    # the declared range is 17 billion cells (hundreds of GB if allocated); alone the read
    # peaks near 200 MB, and in the full suite under load it was seen at 909 MB
    assert rss < 1500


def test_xlsx_at_the_cell_bound_is_read_within_memory(tmp_path):
    """13 x 384,615 = 4,999,995 cells from A1: inside the bound, and readable."""
    path = workbook(tmp_path / "c.xlsx", sheet_xml([*HEADER_CELLS, ("A384615", "C9")]))
    results, rss = read_isolated([("controles", path)])
    assert results[str(path)]["rejected"] is None and results[str(path)]["rows"] == 1
    assert rss < 1024, rss  # measured ~0.4 GB; docs/performance.md "Reading limits"


def test_xlsx_malformed_structures_are_rejected_with_a_reason(tmp_path):
    deep = "<x>" * 5000 + "</x>" * 5000
    bomb = {"xl/media/zeros.bin": b"\0" * 2_000_000}  # deflates about 1000 to 1
    dtd = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t>'
        "</si></sst>"
    )
    cases = {
        "deep": (
            sheet_xml(HEADER_CELLS, extra=f'<row r="5"><c r="A5"><is>{deep}</is></c></row>'),
            None,
            "dieper genest dan 100",
        ),
        "bomb": (sheet_xml(HEADER_CELLS + DATA), bomb, "werkblad te groot"),
        "dtd": (sheet_xml(HEADER_CELLS + DATA), {"xl/sharedStrings.xml": dtd}, "DTD"),
        "truncated": (sheet_xml(HEADER_CELLS + DATA)[:-40], None, "onjuiste XML"),
        "no_sheet": (
            sheet_xml(HEADER_CELLS + DATA),
            {"xl/worksheets/sheet1.xml": None},
            "blad 'controles' ontbreekt",
        ),
        "no_workbook": (
            sheet_xml(HEADER_CELLS + DATA),
            {"xl/workbook.xml": None},
            "xl/workbook.xml ontbreekt",
        ),
    }
    for name, (xml, parts, reason) in cases.items():
        r = read(workbook(tmp_path / f"{name}.xlsx", xml, parts))
        assert r.frame is None and reason in r.rejected, (name, r.rejected)
        assert r.rejected.startswith(("werkblad te groot", "bestand kan niet als XLSX")), name


def test_xlsx_limits_on_shared_texts_and_unpacked_bytes(tmp_path, monkeypatch):
    """The real bounds (5 million texts, 200 MB) cost seconds to reach; the same code path is
    taken with the bounds lowered."""
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<si><t>t</t></si>" * 4
        + "</sst>"
    )
    path = workbook(
        tmp_path / "s.xlsx", sheet_xml(HEADER_CELLS + DATA), {"xl/sharedStrings.xml": sst}
    )
    monkeypatch.setattr(xlsx_guard, "MAX_SHARED_STRINGS", 4)
    assert read(path).rejected is None
    monkeypatch.setattr(xlsx_guard, "MAX_SHARED_STRINGS", 3)
    assert read(path).rejected == "werkblad te groot (meer dan 3 gedeelde teksten)"
    monkeypatch.setattr(xlsx_guard, "MAX_UNPACKED_BYTES", 1000)
    r = read(path)
    assert r.rejected.startswith("werkblad te groot (de werkmap pakt uit tot ")
    assert r.rejected.endswith("bytes; de grens is 1.000 bytes)")


def test_xlsx_part_that_lies_about_its_size_is_rejected(tmp_path):
    """The zip directory says 1 KB, the entry unpacks to 50 MB: never more than declared is read."""
    path = workbook(
        tmp_path / "c.xlsx", sheet_xml(HEADER_CELLS + DATA), {"xl/media/x.bin": b"\0" * 50_000_000}
    )
    data = bytearray(path.read_bytes())
    size = (50_000_000).to_bytes(4, "little")
    assert data.count(size) == 2  # local header and central directory
    path.write_bytes(bytes(data).replace(size, (1000).to_bytes(4, "little")))
    r = read(path)
    assert r.frame is None and r.rejected.startswith("bestand kan niet als XLSX")


# --- CSV at the edges ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    conn = reference_warehouse(tmp_path_factory.mktemp("limits") / "w.duckdb")
    yield conn
    conn.close()


def ingest(conn, tmp_path, content: bytes) -> tuple[dict, list[tuple]]:
    """The raw and stg assets' functions on one controles file: (outcome, findings)."""
    raw = tmp_path / "raw"
    write(raw / "2023" / "ODH" / "controles.csv", content)
    _, outcomes = load_raw(
        conn, CONTROLES, 2023, [("2023/ODH/controles.csv", "ODH", "x")], raw, 100 * 1024 * 1024
    )
    stage(conn, CONTROLES, 2023)
    findings = conn.execute(
        "SELECT bron_rij, regel, kolom, waarde, melding FROM stg.quarantaine WHERE jaar = 2023 "
        "AND soort = 'controles' ORDER BY bron_rij, regel"
    ).fetchall()
    return outcomes.row(0, named=True), findings


def test_control_characters_quarantine_the_row_naming_column_and_position(warehouse, tmp_path):
    rows = [
        ROW.replace("2023-03-05", "2023\x00-03-05"),  # NUL is the 5th character of datum
        ROW.replace("C1", "\x0cC2"),  # a form feed first: trimming must not hide it
        ROW.replace("C1", "C3").replace("I1", "I\t3"),  # a tab is allowed
        ROW.replace("C1", '"C\r\n4"'),  # so is a line break inside quotes
    ]
    body = (CONTROLES_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    outcome, findings = ingest(warehouse, tmp_path, body)
    assert outcome["resultaat"] == "ingelezen" and outcome["rijen"] == 4
    control = [f for f in findings if f[1].endswith(".controleteken")]
    assert [(f[0], f[1], f[2]) for f in control] == [
        (2, "controles.datum.controleteken", "datum"),
        (3, "controles.controle_id.controleteken", "controle_id"),
    ]
    assert control[0][4].startswith("teken U+0000 (NUL) op positie 5 in kolom datum; ")
    assert control[1][4].startswith("teken U+000C (FF) op positie 1 in kolom controle_id; ")
    assert control[0][3] == "2023\ufffd-03-05"  # shown, not passed on: no NUL in a report
    assert {f[0] for f in findings} == {2, 3}


def test_mostly_binary_is_no_csv_but_a_stray_nul_is_read(tmp_path):
    binary = bytes(range(0, 32)) * 10 + b"a,b\n" * 10  # 320 of 360 bytes are control bytes
    assert "geen CSV" in read(write(tmp_path / "b.csv", binary)).rejected
    text = f"{CONTROLES_HEADER}\n{ROW}\n".replace("I1", "I\x001").encode()
    assert read(write(tmp_path / "t.csv", text)).rejected is None


def test_header_columns_are_bounded(tmp_path):
    extra = ",".join(f"x{i}" for i in range(1001 - 13))
    r = read(write(tmp_path / "c.csv", f"{CONTROLES_HEADER},{extra}\n{ROW}\n"))
    assert r.rejected == "kopregel heeft te veel kolommen (1.001; de grens is 1.000)"
    extra = ",".join(f"x{i}" for i in range(1000 - 13))
    r = read(write(tmp_path / "d.csv", f"{CONTROLES_HEADER},{extra}\n{ROW}\n"))
    assert r.rejected is None and r.frame.height == 1


def test_unbalanced_quote_and_mixed_line_endings(tmp_path):
    r = read(write(tmp_path / "q.csv", f'{CONTROLES_HEADER}\n"{ROW}\n'))
    assert r.rejected.startswith("CSV kan niet gelezen worden (een veld tussen aanhalingstekens")
    rows = [ROW.replace("C1", f"C{i}") for i in (2, 3, 4)]
    body = f"{CONTROLES_HEADER}\r\n{rows[0]}\n{rows[1]}\r{rows[2]}\r\n"
    r = read(write(tmp_path / "m.csv", body))
    assert r.frame["controle_id"].to_list() == ["C2", "C3", "C4"]
    assert r.frame["bron_rij"].to_list() == [2, 3, 4]
    assert r.frame["uren"].to_list() == ["1.5"] * 3


def test_many_more_fields_than_the_header_are_quarantined(warehouse, tmp_path):
    body = f"{CONTROLES_HEADER}\n{ROW}{',x' * 100}\n{ROW.replace('C1', 'C2')}\n".encode()
    outcome, findings = ingest(warehouse, tmp_path, body)
    assert outcome["rijen"] == 2
    assert [(f[0], f[1]) for f in findings] == [(2, "controles.rij.te_veel_velden")]


def test_quoted_values_are_cut_to_200_characters(tmp_path):
    assert cut("a" * 200) == "a" * 200
    assert cut("a" * 201) == "a" * 200 + "… (201 tekens)"
    assert cut("é" * 1234) == "é" * 200 + "… (1.234 tekens)"
    dupes = f"{CONTROLES_HEADER},{'y' * 300},{'y' * 300}\n{ROW}\n"
    assert read(write(tmp_path / "d.csv", dupes)).rejected == (
        f"kolom komt meer dan eens voor in de kopregel: {'y' * 200}… (300 tekens)"
    )


def test_a_50_mb_line_stays_small_wherever_it_is_shown(warehouse, tmp_path):
    """A one-line 50 MB header: the reason quotes 200 characters of the 'gevonden kolommen'."""
    big = "x" * 50_000_000
    r = read(write(tmp_path / "h.csv", f"controle_id,{big}"))
    # 'controle_id, ' is 13 characters, so the list quoted is 50,000,013 long
    assert r.rejected.endswith(f"gevonden kolommen: controle_id, {'x' * 187}… (50.000.013 tekens)")
    assert len(r.rejected) < 600
    # the same 50 MB as a date: the finding quotes 200 characters, the raw layer keeps it all
    body = f"{CONTROLES_HEADER}\n{ROW.replace('2023-03-05', big)}\n".encode()
    outcome, findings = ingest(warehouse, tmp_path, body)
    assert outcome["reden"] is None and outcome["rijen"] == 1
    assert [(f[1], f[3]) for f in findings] == [
        ("controles.datum.type", "x" * 200 + "… (50.000.000 tekens)")
    ]
    assert max(len(f[4]) for f in findings) < 400
    (raw_len,) = warehouse.execute(
        "SELECT length(datum) FROM raw.controles WHERE jaar = 2023"
    ).fetchone()
    assert raw_len == 50_000_000


def test_a_csv_of_very_short_lines_is_refused_before_parsing(tmp_path):
    """13 columns in the header and 400,000 lines would be 5,200,000 cells: over the bound of
    5,000,000 (the sheet's), so refused; 380,000 lines (4,940,000 cells) are read."""
    header = CONTROLES_HEADER.encode() + b"\n"
    over = write(tmp_path / "over.csv", header + b"x\n" * 399_999)  # 400,000 lines in all
    got = read(over)
    assert got.frame is None
    assert got.rejected.startswith("bestand te groot: 400.000 regels van 13 kolommen")
    under = write(tmp_path / "under.csv", header + b"x\n" * 379_999)
    got = read(under)
    assert got.rejected is None
    assert got.frame.height == 379_999
