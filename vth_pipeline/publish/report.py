"""The yearly report (`index.html`) and the overview of all years, in Dutch, readable offline.

It reads only the published tables and the charts made from them: every number it shows is a
number in a published table. Delivered text (partner names, ids, messages, file names) reaches
the page only through Jinja's autoescaping; chart data are escaped by plotly's JSON encoder.
plotly.js is inlined once, so the page needs no network and no other script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version as package_version
from pathlib import Path

import jinja2
import plotly
import plotly.graph_objects as go
import polars as pl
from markupsafe import Markup, escape

from vth_pipeline.contract.publication import GENERAL_RULES, PUBLISHED_TABLES, TABLES_BY_FILE, label
from vth_pipeline.publish.charts import Chart, frame_layout
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import (
    EMPTY,
    decimals_of,
    nl_figure,
    nl_number,
    nl_plain,
    nl_signed,
)
from vth_pipeline.publish.glossary import definition_groups
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
# The overview links these files of every year (name -> path in the year's folder).
OVERVIEW_DOWNLOADS = {
    "Rapport": "index.html",
    "Tabellen (Excel)": "tabellen/tabellen.xlsx",
    "Landelijke cijfers (CSV)": "tabellen/landelijk.csv",
    "Vergelijking met het jaar ervoor (CSV)": "tabellen/vergelijking.csv",
    "Validatie": "validatie.html",
    "Herkomst (manifest)": "manifest.json",
}


@dataclass(frozen=True)
class TableView:
    """A table as the report shows it: Dutch headers, Dutch numbers, escaped by the template."""

    id: str
    caption: str
    header: list[dict]  # {"label": str, "num": bool}
    rows: list[list[str]]
    file: str | None = None  # the published table it comes from (download link)
    note: str = ""
    wide: bool = False


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


def _cell(value, column: str, numeric: bool) -> str:
    """Dutch notation; an empty figure shows as a dash, an empty text as nothing."""
    if value is None:
        return EMPTY if numeric else ""
    if not numeric:
        return str(value)
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:
        return nl_plain(value)  # a staged value with the partner's precision
    return nl_number(value, decimals_of(column))


def table_view(
    frame: pl.DataFrame,
    id: str,
    caption: str,
    file: str | None = None,
    columns: Iterable[str] | None = None,
    note: str = "",
    labels: dict[str, str] | None = None,
) -> TableView:
    """A published frame rendered column by column (no computation, only formatting)."""
    columns = list(columns or frame.columns)
    numeric = {c: frame.schema[c].is_numeric() for c in columns}
    header = [{"label": (labels or {}).get(c) or label(c), "num": numeric[c]} for c in columns]
    rows = [
        [_cell(v, c, numeric[c]) for c, v in zip(columns, row, strict=True)]
        for row in frame.select(columns).iter_rows()
    ]
    return TableView(id, caption, header, rows, file, note, wide=len(columns) > 9)


def _figure_cell(value: str | None, figure: str) -> str:
    return nl_figure(value, figure) if value is not None else EMPTY


def _change_text(row: dict) -> str:
    """`+1,8 procentpunt` for a percentage, `+201 (+8,6%)` for a count."""
    if row["verschil"] is None:
        return ""
    if row["figuur"].endswith("_pct"):
        return f"{nl_signed(row['verschil'], 1)} procentpunt"
    text = nl_signed(row["verschil"], decimals_of(row["figuur"]))
    if row["verschil_pct"] is not None:
        text += f" ({nl_signed(row['verschil_pct'], 1)}%)"
    return text


def _who(figure: str) -> str:
    if figure.startswith("seveso_"):
        return "partners"
    return "gebieden" if figure.startswith("uitkomst_") else "omgevingsdiensten"


def like_for_like(data: PublicationData, figure: str) -> str:
    """The change over the vergelijkbare kern in words (`bij dezelfde 25 omgevingsdiensten
    +368 (+3,1%)`), or why there is none; never a change of totals."""
    row = data.comparison(figure)
    if row is None:
        return f"geen vergelijking met {data.year - 1}"
    if row["verschil"] is None:
        if figure.startswith("seveso_"):
            return f"niet te vergelijken met {data.year - 1}: niet dezelfde partners leverden"
        return f"niet te vergelijken met {data.year - 1}: geen {_who(figure)} in beide jaren"
    if figure.startswith("seveso_"):  # compared only when the same partners delivered
        return f"dezelfde partners leverden als in {data.year - 1}: {_change_text(row)}"
    return (
        f"bij dezelfde {row['partners_beide']} {_who(figure)} als in {data.year - 1}: "
        f"{_change_text(row)}"
    )


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
                "waarde": _figure_cell(r["waarde"], figure),
                "vorig": nl_figure(r["waarde_vorig_jaar"], figure),
                "verschil": like_for_like(data, figure),
                "volledigheid": f"{r['geleverd']} van {r['verwacht']} {who} geleverd",
            }
        )
    return out


def _kerncijfers_view(data: PublicationData, seveso: bool) -> TableView:
    """The national figures (of the first table, or the Seveso ones) beside last year's."""
    frame = data.table("kerncijfers.csv").filter(
        pl.col("figuur").str.starts_with("seveso_") == seveso
    )
    header = [
        {"label": "Cijfer", "num": False},
        {"label": str(data.year), "num": True},
        {"label": str(data.year - 1), "num": True},
        {"label": "Verschil", "num": True},
        {"label": f"Geleverd {data.year}", "num": True},
        {"label": f"Geleverd {data.year - 1}", "num": True},
    ]
    rows = [
        [
            label(r["figuur"], data.labels.get("seveso_handhaving")),
            _figure_cell(r["waarde"], r["figuur"]),
            nl_figure(r["waarde_vorig_jaar"], r["figuur"]) or EMPTY,
            _change_text(r),
            f"{r['geleverd']} van {r['verwacht']}",
            f"{r['geleverd_vorig_jaar']} van {r['verwacht']}"
            if r["geleverd_vorig_jaar"] is not None
            else "",
        ]
        for r in frame.iter_rows(named=True)
    ]
    return TableView(
        "tabel-landelijk-seveso" if seveso else "tabel-landelijk",
        f"Landelijke {'Seveso-' if seveso else ''}cijfers {data.year} en {data.year - 1}",
        header,
        rows,
        "kerncijfers.csv",
        "Geleverd: hoeveel partners de gegevens leverden die het cijfer nodig heeft, van hoeveel "
        "dat hadden moeten doen. Het verschil van een percentage is in procentpunten.",
    )


