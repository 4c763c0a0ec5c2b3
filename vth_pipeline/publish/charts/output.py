"""Chapter 1, output of the omgevingsdiensten: controles, naleving and controledichtheid per
omgevingsdienst, the interventions and the LHSO matrix."""

from __future__ import annotations

import bisect

import plotly.graph_objects as go
import polars as pl

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.charts.common import (
    BLUE,
    GREEN,
    PCT_TICKS,
    SEQUENTIAL,
    SKY,
    VERMILLION,
    Chart,
    completeness,
    finish,
    hbar_height,
    label_margin,
    num,
)
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_figure, nl_list, nl_number

NATIONAL_BAR = "Landelijk"
NATIONAL_COLOUR = "#4d4d4d"  # dark grey: 7.6:1 against white, apart from the palette


def _missing(data: PublicationData, soort: str, partner_soort: str) -> list[str]:
    """Partners of a kind that had to deliver `soort` this year and did not."""
    dq = data.table("datakwaliteit.csv")
    rows = dq.filter(
        (pl.col("soort") == soort) & (pl.col("verplicht") == "ja") & (pl.col("geleverd") == "nee")
    )
    return [c for c in rows["partner_code"] if data.partners.get(c, ("", ""))[1] == partner_soort]


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
        f"Bron: controles {data.year}; geleverd door {completeness(data, 'controles')} "
        f"omgevingsdiensten.{_missing_text(data, 'controles')}"
    )
    alt = f"Liggend staafdiagram van het aantal controles per omgevingsdienst. {title}."
    return finish(
        fig,
        "controles_per_omgevingsdienst",
        title,
        alt,
        source,
        theme,
        hbar_height(od.height),
        label_margin(od["naam"].to_list()),
    )


def _pct_per_omgevingsdienst(
    data: PublicationData,
    theme: go.layout.Template,
    figure: str,
    name: str,
    needs: str,
) -> Chart | None:
    """A sorted bar per omgevingsdienst for a percentage, the national figure ranked among them."""
    what = label(figure).removesuffix(" (%)")
    od = data.table("omgevingsdiensten.csv")
    shown = od.filter(pl.col(figure).is_not_null()).sort(figure, "partner_code")
    if shown.height == 0:
        return None
    empty = od.filter(pl.col(figure).is_null())["naam"].to_list()
    values = [num(v) for v in shown[figure]]
    names = shown["naam"].to_list()
    texts = [nl_figure(v, figure) for v in shown[figure]]
    colour = GREEN if figure.startswith("naleving") else SKY
    colours = [colour] * len(values)
    nat = data.national(figure)
    if nat and nat["waarde"] is not None:
        # the national figure is a bar of its own in the ranking (dark grey): no reference line
        # for value labels to run across, on a phone as on paper
        at = bisect.bisect_left(values, num(nat["waarde"]))
        values.insert(at, num(nat["waarde"]))
        names.insert(at, NATIONAL_BAR)
        texts.insert(at, nl_figure(nat["waarde"], figure))
        colours.insert(at, NATIONAL_COLOUR)
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colours,
            text=texts,
            textposition="outside",
            hovertemplate="%{y}: %{x:,.1f}%<extra></extra>",
        )
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
        f"{completeness(data, figure)} omgevingsdiensten."
    )
    if empty:
        source += f" Niet te berekenen (geen gegevens of geheel 0): {nl_list(sorted(empty))}."
    alt = (
        f"Liggend staafdiagram van {what.lower()} per omgevingsdienst, gesorteerd, met het "
        f"landelijke cijfer als donkergrijze staaf. {title}."
    )
    return finish(
        fig,
        name,
        title,
        alt,
        source,
        theme,
        hbar_height(len(names)),
        label_margin(names),
    )


def naleving_per_omgevingsdienst(data: PublicationData, theme: go.layout.Template) -> Chart | None:
    return _pct_per_omgevingsdienst(
        data,
        theme,
        "naleving_eerste_controle_pct",
        "naleving_per_omgevingsdienst",
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
        f"{completeness(data, 'controles')} omgevingsdiensten. Interventies van licht naar zwaar."
    )
    alt = f"Liggend staafdiagram van de zwaarste interventie na een overtreding. {title}."
    return finish(
        fig,
        "interventiemix",
        title,
        alt,
        source,
        theme,
        hbar_height(len(codes)),
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
        f"{completeness(data, 'controles')} omgevingsdiensten. Matrix van de Landelijke "
        "Handhavingsstrategie Omgevingsrecht (2022)."
    )
    alt = (
        "Heatmap van het aantal overtredingen naar gevolgen (A tot D) en gedrag (1 tot 4) "
        f"volgens de LHSO-interventiematrix. {title}."
    )
    return finish(
        fig, "lhso_matrix", title, alt, source, theme, 500, label_margin(list(fig.data[0].y))
    )
