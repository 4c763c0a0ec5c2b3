"""The Word version of a year's report (`staat-van-vth-<jaar>.docx`), with python-docx.

The same content as `index.html`, in the same order: headings, the policy staff's texts (or the
generated key messages), the summary, every table as a real Word table with its Dutch headers
and the report's Dutch numbers, every chart as its static PNG with title, alternative text and
source line, and the annexes. Only what the report shows is written; nothing is computed here.

Deterministic: the core properties carry a date derived from the year (or its release in the
register), not the build time, and the zip entries a fixed date, so two builds give the same
bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell
from markupsafe import Markup

from vth_pipeline.contract.publication import GENERAL_RULES
from vth_pipeline.publish.charts import Chart
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.glossary import definition_groups
from vth_pipeline.publish.report_tables import TableView, table_views
from vth_pipeline.publish.texts import CHAPTERS, Texts, markdown_tokens


def docx_name(year: int) -> str:
    return f"staat-van-vth-{year}.docx"


# The report's chapters and annexes in the order of `assets/report.html.j2`: each a list of
# charts ("figuur:<name>") and tables ("tabel:<id>"), placed as the page places them. A test
# keeps it equal to the template.
LAYOUT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "omgevingsdiensten",
        "1. " + CHAPTERS["omgevingsdiensten"],
        (
            "figuur:trend_landelijk",
            "tabel:tabel-landelijk",
            "figuur:controles_per_omgevingsdienst",
            "figuur:naleving_per_omgevingsdienst",
            "figuur:controledichtheid_per_omgevingsdienst",
            "figuur:kaart_naleving_eerste_controle_werkgebieden",
            "figuur:kaart_controledichtheid_werkgebieden",
            "tabel:tabel-omgevingsdiensten",
            "kop:Interventies",
            "figuur:interventiemix",
            "tabel:tabel-interventies",
            "figuur:lhso_matrix",
            "tabel:tabel-lhso",
        ),
    ),
    (
        "provincies",
        "2. " + CHAPTERS["provincies"],
        ("figuur:provincies", "figuur:kaart_naleving_provincies", "tabel:tabel-provincies"),
    ),
    ("uitkomsten", "3. " + CHAPTERS["uitkomsten"], ("figuur:uitkomsten", "tabel:tabel-uitkomsten")),
    (
        "seveso",
        "4. " + CHAPTERS["seveso"],
        (
            "tabel:tabel-landelijk-seveso",
            "figuur:seveso_trend",
            "tabel:tabel-seveso-reeks",
            "figuur:seveso_overtredingen",
            "figuur:seveso_deelname",
            "figuur:seveso_dekking",
            "figuur:kaart_seveso",
            "tabel:tabel-seveso",
            "kop:Integratie",
            "tabel:tabel-seveso-integratie",
            "tabel:tabel-seveso-conflicten",
        ),
    ),
    (
        "trends",
        "5. " + CHAPTERS["trends"],
        ("tabel:tabel-trend", "tabel:tabel-trend-omgevingsdienst", "tabel:tabel-trend-provincie"),
    ),
    (
        "datakwaliteit",
        "Bijlage A. Datakwaliteit",
        (
            "figuur:volledigheid",
            "tabel:tabel-datakwaliteit",
            "tabel:tabel-quarantaine",
            "tabel:tabel-bestanden",
            "kop:Validatie van de gegevens",
            "tabel:tabel-validatie",
            "tabel:tabel-validatie-datasets",
        ),
    ),
)


def document_date(year: int, released: str | None) -> dt.datetime:
    """The date in the document's properties: its release (register), else 1 January after
    the reporting year. Never the build time."""
    if released:
        day = dt.date.fromisoformat(released)
        return dt.datetime(day.year, day.month, day.day)
    return dt.datetime(year + 1, 1, 1)


def _inline(paragraph, token) -> None:
    """Runs of one inline token (bold, italic, code, links as text with their address)."""
    bold = italic = False
    link: str | None = None
    for child in token.children or []:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            link = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            if link:
                paragraph.add_run(f" ({link})")
            link = None
        elif kind in ("softbreak",):
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind in ("text", "code_inline", "html_inline"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold or None, italic or None
            if kind == "code_inline":
                run.font.name = "Consolas"


def add_markdown(doc, text: str) -> None:
    """Markdown (already filled and parsed without raw HTML) as Word paragraphs."""
    lists: list[str] = []
    heading = 0
    quote = False
    for token in markdown_tokens(text):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append("List Bullet")
        elif kind == "ordered_list_open":
            lists.append("List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "heading_open":
            heading = min(int(token.tag[1:]) + 1, 4)  # the text's ### sits below the chapter
        elif kind == "heading_close":
            heading = 0
        elif kind == "blockquote_open":
            quote = True
        elif kind == "blockquote_close":
            quote = False
        elif kind == "inline":
            if heading:
                paragraph = doc.add_heading(level=heading)
            elif lists:
                paragraph = doc.add_paragraph(style=lists[-1])
            else:
                paragraph = doc.add_paragraph(style="Quote" if quote else None)
            _inline(paragraph, token)
        elif kind in ("fence", "code_block"):
            doc.add_paragraph(token.content.rstrip("\n")).runs[0].font.name = "Consolas"


def _plain(cell) -> bool:
    return not isinstance(cell, Markup)  # sparklines (inline SVG) have no Word form


def add_table(doc, view: TableView) -> None:
    """A real Word table: the Dutch headers as a repeated header row, the report's cells."""
    keep = [i for i, h in enumerate(view.header) if not h["label"].startswith("Verloop")]
    keep = [i for i in keep if all(_plain(r[i]) for r in view.rows)]
    caption = doc.add_paragraph(style="Caption")
    caption.add_run(view.caption)
    if view.file:
        caption.add_run(f" (tabellen/{view.file})")
    table = doc.add_table(rows=1, cols=len(keep))
    table.style = "Table Grid"
    header = table.rows[0]
    header.repeat_header = True  # python-docx >= 1.2
    for cell, i in zip(header.cells, keep, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(view.header[i]["label"])
        run.bold = True
    _add_rows(
        table,
        [[str(row[i]) for i in keep] for row in view.rows],
        [bool(view.header[i]["num"]) for i in keep],
    )
    if not view.rows:
        cells = table.add_row().cells
        cells[0].text = "Geen rijen."
    if view.note:
        doc.add_paragraph(view.note).runs[0].font.size = Pt(8)


_SPECIAL = re.compile(r"[\t\r\n]")  # what python-docx writes as w:tab or w:br


def _fill(cell: _Cell, text: str, right: bool) -> None:
    cell.text = text
    if right:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_rows(table, rows: list[list[str]], right: list[bool]) -> None:
    """The body rows, as python-docx writes them with `add_row` and `cell.text`, but each row
    a copy of one row so written, its texts replaced: python-docx spends ~1 ms a cell on
    widths and runs, 1.5 s of a national year's Word file. A text that python-docx writes in
    another form (empty, a tab or line break, spaces at either end) is written by it."""
    if not rows:
        return
    template = table.add_row()
    for cell, is_right in zip(template.cells, right, strict=True):
        _fill(cell, "x", is_right)
    tr = template._tr
    tr.getparent().remove(tr)
    for values in rows:
        row = copy.deepcopy(tr)
        table._tbl.append(row)
        for tc, text, is_right in zip(row.tc_lst, values, right, strict=True):
            if text and text == text.strip() and not _SPECIAL.search(text):
                tc.xpath("./w:p/w:r/w:t")[0].text = text
            else:
                _fill(_Cell(tc, table), text, is_right)


def add_chart(doc, chart: Chart | None, figures_dir: Path, year: int) -> None:
    """The chart's static PNG with its title, alternative text and source line."""
    if chart is None:
        doc.add_paragraph(
            f"Geen figuur: voor dit onderdeel zijn over {year} geen gegevens geleverd."
        )
        return
    doc.add_heading(chart.title, level=3)
    png = figures_dir / f"{chart.name}.png"
    if png.is_file():
        shape = doc.add_picture(str(png), width=Cm(16))
        doc_pr = shape._inline.docPr  # the alternative text Word and screen readers read
        doc_pr.set("descr", chart.alt)
        doc_pr.set("title", chart.title)
    else:
        doc.add_paragraph(chart.alt)
    source = doc.add_paragraph(chart.source)
    source.runs[0].italic = True
    source.runs[0].font.size = Pt(8)


def build_docx(
    data: PublicationData,
    charts: list[Chart],
    texts: Texts | None,
    figures_dir: Path,
    summary: list[str],
    findings: list[dict],
    released: tuple[str, str, str] | None = None,
) -> bytes:
    """The report as a .docx (bytes). `released`: the latest release in the register
    (version, ISO date, Dutch date), None for a concept."""
    year = data.year
    version, date, dutch_date = released or (None, None, None)
    doc = Document()
    props = doc.core_properties
    when = document_date(year, date)
    props.title = f"Staat van VTH {year}"
    props.subject = "Vergunningverlening, toezicht en handhaving"
    props.author = props.last_modified_by = "vth-pipeline"
    props.language = "nl-NL"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    props.comments = props.keywords = props.category = ""
    doc.styles["Normal"].font.name = "Calibri"

    doc.add_heading(f"Staat van VTH {year}", level=0)
    doc.add_paragraph(
        "Vergunningverlening, toezicht en handhaving in het omgevingsdomein: output en uitkomsten "
        f"over verslagjaar {year}."
    )
    doc.add_paragraph(
        f"Versie {version}, gepubliceerd op {dutch_date}."
        if version
        else "Concept (nog niet vastgesteld)."
    )
    if texts and texts.inleiding:
        add_markdown(doc, texts.inleiding)

    doc.add_heading(f"Kernboodschappen {year}", level=1)
    if texts and texts.kernboodschappen:
        add_markdown(doc, texts.kernboodschappen)
    else:
        for k in findings:
            p = doc.add_paragraph(style="List Number")
            p.add_run(k["kop"]).bold = True
            if k["context"]:
                p.add_run(" " + k["context"])
            p.add_run(" Let op: " + k["kanttekening"]).italic = True

    doc.add_heading("Samenvatting", level=1)
    for line in summary:
        doc.add_paragraph(line, style="List Bullet")

    views = table_views(data)
    by_name = {c.name: c for c in charts}
    for chapter, title, parts in LAYOUT:
        doc.add_heading(title, level=1)
        if texts and texts.hoofdstukken.get(chapter):
            add_markdown(doc, texts.hoofdstukken[chapter])
        for part in parts:
            kind, name = part.split(":", 1)
            if kind == "kop":
                doc.add_heading(name, level=2)
            elif kind == "figuur":
                add_chart(doc, by_name.get(name), figures_dir, year)
            elif name in views and (views[name].rows or name != "tabel-validatie"):
                add_table(doc, views[name])

    doc.add_heading("Bijlage B. Definities", level=1)
    for rule in GENERAL_RULES:
        doc.add_paragraph(rule.replace("`", ""), style="List Bullet")
    for group in definition_groups(data.labels.get("seveso_handhaving", {})):
        doc.add_heading(group["titel"], level=2)
        for item in group["items"]:
            p = doc.add_paragraph()
            p.add_run(f"{item['label']} ({item['figuur']}): ").bold = True
            p.add_run(item["definitie"].replace("`", ""))
    doc.add_paragraph(
        f"Licentie: Creative Commons Naamsvermelding 4.0 (CC BY 4.0), met vermelding van de bron: "
        f"„Staat van VTH {year}”."
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), when)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated `when` (python-docx stamps the build time)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_docx(path: Path, *args, **kwargs) -> Path:
    path.write_bytes(build_docx(*args, **kwargs))
    return path
