"""Chapter 2, provincies: controles and naleving by the provincie of the bevoegd gezag."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.charts.common import (
    BLUE,
    GREEN,
    PCT_TICKS,
    Chart,
    completeness,
    finish,
    hbar_height,
    label_margin,
    num,
)
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_list, nl_number


def provincies(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    pv = data.table("provincies.csv").sort("controles", "provincie_code")
    if pv.height == 0 or not pv["controles"].sum():
        return None
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=(label("controles"), label("naleving_eerste_controle_pct")),
    )
    fig.add_bar(
        x=pv["controles"].to_list(),
        y=pv["naam"].to_list(),
        orientation="h",
        marker_color=BLUE,
        text=[nl_number(v) for v in pv["controles"]],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.0f} controles<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        x=[num(v) for v in pv["naleving_eerste_controle_pct"]],
        y=pv["naam"].to_list(),
        orientation="h",
        marker_color=GREEN,
        text=[nl_number(v, 1) for v in pv["naleving_eerste_controle_pct"]],
        textposition="outside",
        hovertemplate="%{y}: %{x:,.1f}%<extra></extra>",
        row=1,
        col=2,
    )
    most = pv.max()["controles"][0]
    biggest = pv.filter(pl.col("controles") == most)["naam"].to_list()
    fig.update_layout(showlegend=False)
    fig.update_xaxes(range=[0, most * 1.2], row=1, col=1)
    fig.update_xaxes(range=[0, 112], tickvals=PCT_TICKS, row=1, col=2)
    rated = pv.filter(pl.col("naleving_eerste_controle_pct").is_not_null())
    title = (
        f"De meeste controles vielen onder bevoegd gezag in {nl_list(biggest)} ({nl_number(most)})"
    )
    if rated.height:
        low = rated["naleving_eerste_controle_pct"].min()
        high = rated["naleving_eerste_controle_pct"].max()
        title += f"; naleving per provincie van {nl_number(low, 1)}% tot {nl_number(high, 1)}%"
    source = (
        f"Bron: controles {data.year} naar de provincie van het bevoegd gezag; geleverd door "
        f"{completeness(data, 'controles')} omgevingsdiensten."
    )
    alt = (
        "Twee liggende staafdiagrammen per provincie: het aantal controles en de naleving bij "
        f"eerste controle. {title}."
    )
    return finish(
        fig,
        "provincies",
        title,
        alt,
        source,
        theme,
        hbar_height(pv.height),
        label_margin(pv["naam"].to_list()),
    )
