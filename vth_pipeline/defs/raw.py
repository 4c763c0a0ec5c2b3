"""Raw layer: every delivered cell as text, with provenance (file, sha256, row number).

One asset per file kind. Every candidate per (jaar, partner, soort) is read, newest first
(`ingest.raw.load_raw`), so that staging can keep an earlier delivery in effect when a later one
has no usable row; whole-file rejections are recorded in meta.inlezing with the reason, and the
file stays archived.
"""

import hashlib

import polars as pl
from dagster import AssetExecutionContext, AssetsDefinition, DataVersion, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract import columns
from vth_pipeline.contract.columns import FILE_KINDS, FileKind
from vth_pipeline.defs import side_tables
from vth_pipeline.defs.factory import code_version, table_metadata
from vth_pipeline.ingest import raw, readers
from vth_pipeline.ingest.raw import candidate_files, load_raw
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL, VthSettings
from vth_pipeline.warehouse import session


def files_version(files: list[tuple[str, str, str]]) -> DataVersion:
    """The data version of a kind's year: the paths and sha256 of its candidate files."""
    text = "\n".join(f"{pad} {sha}" for pad, _, sha in sorted(files))
    return DataVersion(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])


def _raw_asset(kind: FileKind) -> AssetsDefinition:
    @asset(
        name=f"raw_{kind.name}",
        group_name="raw",
        pool=WAREHOUSE_POOL,
        partitions_def=yearly,
        deps=["meta_leveringen"],
        kinds={"duckdb", "polars"},
        description=f"raw.{kind.name}: the {kind.name} candidate files, newest first, every "
        "cell as text.",
        code_version=code_version(raw, readers, columns),
    )
    def _raw(
        context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
    ) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            files = candidate_files(conn, kind, year)
            n, outcomes = load_raw(conn, kind, year, files, vth.raw, vth.max_file_bytes)
            side_tables.report(context, conn, "meta.inlezing", year, kind.name)
            table = table_metadata(conn, f"raw.{kind.name}", n)
        rejected = outcomes.filter(pl.col("resultaat") == "afgewezen")
        for pad, reden in rejected.select("pad", "reden").iter_rows():
            context.log.warning(f"{pad}: afgewezen: {reden}")
        return MaterializeResult(
            metadata={
                "files_read": outcomes.height,
                "files_rejected": rejected.height,
                "rows": n,
                **table,
            },
            data_version=files_version(files),
        )

    return _raw


raw_assets = [_raw_asset(k) for k in FILE_KINDS.values()]
