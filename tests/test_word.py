"""The Word version of the report, read back with python-docx (and opened by LibreOffice when
it is installed): its numbers against the published CSV files, every chart as an image with
its alternative text, the texts, and the same bytes on a second build."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.publication_data import published
from tests.test_texts import dutch

YEAR = 2023


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / "tabellen" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def blocks(doc):
    """Paragraphs and tables in document order: ("p", style, text) or ("t", table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            p = Paragraph(child, doc)
            yield ("p", p.style.name, p.text)
        elif child.tag.endswith("}tbl"):
            yield ("t", Table(child, doc))


def tables_by_caption(doc) -> dict[str, list[list[str]]]:
    out, caption = {}, None
    for block in blocks(doc):
        if block[0] == "p" and block[1] == "Caption":
            caption = block[2]
        elif block[0] == "t":
            out[caption] = [[c.text for c in r.cells] for r in block[1].rows]
    return out


def cell(value: str) -> str:
    return dutch(value) if value != "" else "–"


def test_word_version_holds_the_tables_of_the_csv_files(pub):
    import docx

    _, built = pub
    folder = built.out / str(YEAR)
    path = folder / f"staat-van-vth-{YEAR}.docx"
    doc = docx.Document(str(path))
    headings = [b[2] for b in blocks(doc) if b[0] == "p" and b[1].startswith(("Heading", "Title"))]
    for title in (
        f"Staat van VTH {YEAR}",
        f"Kernboodschappen {YEAR}",
        "1. Output van de omgevingsdiensten",
        "4. Geïntegreerd Seveso-toezicht",
        "Bijlage A. Datakwaliteit",
        "Bijlage B. Definities",
    ):
        assert title in headings, title

    tables = tables_by_caption(doc)
    od = next(t for c, t in tables.items() if c.startswith(f"Output per omgevingsdienst, {YEAR}"))
    header, body = od[0], od[1:]
    assert header[:3] == ["Partnercode", "Naam", "Controles"] or "Controles" in header
    assert "Naleving bij eerste controle (%)" in header
    csv_rows = {r["partner_code"]: r for r in rows(folder, "omgevingsdiensten.csv")}
    assert {r[0] for r in body} == set(csv_rows)
    columns = {
        "Controles": "controles",
        "Naleving bij eerste controle (%)": "naleving_eerste_controle_pct",
        "Controles per fte": "controles_per_fte",
    }
    compared = 0
    for r in body:
        for head, column in columns.items():
            assert r[header.index(head)] == cell(csv_rows[r[0]][column]), (r[0], column)
            compared += 1
    assert compared == 3 * len(csv_rows)

    national = {r["figuur"]: r for r in rows(folder, "kerncijfers.csv")}
    kern = next(t for c, t in tables.items() if c.startswith(f"Landelijke cijfers {YEAR}"))
    assert kern[0][1] == str(YEAR)
    from vth_pipeline.contract.publication import label

    by_label = {label(f): r for f, r in national.items()}
    for r in kern[1:]:
        assert r[1] == cell(by_label[r[0]]["waarde"]), r[0]


def test_word_version_has_every_chart_with_alt_text_and_source(pub):
    import docx

    _, built = pub
    folder = built.out / str(YEAR)
    doc = docx.Document(str(folder / f"staat-van-vth-{YEAR}.docx"))
    charts = json.loads((folder / "figuren" / "figuren.json").read_text(encoding="utf-8"))
    with_png = [c for c in charts if (folder / "figuren" / f"{c['name']}.png").is_file()]
    assert with_png
    pictures = doc.inline_shapes
    assert len(pictures) == len(with_png)
    alts = [p._inline.docPr.get("descr") for p in pictures]
    assert sorted(alts) == sorted(c["alt"] for c in with_png)
    text = [b[2] for b in blocks(doc) if b[0] == "p"]
    for c in with_png:
        assert c["title"] in text and c["source"] in text, c["name"]
    props = doc.core_properties
    assert props.created.year == YEAR + 1 and props.title == f"Staat van VTH {YEAR}"


def test_word_version_is_listed_and_opens_in_libreoffice(pub, tmp_path):
    _, built = pub
    folder = built.out / str(YEAR)
    listed = {f["pad"] for f in json.loads((folder / "manifest.json").read_text())["uitvoer"]}
    assert f"staat-van-vth-{YEAR}.docx" in listed
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (python-docx reads the file back above)")
    shutil.copy(folder / f"staat-van-vth-{YEAR}.docx", tmp_path / "rapport.docx")
    done = subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), "rapport.docx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "rapport.pdf"
    assert pdf.is_file(), done.stdout + done.stderr
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", content)) > 5


