"""Chapter 3, uitkomsten: one small bar chart per outcome indicator over the years."""

from __future__ import annotations

import math
import textwrap
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vth_pipeline.publish.charts.common import BLUE, SKY, Chart, finish, num, year_labels
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_signed


def _delivered(data: PublicationData, soort: str) -> int:
    dq = data.table("datakwaliteit.csv")
    return dq.filter((pl.col("soort") == soort) & (pl.col("geleverd") == "ja")).height


def _improved(change: Decimal | None, richting: str) -> bool | None:
    if change is None or richting not in ("hoger_beter", "lager_beter") or change == 0:
        return None
    return (change > 0) == (richting == "hoger_beter")


def uitkomsten(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    reeks = data.uitkomsten_reeks.filter(pl.col("waarde").is_not_null())
    current = reeks.filter(pl.col("jaar") == data.year)
    indicators = current["indicator"].to_list()
    if not indicators:
        return None
    cols = 3
    rows = math.ceil(len(indicators) / cols)
    changes = dict(current.select("indicator", "verschil_pct").iter_rows())

    def panel_title(ind: str) -> str:
        info = data.indicatoren.get(ind, {})
        name = textwrap.shorten(info.get("omschrijving", ind), 42, placeholder="…")
        change = changes.get(ind)
        text = f"{nl_signed(change, 1)}%" if change is not None else "geen vergelijking"
        return f"{name}<br>({info.get('eenheid', '')}; {text})"

    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[panel_title(i) for i in indicators],
        vertical_spacing=0.5 / rows,
        horizontal_spacing=0.07,
    )
    for k, ind in enumerate(indicators):
        s = reeks.filter(pl.col("indicator") == ind).sort("jaar")
        fig.add_bar(
            x=year_labels(s),
            y=[num(v) for v in s["waarde"]],
            marker_color=[BLUE if y == data.year else SKY for y in s["jaar"]],
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            name=ind,
            showlegend=False,
            row=k // cols + 1,
            col=k % cols + 1,
        )
    fig.update_xaxes(type="category")
    fig.update_annotations(font_size=12)
    verdict = [
        _improved(
            changes.get(i),
            data.indicatoren.get(i, {}).get("richting", ""),
        )
        for i in indicators
    ]
    compared = [v for v in verdict if v is not None]
    title = (
        f"{sum(compared)} van de {len(compared)} vergelijkbare uitkomstindicatoren "
        f"verbeterden ten opzichte van {data.year - 1}"
        if compared
        else f"Uitkomstindicatoren {data.year}: geen vergelijking met {data.year - 1} mogelijk"
    )
    source = (
        "Bron: uitkomsten, landelijk (de NL-rij, of de som over de gemeenten); donker: "
        f"{data.year}. Tussen haakjes de eenheid en de verandering t.o.v. {data.year - 1}. "
        f"Uitkomsten {data.year} geleverd door {_delivered(data, 'uitkomsten')} partners "
        "(niet verplicht)."
    )
    alt = (
        f"Kleine staafdiagrammen, één per uitkomstindicator, met de landelijke waarde per jaar. "
        f"{title}."
    )
    return finish(fig, "uitkomsten", title, alt, source, theme, 230 * rows + 200)
