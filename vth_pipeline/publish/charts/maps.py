"""Maps: naleving per provincie, and naleving and controledichtheid per werkgebied.

The boundaries are CBS/PDOK's generalised provincies and gemeenten (TopoJSON in
`assets/geo/`, read offline). Each area is drawn as a filled polygon on a plain cartesian plot
(longitude scaled by cos 52°), not with plotly's geo layer, which fetches its base map from the
network. A werkgebied is the gemeenten the published table `werkgebieden.csv` assigns to an
omgevingsdienst (most controles in that gemeente as bevoegd gezag); gemeenten without controles
stay grey. Five classes of equal width, light to dark.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.charts.common import Chart, finish, num
from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_figure, nl_number

Ring = list[tuple[float, float]]
CLASSES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"
BORDER = "#595959"  # at least 3:1 against white
X_SCALE = math.cos(math.radians(52.2))  # degrees of longitude to those of latitude, locally
GEO_SOURCE = "Bron: CBS, PDOK (gebiedsindeling, CC BY 4.0)"


@dataclass(frozen=True)
class Geo:
    """Boundaries by CBS code: provincies, and gemeenten of the year's indeling."""

    provincies: dict[str, list[Ring]]
    gemeenten: dict[str, list[Ring]]


def _decode(path: Path) -> dict[str, list[Ring]]:
    """TopoJSON (quantized, delta-encoded arcs) to the outer and inner rings per statcode."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    shapes: dict[str, list[Ring]] = {}
    (collection,) = topo["objects"].values()
    for g in collection["geometries"]:
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        shapes[g["properties"]["statcode"]] = [ring(r) for poly in polygons for r in poly]
    return shapes


def load_geo(assets_dir: Path, year: int) -> Geo | None:
    """The boundaries for a year (the gemeenten of its indeling), or None without files."""
    folder = assets_dir / "geo"
    provincies, gemeenten = folder / "provincie_2023.topojson", folder / f"gemeente_{year}.topojson"
    if not (provincies.exists() and gemeenten.exists()):
        return None
    return Geo(_decoded(provincies), _decoded(gemeenten))


def _decoded(path: Path) -> dict[str, list[Ring]]:
    """`_decode` once per file and process (read-only: shared by every year that draws it).
    A build publishes several years with the same provincies; decoding took ~0.7 s a year.
    Keyed by the file's size and modification time, so a replaced file is read again."""
    stat = path.stat()
    return _decode_cached(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _decode_cached(path: str, mtime_ns: int, size: int) -> dict[str, list[Ring]]:
    return _decode(Path(path))


def _xy(rings: list[Ring]) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for r in rings:
        xs += [x * X_SCALE for x, _ in r] + [None]
        ys += [y for _, y in r] + [None]
    return xs, ys


def _classes(values: list[float], decimals: int) -> list[tuple[float, float]]:
    low, high = math.floor(min(values)), math.ceil(max(values))
    width = max((high - low) / len(CLASSES), 10**-decimals)
    return [(low + i * width, low + (i + 1) * width) for i in range(len(CLASSES))]


def _colour(value: float | None, bins: list[tuple[float, float]]) -> str:
    if value is None:
        return NO_DATA
    for i, (_, top) in enumerate(bins):
        if value <= top:
            return CLASSES[i]
    return CLASSES[-1]


def _map(
    areas: list[tuple[str, list[Ring], float | None]], figure: str, unit: str
) -> tuple[go.Figure, list[tuple[float, float]]]:
    """One filled trace per area (name, rings, value), a legend entry per class."""
    values = [v for _, _, v in areas if v is not None]
    bins = _classes(values, 1) if values else []
    fig = go.Figure()
    for name, rings, value in areas:
        xs, ys = _xy(rings)
        shown = f"{nl_figure(value, figure)}{unit}" if value is not None else "geen gegevens"
        fig.add_scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor=_colour(value, bins),
            mode="lines",
            line={"color": BORDER, "width": 0.6},
            name=f"{name}: {shown}",
            hoveron="fills",
            hoverinfo="name",
            showlegend=False,
        )
    # no classes when no area has a value (e.g. no omgevingsdienst delivered inrichtingen)
    for (low, high), colour in zip(bins, CLASSES[: len(bins)], strict=True):
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 14, "color": colour, "line": {"color": BORDER}},
            name=f"{nl_number(low, 1)}–{nl_number(high, 1)}{unit}",
        )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 14, "color": NO_DATA, "line": {"color": BORDER}},
        name="geen gegevens",
    )
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
        legend={"title": {"text": label(figure)}, "x": 0, "y": 1, "bgcolor": "#ffffff"},
        hovermode="closest",
    )
    return fig, bins


def naleving_kaart_provincies(
    data: PublicationData, theme: go.layout.Template, geo: Geo
) -> Chart | None:
    figure = "naleving_eerste_controle_pct"
    pv = data.table("provincies.csv")
    if pv.height == 0:
        return None
    areas = [
        (r["naam"], geo.provincies.get(r["provincie_code"], []), num(r[figure]))
        for r in pv.sort("provincie_code").iter_rows(named=True)
    ]
    fig, _ = _map(areas, figure, "%")
    known = pv.filter(pl.col(figure).is_not_null()).sort(figure, "provincie_code")
    title = f"Naleving bij eerste controle per provincie, {data.year}"
    if known.height:
        lo, hi = known.row(0, named=True), known.row(known.height - 1, named=True)
        title += (
            f": van {nl_figure(lo[figure], figure)}% ({lo['naam']}) tot "
            f"{nl_figure(hi[figure], figure)}% ({hi['naam']})"
        )
    source = (
        f"{GEO_SOURCE}; controles {data.year} naar de provincie van het bevoegd gezag. "
        "Grijs: geen beoordeelde eerste controles. De waarden staan in de tabel Controles per "
        "provincie (provincies.csv)."
    )
    alt = f"Kaart van Nederland met de naleving bij eerste controle per provincie. {title}."
    return finish(fig, "kaart_naleving_provincies", title, alt, source, theme, 780)


