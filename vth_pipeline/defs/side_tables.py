"""Side tables: tables several assets write, each its own rows of a year, shown in the UI.

`meta.inlezing` (raw assets), `stg.bestanden`, `stg.quarantaine` and `stg.meldingen` (staging
assets, each the rows of its file kind) and `staat.validatie(_verwachtingen)` (every asset
with a suite, each the rows of its dataset) have no asset of their own that could build them:
one table, many writers. Each is an external asset (`AssetSpec`) downstream of its writers,
and each writer reports a materialization of its rows for the year (`report`), so the UI
shows the table in the lineage, who wrote which rows of a year and when, and the models that
read all of it depend on it (`factory.deps_of`; a model that reads some kinds depends on their
writers alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from dagster import AssetExecutionContext, AssetMaterialization, AssetSpec, MetadataValue

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.partitions import yearly
from vth_pipeline.sql.reads import SHARED_TABLES
from vth_pipeline.validation import DATASETS

GROUP = "zijtabellen"


@dataclass(frozen=True)
class SideTable:
    table: str
    column: str  # whose rows: the writer's file kind or dataset
    description: str

    @property
    def key(self) -> str:
        return self.table.replace(".", "_", 1)

    @property
    def writers(self) -> list[str]:
        if self.table in SHARED_TABLES:
            return [SHARED_TABLES[self.table].format(soort=k) for k in FILE_KINDS]
        return list(DATASETS)


SIDE_TABLES = {
    t.table: t
    for t in (
        SideTable(
            "meta.inlezing",
            "soort",
            "Per file read, per kind: read or rejected (with the reason); written by the raw "
            "asset of each kind.",
        ),
        SideTable(
            "stg.bestanden",
            "soort",
            "Per file read: its settled status (in effect, superseded, rejected) and rows read, "
            "accepted and quarantined; written by the staging asset of each kind.",
        ),
        SideTable(
            "stg.quarantaine",
            "soort",
            "Per quarantined row and rule: file, row, column, value and message; written by the "
            "staging asset of each kind.",
        ),
        SideTable(
            "stg.meldingen",
            "soort",
            "Findings that do not quarantine (a number rounded to six decimals), for vth check; "
            "written by the staging asset of each kind.",
        ),
        SideTable(
            "staat.validatie",
            "dataset",
            "Per toets of every suite: outcome and severity; written by each asset with checks.",
        ),
        SideTable(
            "staat.validatie_verwachtingen",
            "dataset",
            "Per expectation of every suite: outcome, observed value, samples; written by each "
            "asset with checks.",
        ),
    )
}

side_table_specs = [
    AssetSpec(
        t.key,
        group_name=GROUP,
        partitions_def=yearly,
        deps=t.writers,
        kinds={"duckdb"},
        description=t.description,
        metadata={"dagster/table_name": MetadataValue.text(t.table), "rijen_van": t.column},
    )
    for t in SIDE_TABLES.values()
]


def report(
    context: AssetExecutionContext,
    conn: duckdb.DuckDBPyConnection,
    table: str,
    year: int,
    whose: str,
) -> None:
    """Report the writer's rows of `table` for the year (its file kind or dataset `whose`)."""
    side = SIDE_TABLES[table]
    (rows,) = conn.execute(
        f"SELECT count(*) FROM {table} WHERE jaar = ? AND {side.column} = ?", [year, whose]
    ).fetchone()
    context.log_event(
        AssetMaterialization(
            side.key,
            partition=str(year),
            metadata={"rijen": rows, side.column: whose, "geschreven_door": context.op_def.name},
        )
    )


def report_validation(
    context: AssetExecutionContext, conn: duckdb.DuckDBPyConnection, year: int, dataset: str
) -> None:
    """Report the rows of the asset's suite in the validation tables (none without a suite)."""
    if dataset in DATASETS:
        for table in ("staat.validatie", "staat.validatie_verwachtingen"):
            report(context, conn, table, year, dataset)
