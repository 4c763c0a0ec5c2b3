"""Staging layer: typed rows that pass every rule of the contract; the rest in quarantine.

The SQL is generated from the contract declarations (`contract.rules`), so ingest, `vth check`
and the documentation judge a row by the same rules. A quarantined row carries every rule it
breaks, one row per finding in `stg.quarantaine`.
"""

import duckdb as duckdb_module
from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract.columns import FILE_KINDS, FileKind
from vth_pipeline.contract.rules import staging_sql, stg_select
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL
from vth_pipeline.validation import EXTRA_DEPS, check_specs_for
from vth_pipeline.warehouse import VALIDATION_SECONDS, replace_partition, session, timed_checks

PROVENANCE = "jaar, partner_code, bron_bestand, bron_sha256, bron_rij"

# Staging of inspections needs the accepted register of the same year.
UPSTREAM_STG: dict[str, list[str]] = {"seveso_inspecties": ["stg_seveso_inrichtingen"]}


def code_lists(conn: duckdb_module.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = conn.execute("SELECT lijst, code FROM ref.codelijsten ORDER BY lijst, code").fetchall()
    lists: dict[str, list[str]] = {}
    for lijst, code in rows:
        lists.setdefault(lijst, []).append(code)
    return lists


def stage(conn: duckdb_module.DuckDBPyConnection, kind: FileKind, year: int) -> dict[str, int]:
    """Stage one kind for one year; returns counts of rows read, accepted and quarantined."""
    sql = staging_sql(kind, code_lists(conn))
    conn.execute(f"CREATE OR REPLACE TEMP TABLE __staged AS {sql}", {"jaar": year})
    accepted = replace_partition(
        conn,
        f"stg.{kind.name}",
        f"SELECT {PROVENANCE}, {stg_select(kind)} FROM __staged WHERE len(bevindingen) = 0 "
        "ORDER BY partner_code, bron_bestand, bron_rij",
        year,
    )
    findings = replace_partition(
        conn,
        "stg.quarantaine",
        f"SELECT {PROVENANCE}, $soort AS soort, b.regel, b.kolom, b.waarde, b.melding FROM "
        "(SELECT *, unnest(bevindingen) AS b FROM __staged WHERE len(bevindingen) > 0) "
        "ORDER BY partner_code, bron_bestand, bron_rij, b.regel",
        year,
        params={"soort": kind.name},
        where="AND soort = $soort",
    )
    read, quarantined = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE len(bevindingen) > 0) FROM __staged"
    ).fetchone()
    conn.execute("DROP TABLE __staged")
    return {"read": read, "accepted": accepted, "quarantined": quarantined, "findings": findings}


def _stg_asset(kind: FileKind) -> AssetsDefinition:
    @asset(
        name=f"stg_{kind.name}",
        group_name="stg",
        pool=WAREHOUSE_POOL,
        partitions_def=yearly,
        deps=[
            f"raw_{kind.name}",
            *REF_KEYS,
            *UPSTREAM_STG.get(kind.name, []),
            *EXTRA_DEPS.get(f"stg_{kind.name}", []),
        ],
        kinds={"duckdb"},
        description=f"stg.{kind.name}: typed, accepted rows; findings in stg.quarantaine.",
        check_specs=check_specs_for(f"stg_{kind.name}"),
    )
    def _stg(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            counts = stage(conn, kind, year)
            if counts["read"] != counts["accepted"] + counts["quarantined"]:
                raise RuntimeError(f"row conservation broken for {kind.name}: {counts}")
            checks, seconds = timed_checks(conn, f"stg_{kind.name}", year)
        return MaterializeResult(
            metadata={**{f"rows_{k}": v for k, v in counts.items()}, VALIDATION_SECONDS: seconds},
            check_results=checks,
        )

    return _stg


stg_assets = [_stg_asset(k) for k in FILE_KINDS.values()]
