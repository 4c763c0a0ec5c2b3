"""The national series of controles and naleving (chapter 1 and the overview of all years)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.charts.common import BLUE, ORANGE, Chart, finish, num, year_labels
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_figure, nl_number, nl_signed


def _series(data: PublicationData, figure: str) -> pl.DataFrame:
    return data.landelijk_reeks.filter(pl.col("figuur") == figure).sort("jaar")


def trend_landelijk(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    controles = _series(data, "controles")
    naleving = _series(data, "naleving_eerste_controle_pct")
    if controles.filter(pl.col("jaar") == data.year).height == 0:
        return None
    fig = go.Figure()
    fig.add_bar(
        x=year_labels(controles),
        y=[num(v) for v in controles["waarde"]],
        name=label("controles"),
        marker_color=BLUE,
        customdata=list(zip(controles["geleverd"], controles["verwacht"], strict=True)),
        hovertemplate="%{x}: %{y:,.0f} controles<br>geleverd door %{customdata[0]} van "
        "%{customdata[1]} omgevingsdiensten<extra></extra>",
    )
    fig.add_scatter(
        x=year_labels(naleving),
        y=[num(v) for v in naleving["waarde"]],
        name=label("naleving_eerste_controle_pct"),
        yaxis="y2",
        mode="lines+markers",
        line={"color": ORANGE, "width": 3},
        marker={"size": 9},
        hovertemplate="%{x}: %{y:,.1f}%<extra>naleving</extra>",
    )
    fig.update_layout(
        yaxis={"title": "Aantal controles", "rangemode": "tozero"},
        yaxis2={
            "title": "Naleving (%)",
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "tickmode": "array",
            "tickvals": [0, 20, 40, 60, 80, 100],
            "showgrid": False,
        },
        xaxis={"type": "category", "title": "Verslagjaar"},
    )
    n = data.national("controles")
    nal = data.national("naleving_eerste_controle_pct")
    title = f"{nl_figure(n['waarde'], 'controles')} controles in {data.year}"
    if nal and nal["waarde"] is not None:
        title += f"; naleving bij eerste controle {nl_number(nal['waarde'], 1)}%"
        kern = data.comparison("naleving_eerste_controle_pct")
        if kern and kern["verschil"] is not None:  # over the diensten delivering both years
            title += (
                f" ({nl_signed(kern['verschil'], 1)} procentpunt bij dezelfde "
                f"{kern['partners_beide']} diensten als in {data.year - 1})"
            )
    per_year = ", ".join(
        f"{y}: {g} van {v}"
        for y, g, v in controles.select("jaar", "geleverd", "verwacht").iter_rows()
    )
    source = f"Bron: controles van de omgevingsdiensten, per jaar zoals toen geleverd ({per_year})."
    alt = (
        "Staafdiagram van het landelijke aantal controles per verslagjaar met een lijn voor de "
        f"naleving bij eerste controle. {title}."
    )
    return finish(fig, "trend_landelijk", title, alt, source, theme)
