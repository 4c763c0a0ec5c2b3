"""Staging layer: one asset per file kind over `ingest.staging.stage`, checks on the asset.

Row conservation (rows read = accepted + quarantined) is asserted where it is produced.
"""

from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract import columns, rules
from vth_pipeline.contract.columns import FILE_KINDS, FileKind
from vth_pipeline.defs import side_tables
from vth_pipeline.defs.factory import (
    VALIDATION_SECONDS,
    code_version,
    suite_version,
    table_metadata,
    timed_checks,
)
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.ingest import staging
from vth_pipeline.ingest.staging import UPSTREAM_KINDS, stage
from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL
from vth_pipeline.validation import check_reads, check_specs_for
from vth_pipeline.warehouse import session


def _stg_asset(kind: FileKind) -> AssetsDefinition:
    @asset(
        name=f"stg_{kind.name}",
        group_name="stg",
        pool=WAREHOUSE_POOL,
        partitions_def=yearly,
        deps=[
            # which candidate files were read: the rows of meta.inlezing its raw asset wrote
            # (not the side table's asset, which depends on the raw assets of every kind)
            f"raw_{kind.name}",
            *REF_KEYS,
            *(f"stg_{k}" for k in UPSTREAM_KINDS.get(kind.name, ())),
            # its checks run in this step (see factory.check_step_deps)
            *check_reads(f"stg_{kind.name}"),
        ],
        kinds={"duckdb"},
        description=f"stg.{kind.name}: typed, accepted rows; findings in stg.quarantaine.",
        check_specs=check_specs_for(f"stg_{kind.name}"),
        code_version=code_version(staging, columns, rules, suite_version(f"stg_{kind.name}")),
    )
    def _stg(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            counts = stage(conn, kind, year)
            if counts["read"] != counts["accepted"] + counts["quarantined"]:
                raise RuntimeError(f"row conservation broken for {kind.name}: {counts}")
            for table in ("stg.bestanden", "stg.quarantaine", "stg.meldingen"):
                side_tables.report(context, conn, table, year, kind.name)
            checks, seconds = timed_checks(conn, f"stg_{kind.name}", year)
            side_tables.report_validation(context, conn, year, f"stg_{kind.name}")
            table = table_metadata(conn, f"stg.{kind.name}", counts["accepted"])
        return MaterializeResult(
            metadata={
                **{f"rows_{k}": v for k, v in counts.items()},
                VALIDATION_SECONDS: seconds,
                **table,
            },
            check_results=checks,
        )

    return _stg


stg_assets = [_stg_asset(k) for k in FILE_KINDS.values()]
