"""Charts of the publication, built from staat tables only (never from raw or staged data).

Each chart states its finding in the title and its data and completeness in a source line;
labels and numbers are Dutch (1.234,5); the theme is `assets/theme.json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from vth_pipeline.publish.formatting import nl_number


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    source: str
    figure: go.Figure


@dataclass(frozen=True)
class ChartData:
    """The staat tables a year's charts need (national ones over all years up to it)."""

    year: int
    landelijk: pl.DataFrame  # all years <= year: jaar, figuur, waarde, geleverd, verwacht
    omgevingsdiensten: pl.DataFrame
    interventies: pl.DataFrame
    lhso: pl.DataFrame
    datakwaliteit: pl.DataFrame  # all years <= year
    labels: dict[str, dict[str, str]]  # code list -> code -> description


def load_theme(assets_dir: Path) -> go.layout.Template:
    spec = json.loads((assets_dir / "theme.json").read_text(encoding="utf-8"))
    spec.pop("_comment", None)
    return go.layout.Template(spec)


def _national(data: ChartData, figuur: str) -> pl.DataFrame:
    return (
        data.landelijk.filter(pl.col("figuur") == figuur)
        .with_columns(pl.col("waarde").cast(pl.Float64))
        .sort("jaar")
    )


def _style(fig: go.Figure, title: str, source: str, theme: go.layout.Template) -> go.Figure:
    fig.update_layout(
        template=theme,
        title={"text": title},
        annotations=[
            *fig.layout.annotations,
            {
                "text": source,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.28,
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 11, "color": "#4d4d4d"},
            },
        ],
    )
    return fig


def trend_landelijk(data: ChartData, theme: go.layout.Template) -> Chart | None:
    controles = _national(data, "controles")
    naleving = _national(data, "naleving_eerste_controle_pct")
    if controles.height == 0:
        return None
    years = [str(y) for y in controles["jaar"]]
    fig = go.Figure()
    fig.add_bar(
        x=years,
        y=controles["waarde"],
        name="Controles",
        yaxis="y",
        hovertemplate="%{x}: %{y:,.0f} controles<extra></extra>",
    )
    fig.add_scatter(
        x=years,
        y=naleving["waarde"],
        name="Naleving bij eerste controle (%)",
        yaxis="y2",
        mode="lines+markers",
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
    )
    fig.update_layout(
        yaxis={"title": "Aantal controles", "rangemode": "tozero"},
        yaxis2={
            "title": "Naleving (%)",
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "showgrid": False,
        },
        xaxis={"type": "category", "title": "Verslagjaar"},
    )
    last = controles.filter(pl.col("jaar") == data.year)
    n = last["waarde"][0] if last.height else None
    nal = naleving.filter(pl.col("jaar") == data.year)["waarde"]
    nal_text = (
        f"; {nl_number(nal[0], 1)}% naleving bij eerste controle"
        if len(nal) and nal[0] is not None
        else ""
    )
    title = f"{nl_number(n, 0)} controles in {data.year}{nal_text}"
    geleverd = last["geleverd"][0] if last.height else 0
    verwacht = last["verwacht"][0] if last.height else 0
    source = (
        f"Bron: controles van {geleverd} van {verwacht} omgevingsdiensten geleverd "
        f"({data.year}); eerdere jaren zoals toen geleverd."
    )
    alt = (
        f"Staafdiagram van het aantal controles per verslagjaar met een lijn voor het "
        f"nalevingspercentage bij eerste controle; {title}."
    )
    return Chart("trend_landelijk", title, alt, source, _style(fig, title, source, theme))


def controles_per_omgevingsdienst(data: ChartData, theme: go.layout.Template) -> Chart | None:
    od = data.omgevingsdiensten.sort("controles")
    if od.height == 0:
        return None
    fig = go.Figure(
        go.Bar(
            x=od["controles"],
            y=od["partner_code"],
            orientation="h",
            name="Controles",
            customdata=od["naam"],
            hovertemplate="%{customdata}: %{x:,.0f} controles<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(400, 22 * od.height + 150),
        xaxis={"title": "Aantal controles"},
        yaxis={"title": None},
    )
    top = od.sort("controles", descending=True).row(0, named=True)
    title = (
        f"{top['naam']} voerde in {data.year} de meeste controles uit "
        f"({nl_number(top['controles'], 0)})"
    )
    source = f"Bron: controles {data.year}, {od.height} omgevingsdiensten die controles leverden."
    alt = f"Liggend staafdiagram van het aantal controles per omgevingsdienst; {title}."
    return Chart(
        "controles_per_omgevingsdienst", title, alt, source, _style(fig, title, source, theme)
    )


def interventiemix(data: ChartData, theme: go.layout.Template) -> Chart | None:
    nl = data.interventies.filter(pl.col("partner_code") == "NL").sort("aantal", descending=True)
    if nl.height == 0:
        return None
    names = [data.labels.get("interventie", {}).get(c, c) for c in nl["interventie"]]
    fig = go.Figure(
        go.Bar(
            x=nl["aantal"], y=names, orientation="h", hovertemplate="%{y}: %{x:,.0f}<extra></extra>"
        )
    )
    fig.update_layout(
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"title": "Aantal controles met overtreding"},
    )
    total = nl["aantal"].sum()
    first = nl.row(0, named=True)
    title = (
        f"{names[0]} was bij {nl_number(100 * first['aantal'] / total, 1)}% van de "
        f"overtredingen de zwaarste interventie"
    )
    source = f"Bron: controles met overtreding {data.year}, landelijk."
    alt = f"Staafdiagram van de zwaarste interventie na een overtreding; {title}."
    return Chart("interventiemix", title, alt, source, _style(fig, title, source, theme))


