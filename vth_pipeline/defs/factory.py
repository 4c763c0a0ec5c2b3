"""The asset factory of the SQL layers: an `int_*` or `staat_*` asset is its `sql/<name>.sql`.

Each asset replaces its year in `<schema>.<table>` with the query's rows and runs the asset
checks declared for it (its expectation suite) in the same step, so the checks judge exactly
the partition that was built.
"""

import hashlib
import inspect
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    asset,
)
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs import side_tables
from vth_pipeline.partitions import earlier_years, year_of, yearly
from vth_pipeline.resources import WAREHOUSE_POOL
from vth_pipeline.sql import load_sql, sql_path, sql_version
from vth_pipeline.sql.reads import model_kinds, model_reads, writers_of
from vth_pipeline.validation import check_reads, check_specs_for, run_checks
from vth_pipeline.validation.suites import expectations_dir, suite_sql
from vth_pipeline.warehouse import replace_partition, session

# Materialisation metadata key: seconds the asset spent in its checks (summed by `vth build`).
VALIDATION_SECONDS = "validatie_seconden"


def timed_checks(conn: duckdb.DuckDBPyConnection, asset_name: str, year: int) -> tuple[list, float]:
    """The asset checks of an asset for a year, and how long they took (for the run summary)."""
    t0 = time.perf_counter()
    checks = run_checks(conn, asset_name, year)
    return checks, round(time.perf_counter() - t0, 3)


def code_version(*parts: ModuleType | Path | str) -> str:
    """Dagster's `code_version` from what decides an asset's result: the source of modules,
    files (templates, suites; a missing one counts as absent) and text such as a SQL version.
    A change of any of them marks the asset's materialisations stale in the UI."""
    h = hashlib.sha256()
    for part in parts:
        for piece in _pieces(part):
            if isinstance(piece, Path):
                h.update(piece.read_bytes() if piece.is_file() else b"-")
            else:
                h.update(piece.encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()[:16]


def _pieces(part: ModuleType | Path | str) -> list[Path | str]:
    """A module is its source file; a package every .py file in it."""
    if isinstance(part, ModuleType):
        if hasattr(part, "__path__"):
            return sorted(p for d in part.__path__ for p in Path(d).rglob("*.py"))
        return [Path(inspect.getsourcefile(part) or "")]
    return [part]


def suite_file(asset_name: str) -> Path:
    """The expectation suite whose checks run in the asset's step (it may have none)."""
    return expectations_dir() / f"{asset_name}.json"


def suite_version(asset_name: str) -> str:
    """What decides an asset's checks: its suite file, and the SQL its views and value sets run
    (files of `sql/toetsen/`, not in the suite file), so that a change to a view marks the
    asset's materialisations stale as a change to the suite does."""
    return code_version(suite_file(asset_name), suite_sql(asset_name))


def table_metadata(conn: duckdb.DuckDBPyConnection, table: str, rows: int) -> dict[str, Any]:
    """Dagster's standard table metadata: name, column schema, rows written for the year."""
    columns = conn.execute(f"DESCRIBE {table}").fetchall()
    return {
        "dagster/table_name": MetadataValue.text(table),
        "dagster/column_schema": MetadataValue.table_schema(
            TableSchema(columns=[TableColumn(c[0], c[1]) for c in columns])
        ),
        "dagster/row_count": MetadataValue.int(rows),
    }


def table_of(name: str) -> str:
    """`staat_seveso_integratie` -> `staat.seveso_integratie`: the layer is the schema."""
    schema, table = name.split("_", 1)
    return f"{schema}.{table}"


def deps_of(
    reads: dict[str, int], kinds: dict[str, frozenset[str] | None] | None = None
) -> list[AssetDep]:
    """Dagster deps from what a query reads: a table read for earlier years as well gets the
    partition mapping of that window (`ref` tables have no partitions, so no mapping)."""
    deps: dict[str, AssetDep] = {}
    for table, back in reads.items():
        mapping = earlier_years(back) if back and not table.startswith("ref.") else None
        for writer in writers_of(table, (kinds or {}).get(table)):
            deps[writer] = AssetDep(writer, partition_mapping=mapping)
        # the lineage through the side table too, when the query reads all of it: the side
        # table's asset depends on every writer, so a read of some kinds through it would
        # call the reader stale after a change to another kind
        if table in side_tables.SIDE_TABLES and (kinds or {}).get(table) is None:
            key = side_tables.SIDE_TABLES[table].key
            deps[key] = AssetDep(key, partition_mapping=mapping)
    return [deps[k] for k in sorted(deps)]


def sql_description(name: str) -> str:
    """The opening comment of `sql/<name>.sql`, the model's own account of what it is."""
    lines = []
    for line in sql_path(name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def check_step_deps(
    name: str, reads: dict[str, int], kinds: dict[str, frozenset[str] | None]
) -> list[str]:
    """What the asset's checks read beyond the asset's own reads. The checks run in the asset's
    step, and Dagster orders a step by its asset's deps only: a check spec's `additional_deps`
    order only a check-only step (dagster's asset_job.py keeps that for compatibility). So the
    step's reads are the asset's deps, and the check specs name them too (`check_reads`), for
    the lineage of each check in the UI."""
    have = {w for t in reads for w in writers_of(t, kinds.get(t))}
    return [k for k in check_reads(name) if k not in have]


def sql_asset(
    name: str,
    group: str = "staat",
    template_values: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]] | None = None,
    template_reads: Sequence[str] = (),
) -> AssetsDefinition:
    """An asset that materialises `sql/<name>.sql` for its year into `table_of(name)`.

    Its dependencies are the tables the SQL reads (`sql.reads`), nothing listed beside it.
    `template_values` supplies the placeholders only the warehouse knows (the codes of a code
    list) and reads `template_reads` for them (the year's tables: same year); every other
    placeholder is filled from the contract by `load_sql`.
    """
    reads, kinds = model_reads(name), model_kinds(name)

    @asset(
        name=name,
        group_name=group,
        pool=WAREHOUSE_POOL,
        partitions_def=yearly,
        deps=[
            *deps_of({**dict.fromkeys(template_reads, 0), **reads}, kinds),
            *check_step_deps(name, reads, kinds),
        ],
        kinds={"duckdb"},
        description=sql_description(name),
        check_specs=check_specs_for(name),
        code_version=code_version(sql_version(name), suite_version(name)),
    )
    def _table(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            sql = load_sql(name, **(template_values(conn) if template_values else {}))
            n = replace_partition(conn, table_of(name), sql, year)
            checks, seconds = timed_checks(conn, name, year)
            side_tables.report_validation(context, conn, year, name)
            table = table_metadata(conn, table_of(name), n)
        return MaterializeResult(
            metadata={"rows": n, VALIDATION_SECONDS: seconds, **table}, check_results=checks
        )

    return _table