def test_word_version_carries_the_texts_and_is_byte_identical(pub):
    import docx

    from vth_pipeline.defs.publicatie import load_charts
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.report import kernboodschappen, summary_lines
    from vth_pipeline.publish.texts import parse_texts
    from vth_pipeline.publish.word import build_docx
    from vth_pipeline.warehouse import connect

    _, built = pub
    folder = built.out / str(YEAR)
    with connect(str(built.warehouse), read_only=True) as conn:
        data = load_publication_data(conn, YEAR)
    texts = parse_texts(
        'Inleiding met **{{ cijfer("controles") }}** controles.\n\n## Kernboodschappen\n\n'
        "- Eerste boodschap.\n- Tweede.\n\n## Uitkomsten\n\n### Kopje\n\nTekst.\n",
        data,
        "t.md",
    )
    charts = load_charts(folder / "figuren")
    args = (data, charts, texts, folder / "figuren", summary_lines(data), kernboodschappen(data))
    first = build_docx(*args)
    time.sleep(2.1)  # zip entries and core properties would otherwise carry the time
    assert build_docx(*args) == first
    path = folder.parent / "tekst.docx"
    path.write_bytes(first)
    doc = docx.Document(str(path))
    paragraphs = [p for p in doc.paragraphs]
    waarde = next(r for r in rows(folder, "landelijk.csv") if r["figuur"] == "controles")["waarde"]
    intro = next(p for p in paragraphs if p.text.startswith("Inleiding met"))
    assert intro.text == f"Inleiding met {dutch(waarde)} controles."
    assert any(r.bold and r.text == dutch(waarde) for r in intro.runs)
    kern = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert kern[:2] == ["Eerste boodschap.", "Tweede."]
    titles = [p.text for p in paragraphs]
    assert titles.index("Kopje") > titles.index("3. Uitkomsten")
    assert not any("Let op:" in t for t in titles)  # the generated findings are replaced
    path.unlink()


def test_word_layout_follows_the_report_template():
    """Every chart and table the page places, in its order, is in the Word layout."""
    from vth_pipeline.publish.word import LAYOUT

    template = (Path(__file__).resolve().parents[1] / "assets" / "report.html.j2").read_text()
    for chapter, _title, parts in LAYOUT:
        section = template.split(f'<section id="{chapter}"', 1)[1].split("</section>", 1)[0]
        placed = [
            f"{'figuur' if kind else 'tabel'}:{kind or name}"
            for kind, name in re.findall(r'figure\("([^"]+)"\)|tables\["([^"]+)"\]', section)
        ]
        placed = list(dict.fromkeys(placed))  # a table named in a condition and then placed
        assert [p for p in parts if not p.startswith("kop:")] == placed, chapter


def test_a_table_is_written_as_python_docx_writes_it_cell_by_cell():
    """`add_table` copies one written row for speed; every cell must still be what python-docx's
    own `add_row` and `cell.text` give, also for the texts python-docx writes in another form
    (empty, tab, line break, spaces at either end) and for right-aligned numbers."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from vth_pipeline.publish.report_tables import TableView
    from vth_pipeline.publish.word import add_table

    header = [{"label": "Naam", "num": False}, {"label": "Aantal", "num": True}]
    rows = [
        ["Omgevingsdienst Regio Utrecht", "1.234"],
        ["", "–"],
        ["met\ttab", "12,5"],
        ["twee\nregels", "0"],
        [" spatie ervoor", "3 "],
        ["Fryslân & Groningen <b>", "7"],
    ]
    mine = Document()
    add_table(mine, TableView("t", "Tabel", header, rows))
    theirs = Document()  # python-docx's own route, row by row
    table = theirs.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].repeat_header = True
    for cell, h in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(h["label"]).bold = True
    for row in rows:
        for cell, text, h in zip(table.add_row().cells, row, header, strict=True):
            cell.text = text
            if h["num"]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    assert mine.tables[0]._tbl.xml == theirs.tables[0]._tbl.xml
    assert [c.text for c in mine.tables[0].rows[4].cells] == ["twee\nregels", "0"]  # header first