def lhso_matrix(data: ChartData, theme: go.layout.Template) -> Chart | None:
    nl = data.lhso.filter(pl.col("partner_code") == "NL")
    if nl.height == 0:
        return None
    gevolg = sorted(data.labels.get("lhs_gevolg", {}) or set(nl["lhs_gevolg"]))
    gedrag = sorted(data.labels.get("lhs_gedrag", {}) or set(nl["lhs_gedrag"]))
    cell = {(r["lhs_gevolg"], r["lhs_gedrag"]): r["aantal"] for r in nl.iter_rows(named=True)}
    z = [[cell.get((g, b), 0) for b in gedrag] for g in gevolg]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{b}: {data.labels.get('lhs_gedrag', {}).get(b, b)}" for b in gedrag],
            y=[f"{g}: {data.labels.get('lhs_gevolg', {}).get(g, g)}" for g in gevolg],
            colorscale="Blues",
            text=z,
            texttemplate="%{text:,.0f}",
            hovertemplate="%{y} / %{x}: %{z:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": "Gedrag"}, yaxis={"title": "Gevolgen", "autorange": "reversed"}
    )
    total = sum(sum(r) for r in z)
    serious = sum(cell.get((g, b), 0) for g in ("C", "D") for b in gedrag)
    title = (
        f"{nl_number(100 * serious / total, 1) if total else '-'}% van de overtredingen had "
        "ernstige of zeer ernstige gevolgen (C of D)"
    )
    source = f"Bron: controles met overtreding {data.year}, landelijk; LHSO-matrix (2022)."
    alt = f"Heatmap van overtredingen naar gevolgen en gedrag (LHSO); {title}."
    return Chart("lhso_matrix", title, alt, source, _style(fig, title, source, theme))


def volledigheid(data: ChartData, theme: go.layout.Template) -> Chart | None:
    dq = data.datakwaliteit.filter(pl.col("verplicht") == "ja")
    if dq.height == 0:
        return None
    per = (
        dq.group_by("jaar", "soort")
        .agg(geleverd=(pl.col("geleverd") == "ja").sum(), verwacht=pl.len())
        .sort("jaar", "soort")
    )
    fig = go.Figure()
    for soort in sorted(set(per["soort"])):
        s = per.filter(pl.col("soort") == soort)
        fig.add_bar(
            x=[str(y) for y in s["jaar"]],
            y=100 * s["geleverd"] / s["verwacht"],
            name=soort,
            customdata=list(zip(s["geleverd"], s["verwacht"], strict=True)),
            hovertemplate="%{x}: %{customdata[0]} van %{customdata[1]}<extra>" + soort + "</extra>",
        )
    fig.update_layout(
        barmode="group",
        yaxis={"title": "Geleverd (%)", "range": [0, 100]},
        xaxis={"type": "category", "title": "Verslagjaar"},
    )
    cur = per.filter(pl.col("jaar") == data.year)
    got, want = int(cur["geleverd"].sum()), int(cur["verwacht"].sum())
    title = f"{got} van de {want} verplichte leveringen over {data.year} zijn ingelezen"
    source = "Bron: leveringen en inlezing per partner; verplicht volgens de aanleverspecificatie."
    alt = f"Staafdiagram van het percentage verplichte leveringen per soort en jaar; {title}."
    return Chart("volledigheid", title, alt, source, _style(fig, title, source, theme))


CHARTS: tuple[Callable[[ChartData, go.layout.Template], Chart | None], ...] = (
    trend_landelijk,
    controles_per_omgevingsdienst,
    interventiemix,
    lhso_matrix,
    volledigheid,
)


def build_charts(data: ChartData, theme: go.layout.Template) -> list[Chart]:
    return [c for c in (make(data, theme) for make in CHARTS) if c is not None]


def write_chart_html(chart: Chart, folder: Path) -> Path:
    """Interactive HTML beside a shared plotly.min.js (one copy per folder, no CDN)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chart.name}.html"
    chart.figure.write_html(
        str(path),
        include_plotlyjs="directory",
        full_html=True,
        div_id=chart.name,
        config={"displaylogo": False, "responsive": True},
    )
    return path
