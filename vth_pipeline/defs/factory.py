"""The asset factory of the SQL layers: an `int_*` or `staat_*` asset is its `sql/<name>.sql`.

Each asset replaces its year in `<schema>.<table>` with the query's rows and runs the asset
checks declared for it (its expectation suite) in the same step, so the checks judge exactly
the partition that was built.
"""

import time
from collections.abc import Callable, Sequence
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.partitions import year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL
from vth_pipeline.sql import load_sql
from vth_pipeline.validation import check_specs_for, run_checks
from vth_pipeline.warehouse import replace_partition, session

# Materialisation metadata key: seconds the asset spent in its checks (summed by `vth build`).
VALIDATION_SECONDS = "validatie_seconden"


def timed_checks(conn: duckdb.DuckDBPyConnection, asset_name: str, year: int) -> tuple[list, float]:
    """The asset checks of an asset for a year, and how long they took (for the run summary)."""
    t0 = time.perf_counter()
    checks = run_checks(conn, asset_name, year)
    return checks, round(time.perf_counter() - t0, 3)


def table_of(name: str) -> str:
    """`staat_seveso_integratie` -> `staat.seveso_integratie`: the layer is the schema."""
    schema, table = name.split("_", 1)
    return f"{schema}.{table}"


def sql_asset(
    name: str,
    deps: Sequence[Any],
    description: str,
    group: str = "staat",
    template_values: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]] | None = None,
) -> AssetsDefinition:
    """An asset that materialises `sql/<name>.sql` for its year into `table_of(name)`.

    `template_values` supplies the placeholders only the warehouse knows (the codes of a code
    list); every other placeholder is filled from the contract by `load_sql`.
    """

    @asset(
        name=name,
        group_name=group,
        pool=WAREHOUSE_POOL,
        partitions_def=yearly,
        deps=list(deps),
        kinds={"duckdb"},
        description=description,
        check_specs=check_specs_for(name),
    )
    def _table(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            sql = load_sql(name, **(template_values(conn) if template_values else {}))
            n = replace_partition(conn, table_of(name), sql, year)
            checks, seconds = timed_checks(conn, name, year)
        return MaterializeResult(
            metadata={"rows": n, VALIDATION_SECONDS: seconds}, check_results=checks
        )

    return _table
