"""The yearly report (`index.html`) and the overview of all years, in Dutch, readable offline.

It reads only the published tables and the charts made from them: every number it shows is a
number in a published table. Delivered text (partner names, ids, messages, file names) reaches
the page only through Jinja's autoescaping; chart data are escaped by plotly's JSON encoder.
plotly.js is inlined once, so the page needs no network and no other script.

The tables it shows are formatted in `report_tables`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib.metadata import version as package_version
from pathlib import Path

import jinja2
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from markupsafe import Markup, escape

from vth_pipeline.contract.publication import (
    GENERAL_RULES,
    OUTCOME_PREFIX,
    PUBLISHED_TABLES,
    RULES_VERSION,
    label,
)
from vth_pipeline.publish.charts import Chart, frame_layout
from vth_pipeline.publish.data import PublicationData, seveso_breaks
from vth_pipeline.publish.formatting import EMPTY, decimals_of, nl_figure, nl_number, nl_signed
from vth_pipeline.publish.glossary import definition_groups
from vth_pipeline.publish.manifest import MANIFEST, git_state
from vth_pipeline.publish.register import publication_info
from vth_pipeline.publish.report_tables import (
    figure_cell,
    table_views,
    validation_summary,
)
from vth_pipeline.publish.texts import Texts, like_for_like_text
from vth_pipeline.resources import project_root
from vth_pipeline.validation.report import DETAIL_FILE as VALIDATION_PAGE

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Every interactive chart: no Plotly logo, resizes with the page, the toolbar in Dutch.
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "locale": "nl"}
LOCALE_FILE = "plotly-locale-nl.json"
NARROW_JS = "narrow.js"  # the charts' reflow on a phone, inlined in the report and figure pages

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

# The overview links these files of every year (name -> path in the year's folder).
OVERVIEW_DOWNLOADS = {
    "Rapport": "index.html",
    "Tabellen (Excel)": "tabellen/tabellen.xlsx",
    "Landelijke cijfers (CSV)": "tabellen/landelijk.csv",
    "Vergelijking met het jaar ervoor (CSV)": "tabellen/vergelijking.csv",
    "Validatie": "validatie.html",
    "Herkomst (manifest)": "manifest.json",
}


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


def _who(figure: str) -> str:
    if figure.startswith("seveso_"):
        return "partners"
    return "gebieden" if figure.startswith("uitkomst_") else "omgevingsdiensten"


def like_for_like(data: PublicationData, figure: str) -> str:
    """The change over the vergelijkbare kern in words (`bij dezelfde 25 omgevingsdiensten
    +368 (+3,1%)`), or why there is none; never a change of totals."""
    text = like_for_like_text(data, figure)
    if text is not None:
        return text
    if data.comparison(figure) is None:
        return f"geen vergelijking met {data.year - 1}"
    if figure.startswith("seveso_"):  # all or nothing; vergelijking.csv says why
        reason = (data.comparison(figure).get("opmerking") or "").removeprefix("niet vergeleken: ")
        return f"niet te vergelijken met {data.year - 1}: " + (
            reason or "niet dezelfde partners leverden"
        )
    return f"niet te vergelijken met {data.year - 1}: geen {_who(figure)} in beide jaren"


def key_figures(data: PublicationData) -> list[dict]:
    """The summary's figures: this and last year's totals, each with its completeness, and
    the change over the partners that delivered in both years."""
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
                "verschil": like_for_like(data, figure),
                "volledigheid": f"{r['geleverd']} van {r['verwacht']} {who} geleverd",
            }
        )
    return out


def _movement(row: dict, noun: str) -> str:
    """`steeg het aantal controles met 3,1% (van 11.722 naar 12.090)`, absolute under base 20."""
    figure = row["figuur"]
    change = Decimal(row["verschil"])
    before = nl_figure(row["waarde_vorig_jaar"], figure)
    after = nl_figure(row["waarde"], figure)
    if change == 0:
        return f"bleef {noun} gelijk ({after})"
    verb = "steeg" if change > 0 else "daalde"
    if row["verschil_pct"] is not None:
        by = f"{nl_number(abs(Decimal(row['verschil_pct'])), 1)}%"
    else:
        by = nl_number(abs(change), decimals_of(figure))
    return f"{verb} {noun} met {by} (van {before} naar {after})"


def summary_lines(data: PublicationData) -> list[str]:
    """A few sentences a policy officer can quote, each from a published figure; every change
    is over the partners that delivered in both years (vergelijking.csv)."""
    k = {r["figuur"]: r for r in data.table("kerncijfers.csv").iter_rows(named=True)}
    lines = []
    c = k.get("controles")
    if c and c["waarde"] is not None:
        line = (
            f"{c['geleverd']} van de {c['verwacht']} omgevingsdiensten leverden hun controles: "
            f"samen {nl_figure(c['waarde'], 'controles')} controles."
        )
        v = data.comparison("controles")
        if v and v["verschil"] is not None:
            line += (
                f" Bij de {v['partners_beide']} omgevingsdiensten die zowel in {data.year - 1} "
                f"als in {data.year} leverden, {_movement(v, 'het aantal controles')}."
            )
        lines.append(line)
    n = k.get("naleving_eerste_controle_pct")
    if n and n["waarde"] is not None:
        line = (
            f"Bij {nl_number(n['waarde'], 1)}% van de beoordeelde eerste controles werd "
            "geen overtreding vastgesteld"
        )
        v = data.comparison("naleving_eerste_controle_pct")
        if v and v["verschil"] is not None:
            line += (
                f" ({nl_signed(v['verschil'], 1)} procentpunt bij dezelfde "
                f"{v['partners_beide']} omgevingsdiensten als in {data.year - 1})"
            )
        lines.append(
            line + ". Controles worden vooral ingezet waar een risico wordt verwacht; dit is dus "
            "geen nalevingspercentage van alle inrichtingen."
        )
    e, m = k.get("ernstige_overtredingen"), k.get("controles_met_overtreding")
    if e and m and m["waarde"] is not None:
        lines.append(
            f"Bij {nl_number(m['waarde'])} controles werd een overtreding vastgesteld; bij "
            f"{nl_number(e['waarde'])} daarvan had die ernstige of zeer ernstige gevolgen "
            "(C of D)."
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
            line += (
                f"; bij {nl_number(p['waarde'], 1)}% van de geïnspecteerde inrichtingen werd "
                "een overtreding vastgesteld"
            )
        lines.append(line + ".")
    dq = data.table("datakwaliteit.csv")
    required = dq.filter(pl.col("verplicht") == "ja")
    got = required.filter(pl.col("geleverd") == "ja").height
    quarantined = int(dq["quarantaine"].sum() or 0)
    rows = "regel voldeed" if quarantined == 1 else "regels voldeden"
    lines.append(
        f"{got} van de {required.height} verplichte leveringen zijn ontvangen en verwerkt; "
        f"{nl_number(quarantined)} {rows} niet aan de aanleverspecificatie en "
        f"{'telt' if quarantined == 1 else 'tellen'} niet mee (zie bijlage A, datakwaliteit)."
    )
    return lines


def _pct_of(part: str | None, whole: str | None) -> str | None:
    """A share for a sentence, half to even like every figure; None when not defined."""
    if part is None or whole is None or Decimal(whole) == 0:
        return None
    return nl_number(Decimal(part) * 100 / Decimal(whole), 0)


def _finding_controles(data: PublicationData) -> dict | None:
    c, v = data.national("controles"), data.comparison("controles")
    if not c or c["waarde"] is None:
        return None
    head = f"Omgevingsdiensten voerden {nl_figure(c['waarde'], 'controles')} controles uit"
    if v and v["verschil"] is not None:
        head += f"; bij dezelfde diensten als in {data.year - 1} {_movement(v, 'dat aantal')}"
    return {
        "kop": head + ".",
        "context": f"{c['geleverd']} van de {c['verwacht']} omgevingsdiensten leverden hun "
        "controles"
        + (f"; {v['partners_beide']} van hen leverden ook in {data.year - 1}." if v else "."),
        "kanttekening": "Het totaal van een jaar hangt af van wie leverde; een verandering is "
        "daarom alleen berekend over de diensten die in beide jaren leverden.",
    }


def _finding_naleving(data: PublicationData) -> dict | None:
    n, v = (
        data.national("naleving_eerste_controle_pct"),
        data.comparison("naleving_eerste_controle_pct"),
    )
    if not n or n["waarde"] is None:
        return None
    head = (
        f"Bij {nl_number(n['waarde'], 1)}% van de beoordeelde eerste controles werd geen "
        "overtreding vastgesteld"
    )
    if v and v["verschil"] is not None:
        word = "meer" if Decimal(v["verschil"]) > 0 else "minder"
        head += (
            f"; bij dezelfde diensten {nl_number(abs(Decimal(v['verschil'])), 1)} procentpunt "
            f"{word} dan in {data.year - 1}"
            if Decimal(v["verschil"]) != 0
            else f"; bij dezelfde diensten evenveel als in {data.year - 1}"
        )
    her = data.national("hercontrole_opgelost_pct")
    context = (
        f"Bij een hercontrole was de overtreding in {nl_number(her['waarde'], 1)}% van de "
        "gevallen opgelost."
        if her and her["waarde"] is not None
        else ""
    )
    return {
        "kop": head + ".",
        "context": context,
        "kanttekening": "Controles worden risicogericht ingezet; dit is geen "
        "nalevingspercentage van alle inrichtingen.",
    }


def _finding_ernst(data: PublicationData) -> dict | None:
    m, e = data.national("controles_met_overtreding"), data.national("ernstige_overtredingen")
    straf = data.national("strafrechtelijk_pct")
    if not m or not e or m["waarde"] is None or e["waarde"] is None:
        return None
    share = _pct_of(e["waarde"], m["waarde"])
    if share is None:
        return None
    return {
        "kop": f"Ongeveer {share}% van de vastgestelde overtredingen had ernstige of zeer "
        "ernstige gevolgen (C of D).",
        "context": f"Het gaat om {nl_number(e['waarde'])} van de {nl_number(m['waarde'])} "
        "controles met een overtreding"
        + (
            f"; {nl_number(straf['waarde'], 1)}% van de overtredingen werd strafrechtelijk "
            "afgedaan."
            if straf and straf["waarde"] is not None
            else "."
        ),
        "kanttekening": "De indeling in gevolgen volgt de Landelijke Handhavingsstrategie en "
        "is een oordeel van de toezichthouder.",
    }


def _finding_seveso(data: PublicationData) -> dict | None:
    g = data.national("seveso_geinspecteerd_pct")
    h = data.national("seveso_hoogdrempel_jaarlijks_pct")
    a = data.national("seveso_inrichtingen_actief")
    if not g or g["waarde"] is None or not a:
        return None
    breaks, sentence = seveso_breaks(data)
    return {
        "kop": f"{nl_number(g['waarde'], 1)}% van de {nl_number(a['waarde'])} actieve "
        "Seveso-inrichtingen kreeg een geïntegreerde inspectie.",
        "context": f"Van de hogedrempelinrichtingen, die elk jaar geïnspecteerd moeten "
        f"worden, was dat {nl_number(h['waarde'], 1)}%."
        if h and h["waarde"] is not None
        else "",
        "kanttekening": sentence
        if data.year in breaks
        else "Alleen inrichtingen die het hele jaar actief waren tellen mee; "
        f"{g['geleverd']} van de {g['verwacht']} verplichte leveringen van inspecties kwamen "
        "binnen.",
    }


def _finding_uitkomsten(data: PublicationData) -> dict | None:
    better = worse = 0
    for ind, info in data.indicatoren.items():
        v = data.comparison(OUTCOME_PREFIX + ind)
        richting = info.get("richting", "")
        if not v or v["verschil"] is None or richting not in ("hoger_beter", "lager_beter"):
            continue
        change = Decimal(v["verschil"])
        if change == 0:
            continue
        if (change > 0) == (richting == "hoger_beter"):
            better += 1
        else:
            worse += 1
    if better + worse == 0:
        return None
    return {
        "kop": f"Van de {better + worse} uitkomstindicatoren die te vergelijken zijn, "
        f"verbeterden er {better} ten opzichte van {data.year - 1}.",
        "context": "Vergeleken is steeds over de gemeenten die in beide jaren een waarde leverden.",
        "kanttekening": "Uitkomsten worden niet door alle partners geleverd en hangen van meer "
        "af dan vergunningverlening, toezicht en handhaving.",
    }


def kernboodschappen(data: PublicationData) -> list[dict]:
    """Three to five findings in plain Dutch, each with its context and caveat, all from
    published figures (no number is written by hand)."""
    findings = (
        _finding_controles,
        _finding_naleving,
        _finding_ernst,
        _finding_seveso,
        _finding_uitkomsten,
    )
    return [f for f in (make(data) for make in findings) if f][:5]


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
        config=PLOT_CONFIG,
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


def plotly_locale(assets_dir: Path) -> str:
    """A script registering the Dutch locale of plotly.js (toolbar texts, date names,
    separators); plotly.js ships no Dutch toolbar texts, so they are in the assets."""
    locale = json.loads((assets_dir / LOCALE_FILE).read_text(encoding="utf-8"))
    module = {"moduleType": "locale", "name": "nl", **locale}
    text = json.dumps(module, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f"Plotly.register({text});"


def narrow_js(assets_dir: Path) -> str:
    """The script that reflows the charts on a narrow screen, to inline in a <script>."""
    js = (assets_dir / NARROW_JS).read_text(encoding="utf-8")
    if "</script" in js.lower():
        raise ValueError(f"{NARROW_JS} contains '</script' and cannot be inlined")
    return js


def render_chart_page(chart: Chart, assets_dir: Path, year: int) -> str:
    """The stand-alone interactive page of a chart (`figuren/<name>.html`), title and source
    inside the figure, plotly.js from the file beside it."""
    div = pio.to_html(
        chart.figure_dict,  # plotly validated the figure when it was built
        validate=False,
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.name,
        default_width="100%",
        config=PLOT_CONFIG,
    )
    return (
        _environment(assets_dir)
        .get_template("figure.html.j2")
        .render(
            name=chart.name,
            title=chart.title,
            alt=chart.alt,
            div=div,
            source=chart.source,
            jaar=year,
            plotly_locale=plotly_locale(assets_dir),
            narrow_js=narrow_js(assets_dir),
        )
    )


def code_line() -> str:
    """The code a report was built with, in Dutch: version and git commit (as manifest.json)."""
    commit, dirty = git_state(project_root())
    if commit == "onbekend":
        return f"vth-pipeline {package_version('vth-pipeline')} (commit onbekend)"
    extra = ", met niet-vastgelegde wijzigingen" if dirty else ""
    return f"vth-pipeline {package_version('vth-pipeline')} (commit {commit[:12]}{extra})"


def render_report(
    data: PublicationData,
    charts: list[Chart],
    assets_dir: Path,
    folder: Path,
    neighbours: dict[str, int] | None = None,
    texts: Texts | None = None,
    base: str | None = None,
) -> str:
    """`index.html` of the year in `folder` (links are relative to it); `neighbours` are the
    previous and next years with a report (`vorig`, `volgend`); `texts` the policy staff's
    texts of the year (`publish/texts.py`); `base` a `<base href>` for a preview written
    outside the year's folder."""
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
        plotly_locale=plotly_locale(assets_dir) if charts else "",
        narrow_js=narrow_js(assets_dir) if charts else "",
        samenvatting=summary_lines(data),
        kernboodschappen=kernboodschappen(data),
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
        code=code_line(),
        manifest=MANIFEST,
        downloads=downloads,
        figure_downloads=list(chart_ctx.values()),
        has_overview=True,
        buren=neighbours or {},
        publicatie=publication_info(assets_dir, data.year),
        tekst=text_context(texts),
        base=base,
    )


def text_context(texts: Texts | None) -> dict:
    """The texts as safe HTML for the template: introduction, key messages, chapters."""
    if texts is None:
        return {"inleiding": None, "kernboodschappen": None, "hoofdstukken": {}}
    return {
        "inleiding": texts.html(texts.inleiding),
        "kernboodschappen": texts.html(texts.kernboodschappen),
        "hoofdstukken": {k: texts.html(v) for k, v in texts.hoofdstukken.items() if v},
    }


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
            "volledigheid": [
                "{} van {}".format(*y.get("geleverd", {}).get(f, ("–", "–")))
                for f in OVERVIEW_FIGURES
            ],
            "downloads": y.get("downloads", {}),
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
