"""Discovery of a year's deliveries: which files arrived, their hash, and which is in effect."""

import hashlib
from pathlib import Path

import polars as pl
from dagster import AssetExecutionContext, DataVersion, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract import columns
from vth_pipeline.defs.factory import code_version, table_metadata
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.ingest import archive as archive_module
from vth_pipeline.ingest import discovery
from vth_pipeline.ingest.discovery import record_deliveries
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL, VthSettings
from vth_pipeline.warehouse import session


@asset(
    group_name="leveringen",
    pool=WAREHOUSE_POOL,
    partitions_def=yearly,
    deps=REF_KEYS,
    kinds={"duckdb"},
    description="meta.leveringen: every file under <raw>/<jaar>/ with sha256, delivery date, "
    "and its status as discovery sees it (in_gebruik, vervangen, identiek, conflict, genegeerd, "
    "afgewezen); staging settles which candidate holds (stg.bestanden, staat.leveringen).",
    code_version=code_version(discovery, archive_module, columns),
)
def meta_leveringen(
    context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        frame = record_deliveries(conn, vth.raw, year, Path(vth.archive_dir))
        table = table_metadata(conn, "meta.leveringen", frame.height)
    counts = frame.group_by("status").len().sort("status")
    for pad, status, reden in (
        frame.filter(pl.col("status") != "in_gebruik").select("pad", "status", "reden").iter_rows()
    ):
        context.log.warning(f"{pad}: {status}: {reden}")
    return MaterializeResult(
        metadata={
            "files": frame.height,
            **{f"status_{s}": n for s, n in counts.iter_rows()},
            **table,
        },
        data_version=deliveries_version(frame),
    )


def deliveries_version(frame: pl.DataFrame) -> DataVersion:
    """The data version of a year's deliveries: every file's path, sha256 and status, so a new
    delivery (or a changed status) shows the year's downstream assets as stale."""
    text = frame.select("pad", "sha256", "status").sort("pad").write_csv()
    return DataVersion(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])