def _named(frame: pl.DataFrame, data: PublicationData, key: str = "partner_code") -> pl.DataFrame:
    names = pl.DataFrame(
        {key: list(data.partners), "naam": [v[0] for v in data.partners.values()]},
        schema={key: pl.String, "naam": pl.String},
    )
    named = frame.join(names, on=key, how="left")
    return named.with_columns(
        naam=pl.when(pl.col(key) == "NL").then(pl.lit("Landelijk")).otherwise(pl.col("naam"))
    )


def _interventies_view(data: PublicationData) -> TableView:
    long = data.table("interventies.csv")
    codes = [c for c in data.labels.get("interventie", {}) if c in set(long["interventie"])]
    if long.height == 0:
        return table_view(long, "tabel-interventies", f"Interventies {data.year}")
    wide = long.pivot(on="interventie", index="partner_code", values="aantal").fill_null(0)
    wide = _named(wide, data).select("naam", *codes)
    names = {c: data.labels["interventie"][c] for c in codes}
    return table_view(
        wide,
        "tabel-interventies",
        f"Controles met overtreding naar zwaarste interventie, {data.year}",
        "interventies.csv",
        labels=names,
        note="Een lege combinatie (0) staat niet in het CSV-bestand, dat alleen aantallen groter "
        "dan 0 bevat.",
    )


