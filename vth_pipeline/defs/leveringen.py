"""Discovery of a year's deliveries: which files arrived, their hash, and which is in effect."""

from pathlib import Path

import polars as pl
from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.ingest.discovery import archive, record_deliveries
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import VthSettings
from vth_pipeline.warehouse import session


@asset(
    group_name="leveringen",
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
        frame = record_deliveries(conn, vth.raw, year)
        archive(vth.raw, Path(vth.archive_dir), frame)
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