def _werkgebied_map(
    data: PublicationData, theme: go.layout.Template, geo: Geo, figure: str
) -> Chart | None:
    wg = data.table("werkgebieden.csv")
    od = {r["partner_code"]: r for r in data.table("omgevingsdiensten.csv").iter_rows(named=True)}
    if wg.height == 0 or not od:
        return None
    areas = []
    for code, gemeenten in wg.group_by("partner_code", maintain_order=True).agg("gm_code").rows():
        rings = [r for gm in sorted(gemeenten) for r in geo.gemeenten.get(gm, [])]
        if code is None:
            areas.append(("Gemeenten zonder controles", rings, None))
            continue
        row = od.get(code)
        areas.append((data.naam(code), rings, num(row[figure]) if row else None))
    areas.sort(key=lambda a: a[0])
    fig, _ = _map(areas, figure, "%")
    what = label(figure).removesuffix(" (%)")
    known = [(n, v) for n, _, v in areas if v is not None]
    title = f"{what} per werkgebied, {data.year}"
    if known:
        lo, hi = min(known, key=lambda a: a[1]), max(known, key=lambda a: a[1])
        title += (
            f": van {nl_figure(lo[1], figure)}% ({lo[0]}) tot {nl_figure(hi[1], figure)}% ({hi[0]})"
        )
    source = (
        f"{GEO_SOURCE}. Werkgebied: elke gemeente hoort bij de omgevingsdienst die er in "
        f"{data.year} de meeste controles uitvoerde met de gemeente als bevoegd gezag "
        "(werkgebieden.csv); gemeenten zonder controles en diensten zonder waarde zijn grijs. "
        "De waarden staan in de tabel Output per omgevingsdienst (omgevingsdiensten.csv)."
    )
    alt = f"Kaart van Nederland met {what.lower()} per werkgebied van een omgevingsdienst. {title}."
    return finish(
        fig, f"kaart_{figure.removesuffix('_pct')}_werkgebieden", title, alt, source, theme, 780
    )


def naleving_kaart_werkgebieden(
    data: PublicationData, theme: go.layout.Template, geo: Geo
) -> Chart | None:
    return _werkgebied_map(data, theme, geo, "naleving_eerste_controle_pct")


def controledichtheid_kaart_werkgebieden(
    data: PublicationData, theme: go.layout.Template, geo: Geo
) -> Chart | None:
    return _werkgebied_map(data, theme, geo, "controledichtheid_pct")


# One colour per Seveso-omgevingsdienst (the chart palette, each at least 3:1 against white).
DIENST_COLOURS = ("#0072B2", "#C17A00", "#009E73", "#D55E00", "#B95F96", "#8A7A00")


def seveso_kaart(data: PublicationData, theme: go.layout.Template, geo: Geo) -> Chart | None:
    """The gemeenten with active Seveso establishments, coloured by Seveso-omgevingsdienst."""
    loc = data.table("seveso_locaties.csv")
    if loc.height == 0:
        return None
    fig = go.Figure()
    with_est = set(loc["gm_code"].to_list())
    rest = [r for gm, rings in sorted(geo.gemeenten.items()) if gm not in with_est for r in rings]
    xs, ys = _xy(rest)
    fig.add_scatter(
        x=xs,
        y=ys,
        fill="toself",
        fillcolor="#f0f0f0",
        mode="lines",
        line={"color": BORDER, "width": 0.3},
        name="geen actieve Seveso-inrichting",
        hoverinfo="skip",
    )
    diensten = sorted(set(loc["partner_code"].drop_nulls().to_list()))
    for code, colour in zip(diensten, DIENST_COLOURS * 2, strict=False):
        mine = loc.filter(pl.col("partner_code") == code)
        rings = [r for gm in mine["gm_code"] for r in geo.gemeenten.get(gm, [])]
        xs, ys = _xy(rings)
        n = int(mine["inrichtingen_actief"].sum())
        fig.add_scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor=colour,
            mode="lines",
            line={"color": BORDER, "width": 0.6},
            name=f"{data.naam(code)}: {nl_number(n)} inrichtingen in {mine.height} gemeenten",
            hoveron="fills",
            hoverinfo="name",
        )
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
        legend={"x": 0, "y": 1, "bgcolor": "#ffffff"},
        hovermode="closest",
    )
    total = int(loc["inrichtingen_actief"].sum())
    title = (
        f"{nl_number(total)} actieve Seveso-inrichtingen in {len(with_est)} gemeenten, "
        f"{data.year}, per Seveso-omgevingsdienst"
    )
    source = (
        f"{GEO_SOURCE}; Seveso-register {data.year}, inrichtingen die het hele jaar actief "
        "waren. Gekleurd: gemeenten met ten minste één inrichting, naar de dienst van het "
        "register. De aantallen per gemeente staan in seveso_locaties.csv."
    )
    alt = f"Kaart van Nederland met de gemeenten waar Seveso-inrichtingen staan. {title}."
    return finish(fig, "kaart_seveso", title, alt, source, theme, 780)


MAPS = (
    naleving_kaart_provincies,
    naleving_kaart_werkgebieden,
    controledichtheid_kaart_werkgebieden,
    seveso_kaart,
)
