"""Reference data (code lists and registers) as unpartitioned source assets of their own.

The data version of each is the sha256 of its file, so a changed code list shows as new data
and everything downstream as stale.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetsDefinition, DataVersion, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.ingest.archive import archive_reference
from vth_pipeline.ingest.discovery import sha256_of
from vth_pipeline.ingest.reference import REFERENCE_TABLES, load_reference, record_reference
from vth_pipeline.resources import VthSettings
from vth_pipeline.warehouse import session


def _reference_asset(name: str) -> AssetsDefinition:
    @asset(
        name=f"ref_{name}",
        group_name="reference",
        description=f"`data/reference/{name}.csv` in schema `ref`.",
        kinds={"duckdb"},
    )
    def _ref(
        context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
    ) -> MaterializeResult:
        path = vth.reference / f"{name}.csv"
        sha = sha256_of(path)
        with session(duckdb) as conn:
            n = load_reference(conn, vth.reference, name)
            record_reference(conn, path.name, sha)
        archive_reference(path, Path(vth.archive_dir), sha)  # a year is rebuilt with its lists
        return MaterializeResult(
            metadata={"rows": n, "path": str(path)}, data_version=DataVersion(sha)
        )

    return _ref


reference_assets = [_reference_asset(n) for n in REFERENCE_TABLES]
REF_KEYS = [a.key for a in reference_assets]
