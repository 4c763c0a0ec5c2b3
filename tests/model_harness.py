"""A model test harness: a few rows in an in-memory DuckDB, one SQL model run, its rows back.

Tests of a model's SQL need neither Dagster nor a delivery folder nor a whole year: the input
tables are given as rows (only the columns the model reads), the model's SQL is rendered as
the asset renders it (`load_sql`, with the macros every model relies on) and run for one year,
and the result comes back as dicts. The expected values are worked out by hand in the test.

Tests whose input is a hand-made delivery folder use `build_models`: the same calls the asset
graph makes, from the delivery files up to every `staat` table, without Dagster, the
expectation suites or the publication (a fixed ~10 s per `tests.conftest.build`, for tests that
read one table); `stage_deliveries` stops after staging. `tests/test_models.py` holds both
to the real build, table for table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vth_pipeline.check import ingest_years
from vth_pipeline.defs.factory import table_of
from vth_pipeline.defs.models import TEMPLATES, model_names
from vth_pipeline.paths import DEFAULT_MAX_FILE_BYTES
from vth_pipeline.sql import load_sql
from vth_pipeline.sql.reads import model_reads, writers_of
from vth_pipeline.warehouse import prepare, replace_partition


def run_model(
    name: str,
    tables: dict[str, list[dict[str, Any]]],
    year: int,
    order_by: str | None = None,
    **template_values: Any,
) -> list[dict[str, Any]]:
    """The rows `sql/<name>.sql` returns for `year` over `tables` (`schema.table` -> rows)."""
    with duckdb.connect(":memory:") as conn:
        prepare(conn)
        for table, rows in tables.items():
            frame = pa.Table.from_pylist(rows)
            conn.register("__rows", frame)
            conn.execute(f"CREATE TABLE {table} AS SELECT * FROM __rows")
            conn.unregister("__rows")
        sql = load_sql(name, **template_values)
        query = f"SELECT * FROM ({sql}) ORDER BY {order_by}" if order_by else sql
        cursor = conn.execute(query, {"jaar": year} if "$jaar" in sql else {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class ModelBuild:
    """A warehouse built by `build_models`, read as `tests.conftest.Built` is read, so a test's
    assertions are the same on either."""

    conn: duckdb.DuckDBPyConnection

    def sql(self, query: str, params=None) -> list[tuple]:
        return self.conn.execute(query, params or []).fetchall()


def model_order() -> list[str]:
    """Every `int_*` and `staat_*` model after the models whose tables it reads: those its SQL
    names and those its template values read (`TEMPLATES`), as the asset graph orders them."""
    names = model_names()
    graph = {}
    for name in names:
        reads = [*model_reads(name), *TEMPLATES.get(name, (None, ()))[1]]
        graph[name] = {w for t in reads for w in writers_of(t) if w in names}
    return list(TopologicalSorter(graph).static_order())


def run_models(conn: duckdb.DuckDBPyConnection, year: int) -> None:
    """Materialise every model for `year`, each as `defs.factory.sql_asset` does (its checks
    left out)."""
    for name in model_order():
        values = TEMPLATES.get(name, (None, ()))[0]
        sql = load_sql(name, **(values(conn) if values else {}))
        replace_partition(conn, table_of(name), sql, year)


def stage_deliveries(raw: Path, years: Iterable[int]) -> ModelBuild:
    """The warehouse of `years` through staging only: the reference data, discovery, raw and
    staging of every file kind (`check.ingest_years`, the functions the assets call), for
    tests of what staging accepts, quarantines and notes."""
    conn = prepare(duckdb.connect(":memory:"))
    ingest_years(conn, raw, sorted(years), DEFAULT_MAX_FILE_BYTES)
    return ModelBuild(conn)


def build_models(raw: Path, years: Iterable[int], database: str = ":memory:") -> ModelBuild:
    """The warehouse of `years` from the delivery folder `raw`, year by year in order (a year
    reads the years before it): the reference data, discovery, raw and staging of every file
    kind (`check.ingest_years`, the functions the assets call), then every model."""
    conn = prepare(duckdb.connect(database))
    for year in sorted(years):
        ingest_years(conn, raw, [year], DEFAULT_MAX_FILE_BYTES)
        run_models(conn, year)
    return ModelBuild(conn)
