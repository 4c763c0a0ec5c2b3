"""Reference data (code lists and registers) as unpartitioned source assets of their own.

The data version of each is the sha256 of its file, so a changed code list shows as new data
and everything downstream as stale.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetsDefinition, DataVersion, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.ingest.discovery import sha256_of
from vth_pipeline.resources import WAREHOUSE_POOL, VthSettings
from vth_pipeline.warehouse import session

# Typed columns per reference file; other columns are text.
REFERENCE_TABLES: dict[str, dict[str, str]] = {
    "partners": {},
    "provincies": {},
    "veiligheidsregios": {},
    "gemeenten": {"geldig_van": "DATE", "geldig_tot": "DATE"},
    "codelijsten": {},
    "indicatoren": {},
    "brzo_jaarcijfers_gepubliceerd": {"jaar": "INTEGER"},
}


def load_reference(conn, folder: Path, name: str) -> int:
    """Load one reference file into `ref.<name>`; the file's row order is kept as `volgorde`
    (code lists are in ascending order of weight)."""
    casts = ", ".join(f"nullif({c}, '')::{t} AS {c}" for c, t in REFERENCE_TABLES[name].items())
    replace = f"REPLACE ({casts})" if casts else ""
    conn.execute(
        f"CREATE OR REPLACE TABLE ref.{name} AS SELECT * {replace}, "
        "row_number() OVER () AS volgorde FROM "
        "read_csv(?, header = true, all_varchar = true, encoding = 'utf-8')",
        [str(folder / f"{name}.csv")],
    )
    return conn.execute(f"SELECT count(*) FROM ref.{name}").fetchone()[0]


def _reference_asset(name: str) -> AssetsDefinition:
    @asset(
        name=f"ref_{name}",
        group_name="reference",
        pool=WAREHOUSE_POOL,
        description=f"`data/reference/{name}.csv` in schema `ref`.",
        kinds={"duckdb"},
    )
    def _ref(
        context: AssetExecutionContext, duckdb: DuckDBResource, vth: VthSettings
    ) -> MaterializeResult:
        with session(duckdb) as conn:
            n = load_reference(conn, vth.reference, name)
        path = vth.reference / f"{name}.csv"
        return MaterializeResult(
            metadata={"rows": n, "path": str(path)}, data_version=DataVersion(sha256_of(path))
        )

    return _ref


reference_assets = [_reference_asset(n) for n in REFERENCE_TABLES]
REF_KEYS = [a.key for a in reference_assets]
