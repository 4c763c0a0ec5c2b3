"""The yearly report (`index.html`) and the overview of all years, in Dutch, readable offline.

It reads only the staat tables and the charts made from them: every number it shows is a
number in a published table. Delivered text (partner names, messages) is escaped by Jinja.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

import jinja2
import plotly
import polars as pl

from vth_pipeline.defs.staat import DEFINITIONS
from vth_pipeline.publish.charts import Chart
from vth_pipeline.publish.formatting import nl_change, nl_number
from vth_pipeline.publish.tables import PUBLISHED_TABLES

RENDERED_TABLES = (
    (
        "omgevingsdiensten",
        "Omgevingsdiensten",
        "omgevingsdiensten.csv",
        "Output per omgevingsdienst die controles leverde.",
    ),
    (
        "provincies",
        "Provincies",
        "provincies.csv",
        "Controles naar de provincie van het bevoegd gezag, en de kengetallen van de provincies.",
    ),
    (
        "interventies",
        "Interventies",
        "interventies.csv",
        "Zwaarste interventie na een overtreding, per omgevingsdienst en landelijk (NL).",
    ),
    (
        "uitkomsten",
        "Uitkomsten",
        "uitkomsten.csv",
        "Uitkomstindicatoren per gebied met de waarde van het jaar ervoor.",
    ),
    (
        "datakwaliteit",
        "Datakwaliteit",
        "datakwaliteit.csv",
        "Per partner en soort levering: verplicht, geleverd, en rijen gelezen, geaccepteerd en in "
        "quarantaine (gelezen = geaccepteerd + quarantaine).",
    ),
    (
        "quarantaine",
        "Quarantaine per regel",
        "quarantaine_regels.csv",
        "Rijen die een regel van de aanleverspecificatie overtreden, per bestand en regel.",
    ),
)

KEY_FIGURES = (
    ("controles", "Controles", 0),
    ("naleving_eerste_controle_pct", "Naleving bij eerste controle (%)", 1),
    ("controles_met_overtreding", "Controles met overtreding", 0),
    ("ernstige_overtredingen", "Ernstige overtredingen (C/D)", 0),
    ("inrichtingen_gecontroleerd", "Gecontroleerde inrichtingen", 0),
    ("controledichtheid_pct", "Controledichtheid (%)", 1),
)


@dataclass(frozen=True)
class ReportInput:
    year: int
    tables: dict[str, pl.DataFrame]  # published file name -> frame
    landelijk_vorig: pl.DataFrame | None
    charts: list[Chart]
    static_images: dict[str, str]  # chart name -> relative path of a PNG, when made


def _environment(assets_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(assets_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _decimals(column: str) -> int:
    if column.endswith("_pct"):
        return 1
    return 2 if column.endswith("_per_fte") else 0


def _cell(value, column: str, numeric: bool) -> str:
    if value is None:
        return ""
    return nl_number(value, _decimals(column)) if numeric else str(value)


def _render_table(frame: pl.DataFrame) -> tuple[list[dict], list[list[str]]]:
    numeric = {c: frame.schema[c].is_numeric() for c in frame.columns}
    header = [{"label": c.replace("_", " "), "num": numeric[c]} for c in frame.columns]
    rows = [
        [_cell(v, c, numeric[c]) for c, v in zip(frame.columns, row, strict=True)]
        for row in frame.iter_rows()
    ]
    return header, rows


def _key_figures(landelijk: pl.DataFrame, vorig: pl.DataFrame | None) -> list[dict]:
    prev = dict(vorig.select("figuur", "waarde").iter_rows()) if vorig is not None else {}
    rows = {r["figuur"]: r for r in landelijk.iter_rows(named=True)}
    out = []
    for figuur, label, decimals in KEY_FIGURES:
        r = rows.get(figuur)
        if r is None:
            continue
        out.append(
            {
                "label": label,
                "waarde": nl_number(r["waarde"], decimals) or "–",
                "vorig": nl_number(prev.get(figuur), decimals),
                "verschil": nl_change(r["waarde"], prev.get(figuur)),
                "volledigheid": f"{r['geleverd']} van {r['verwacht']} omgevingsdiensten geleverd",
            }
        )
    return out


def render_report(data: ReportInput, assets_dir: Path, chart_divs: dict[str, str]) -> str:
    env = _environment(assets_dir)
    tables = []
    for table_id, title, file, intro in RENDERED_TABLES:
        frame = data.tables[file]
        header, rows = _render_table(frame)
        tables.append(
            {
                "id": table_id,
                "title": title,
                "file": file,
                "intro": intro,
                "caption": f"{title} {data.year}",
                "header": header,
                "rows": rows,
            }
        )
    charts = [
        {
            "name": c.name,
            "title": c.title,
            "alt": c.alt,
            "source": c.source,
            "div": chart_divs[c.name],
            "static": data.static_images.get(c.name),
        }
        for c in data.charts
    ]
    plotly_js = (
        (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
            encoding="utf-8"
        )
        if charts
        else ""
    )
    return env.get_template("report.html.j2").render(
        jaar=data.year,
        version=package_version("vth-pipeline"),
        css=(assets_dir / "style.css").read_text(encoding="utf-8"),
        plotly_js=plotly_js,
        kerncijfers=_key_figures(data.tables["landelijk.csv"], data.landelijk_vorig),
        charts=charts,
        tables=tables,
        definities=[{"figuur": k, "definitie": v} for k, v in DEFINITIONS.items()],
        rekenregels_versie="1.1",
        downloads=[t.file for t in PUBLISHED_TABLES],
    )


def render_overview(years: list[dict], assets_dir: Path) -> str:
    env = _environment(assets_dir)
    header = [label for _, label, _ in KEY_FIGURES[:3]]
    rows = [
        {
            "jaar": y["jaar"],
            "cijfers": [nl_number(y["figures"].get(f), d) for f, _, d in KEY_FIGURES[:3]],
        }
        for y in years
    ]
    return env.get_template("overview.html.j2").render(
        css=(assets_dir / "style.css").read_text(encoding="utf-8"), header=header, years=rows
    )
