"""Publication layer: `<out>/<jaar>/` with tabellen/, figuren/ and index.html; `<out>/index.html`.

Reads only staat tables (and code-list labels), so every number shown is a number in a table;
a year whose data failed a blocking toets (staat.validatie) is not published. The three yearly
assets are separate so that a change of template re-renders the report without
rendering the images again: figuren writes `figuren.json` (the charts as plotly JSON), which the
report reads back.

Atomic publication: the yearly assets write into a staging folder `<out>/.bouw/<jaar>`
(publicatie_tabellen starts it afresh from the published year), and publicatie_manifest, the
last step, swaps it in for `<out>/<jaar>` in one rename (`publish.swap`). A build killed
halfway leaves the previous publication of that year complete.
"""

import datetime as dt
import json
import os
import platform
import shutil
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetRecordsFilter,
    DagsterInstance,
    MaterializeResult,
    MetadataValue,
    RetryRequested,
    asset,
)
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract import publication
from vth_pipeline.contract.columns import FIRST_YEAR
from vth_pipeline.defs.factory import code_version
from vth_pipeline.defs.leveringen import meta_leveringen
from vth_pipeline.defs.models import model_assets
from vth_pipeline.defs.raw import raw_assets
from vth_pipeline.defs.stg import stg_assets
from vth_pipeline.ingest.discovery import buildable_years
from vth_pipeline.partitions import every_earlier_year, year_of, yearly
from vth_pipeline.publish import charts as charts_module
from vth_pipeline.publish import data as data_module
from vth_pipeline.publish import (
    formatting,
    glossary,
    images,
    manifest,
    opendata,
    register,
    report,
    report_tables,
    tables,
    texts,
    word,
)
from vth_pipeline.publish.charts import Chart, iter_charts, load_geo, load_theme
from vth_pipeline.publish.data import load_publication_data
from vth_pipeline.publish.image_cache import ImageCache
from vth_pipeline.publish.images import (
    BrowserStartError,
    ImageBatch,
    ensure_image_server,
    find_browser,
    start_image_server,
)
from vth_pipeline.publish.manifest import BOUWLOG, MANIFEST, build_manifest, write_json
from vth_pipeline.publish.register import REGISTER_FILE, publication_info, releases
from vth_pipeline.publish.report import (
    OVERVIEW_DOWNLOADS,
    OVERVIEW_FIGURES,
    PLOTLY_JS,
    kernboodschappen,
    render_chart_page,
    render_overview,
    render_report,
    summary_lines,
)
from vth_pipeline.publish.swap import current_staging, fresh_staging, swap_and_tidy
from vth_pipeline.publish.tables import write_tables
from vth_pipeline.resources import WAREHOUSE_POOL, VthSettings, assets_dir, project_root
from vth_pipeline.sql import sql_version
from vth_pipeline.validation import assert_publishable, write_validation_report
from vth_pipeline.warehouse import arrow_table, session, table_exists

STAAT_KEYS = [k for a in model_assets for k in a.keys if k.path[0].startswith("staat_")]
# The tables and figures show the series of every year up to their own (trend charts,
# kerncijfers, seveso_reeks): a staat table of an earlier year is an input too.
STAAT_SERIES = [AssetDep(k, partition_mapping=every_earlier_year) for k in STAAT_KEYS]
CHARTS_FILE = "figuren.json"
ASSETS = assets_dir()
# What decides each publication asset's files (Dagster code versions).
TABLES_VERSION = code_version(
    tables,
    opendata,
    data_module,
    publication,
    sql_version("kerncijfers"),
    sql_version("seveso_reeks"),
)
CHARTS_VERSION = code_version(
    charts_module,
    data_module,
    images,
    formatting,
    publication,
    ASSETS / "theme.json",
    ASSETS / "figure.html.j2",
    ASSETS / "narrow.js",
)
REPORT_VERSION = code_version(
    report,
    report_tables,
    data_module,
    formatting,
    glossary,
    publication,
    ASSETS / "report.html.j2",
    register,
    ASSETS / "style.css",
    ASSETS / "theme.json",
    ASSETS / "narrow.js",
    ASSETS / REGISTER_FILE,  # a release changes the report's version line
    texts,
    word,
    *sorted((ASSETS / texts.TEXTS_DIR).glob("*.md")),  # the policy staff's texts
)
MANIFEST_VERSION = code_version(
    manifest, opendata, ASSETS / REGISTER_FILE, sql_version("manifest_leveringen")
)
OVERVIEW_VERSION = code_version(report, ASSETS / "overview.html.j2", ASSETS / "style.css")


