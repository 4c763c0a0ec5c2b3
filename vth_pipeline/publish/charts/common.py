"""What every chart shares: the `Chart`, theme, Okabe-Ito colours, pixel layout of title,
legend and source line, and the small readers of `PublicationData` used in several chapters.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from vth_pipeline.publish.data import PublicationData

# Okabe-Ito, by role, so that a series keeps its colour in every chart; orange and sky darkened
# to at least 3:1 against white (WCAG 1.4.11 for graphics).
BLUE, ORANGE, GREEN = "#0072B2", "#C17A00", "#009E73"
SKY, VERMILLION, BLACK = "#3C8DC5", "#D55E00", "#000000"
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

    @cached_property
    def figure_json(self) -> str:
        """The figure as plotly writes it (`Figure.to_json`: without the traces' uids), once per
        chart: the image cache's key and `figuren.json`."""
        return self.figure.to_json()

    @cached_property
    def figure_dict(self) -> dict:
        """The figure as plotly hands it to a page (`Figure.to_dict`: with the traces' uids, which
        plotly.js draws into the SVG), as plain data, once per chart: the images and the chart's
        page are made from it. plotly copies and converts the whole figure (the maps' 7,000
        points) each time it is asked; a chart's figure is finished when the chart is made."""
        return json.loads(pio.to_json(self.figure, remove_uids=False))


def load_theme(assets_dir: Path) -> go.layout.Template:
    spec = json.loads((assets_dir / "theme.json").read_text(encoding="utf-8"))
    spec.pop("_comment", None)
    return go.layout.Template(spec)


def num(value) -> float | None:
    """Plotly needs floats; an empty figure stays None (a gap, never 0)."""
    if value is None or value == "":
        return None
    return float(Decimal(str(value)))


def year_labels(frame: pl.DataFrame) -> list[str]:
    return [str(y) for y in frame["jaar"]]


def completeness(data: PublicationData, figure: str) -> str:
    row = data.national(figure)
    if row is None:
        return "geen gegevens"
    return f"{row['geleverd']} van {row['verwacht']}"


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


def finish(
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
    room_for_value_labels(fig)
    for i, trace in enumerate(fig.data):
        trace.uid = f"{name}-{i}"
    return Chart(name, title, alt, source, fig)


def room_for_value_labels(fig: go.Figure) -> None:
    """Value labels outside horizontal bars are never cut off: drawn beyond the plot area and
    with 18 % room after the longest bar (for `1.389` and `2.829` alike, in PNG, SVG and print)."""
    for trace in fig.data:
        if trace.type != "bar" or trace.textposition != "outside":
            continue
        trace.cliponaxis = False
        if trace.orientation != "h" or trace.x is None:
            continue
        axis = "xaxis" + (trace.xaxis or "x").removeprefix("x")
        longest = max((float(v) for v in trace.x if v is not None), default=0.0)
        current = fig.layout[axis].range
        if longest > 0 and (current is None or current[1] < longest * 1.18):
            fig.layout[axis].range = [0, longest * 1.18]


def hbar_height(n: int) -> int:
    return max(420, 24 * n + 190)


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
