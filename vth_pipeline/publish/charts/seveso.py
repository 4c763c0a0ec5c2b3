"""Chapter 4, integrated Seveso supervision: computed figures beside the earlier published
series, violations, participation of NLA and veiligheidsregio's, and coverage."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.charts.common import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PCT_TICKS,
    SKY,
    VERMILLION,
    Chart,
    completeness,
    finish,
    hbar_height,
    label_margin,
    num,
    year_labels,
)
from vth_pipeline.publish.data import PublicationData, seveso_breaks
from vth_pipeline.publish.formatting import nl_number


def _seveso_completeness(data: PublicationData) -> str:
    """Which of the required Seveso deliveries of the year arrived."""
    return (
        f"{data.year}: registers van {completeness(data, 'seveso_inrichtingen_actief')} "
        f"provincies, inspecties van {completeness(data, 'seveso_inspecties')} verplichte "
        "partners geleverd"
    )


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
        x=year_labels(frame),
        y=[num(v) for v in frame[column]],
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
        ("inspecties", label("inspecties"), BLUE, 1, ""),
        ("inrichtingen_geinspecteerd", label("inrichtingen_geinspecteerd"), ORANGE, 1, ""),
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
    breaks, sentence = seveso_breaks(data)
    for year in breaks[:1]:  # where the series change source, marked in both panels
        for col in (1, 2):
            fig.add_vline(
                x=str(year),
                line={"color": BLACK, "dash": "dot", "width": 1},
                row=1,
                col=col,
            )
        fig.add_annotation(
            x=str(year),
            y=1.0,
            xref="x",
            yref="paper",
            text="breuk in de tijdreeks",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11},
        )
    if sentence:
        source += " " + sentence
    alt = (
        "Twee lijndiagrammen over de jaren: links het aantal Seveso-inspecties en geïnspecteerde "
        "inrichtingen, rechts het aandeel inrichtingen met en zonder overtreding; berekende "
        f"cijfers doorgetrokken, eerder gepubliceerde cijfers gestippeld. {title}."
    )
    return finish(fig, "seveso_trend", title, alt, source, theme, 600)


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
            x=year_labels(computed),
            y=computed[column].to_list(),
            name=f"{name}, berekend",
            marker_color=color,
            hovertemplate="%{x}: %{y:,.0f}<extra>" + name + "</extra>",
        )
    if published.height:
        fig.add_scatter(
            x=year_labels(published),
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
    return finish(fig, "seveso_overtredingen", title, alt, source, theme)


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
            x=year_labels(computed),
            y=[num(v) for v in computed[column]],
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
        f"{completeness(data, 'seveso_inspecties')} verplichte partners ({data.year})."
    )
    alt = f"Lijndiagram van de deelname van NLA en veiligheidsregio's per jaar. {title}."
    return finish(fig, "seveso_deelname", title, alt, source, theme, 440)


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
            x=[num(v) for v in scopes[column]],
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
    return finish(
        fig,
        "seveso_dekking",
        title,
        alt,
        source,
        theme,
        hbar_height(2 * len(names)),
        label_margin(names),
    )