def year_folder(vth: VthSettings, year: int) -> Path:
    """The published year (what readers see)."""
    return vth.out / str(year)


def staging(vth: VthSettings, year: int) -> Path:
    """Where the yearly assets write until publicatie_manifest swaps the year in."""
    return current_staging(vth.out, year)


@asset(
    group_name="publicatie",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    # the year's check results decide whether it may be published (assert_publishable)
    deps=[*STAAT_SERIES, "staat_validatie", "staat_validatie_verwachtingen"],
    kinds={"csv", "parquet", "excel"},
    description="<out>/<jaar>/tabellen/: one CSV and Parquet per table, and tabellen.xlsx.",
    code_version=TABLES_VERSION,
)
def publicatie_tabellen(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        assert_publishable(conn, year)  # no publication on data that failed a blocking toets
        folder = fresh_staging(vth.out, year) / "tabellen"
        counts = write_tables(conn, year, folder)
    return MaterializeResult(metadata={"folder": MetadataValue.path(str(folder)), **counts})


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
            "figure": json.loads(c.figure_json),
        }
        for c in charts
    ]
    (folder / CHARTS_FILE).write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True, indent=1), encoding="utf-8"
    )


@asset(
    group_name="publicatie",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    # after the tables: publicatie_tabellen starts the year's staging folder afresh
    deps=[*STAAT_SERIES, "publicatie_tabellen"],
    kinds={"plotly"},
    description="<out>/<jaar>/figuren/: every chart as interactive HTML, PNG and SVG, plus "
    "figuren.json. Needs a Chromium for the static images (BROWSER_PATH or chromium on PATH).",
    code_version=CHARTS_VERSION,
)
def publicatie_figuren(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    browser = find_browser()  # before any work: without it the publication is incomplete
    start_image_server(browser)  # starts while the charts are built; waited for below
    year = year_of(context)
    with session(duckdb) as conn:
        assert_publishable(conn, year)
        data = load_publication_data(conn, year)
    folder = staging(vth, year) / "figuren"
    assets_dir = Path(vth.assets_dir)
    # images of unchanged charts come from earlier builds (publish/image_cache.py); the others
    # are drawn while the next charts are built, once the browser is up
    with ImageBatch(folder, ImageCache(vth.out), year) as batch:
        charts = []
        for chart in iter_charts(data, load_theme(assets_dir), load_geo(assets_dir, year)):
            batch.add(chart)
            charts.append(chart)
        write_charts(charts, folder, assets_dir, year)
        try:
            ensure_image_server(browser)  # one browser per process, started on first use
        except BrowserStartError as e:  # transient: retried in production, bad data never is
            if not vth.transient_retries:
                raise
            raise RetryRequested(max_retries=vth.transient_retries, seconds_to_wait=30) from e
        images, drawn = batch.finish()
    return MaterializeResult(
        metadata={
            "charts": len(charts),
            "images": len(images),
            "images_drawn": drawn,
            "folder": MetadataValue.path(str(folder)),
            "browser": browser,
        }
    )


def neighbours(vth: VthSettings, year: int) -> dict[str, int]:
    """The previous and next reporting years that have a folder under the raw folder (and so a
    report of their own once built), for the links between the yearly reports. The manifest
    records them (`buren`); `vth verify` lays those folders out again so the rebuilt report
    links the same years (docs/audit.md)."""
    years = {int(p.name) for p in vth.raw.glob("[0-9][0-9][0-9][0-9]") if p.is_dir()}
    years = {y for y in years if y >= FIRST_YEAR}
    out = {"vorig": year - 1, "volgend": year + 1}
    return {k: y for k, y in out.items() if y in years}


def chart_entries(folder: Path) -> list[dict]:
    """The entries of `figuren.json` as written (name, title, alt, source, figure as JSON)."""
    path = folder / CHARTS_FILE
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def load_charts(folder: Path) -> list[Chart]:
    return [
        Chart(c["name"], c["title"], c["alt"], c["source"], go.Figure(c["figure"]))
        for c in chart_entries(folder)
    ]


@asset(
    group_name="publicatie",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    deps=["publicatie_tabellen", "publicatie_figuren"],
    kinds={"html"},
    description="<out>/<jaar>/index.html: the Staat van VTH of the year, in Dutch, offline.",
    code_version=REPORT_VERSION,
)
def publicatie_rapport(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        assert_publishable(conn, year)
        data = load_publication_data(conn, year)
        folder = staging(vth, year)
        if data.validatie:  # every toets and expectation, linked from the annex
            write_validation_report(conn, year, folder)
    charts = load_charts(folder / "figuren")
    # the staff's texts: a wrong placeholder stops the year here, before anything is swapped in
    year_texts = texts.load_texts(data, Path(vth.assets_dir))
    html = render_report(
        data, charts, Path(vth.assets_dir), folder, neighbours(vth, year), year_texts
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    # the Word version: the same texts, tables and (static) charts
    latest = releases(Path(vth.assets_dir), year)[-1:]
    info = publication_info(Path(vth.assets_dir), year)
    word.write_docx(
        folder / word.docx_name(year),
        data,
        charts,
        year_texts,
        folder / "figuren",
        summary_lines(data),
        kernboodschappen(data),
        (latest[0]["versie"], latest[0]["datum"], info["datum"]) if latest else None,
    )
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(year_folder(vth, year) / "index.html")),
            "folder": MetadataValue.path(str(year_folder(vth, year))),
            "bytes": len(html),
            "charts": len(charts),
        }
    )


