"""A model test harness: a few rows in an in-memory DuckDB, one SQL model run, its rows back.

Tests of a model's SQL need neither Dagster nor a delivery folder nor a whole year: the input
tables are given as rows (only the columns the model reads), the model's SQL is rendered as
the asset renders it (`load_sql`, with the macros every model relies on) and run for one year,
and the result comes back as dicts. The expected values are worked out by hand in the test.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from vth_pipeline.sql import load_sql
from vth_pipeline.warehouse import prepare


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
