"""The yearly report (`index.html`) and the overview of all years, in Dutch, readable offline.

It reads only the published tables and the charts made from them: every number it shows is a
number in a published table. Delivered text (partner names, ids, messages, file names) reaches
the page only through Jinja's autoescaping; chart data are escaped by plotly's JSON encoder.
plotly.js is inlined once, so the page needs no network and no other script.

The tables it shows are formatted in `report_tables`.
"""

from __future__ import annotations

import re
from importlib.metadata import version as package_version
from pathlib import Path

import jinja2
import plotly
import plotly.graph_objects as go
import polars as pl
from markupsafe import Markup, escape

from vth_pipeline.contract.publication import GENERAL_RULES, PUBLISHED_TABLES, label
from vth_pipeline.publish.charts import Chart, frame_layout
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import EMPTY, nl_figure, nl_number, nl_signed
from vth_pipeline.publish.glossary import definition_groups
from vth_pipeline.publish.report_tables import (
    change_text,
    figure_cell,
    table_views,
    validation_summary,
)
from vth_pipeline.validation.report import DETAIL_FILE as VALIDATION_PAGE

RULES_VERSION = "1.1"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# The figures of the summary, in order (national figures of landelijk.csv).
KEY_FIGURES = (
    "controles",
    "naleving_eerste_controle_pct",
    "controles_met_overtreding",
    "ernstige_overtredingen",
    "controledichtheid_pct",
    "controles_per_fte",
    "seveso_inspecties",
    "seveso_inrichtingen_met_overtreding_pct",
)
# The overview of all years shows these.
OVERVIEW_FIGURES = (
    "controles",
    "naleving_eerste_controle_pct",
    "controles_met_overtreding",
    "seveso_inspecties",
)


def code_spans(text: str) -> Markup:
    """`name` in a definition becomes <code>name</code>; everything else is escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _environment(assets_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(assets_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def key_figures(data: PublicationData) -> list[dict]:
    """The summary's figures beside the year before, with the completeness of each."""
    rows = {r["figuur"]: r for r in data.table("kerncijfers.csv").iter_rows(named=True)}
    out = []
    for figure in KEY_FIGURES:
        r = rows.get(figure)
        if r is None:
            continue
        who = "verplichte partners" if figure.startswith("seveso_") else "omgevingsdiensten"
        out.append(
            {
                "label": label(figure),
                "waarde": figure_cell(r["waarde"], figure),
                "vorig": nl_figure(r["waarde_vorig_jaar"], figure),
                "verschil": change_text(r),
                "volledigheid": f"{r['geleverd']} van {r['verwacht']} {who} geleverd",
            }
        )
    return out


def summary_lines(data: PublicationData) -> list[str]:
    """A few sentences a policy officer can quote, each from a published figure."""
    k = {r["figuur"]: r for r in data.table("kerncijfers.csv").iter_rows(named=True)}
    lines = []
    c = k.get("controles")
    if c and c["waarde"] is not None:
        line = (
            f"{c['geleverd']} van de {c['verwacht']} omgevingsdiensten leverden hun controles: "
            f"samen {nl_figure(c['waarde'], 'controles')} controles"
        )
        if c["verschil_pct"] is not None:
            line += f" ({nl_signed(c['verschil_pct'], 1)}% ten opzichte van {data.year - 1})"
        lines.append(line + ".")
    n = k.get("naleving_eerste_controle_pct")
    if n and n["waarde"] is not None:
        line = (
            f"Bij {nl_number(n['waarde'], 1)}% van de beoordeelde eerste controles werd "
            "geen overtreding vastgesteld"
        )
        if n["verschil"] is not None:
            line += f" ({nl_signed(n['verschil'], 1)} procentpunt)"
        lines.append(line + ".")
    e, m = k.get("ernstige_overtredingen"), k.get("controles_met_overtreding")
    if e and m and m["waarde"] is not None:
        lines.append(
            f"{nl_number(m['waarde'])} controles stelden een overtreding vast; bij "
            f"{nl_number(e['waarde'])} had die ernstige of zeer ernstige gevolgen (C of D)."
        )
    s = {f: k.get(f"seveso_{f}") for f in ("inspecties", "inrichtingen_geinspecteerd")}
    a = k.get("seveso_inrichtingen_actief")
    p = k.get("seveso_inrichtingen_met_overtreding_pct")
    if s["inspecties"] and s["inspecties"]["waarde"] is not None and a and a["waarde"]:
        line = (
            f"{nl_number(s['inspecties']['waarde'])} geïntegreerde Seveso-inspecties bij "
            f"{nl_number(s['inrichtingen_geinspecteerd']['waarde'])} van de "
            f"{nl_number(a['waarde'])} actieve Seveso-inrichtingen"
        )
        if p and p["waarde"] is not None:
            line += f"; {nl_number(p['waarde'], 1)}% van de geïnspecteerde had een overtreding"
        lines.append(line + ".")
    dq = data.table("datakwaliteit.csv")
    required = dq.filter(pl.col("verplicht") == "ja")
    got = required.filter(pl.col("geleverd") == "ja").height
    quarantined = int(dq["quarantaine"].sum() or 0)
    rows = "rij staat" if quarantined == 1 else "rijen staan"
    lines.append(
        f"{got} van de {required.height} verplichte leveringen zijn ingelezen; "
        f"{nl_number(quarantined)} {rows} in quarantaine (zie bijlage A, datakwaliteit)."
    )
    return lines