@asset(
    group_name="overzicht",
    pool=WAREHOUSE_POOL,
    deps=[AssetKey("publicatie_manifest")],
    kinds={"html"},
    description="<out>/index.html: links to every year that has been published.",
    code_version=OVERVIEW_VERSION,
)
def publicatie_overzicht(duckdb: DuckDBResource, vth: VthSettings) -> MaterializeResult:
    years = sorted(
        int(p.name) for p in vth.out.glob("[0-9][0-9][0-9][0-9]") if (p / "index.html").exists()
    )
    with session(duckdb) as conn:
        figures = (
            pl.from_arrow(
                arrow_table(
                    conn,
                    "SELECT jaar, figuur, waarde, geleverd, verwacht FROM staat.landelijk "
                    "WHERE list_contains($f, figuur) ORDER BY jaar, volgorde",
                    {"f": list(OVERVIEW_FIGURES)},
                )
            )
            if table_exists(conn, "staat.landelijk")  # no year got that far: none to list
            else pl.DataFrame(
                schema={
                    "jaar": pl.Int32,
                    "figuur": pl.String,
                    "waarde": pl.String,
                    "geleverd": pl.Int64,
                    "verwacht": pl.Int64,
                }
            )
        )
    rows = [
        {
            "jaar": y,
            "figures": dict(
                figures.filter(pl.col("jaar") == y).select("figuur", "waarde").iter_rows()
            ),
            "geleverd": {
                f: (g, v)
                for f, g, v in figures.filter(pl.col("jaar") == y)
                .select("figuur", "geleverd", "verwacht")
                .iter_rows()
            },
            "downloads": {
                name: f"{y}/{path}"
                for name, path in OVERVIEW_DOWNLOADS.items()
                if (vth.out / str(y) / path).exists()
            },
        }
        for y in years
    ]
    # the latest year's trend chart, as its static image (no plotly.js on this page)
    latest = vth.out / str(years[-1]) / "figuren" if years else None
    # the entries as written: plotly need not rebuild and validate every figure for one alt text
    charts = {c["name"]: c for c in chart_entries(latest)} if latest else {}
    trend = (
        {
            "src": f"{years[-1]}/figuren/trend_landelijk.svg",
            "alt": charts["trend_landelijk"]["alt"],
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


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="seconds")


def build_runs(instance: DagsterInstance, keys: list[AssetKey], year: int) -> list[dict]:
    """The runs that made the latest materialisation of each asset of the year (for bouwlog)."""
    runs: dict[str, dict] = {}
    for key in keys:
        found = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=key, asset_partitions=[str(year)]), limit=1
        ).records
        if not found:
            continue
        run_id = found[0].run_id
        if run_id not in runs:
            run = instance.get_run_by_id(run_id)
            stats = instance.get_run_stats(run_id)
            runs[run_id] = {
                "run_id": run_id,
                "job": run.job_name if run else None,
                "start": _iso(stats.start_time),
                "einde": _iso(stats.end_time),
                "assets": [],
            }
        runs[run_id]["assets"].append(key.to_user_string())
    return sorted(runs.values(), key=lambda r: (r["start"] or "", r["run_id"]))


