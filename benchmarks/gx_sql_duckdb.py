"""Minimal reproduction: Great Expectations' SQL execution engine on DuckDB (issue "National
scale near the floor", item 1), for docs/performance.md.

The wish: let GX count in the database instead of over a pandas copy. The route GX offers for
DuckDB is SQLAlchemy with the `duckdb-engine` dialect (GX has no native DuckDB engine). As
installed, it fails on the first metric of every kind of expectation this project uses, on a
table of 1,000 rows, with `MetricResolutionError: list index out of range` (GX issues 10738
and 11579). The cause: GX's `SqlAlchemyExecutionEngine.execute_query` returns the result of
a `with self.get_connection()` block and reads its rows after the block; duckdb-engine's
cursor is the DuckDB connection itself, so the rollback that ends the block replaces the
pending result, the rows read are `[]` and GX indexes `res[0]`. With the dialect reading
every result when its statement ends (`buffered_dialect`, SQLAlchemy's own fully buffered
fetch strategy), every kind gives its result.

Run (duckdb-engine is not a dependency of the project, so it is installed beside it):
    .venv/bin/pip install --target build/gx-sql duckdb-engine==0.17.0
    PYTHONPATH=build/gx-sql .venv/bin/python benchmarks/gx_sql_duckdb.py
Exit 0 when the plain dialect fails as described and the buffered one gives every result
(exit 1 the day the plain dialect works: then the buffered one is no longer needed).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import duckdb
from sqlalchemy.dialects import registry
from sqlalchemy.engine import cursor as sa_cursor

os.environ.setdefault("TQDM_DISABLE", "1")  # GX's progress bars


def buffered_dialect() -> None:
    """Register `duckdb+buffered://`: duckdb-engine with every result read when its statement
    ends, so that a result outlives the connection's rollback (see above)."""
    import duckdb_engine

    class Context(duckdb_engine.Dialect.execution_ctx_cls):
        def post_exec(self) -> None:
            super().post_exec()
            if self.cursor.description is not None:  # a statement that returns rows
                self.cursor_fetch_strategy = sa_cursor.FullyBufferedCursorFetchStrategy(self.cursor)

    class Dialect(duckdb_engine.Dialect):
        execution_ctx_cls = Context
        supports_statement_cache = False  # as duckdb-engine itself (SQLAlchemy warns else)

    module = type(sys)("vth_buffered_duckdb")
    module.Dialect = Dialect
    sys.modules[module.__name__] = module
    registry.register("duckdb.buffered", module.__name__, "Dialect")


def failures(url: str) -> int:
    """Validate one expectation of each kind on a table of 1,000 rows; print each result."""
    import great_expectations as gx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.duckdb"
        with duckdb.connect(str(path)) as conn:  # 100 NULLs among 1,000 codes
            conn.execute(
                "CREATE TABLE controles AS SELECT range AS n, "
                "CASE WHEN range % 10 = 0 THEN NULL ELSE 'x' END AS code FROM range(1000)"
            )
        context = gx.get_context(mode="ephemeral")
        source = context.data_sources.add_sql(name="wh", connection_string=f"{url}{path}")
        table = source.add_table_asset(name="controles", table_name="controles")
        batch = table.add_batch_definition_whole_table("alles").get_batch()
        expectations = [  # the kinds the suites use most: not null, range, set, uniqueness
            gx.expectations.ExpectColumnValuesToNotBeNull(column="code"),
            gx.expectations.ExpectColumnValuesToBeBetween(column="n", min_value=0, max_value=999),
            gx.expectations.ExpectColumnValuesToBeInSet(column="code", value_set=["x"]),
            gx.expectations.ExpectColumnValuesToBeUnique(column="n"),
        ]
        failed = 0
        for expectation in expectations:
            result = batch.validate(expectation)
            errors = [
                v.get("exception_message")
                for v in (result.exception_info or {}).values()
                if isinstance(v, dict) and v.get("raised_exception")
            ]
            name = type(expectation).__name__
            if errors:
                failed += 1
                print(f"{url:20s} {name}: FOUT {errors[0]}")
            else:
                unexpected = result.result.get("unexpected_count")
                print(f"{url:20s} {name}: success={result.success} unexpected={unexpected}")
    return failed


def main() -> int:
    import great_expectations as gx
    import sqlalchemy

    logging.disable(logging.CRITICAL)
    buffered_dialect()
    plain, buffered = failures("duckdb:///"), failures("duckdb+buffered:///")
    print(
        f"great_expectations {gx.__version__}, duckdb {duckdb.__version__}, "
        f"sqlalchemy {sqlalchemy.__version__}"
    )
    return 0 if plain == 4 and buffered == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
