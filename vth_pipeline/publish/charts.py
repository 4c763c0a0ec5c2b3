"""Charts of the publication, built from published tables only (never from raw or staged data).

Each chart states its finding in the title and its data and completeness in a source line;
labels and numbers are Dutch (1.234,5); the theme (`assets/theme.json`) gives one look and the
Okabe-Ito palette, which stays distinguishable for colour-blind readers. Every number a chart
shows is a number in a published table of the year (or of an earlier year, for series).

A chart function returns None when its data are absent (e.g. no Seveso deliveries); the report
then says so instead of showing an empty frame.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_figure, nl_list, nl_number, nl_signed

# Okabe-Ito, by role, so that a series keeps its colour in every chart.
BLUE, ORANGE, GREEN = "#0072B2", "#E69F00", "#009E73"
SKY, VERMILLION, BLACK = "#56B4E9", "#D55E00", "#000000"
SEQUENTIAL = [[0.0, "#f2f6fa"], [0.5, "#6aaed6"], [1.0, "#08306b"]]

PCT_TICKS = [0, 20, 40, 60, 80, 100]
WIDTH = 1000  # static images, in CSS pixels
SOURCE_OFFSET = 64  # pixels from the plot area down to the source line (below the x axis)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    source: str
    figure: go.Figure

    @property
    def height(self) -> int:
        return int(self.figure.layout.height or 480)


def load_theme(assets_dir: Path) -> go.layout.Template:
    spec = json.loads((assets_dir / "theme.json").read_text(encoding="utf-8"))
    spec.pop("_comment", None)
    return go.layout.Template(spec)


def _num(value) -> float | None:
    """Plotly needs floats; an empty figure stays None (a gap, never 0)."""
    if value is None or value == "":
        return None
    return float(Decimal(str(value)))


def _years(frame: pl.DataFrame) -> list[str]:
    return [str(y) for y in frame["jaar"]]


def _series(data: PublicationData, figure: str) -> pl.DataFrame:
    return data.landelijk_reeks.filter(pl.col("figuur") == figure).sort("jaar")


def _completeness(data: PublicationData, figure: str) -> str:
    row = data.national(figure)
    if row is None:
        return "geen gegevens"
    return f"{row['geleverd']} van {row['verwacht']}"


def _seveso_completeness(data: PublicationData) -> str:
    """Which of the required Seveso deliveries of the year arrived."""
    return (
        f"{data.year}: registers van {_completeness(data, 'seveso_inrichtingen_actief')} "
        f"provincies, inspecties van {_completeness(data, 'seveso_inspecties')} verplichte "
        "partners geleverd"
    )


def _wrap(text: str, width: int = 95) -> str:
    """Plotly does not wrap titles: break long ones on words."""
    return "<br>".join(textwrap.wrap(text, width)) or text


CHAR_PX = 7.2  # average width of a character at the theme's font size, for layout estimates
TITLE_LINE_PX = 24
LEGEND_ROW_PX = 24
EDGE_PX = 12  # title, legend and source line start this far from the image's left edge
TOP_PX = 18  # and the title this far from its top edge


def label_margin(labels: list[str], char_px: float = CHAR_PX) -> int:
    """Left margin that fits the longest category label, so title and source can align left."""
    return int(min(440, max(70, char_px * max((len(x) for x in labels), default=0) + 28)))


def _legend_rows(fig: go.Figure) -> int:
    """How many rows the horizontal legend takes at the static image's width (estimate)."""
    entries = [
        t.name
        for t in fig.data
        if t.name and t.showlegend is not False and t.type not in ("heatmap",)
    ]
    if fig.layout.showlegend is False or len(entries) < 2:
        return 0
    if fig.layout.legend.entrywidthmode == "fraction" and fig.layout.legend.entrywidth:
        return math.ceil(len(entries) * fig.layout.legend.entrywidth)
    rows, used = 1, 0.0
    for name in entries:
        width = CHAR_PX * len(name) + 48
        if used and used + width > WIDTH - 2 * EDGE_PX:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def frame_layout(fig: go.Figure, title: str | None) -> go.Figure:
    """Title, legend and plot area from the top down, without overlap, at a fixed pixel layout.

    Plotly positions titles and legends in fractions of the figure; these are computed from
    the figure's height so that the finding (title) always reads first, then the legend.
    """
    height = int(fig.layout.height or 480)
    lines = len(textwrap.wrap(title, 95)) if title else 0
    legend_rows = _legend_rows(fig)
    subplot_titles = any(
        a.name != "bron" and a.yref == "paper" and a.y == 1 for a in fig.layout.annotations
    )
    top_axis = fig.layout.xaxis.side == "top"
    title_px = TOP_PX + TITLE_LINE_PX * lines + (8 if lines else 0)
    top = title_px + LEGEND_ROW_PX * legend_rows + (10 if legend_rows else 0)
    top += (30 if subplot_titles else 0) + (45 if top_axis else 0) + 14
    fig.update_layout(
        title=(
            {
                "text": _wrap(title),
                "xref": "container",
                "x": EDGE_PX / WIDTH,
                "yref": "container",
                "y": 1 - TOP_PX / height,
                "yanchor": "top",
            }
            if title
            else None
        ),
        legend={
            "xref": "container",
            "x": EDGE_PX / WIDTH,
            "yref": "container",
            "y": 1 - title_px / height,
            "yanchor": "top",
            "orientation": "h",
        },
        margin={"t": top},
    )
    return fig


