"""Publication layer: `<out>/<jaar>/` with tabellen/, figuren/ and index.html; `<out>/index.html`.

Reads only staat tables (and code-list labels), so every number shown is a number in a table;
a year whose data failed a blocking toets (staat.validatie) is not published. The three yearly
assets are separate so that a change of template re-renders the report without
rendering the images again: figuren writes `figuren.json` (the charts as plotly JSON), which the
report reads back.
"""

import json
import shutil
from pathlib import Path

import plotly.io as pio
import polars as pl
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.seveso import seveso_assets
from vth_pipeline.defs.staat import staat_assets
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.publish.charts import Chart, build_charts, load_theme
from vth_pipeline.publish.data import load_publication_data
from vth_pipeline.publish.images import ensure_image_server, find_browser, write_static_images
from vth_pipeline.publish.report import (
    OVERVIEW_FIGURES,
    PLOTLY_JS,
    render_chart_page,
    render_overview,
    render_report,
)
from vth_pipeline.publish.tables import write_tables
from vth_pipeline.resources import VthSettings
from vth_pipeline.validation import assert_publishable, write_validation_report
from vth_pipeline.warehouse import session

STAAT_KEYS = [
    k for a in (*staat_assets, *seveso_assets) for k in a.keys if k.path[0].startswith("staat_")
]
CHARTS_FILE = "figuren.json"


def year_folder(vth: VthSettings, year: int) -> Path:
    return vth.out / str(year)


@asset(
    group_name="publicatie",
    partitions_def=yearly,
    deps=STAAT_KEYS,
    kinds={"csv", "parquet", "excel"},
    description="<out>/<jaar>/tabellen/: one CSV and Parquet per table, and tabellen.xlsx.",
)
def publicatie_tabellen(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    folder = year_folder(vth, year) / "tabellen"
    with session(duckdb) as conn:
        assert_publishable(conn, year)  # no publication on data that failed a blocking toets
        counts = write_tables(conn, year, folder)
    return MaterializeResult(metadata={"folder": str(folder), **counts})


def write_charts(charts: list[Chart], folder: Path, assets_dir: Path, year: int) -> None:
    """Each chart as an interactive page (beside one plotly.min.js) and in `figuren.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, folder / "plotly.min.js")
    for chart in charts:
        (folder / f"{chart.name}.html").write_text(
            render_chart_page(chart, assets_dir, year), encoding="utf-8"
        )
    index = [
        {
            "name": c.name,
            "title": c.title,
            "alt": c.alt,
            "source": c.source,
            "figure": json.loads(c.figure.to_json()),
        }
        for c in charts
    ]
    (folder / CHARTS_FILE).write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True, indent=1), encoding="utf-8"
    )


@asset(
    group_name="publicatie",
    partitions_def=yearly,
    deps=STAAT_KEYS,
    kinds={"plotly"},
    description="<out>/<jaar>/figuren/: every chart as interactive HTML, PNG and SVG, plus "
    "figuren.json. Needs a Chromium for the static images (BROWSER_PATH or chromium on PATH).",
)
def publicatie_figuren(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    browser = find_browser()  # before any work: without it the publication is incomplete
    year = year_of(context)
    folder = year_folder(vth, year) / "figuren"
    with session(duckdb) as conn:
        assert_publishable(conn, year)
        data = load_publication_data(conn, year)
    assets_dir = Path(vth.assets_dir)
    charts = build_charts(data, load_theme(assets_dir))
    write_charts(charts, folder, assets_dir, year)
    ensure_image_server(browser)
    images = write_static_images(charts, folder)
    return MaterializeResult(
        metadata={
            "charts": len(charts),
            "images": len(images),
            "folder": str(folder),
            "browser": browser,
        }
    )


def load_charts(folder: Path) -> list[Chart]:
    path = folder / CHARTS_FILE
    if not path.exists():
        return []
    return [
        Chart(c["name"], c["title"], c["alt"], c["source"], pio.from_json(json.dumps(c["figure"])))
        for c in json.loads(path.read_text(encoding="utf-8"))
    ]


@asset(
    group_name="publicatie",
    partitions_def=yearly,
    deps=["publicatie_tabellen", "publicatie_figuren"],
    kinds={"html"},
    description="<out>/<jaar>/index.html: the Staat van VTH of the year, in Dutch, offline.",
)
def publicatie_rapport(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    folder = year_folder(vth, year)
    with session(duckdb) as conn:
        assert_publishable(conn, year)
        data = load_publication_data(conn, year)
        if data.validatie:  # every toets and expectation, linked from the annex
            write_validation_report(conn, year, folder)
    charts = load_charts(folder / "figuren")
    html = render_report(data, charts, Path(vth.assets_dir), folder)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return MaterializeResult(
        metadata={"path": str(folder / "index.html"), "bytes": len(html), "charts": len(charts)}
    )


@asset(
    group_name="overzicht",
    deps=[AssetKey("publicatie_rapport")],
    kinds={"html"},
    description="<out>/index.html: links to every year that has been published.",
)
def publicatie_overzicht(duckdb: DuckDBResource, vth: VthSettings) -> MaterializeResult:
    years = sorted(
        int(p.name) for p in vth.out.glob("[0-9][0-9][0-9][0-9]") if (p / "index.html").exists()
    )
    with session(duckdb) as conn:
        figures = pl.from_arrow(
            conn.execute(
                "SELECT jaar, figuur, waarde FROM staat.landelijk WHERE list_contains($f, figuur) "
                "ORDER BY jaar, volgorde",
                {"f": list(OVERVIEW_FIGURES)},
            ).to_arrow_table()
        )
    rows = [
        {
            "jaar": y,
            "figures": dict(
                figures.filter(pl.col("jaar") == y).select("figuur", "waarde").iter_rows()
            ),
        }
        for y in years
    ]
    # the latest year's trend chart, as its static image (no plotly.js on this page)
    latest = vth.out / str(years[-1]) / "figuren" if years else None
    charts = {c.name: c for c in load_charts(latest)} if latest else {}
    trend = (
        {
            "src": f"{years[-1]}/figuren/trend_landelijk.svg",
            "alt": charts["trend_landelijk"].alt,
            "jaar": years[-1],
        }
        if "trend_landelijk" in charts and (latest / "trend_landelijk.svg").exists()
        else None
    )
    vth.out.mkdir(parents=True, exist_ok=True)
    (vth.out / "index.html").write_text(
        render_overview(rows, Path(vth.assets_dir), trend), encoding="utf-8"
    )
    return MaterializeResult(metadata={"years": ", ".join(map(str, years))})


publicatie_assets = [publicatie_tabellen, publicatie_figuren, publicatie_rapport]
