"""Publication layer: `<out>/<jaar>/` with tabellen/, figuren/ and index.html; `<out>/index.html`.

Reads only staat tables (and code-list labels), so every number shown is a number in a table.
"""

import json
from pathlib import Path

import plotly.io as pio
import polars as pl
from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    asset,
)
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.seveso import seveso_assets
from vth_pipeline.defs.staat import staat_assets
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.publish.charts import (
    Chart,
    ChartData,
    build_charts,
    load_theme,
    write_chart_html,
)
from vth_pipeline.publish.report import ReportInput, render_overview, render_report
from vth_pipeline.publish.tables import PUBLISHED_TABLES, read_table, write_tables
from vth_pipeline.resources import VthSettings
from vth_pipeline.warehouse import session

STAAT_KEYS = [
    k for a in (*staat_assets, *seveso_assets) for k in a.keys if k.path[0].startswith("staat_")
]


def _frame(conn, sql: str, params: dict | None = None) -> pl.DataFrame:
    return pl.from_arrow(conn.execute(sql, params or {}).to_arrow_table())


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
        counts = write_tables(conn, year, folder)
    return MaterializeResult(metadata={"folder": str(folder), **counts})


def chart_data(conn, year: int) -> ChartData:
    labels: dict[str, dict[str, str]] = {}
    for lijst, code, omschrijving in conn.execute(
        "SELECT lijst, code, omschrijving FROM ref.codelijsten ORDER BY lijst, code"
    ).fetchall():
        labels.setdefault(lijst, {})[code] = omschrijving
    upto = {"jaar": year}
    return ChartData(
        year=year,
        landelijk=_frame(
            conn,
            "SELECT jaar, figuur, waarde, geleverd, verwacht FROM staat.landelijk "
            "WHERE jaar <= $jaar ORDER BY jaar, volgorde",
            upto,
        ),
        omgevingsdiensten=_frame(
            conn, "SELECT * FROM staat.omgevingsdiensten WHERE jaar = $jaar", upto
        ),
        interventies=_frame(conn, "SELECT * FROM staat.interventies WHERE jaar = $jaar", upto),
        lhso=_frame(conn, "SELECT * FROM staat.lhso WHERE jaar = $jaar", upto),
        datakwaliteit=_frame(
            conn, "SELECT * FROM staat.datakwaliteit WHERE jaar <= $jaar ORDER BY jaar", upto
        ),
        labels=labels,
    )


@asset(
    group_name="publicatie",
    partitions_def=yearly,
    deps=STAAT_KEYS,
    kinds={"plotly"},
    description="<out>/<jaar>/figuren/: every chart as interactive HTML, plus figuren.json.",
)
def publicatie_figuren(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    folder = year_folder(vth, year) / "figuren"
    with session(duckdb) as conn:
        data = chart_data(conn, year)
    charts = build_charts(data, load_theme(Path(vth.assets_dir)))
    for chart in charts:
        write_chart_html(chart, folder)
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
    (folder / "figuren.json").write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    return MaterializeResult(metadata={"charts": len(charts), "folder": str(folder)})


def _load_charts(folder: Path) -> list[Chart]:
    path = folder / "figuren.json"
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
        tables = {t.file: read_table(conn, t, year) for t in PUBLISHED_TABLES}
        vorig = _frame(
            conn,
            "SELECT figuur, waarde FROM staat.landelijk WHERE jaar = $jaar",
            {"jaar": year - 1},
        )
    charts = _load_charts(folder / "figuren")
    divs = {
        c.name: c.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=c.name,
            config={"displaylogo": False, "responsive": True},
        )
        for c in charts
    }
    html = render_report(
        ReportInput(year, tables, vorig if vorig.height else None, charts, {}),
        Path(vth.assets_dir),
        divs,
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    return MaterializeResult(metadata={"path": str(folder / "index.html"), "bytes": len(html)})


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
        figures = _frame(
            conn, "SELECT jaar, figuur, waarde FROM staat.landelijk ORDER BY jaar, volgorde"
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
    vth.out.mkdir(parents=True, exist_ok=True)
    (vth.out / "index.html").write_text(
        render_overview(rows, Path(vth.assets_dir)), encoding="utf-8"
    )
    return MaterializeResult(metadata={"years": ", ".join(map(str, years))})


publicatie_assets = [publicatie_tabellen, publicatie_figuren, publicatie_rapport]
