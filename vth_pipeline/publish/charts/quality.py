"""Annex A, data quality: which required deliveries each partner made, year by year."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vth_pipeline.publish.charts.common import Chart, finish, label_margin
from vth_pipeline.publish.data import PublicationData


def volledigheid(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    dq = data.datakwaliteit_reeks.filter(pl.col("verplicht") == "ja")
    if dq.height == 0:
        return None
    per = (
        dq.group_by("partner_code", "jaar")
        .agg(geleverd=(pl.col("geleverd") == "ja").sum(), verplicht=pl.len())
        .sort("partner_code", "jaar")
    )
    partners = sorted(set(per["partner_code"]), key=lambda c: (data.partners.get(c, ("", c))[1], c))
    years = sorted(set(per["jaar"]))
    cell = {(p, y): (g, v) for p, y, g, v in per.iter_rows()}
    z = [
        [cell[(p, y)][0] / cell[(p, y)][1] if (p, y) in cell else None for y in years]
        for p in partners
    ]
    text = [
        [f"{cell[(p, y)][0]}/{cell[(p, y)][1]}" if (p, y) in cell else "" for y in years]
        for p in partners
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(y) for y in years],
            y=[f"{data.naam(p)} ({p})" for p in partners],
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "#fde0c5"], [0.5, "#e69f00"], [1.0, "#0072B2"]],
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: %{text} verplichte leveringen ingelezen<extra></extra>",
            colorbar={"title": "Ingelezen", "tickformat": ".0%"},
            xgap=2,
            ygap=1,
        )
    )
    fig.update_layout(
        xaxis={"type": "category", "title": "Verslagjaar", "side": "top"},
        yaxis={"autorange": "reversed", "title": None, "tickfont": {"size": 10}},
    )
    cur = per.filter(pl.col("jaar") == data.year)
    got, want = int(cur["geleverd"].sum()), int(cur["verplicht"].sum())
    complete = cur.filter(pl.col("geleverd") == pl.col("verplicht")).height
    title = (
        f"{got} van de {want} verplichte leveringen over {data.year} zijn ingelezen; "
        f"{complete} van de {cur.height} partners leverden alles"
    )
    source = (
        "Bron: datakwaliteit per jaar; verplicht volgens de aanleverspecificatie, ingelezen = "
        "een leesbaar bestand in gebruik. Per cel: ingelezen / verplicht."
    )
    alt = (
        "Heatmap per partner en verslagjaar van het aantal ingelezen verplichte leveringen "
        f"gedeeld door het aantal verplichte leveringen. {title}."
    )
    labels = list(fig.data[0].y)
    return finish(
        fig,
        "volledigheid",
        title,
        alt,
        source,
        theme,
        18 * len(partners) + 260,
        label_margin(labels, 5.8),
    )