def _lhso_view(data: PublicationData) -> TableView:
    nl = data.table("lhso.csv").filter(pl.col("partner_code") == "NL")
    gevolg, gedrag = data.labels.get("lhs_gevolg", {}), data.labels.get("lhs_gedrag", {})
    cell = {(g, b): n for g, b, n in nl.select("lhs_gevolg", "lhs_gedrag", "aantal").iter_rows()}
    header = [{"label": "Gevolgen \\ gedrag", "num": False}] + [
        {"label": f"{b}: {name}", "num": True} for b, name in gedrag.items()
    ]
    rows = [
        [f"{g}: {name}", *(nl_number(cell.get((g, b), 0)) for b in gedrag)]
        for g, name in gevolg.items()
    ]
    return TableView(
        "tabel-lhso",
        f"Overtredingen in de LHSO-matrix, landelijk, {data.year}",
        header,
        rows,
        "lhso.csv",
        "Per omgevingsdienst staan de cellen in het CSV-bestand.",
    )


def _seveso_view(data: PublicationData) -> TableView:
    """Transposed: one row per figure, one column per scope, so it fits a page."""
    sev = data.table("seveso.csv")
    scopes = sev["scope"].to_list()
    names = {"NL": "Landelijk", "hoog": "Hogedrempel", "laag": "Lagedrempel"}
    header = [{"label": "Cijfer", "num": False}] + [
        {"label": names.get(s) or data.naam(s), "num": True} for s in scopes
    ]
    handhaving = data.labels.get("seveso_handhaving", {})
    rows = [
        [label(c, handhaving), *(_cell(v, c, True) for v in sev[c])]
        for c in sev.columns
        if c != "scope"
    ]
    return TableView(
        "tabel-seveso",
        f"Seveso-cijfers {data.year}, landelijk, per drempel en per Seveso-omgevingsdienst",
        header,
        rows,
        "seveso.csv",
        wide=True,
    )


def _uitkomsten_view(data: PublicationData) -> TableView:
    nl = data.table("uitkomsten.csv").filter(pl.col("gebied") == "NL")
    ind = data.indicatoren
    nl = nl.with_columns(
        indicator=pl.col("indicator").replace_strict(
            {k: f"{v.get('omschrijving', k)} ({v.get('eenheid', '')})" for k, v in ind.items()},
            default=pl.col("indicator"),
        )
    )
    return table_view(
        nl,
        "tabel-uitkomsten",
        f"Uitkomstindicatoren {data.year}, landelijk",
        "uitkomsten.csv",
        columns=(
            "indicator",
            "waarde",
            "waarde_vorig_jaar",
            "verschil_pct",
            "geleverd_door",
            "opmerking",
        ),
        note="De waarden per gemeente en provincie staan in uitkomsten.csv.",
    )


def _datakwaliteit_view(data: PublicationData) -> TableView:
    dq = data.table("datakwaliteit.csv").filter(
        (pl.col("verplicht") == "ja") | ~pl.col("status").is_in(["niet_gevraagd", "niet_geleverd"])
    )
    return table_view(
        _named(dq, data),
        "tabel-datakwaliteit",
        f"Leveringen per partner en soort, {data.year}",
        "datakwaliteit.csv",
        columns=(
            "partner_code",
            "naam",
            "soort",
            "verplicht",
            "geleverd",
            "status",
            "rijen",
            "geaccepteerd",
            "quarantaine",
            "reden",
        ),
        note="Alleen verplichte en ontvangen leveringen; alle combinaties (met bestand, "
        "leverdatum en SHA-256) staan in datakwaliteit.csv.",
    )


def _validation_views(data: PublicationData) -> list[TableView]:
    """The asset checks of the year (staat.validatie): what did not pass, and per dataset."""
    rows = data.validatie
    problems = [r for r in rows if r["uitkomst"] != "geslaagd"]
    text = {"label": "", "num": False}
    failed = TableView(
        "tabel-validatie",
        f"Toetsen die niet slaagden, {data.year}",
        [
            text | {"label": "Gegevensset"},
            text | {"label": "Toets"},
            text | {"label": "Ernst"},
            text | {"label": "Uitkomst"},
            {"label": "Afwijkende rijen", "num": True},
            text | {"label": "Toelichting"},
        ],
        [
            [
                r["dataset_label"],
                r["toets"],
                r["ernst"],
                r["uitkomst_label"],
                nl_number(r["afwijkende_rijen"]) or EMPTY,
                r["toelichting"] or "",
            ]
            for r in problems
        ],
    )
    per: dict[str, list[int]] = {}
    for r in rows:
        counts = per.setdefault(r["dataset_label"], [0, 0, 0, 0])
        counts[0] += 1
        counts[("geslaagd", "waarschuwing", "mislukt").index(r["uitkomst"]) + 1] += 1
    summary = TableView(
        "tabel-validatie-datasets",
        f"Toetsen per gegevensset, {data.year}",
        [text | {"label": "Gegevensset"}]
        + [{"label": h, "num": True} for h in ("Toetsen", "Geslaagd", "Waarschuwing", "Mislukt")],
        [[name, *(nl_number(n) for n in counts)] for name, counts in per.items()],
    )
    return [failed, summary]