YEAR_KEYS = [
    meta_leveringen.key,
    *(k for a in (*raw_assets, *stg_assets, *model_assets) for k in a.keys),
    publicatie_tabellen.key,
    publicatie_figuren.key,
    publicatie_rapport.key,
]


@asset(
    group_name="publicatie",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    deps=[publicatie_rapport],
    kinds={"json"},
    description="<out>/<jaar>/manifest.json: what the year was built from (code, deliveries, "
    "reference files, suites) and every output file with its sha256; deterministic. Run ids "
    "and times go to bouwlog.json. Written last, then the year's staging folder "
    "(<out>/.bouw/<jaar>) is swapped in for <out>/<jaar> at once.",
    code_version=MANIFEST_VERSION,
)
def publicatie_manifest(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        assert_publishable(conn, year)
        folder = staging(vth, year)
        # DCAT of the year: every other file is written, so their sizes are final
        dates = [r["datum"] for r in releases(Path(vth.assets_dir), year)]
        opendata.write_dcat(folder, year, *(dates[:1] + dates[-1:] if dates else []))
        manifest = build_manifest(conn, year, folder, project_root(), neighbours(vth, year))
    write_json(folder / MANIFEST, manifest)
    bouwlog = {
        "jaar": year,
        "geschreven": _iso(dt.datetime.now(dt.UTC).timestamp()),
        "run_manifest": context.run.run_id,
        "runs": build_runs(context.instance, YEAR_KEYS, year),
        "machine": {
            "naam": platform.node(),
            "systeem": platform.platform(),
            "python": platform.python_version(),
            "processors": os.cpu_count(),
        },
        "mappen": {"leveringen": str(vth.raw), "referentie": str(vth.reference)},
        # what lies under the raw folder outside any year that is read (aanlevering.md v1.3)
        "genegeerd_buiten_verslagjaren": [
            {"pad": pad, "reden": reden} for pad, reden in buildable_years(vth.raw)[1]
        ],
    }
    write_json(folder / BOUWLOG, bouwlog)
    published = swap_and_tidy(folder, year_folder(vth, year))  # the one swap of the year
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(published / MANIFEST)),
            "files": len(manifest["uitvoer"]),
            "deliveries": len(manifest["leveringen"]),
            "git_commit": manifest["code"]["git_commit"],
        }
    )


publicatie_assets = [
    publicatie_tabellen,
    publicatie_figuren,
    publicatie_rapport,
    publicatie_manifest,
]