def _finish(
    fig: go.Figure,
    name: str,
    title: str,
    alt: str,
    source: str,
    theme: go.layout.Template,
    height: int = 480,
    left: int = 70,
) -> Chart:
    """Theme, title, source line and stable trace ids (no random ids in published files)."""
    wrapped = _wrap(source, 150)
    bottom = SOURCE_OFFSET + 16 * (wrapped.count("<br>") + 1) + 14
    fig.update_layout(template=theme, height=height, margin={"b": bottom, "l": left})
    fig.add_annotation(
        name="bron",
        text=wrapped,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        xshift=-(left - EDGE_PX),
        yshift=-SOURCE_OFFSET,
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#4d4d4d"},
    )
    frame_layout(fig, title)
    for i, trace in enumerate(fig.data):
        trace.uid = f"{name}-{i}"
    return Chart(name, title, alt, source, fig)


def _hbar_height(n: int) -> int:
    return max(420, 24 * n + 190)


# --- output of the omgevingsdiensten -----------------------------------------------------------


def trend_landelijk(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    controles = _series(data, "controles")
    naleving = _series(data, "naleving_eerste_controle_pct")
    if controles.filter(pl.col("jaar") == data.year).height == 0:
        return None
    fig = go.Figure()
    fig.add_bar(
        x=_years(controles),
        y=[_num(v) for v in controles["waarde"]],
        name="Controles",
        marker_color=BLUE,
        customdata=list(zip(controles["geleverd"], controles["verwacht"], strict=True)),
        hovertemplate="%{x}: %{y:,.0f} controles<br>geleverd door %{customdata[0]} van "
        "%{customdata[1]} omgevingsdiensten<extra></extra>",
    )
    fig.add_scatter(
        x=_years(naleving),
        y=[_num(v) for v in naleving["waarde"]],
        name="Naleving bij eerste controle (%)",
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
    prev = naleving.filter(pl.col("jaar") == data.year - 1)
    title = f"{nl_figure(n['waarde'], 'controles')} controles in {data.year}"
    if nal and nal["waarde"] is not None:
        title += f"; naleving bij eerste controle {nl_number(nal['waarde'], 1)}%"
        if prev.height and prev["waarde"][0] is not None:
            delta = Decimal(nal["waarde"]) - Decimal(prev["waarde"][0])
            title += f" ({nl_signed(delta, 1)} procentpunt t.o.v. {data.year - 1})"
    per_year = ", ".join(
        f"{y}: {g} van {v}"
        for y, g, v in controles.select("jaar", "geleverd", "verwacht").iter_rows()
    )
    source = f"Bron: controles van de omgevingsdiensten, per jaar zoals toen geleverd ({per_year})."
    alt = (
        "Staafdiagram van het landelijke aantal controles per verslagjaar met een lijn voor de "
        f"naleving bij eerste controle. {title}."
    )
    return _finish(fig, "trend_landelijk", title, alt, source, theme)


def _missing(data: PublicationData, soort: str, partner_soort: str) -> list[str]:
    """Partners of a kind that had to deliver `soort` this year and did not."""
    dq = data.table("datakwaliteit.csv")
    rows = dq.filter(
        (pl.col("soort") == soort) & (pl.col("verplicht") == "ja") & (pl.col("geleverd") == "nee")
    )
    return [c for c in rows["partner_code"] if data.partners.get(c, ("", ""))[1] == partner_soort]


def _delivered(data: PublicationData, soort: str) -> int:
    dq = data.table("datakwaliteit.csv")
    return dq.filter((pl.col("soort") == soort) & (pl.col("geleverd") == "ja")).height


def _missing_text(data: PublicationData, soort: str) -> str:
    missing = _missing(data, soort, "omgevingsdienst")
    return f" Niet geleverd: {nl_list(missing)}." if missing else ""


def controles_per_omgevingsdienst(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    od = data.table("omgevingsdiensten.csv").sort("controles", "partner_code")
    if od.height == 0:
        return None
    fig = go.Figure(
        go.Bar(
            x=od["controles"].to_list(),
            y=od["naam"].to_list(),
            orientation="h",
            marker_color=BLUE,
            text=[nl_number(v) for v in od["controles"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.0f} controles<extra></extra>",
        )
    )
    fig.update_layout(xaxis={"title": "Aantal controles"}, yaxis={"title": None}, showlegend=False)
    top = od.row(od.height - 1, named=True)
    total = data.national("controles")
    title = (
        f"{top['naam']} voerde in {data.year} de meeste controles uit: "
        f"{nl_number(top['controles'])} van de {nl_number(total['waarde'])}"
    )
    source = (
        f"Bron: controles {data.year}; geleverd door {_completeness(data, 'controles')} "
        f"omgevingsdiensten.{_missing_text(data, 'controles')}"
    )
    alt = f"Liggend staafdiagram van het aantal controles per omgevingsdienst. {title}."
    return _finish(
        fig,
        "controles_per_omgevingsdienst",
        title,
        alt,
        source,
        theme,
        _hbar_height(od.height),
        label_margin(od["naam"].to_list()),
    )


def _pct_per_omgevingsdienst(
    data: PublicationData,
    theme: go.layout.Template,
    figure: str,
    name: str,
    what: str,
    needs: str,
) -> Chart | None:
    """A sorted bar per omgevingsdienst for a percentage, with the national figure as a line."""
    od = data.table("omgevingsdiensten.csv")
    shown = od.filter(pl.col(figure).is_not_null()).sort(figure, "partner_code")
    if shown.height == 0:
        return None
    empty = od.filter(pl.col(figure).is_null())["naam"].to_list()
    values = [_num(v) for v in shown[figure]]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=shown["naam"].to_list(),
            orientation="h",
            marker_color=GREEN if figure.startswith("naleving") else SKY,
            text=[nl_figure(v, figure) for v in shown[figure]],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.1f}%<extra></extra>",
        )
    )
    nat = data.national(figure)
    if nat and nat["waarde"] is not None:
        fig.add_vline(
            x=_num(nat["waarde"]),
            line={"color": BLACK, "dash": "dash", "width": 1.5},
            layer="below",
            annotation_text=f"Landelijk {nl_figure(nat['waarde'], figure)}%",
            annotation_position="top",
        )
    fig.update_layout(
        xaxis={
            "title": f"{what} (%)",
            "range": [0, max(112.0, max(values) * 1.12)],
            "tickvals": PCT_TICKS,
        },
        yaxis={"title": None},
        showlegend=False,
    )
    low, high = shown.row(0, named=True), shown.row(shown.height - 1, named=True)
    title = (
        f"{what} liep in {data.year} uiteen van {nl_figure(low[figure], figure)}% "
        f"({low['naam']}) tot {nl_figure(high[figure], figure)}% ({high['naam']})"
    )
    if nat and nat["waarde"] is not None:
        title += f"; landelijk {nl_figure(nat['waarde'], figure)}%"
    source = (
        f"Bron: {needs} {data.year}; landelijk cijfer uit de leveringen van "
        f"{_completeness(data, figure)} omgevingsdiensten."
    )
    if empty:
        source += f" Niet te berekenen (geen gegevens of geheel 0): {nl_list(sorted(empty))}."
    alt = f"Liggend staafdiagram van {what.lower()} per omgevingsdienst, gesorteerd. {title}."
    return _finish(
        fig,
        name,
        title,
        alt,
        source,
        theme,
        _hbar_height(shown.height),
        label_margin(shown["naam"].to_list()),
    )


def naleving_per_omgevingsdienst(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    return _pct_per_omgevingsdienst(
        data,
        theme,
        "naleving_eerste_controle_pct",
        "naleving_per_omgevingsdienst",
        "Naleving bij eerste controle",
        "controles",
    )


def controledichtheid_per_omgevingsdienst(
    data: PublicationData, theme: go.layout.Template
) -> Chart | None:
    return _pct_per_omgevingsdienst(
        data,
        theme,
        "controledichtheid_pct",
        "controledichtheid_per_omgevingsdienst",
        "Controledichtheid",
        "controles en het kengetal inrichtingen in beheer",
    )


def interventiemix(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    nl = data.table("interventies.csv").filter(pl.col("partner_code") == "NL")
    if nl.height == 0:
        return None
    order = list(data.labels.get("interventie", {}))  # ascending weight, as the code list
    counts = dict(nl.select("interventie", "aantal").iter_rows())
    codes = [c for c in order if c in counts] + sorted(set(counts) - set(order))
    names = [data.labels.get("interventie", {}).get(c, c) for c in codes]
    fig = go.Figure(
        go.Bar(
            x=[counts[c] for c in codes],
            y=names,
            orientation="h",
            marker_color=VERMILLION,
            text=[nl_number(counts[c]) for c in codes],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"title": "Controles met overtreding, naar zwaarste interventie"},
        showlegend=False,
    )
    total = data.national("controles_met_overtreding")
    top = max(codes, key=lambda c: (counts[c], c))
    title = (
        f"Bij {nl_number(counts[top])} van de {nl_number(total['waarde'])} controles met "
        f"overtreding was '{data.labels.get('interventie', {}).get(top, top).lower()}' de "
        "zwaarste interventie"
    )
    straf = data.national("strafrechtelijk_pct")
    if straf and straf["waarde"] is not None:
        title += f"; {nl_number(straf['waarde'], 1)}% werd strafrechtelijk afgedaan"
    source = (
        f"Bron: controles met overtreding {data.year}, landelijk; geleverd door "
        f"{_completeness(data, 'controles')} omgevingsdiensten. Interventies van licht naar zwaar."
    )
    alt = f"Liggend staafdiagram van de zwaarste interventie na een overtreding. {title}."
    return _finish(
        fig,
        "interventiemix",
        title,
        alt,
        source,
        theme,
        _hbar_height(len(codes)),
        label_margin(names),
    )


def lhso_matrix(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    nl = data.table("lhso.csv").filter(pl.col("partner_code") == "NL")
    if nl.height == 0:
        return None
    gevolg_labels = data.labels.get("lhs_gevolg", {})
    gedrag_labels = data.labels.get("lhs_gedrag", {})
    gevolg = list(gevolg_labels) or sorted(set(nl["lhs_gevolg"]))
    gedrag = list(gedrag_labels) or sorted(set(nl["lhs_gedrag"]))
    cell = {(g, b): n for g, b, n in nl.select("lhs_gevolg", "lhs_gedrag", "aantal").iter_rows()}
    z = [[cell.get((g, b), 0) for b in gedrag] for g in gevolg]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{b}: {gedrag_labels.get(b, b)}" for b in gedrag],
            y=[f"{g}: {gevolg_labels.get(g, g)}" for g in gevolg],
            colorscale=SEQUENTIAL,
            text=[[nl_number(v) for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
            colorbar={"title": "Aantal"},
        )
    )
    fig.update_layout(
        xaxis={"title": "Gedrag van de overtreder", "side": "bottom"},
        yaxis={"title": "Gevolgen", "autorange": "reversed"},
    )
    ernstig = data.national("ernstige_overtredingen")
    total = data.national("controles_met_overtreding")
    title = (
        f"{nl_number(ernstig['waarde'])} van de {nl_number(total['waarde'])} overtredingen "
        "hadden ernstige of zeer ernstige gevolgen (C of D)"
    )
    source = (
        f"Bron: controles met overtreding {data.year}, landelijk; geleverd door "
        f"{_completeness(data, 'controles')} omgevingsdiensten. Matrix van de Landelijke "
        "Handhavingsstrategie Omgevingsrecht (2022)."
    )
    alt = (
        "Heatmap van het aantal overtredingen naar gevolgen (A tot D) en gedrag (1 tot 4) "
        f"volgens de LHSO-interventiematrix. {title}."
    )
    return _finish(
        fig, "lhso_matrix", title, alt, source, theme, 500, label_margin(list(fig.data[0].y))
    )


def provincies(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    pv = data.table("provincies.csv").sort("controles", "provincie_code")
    if pv.height == 0 or not pv["controles"].sum():
        return None
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=("Controles", "Naleving bij eerste controle (%)"),
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
        x=[_num(v) for v in pv["naleving_eerste_controle_pct"]],
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
        f"{_completeness(data, 'controles')} omgevingsdiensten."
    )
    alt = (
        "Twee liggende staafdiagrammen per provincie: het aantal controles en de naleving bij "
        f"eerste controle. {title}."
    )
    return _finish(
        fig,
        "provincies",
        title,
        alt,
        source,
        theme,
        _hbar_height(pv.height),
        label_margin(pv["naam"].to_list()),
    )


# --- outcomes ----------------------------------------------------------------------------------


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
            x=_years(s),
            y=[_num(v) for v in s["waarde"]],
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
    return _finish(fig, "uitkomsten", title, alt, source, theme, 230 * rows + 200)


# --- Seveso ------------------------------------------------------------------------------------


def _reeks(data: PublicationData, bron: str) -> pl.DataFrame:
    return data.table("seveso_reeks.csv").filter(pl.col("bron") == bron).sort("jaar")


def _seveso_line(
    fig: go.Figure,
    frame: pl.DataFrame,
    column: str,
    name: str,
    color: str,
    published: bool,
    row: int,
    col: int,
    unit: str,
) -> None:
    """One series; published figures dashed with open markers, so they are never mistaken."""
    frame = frame.filter(pl.col(column).is_not_null())
    if frame.height == 0:
        return
    fmt = "%{y:,.1f}%" if unit == "%" else "%{y:,.0f}"
    fig.add_scatter(
        x=_years(frame),
        y=[_num(v) for v in frame[column]],
        name=f"{name} ({'gepubliceerd' if published else 'berekend'})",
        mode="lines+markers",
        line={
            "color": color,
            "dash": "dot" if published else "solid",
            "width": 2 if published else 3,
        },
        marker={"symbol": "circle-open" if published else "circle", "size": 10, "color": color},
        hovertemplate=f"%{{x}}: {fmt}<extra>{'gepubliceerd' if published else 'berekend'}</extra>",
        row=row,
        col=col,
    )


def _all_years(*frames: pl.DataFrame) -> list[str]:
    return sorted({str(y) for f in frames for y in f["jaar"]})


def seveso_trend(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    computed = _reeks(data, "berekend").filter(pl.col("inspecties").is_not_null())
    published = _reeks(data, "gepubliceerd")
    if computed.height == 0:
        return None
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=(
            "Inspecties en geïnspecteerde inrichtingen",
            "Geïnspecteerde inrichtingen met en zonder overtreding (%)",
        ),
    )
    series = (
        ("inspecties", "Inspecties", BLUE, 1, ""),
        ("inrichtingen_geinspecteerd", "Geïnspecteerde inrichtingen", ORANGE, 1, ""),
        ("inrichtingen_met_overtreding_pct", "Met overtreding", VERMILLION, 2, "%"),
        ("inrichtingen_zonder_overtreding_pct", "Zonder overtreding", GREEN, 2, "%"),
    )
    for column, name, color, col, unit in series:
        for frame, is_published in ((computed, False), (published, True)):
            _seveso_line(fig, frame, column, name, color, is_published, 1, col, unit)
    # two columns: each series computed (left) beside published (right)
    fig.update_layout(legend={"entrywidth": 0.5, "entrywidthmode": "fraction"})
    published = published.filter(pl.any_horizontal(pl.col([c for c, *_ in series]).is_not_null()))
    years = _all_years(computed, published)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=years,
        range=[-0.5, len(years) - 0.5],
    )
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 100], row=1, col=2)
    now = computed.filter(pl.col("jaar") == data.year)
    title = f"Seveso-toezicht {data.year}"
    if now.height:
        r = now.row(0, named=True)
        title = f"{nl_number(r['inspecties'])} geïntegreerde Seveso-inspecties in {data.year}"
        if r["inrichtingen_met_overtreding_pct"] is not None:
            title += (
                f"; {nl_number(r['inrichtingen_met_overtreding_pct'], 1)}% van de "
                "geïnspecteerde inrichtingen had een overtreding"
            )
    pub_years = published["jaar"]
    source = (
        f"Bron: berekend (doorgetrokken lijn) uit de Seveso-registers en -inspecties "
        f"{computed['jaar'].min()}–{computed['jaar'].max()}; gepubliceerd (gestippeld, open "
        "rondjes): Staat van de Veiligheid Brzo-bedrijven en jaarverslagen BRZO+ "
        f"{min(pub_years) if len(pub_years) else ''}–{max(pub_years) if len(pub_years) else ''}"
        f", met vindplaats per jaar in seveso_reeks.csv. {_seveso_completeness(data)}."
    )
    alt = (
        "Twee lijndiagrammen over de jaren: links het aantal Seveso-inspecties en geïnspecteerde "
        "inrichtingen, rechts het aandeel inrichtingen met en zonder overtreding; berekende "
        f"cijfers doorgetrokken, eerder gepubliceerde cijfers gestippeld. {title}."
    )
    return _finish(fig, "seveso_trend", title, alt, source, theme, 600)


def seveso_overtredingen(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    computed = _reeks(data, "berekend").filter(pl.col("overtredingen_totaal").is_not_null())
    published = _reeks(data, "gepubliceerd").filter(pl.col("overtredingen_totaal").is_not_null())
    if computed.filter(pl.col("jaar") == data.year).height == 0:
        return None
    fig = go.Figure()
    for column, name, color in (
        ("overtredingen_cat1", "Categorie 1 (zwaar)", VERMILLION),
        ("overtredingen_cat2", "Categorie 2 (middelzwaar)", ORANGE),
        ("overtredingen_cat3", "Categorie 3 (licht)", SKY),
    ):
        fig.add_bar(
            x=_years(computed),
            y=computed[column].to_list(),
            name=f"{name}, berekend",
            marker_color=color,
            hovertemplate="%{x}: %{y:,.0f}<extra>" + name + "</extra>",
        )
    if published.height:
        fig.add_scatter(
            x=_years(published),
            y=published["overtredingen_totaal"].to_list(),
            name="Totaal, gepubliceerd",
            mode="markers",
            marker={"symbol": "diamond-open", "size": 12, "color": BLACK, "line": {"width": 2}},
            hovertemplate="%{x}: %{y:,.0f}<extra>gepubliceerd</extra>",
        )
    fig.update_layout(
        barmode="stack",
        xaxis={
            "type": "category",
            "title": "Verslagjaar",
            "categoryorder": "array",
            "categoryarray": _all_years(computed, published),
        },
        yaxis={"title": "Overtredingen", "rangemode": "tozero"},
    )
    r = computed.filter(pl.col("jaar") == data.year).row(0, named=True)
    title = (
        f"{nl_number(r['overtredingen_totaal'])} overtredingen bij Seveso-inspecties in "
        f"{data.year}, waarvan {nl_number(r['overtredingen_cat1'])} zwaar en "
        f"{nl_number(r['overtredingen_cat2'])} middelzwaar"
    )
    source = (
        "Bron: berekend uit de Seveso-inspecties (som over de partners per geïntegreerde "
        "inspectie); ruiten: eerder gepubliceerde totalen (seveso_reeks.csv). "
        f"{_seveso_completeness(data)}."
    )
    alt = f"Gestapeld staafdiagram van Seveso-overtredingen per categorie en jaar. {title}."
    return _finish(fig, "seveso_overtredingen", title, alt, source, theme)


def seveso_deelname(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    computed = _reeks(data, "berekend").filter(pl.col("inspecties").is_not_null())
    now = computed.filter(pl.col("jaar") == data.year)
    if now.height == 0:
        return None
    fig = go.Figure()
    for column, name, color in (
        ("deelname_arbeidsinspectie_pct", "Nederlandse Arbeidsinspectie", BLUE),
        ("deelname_veiligheidsregio_pct", "Veiligheidsregio", VERMILLION),
    ):
        fig.add_scatter(
            x=_years(computed),
            y=[_num(v) for v in computed[column]],
            name=name,
            mode="lines+markers+text",
            text=[nl_number(v, 1) for v in computed[column]],
            textposition="top center",
            line={"color": color, "width": 3},
            marker={"size": 9},
            hovertemplate="%{x}: %{y:,.1f}%<extra>" + name + "</extra>",
        )
    fig.update_layout(
        xaxis={"type": "category", "title": "Verslagjaar"},
        yaxis={"title": "Aandeel van de geïntegreerde inspecties (%)", "range": [0, 105]},
    )
    r = now.row(0, named=True)
    nla, vr = r["deelname_arbeidsinspectie_pct"], r["deelname_veiligheidsregio_pct"]
    title = (
        f"De Arbeidsinspectie nam in {data.year} deel aan {nl_number(nla, 1) or '–'}% van "
        f"de geïntegreerde Seveso-inspecties, een veiligheidsregio aan "
        f"{nl_number(vr, 1) or '–'}%"
    )
    source = (
        "Bron: Seveso-inspecties van omgevingsdiensten, NLA en veiligheidsregio's; geleverd door "
        f"{_completeness(data, 'seveso_inspecties')} verplichte partners ({data.year})."
    )
    alt = f"Lijndiagram van de deelname van NLA en veiligheidsregio's per jaar. {title}."
    return _finish(fig, "seveso_deelname", title, alt, source, theme, 440)


def seveso_dekking(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    sev = data.table("seveso.csv")
    scopes = sev.filter(~pl.col("scope").is_in(["hoog", "laag"]))
    if scopes.filter(pl.col("inrichtingen_actief").is_not_null()).height == 0:
        return None
    names = ["Landelijk" if s == "NL" else data.naam(s) for s in scopes["scope"]]
    fig = go.Figure()
    for column, name, color in (
        ("hoogdrempel_jaarlijks_pct", "Hogedrempel: dit jaar geïnspecteerd", BLUE),
        ("laagdrempel_driejaarlijks_pct", "Lagedrempel: in drie jaar geïnspecteerd", ORANGE),
    ):
        fig.add_bar(
            x=[_num(v) for v in scopes[column]],
            y=names,
            orientation="h",
            name=name,
            marker_color=color,
            text=[nl_number(v, 1) or "niet te berekenen" for v in scopes[column]],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.1f}%<extra>" + name + "</extra>",
        )
    fig.update_layout(
        barmode="group",
        xaxis={
            "title": "Aandeel van de actieve inrichtingen (%)",
            "range": [0, 125],
            "tickvals": PCT_TICKS,
        },
        yaxis={"autorange": "reversed", "title": None},
    )
    nl = scopes.filter(pl.col("scope") == "NL").row(0, named=True)
    hoog, laag = nl["hoogdrempel_jaarlijks_pct"], nl["laagdrempel_driejaarlijks_pct"]
    title = (
        f"{nl_number(hoog, 1) or '–'}% van de hogedrempelinrichtingen werd in {data.year} "
        "geïnspecteerd"
    )
    title += (
        f"; {nl_number(laag, 1)}% van de lagedrempelinrichtingen in {data.year - 2}–{data.year}"
        if laag is not None
        else f"; lagedrempel over drie jaar niet te berekenen ({data.year - 2} of "
        f"{data.year - 1} niet beschikbaar)"
    )
    source = (
        f"Bron: Seveso-registers en -inspecties {data.year - 2}–{data.year}; per "
        f"Seveso-omgevingsdienst volgens het register. {_seveso_completeness(data)}. Alleen "
        "inrichtingen die het hele jaar "
        "actief waren."
    )
    alt = (
        "Liggend staafdiagram per Seveso-omgevingsdienst en landelijk: het aandeel "
        "hogedrempelinrichtingen dat dit jaar is geïnspecteerd en het aandeel "
        f"lagedrempelinrichtingen dat in drie jaar is geïnspecteerd. {title}."
    )
    return _finish(
        fig,
        "seveso_dekking",
        title,
        alt,
        source,
        theme,
        _hbar_height(2 * len(names)),
        label_margin(names),
    )


# --- data quality ------------------------------------------------------------------------------


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
    return _finish(
        fig,
        "volledigheid",
        title,
        alt,
        source,
        theme,
        18 * len(partners) + 260,
        label_margin(labels, 5.8),
    )


CHARTS: tuple[Callable[[PublicationData, go.layout.Template], Chart | None], ...] = (
    trend_landelijk,
    controles_per_omgevingsdienst,
    naleving_per_omgevingsdienst,
    controledichtheid_per_omgevingsdienst,
    interventiemix,
    lhso_matrix,
    provincies,
    uitkomsten,
    seveso_trend,
    seveso_overtredingen,
    seveso_deelname,
    seveso_dekking,
    volledigheid,
)


def build_charts(data: PublicationData, theme: go.layout.Template) -> list[Chart]:
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
