"""Charts of the publication, built from published tables only (never from raw or staged data).

Each chart states its finding in the title and its data and completeness in a source line;
labels and numbers are Dutch (1.234,5); the theme (`assets/theme.json`) gives one look and the
Okabe-Ito palette, which stays distinguishable for colour-blind readers. Every number a chart
shows is a number in a published table of the year (or of an earlier year, for series).

A chart function returns None when its data are absent (e.g. no Seveso deliveries); the report
then says so instead of showing an empty frame.

One module per chapter of the report; `common` holds what they share. `CHARTS` gives the
order in which the charts are built and written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import plotly.graph_objects as go

from vth_pipeline.publish.charts.common import (
    WIDTH,
    Chart,
    frame_layout,
    label_margin,
    load_theme,
    write_chart_html,
)
from vth_pipeline.publish.charts.maps import MAPS, Geo, load_geo
from vth_pipeline.publish.charts.outcomes import uitkomsten
from vth_pipeline.publish.charts.output import (
    controledichtheid_per_omgevingsdienst,
    controles_per_omgevingsdienst,
    interventiemix,
    lhso_matrix,
    naleving_per_omgevingsdienst,
)
from vth_pipeline.publish.charts.quality import volledigheid
from vth_pipeline.publish.charts.regions import provincies
from vth_pipeline.publish.charts.seveso import (
    seveso_deelname,
    seveso_dekking,
    seveso_overtredingen,
    seveso_trend,
)
from vth_pipeline.publish.charts.trend import trend_landelijk
from vth_pipeline.publish.data import PublicationData

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


def iter_charts(
    data: PublicationData, theme: go.layout.Template, geo: Geo | None = None
) -> Iterator[Chart]:
    """Every chart of the year, each as soon as it is built (its images can be drawn while the
    next is built); the maps only when the boundaries are given (`load_geo`)."""
    for make in CHARTS:
        if (chart := make(data, theme)) is not None:
            yield chart
    for make_map in MAPS if geo is not None else ():
        if (chart := make_map(data, theme, geo)) is not None:
            yield chart


def build_charts(
    data: PublicationData, theme: go.layout.Template, geo: Geo | None = None
) -> list[Chart]:
    """Every chart of the year (`iter_charts`)."""
    return list(iter_charts(data, theme, geo))


__all__ = [
    "CHARTS",
    "WIDTH",
    "Chart",
    "build_charts",
    "frame_layout",
    "iter_charts",
    "label_margin",
    "load_geo",
    "load_theme",
    "write_chart_html",
]
