"""Chapter 3, uitkomsten: one small bar chart per outcome indicator over the years."""

from __future__ import annotations

import math
import textwrap
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vth_pipeline.contract.publication import OUTCOME_PREFIX
from vth_pipeline.publish.charts.common import BLUE, SKY, Chart, finish, num, year_labels
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_plain, nl_signed


def _delivered(data: PublicationData, soort: str) -> int:
    dq = data.table("datakwaliteit.csv")
    return dq.filter((pl.col("soort") == soort) & (pl.col("geleverd") == "ja")).height


def unit_text(eenheid: str) -> str:
    """Units as readers write them (`m2` -> `m²`)."""
    return {"m2": "m²", "m3": "m³"}.get(eenheid, eenheid)


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
    # changes over the gebieden delivered in both years (vergelijking.csv), never of totals
    kern = {i: data.comparison(OUTCOME_PREFIX + i) or {} for i in indicators}
    changes = {
        i: Decimal(r["verschil"]) if r.get("verschil") is not None else None
        for i, r in kern.items()
    }

    def change_text(ind: str) -> str:
        r = kern[ind]
        if r.get("verschil") is None:
            return "geen vergelijking"
        if r.get("verschil_pct") is not None:
            text = f"{nl_signed(r['verschil_pct'], 1)}%"
        else:  # a base under 20: the absolute change only
            sign = "+" if Decimal(r["verschil"]) > 0 else ""
            text = sign + nl_plain(r["verschil"])
        return f"{text} bij {r['partners_beide']} gebieden"

    def panel_title(ind: str) -> str:
        info = data.indicatoren.get(ind, {})
        name = textwrap.shorten(info.get("omschrijving", ind), 42, placeholder="…")
        return f"{name}<br>({unit_text(info.get('eenheid', ''))}; {change_text(ind)})"

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
        f"{data.year}. Tussen haakjes de eenheid en de verandering t.o.v. {data.year - 1}, "
        "berekend over de gebieden die in beide jaren leverden. "
        f"Uitkomsten {data.year} geleverd door {_delivered(data, 'uitkomsten')} partners "
        "(niet verplicht)."
    )
    alt = (
        f"Kleine staafdiagrammen, één per uitkomstindicator, met de landelijke waarde per jaar. "
        f"{title}."
    )
    return finish(fig, "uitkomsten", title, alt, source, theme, 230 * rows + 200)
