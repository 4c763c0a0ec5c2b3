"""Discovery of a year's deliveries: which files arrived, their hash, and which is in effect."""

from pathlib import Path

import polars as pl
from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.ingest.discovery import Partner, archive, discover
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL, VthSettings
from vth_pipeline.warehouse import replace_partition, session


def load_partners(conn) -> dict[str, Partner]:
    rows = conn.execute(
        "SELECT partner_code, soort, seveso_omgevingsdienst = 'ja' FROM ref.partners"
    ).fetchall()
    return {code: Partner(code, soort, bool(flag)) for code, soort, flag in rows}


@asset(
    group_name="leveringen",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    deps=REF_KEYS,
    kinds={"duckdb"},
    description="meta.leveringen: every file under <raw>/<jaar>/ with sha256, delivery date, "
    "and its status (in_gebruik, vervangen, identiek, conflict, genegeerd, afgewezen).",
)
def meta_leveringen(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        frame = discover(vth.raw, year, load_partners(conn))
        archive(vth.raw, Path(vth.archive_dir), frame)
        conn.register("__leveringen", frame.to_arrow())
        replace_partition(conn, "meta.leveringen", "SELECT * FROM __leveringen ORDER BY pad", year)
        conn.unregister("__leveringen")
    counts = frame.group_by("status").len().sort("status")
    for pad, status, reden in (
        frame.filter(pl.col("status") != "in_gebruik").select("pad", "status", "reden").iter_rows()
    ):
        context.log.warning(f"{pad}: {status}: {reden}")
    return MaterializeResult(
        metadata={
            "files": frame.height,
            **{f"status_{s}": n for s, n in counts.iter_rows()},
        }
    )