def report_figure(chart: Chart) -> go.Figure:
    """The chart for the page: title and source line are in the HTML around it."""
    fig = go.Figure(chart.figure)
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "bron"]
    fig.update_layout(margin={"b": 60})
    return frame_layout(fig, None)


def chart_div(chart: Chart) -> str:
    """A plotly div with a fixed id (no random ids in published files), without plotly.js."""
    return report_figure(chart).to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"plot-{chart.name}",
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )


def _chart_context(charts: list[Chart], figures_dir: Path) -> dict[str, dict]:
    return {
        c.name: {
            "name": c.name,
            "title": c.title,
            "alt": c.alt,
            "source": c.source,
            "div": chart_div(c),
            "svg": f"figuren/{c.name}.svg" if (figures_dir / f"{c.name}.svg").exists() else None,
            "png": f"figuren/{c.name}.png" if (figures_dir / f"{c.name}.png").exists() else None,
            "html": f"figuren/{c.name}.html",
        }
        for c in charts
    }


def plotly_js() -> str:
    """plotly.js of the installed plotly package, to inline once (no CDN, no second file)."""
    js = PLOTLY_JS.read_text(encoding="utf-8")
    if "</script" in js.lower():  # inlined in a <script> element, it would end it early
        raise ValueError("plotly.min.js contains '</script' and cannot be inlined")
    return js


def render_chart_page(chart: Chart, assets_dir: Path, year: int) -> str:
    """The stand-alone interactive page of a chart (`figuren/<name>.html`), title and source
    inside the figure, plotly.js from the file beside it."""
    div = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.name,
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )
    return (
        _environment(assets_dir)
        .get_template("figure.html.j2")
        .render(name=chart.name, title=chart.title, alt=chart.alt, div=div, jaar=year)
    )


def render_report(
    data: PublicationData, charts: list[Chart], assets_dir: Path, folder: Path
) -> str:
    """`index.html` of the year in `folder` (links are relative to it)."""
    env = _environment(assets_dir)
    chart_ctx = _chart_context(charts, folder / "figuren")
    downloads = [
        {
            "title": t.title,
            "csv": f"tabellen/{t.file}",
            "parquet": f"tabellen/{t.stem}.parquet",
            "description": t.description,
        }
        for t in PUBLISHED_TABLES
    ]
    return env.get_template("report.html.j2").render(
        jaar=data.year,
        version=package_version("vth-pipeline"),
        css=(assets_dir / "style.css").read_text(encoding="utf-8"),
        plotly_js=plotly_js() if charts else "",
        samenvatting=summary_lines(data),
        kerncijfers=key_figures(data),
        charts=chart_ctx,
        tables=table_views(data),
        regels=[code_spans(r) for r in GENERAL_RULES],
        validatie=validation_summary(data),
        validatie_detail=(folder / VALIDATION_PAGE).exists(),
        definities=[
            g | {"items": [i | {"definitie": code_spans(i["definitie"])} for i in g["items"]]}
            for g in definition_groups(data.labels.get("seveso_handhaving", {}))
        ],
        rekenregels_versie=RULES_VERSION,
        downloads=downloads,
        figure_downloads=list(chart_ctx.values()),
        has_overview=True,
    )


def render_overview(years: list[dict], assets_dir: Path, trend_image: str | None) -> str:
    """`<out>/index.html`: every published year with its headline figures and links.

    `years`: {"jaar": int, "figures": {figuur: waarde}, "geleverd": {figuur: (g, v)}}.
    """
    env = _environment(assets_dir)
    header = [label(f) for f in OVERVIEW_FIGURES]
    rows = [
        {
            "jaar": y["jaar"],
            "cijfers": [nl_figure(y["figures"].get(f), f) or EMPTY for f in OVERVIEW_FIGURES],
        }
        for y in years
    ]
    return env.get_template("overview.html.j2").render(
        css=(assets_dir / "style.css").read_text(encoding="utf-8"),
        header=header,
        years=rows,
        trend_image=trend_image,
        version=package_version("vth-pipeline"),
    )