def validation_summary(data: PublicationData) -> dict[str, int]:
    rows = data.validatie
    return {
        "toetsen": len(rows),
        "verwachtingen": sum(r["verwachtingen"] or 0 for r in rows),
        "datasets": len({r["dataset"] for r in rows}),
        **{
            u: sum(r["uitkomst"] == u for r in rows)
            for u in ("geslaagd", "waarschuwing", "mislukt")
        },
    }


def table_views(data: PublicationData) -> dict[str, TableView]:
    """Every table of the report, by id; the template places them in their chapters."""
    year = data.year
    od = data.table("omgevingsdiensten.csv")
    pv = data.table("provincies.csv")
    t = TABLES_BY_FILE
    not_used = data.table("leveringen.csv").filter(pl.col("status") != "in_gebruik")
    views = [
        _kerncijfers_view(data, seveso=False),
        _kerncijfers_view(data, seveso=True),
        table_view(
            od,
            "tabel-omgevingsdiensten",
            f"Output per omgevingsdienst, {year}",
            "omgevingsdiensten.csv",
            columns=("partner_code", "naam", *t["omgevingsdiensten.csv"].columns[1:-1]),
        ),
        _interventies_view(data),
        _lhso_view(data),
        table_view(
            pv,
            "tabel-provincies",
            f"Controles per provincie van het bevoegd gezag, {year}",
            "provincies.csv",
            columns=("provincie_code", "naam", *t["provincies.csv"].columns[1:-1]),
        ),
        _uitkomsten_view(data),
        _seveso_view(data),
        table_view(
            data.table("seveso_reeks.csv"),
            "tabel-seveso-reeks",
            f"Landelijke Seveso-cijfers tot en met {year}: berekend en eerder gepubliceerd",
            "seveso_reeks.csv",
            columns=t["seveso_reeks.csv"].columns[:-2],
            note="Gepubliceerd: zoals in de Staat van de Veiligheid Brzo-bedrijven en de "
            "jaarverslagen van BRZO+; de vindplaats van elk jaar en de opmerkingen staan in "
            "seveso_reeks.csv. Berekend: uit de leveringen, volgens de rekenregels.",
        ),
        table_view(
            data.table("seveso_integratie.csv"),
            "tabel-seveso-integratie",
            f"Geïntegreerde inspecties die niet meetellen, {year}",
            "seveso_integratie.csv",
        ),
        table_view(
            data.table("seveso_conflicten.csv"),
            "tabel-seveso-conflicten",
            f"Integratieconflicten {year}: rijen met hetzelfde gezamenlijke kenmerk die het "
            "oneens zijn over inrichting of datum",
            "seveso_conflicten.csv",
        ),
        _datakwaliteit_view(data),
        table_view(
            data.table("quarantaine_regels.csv"),
            "tabel-quarantaine",
            f"Rijen in quarantaine per bestand en regel, {year}",
            "quarantaine_regels.csv",
        ),
        table_view(
            not_used,
            "tabel-bestanden",
            f"Ontvangen bestanden die niet (meer) worden gebruikt, {year}",
            "leveringen.csv",
            columns=("pad", "status", "reden"),
        ),
        *_validation_views(data),
    ]
    return {v.id: v for v in views}


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
    data: PublicationData,
    charts: list[Chart],
    assets_dir: Path,
    folder: Path,
    neighbours: dict[str, int] | None = None,
) -> str:
    """`index.html` of the year in `folder` (links are relative to it); `neighbours` are the
    previous and next years with a report (`vorig`, `volgend`)."""
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
        buren=neighbours or {},
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
