"""Minimal reproduction: Great Expectations' SQL execution engine on DuckDB (issue "National
scale near the floor", item 1), for docs/performance.md.

The wish: let GX count in the database instead of over a pandas copy. The route GX offers for
DuckDB is SQLAlchemy with the `duckdb-engine` dialect (GX has no native DuckDB engine). Here it
fails on the first metric of every kind of expectation this project uses, on a table of 1,000
rows, with `MetricResolutionError: list index out of range` (GX issues 10738 and 11579).

Run (duckdb-engine is not a dependency of the project, so it is installed beside it):
    .venv/bin/pip install --target build/gx-sql duckdb-engine==0.17.0
    PYTHONPATH=build/gx-sql .venv/bin/python benchmarks/gx_sql_duckdb.py
Exit 0 when every expectation gives a result (then the route is worth taking), 1 when one fails.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import duckdb

os.environ.setdefault("TQDM_DISABLE", "1")  # GX's progress bars


def main() -> int:
    import great_expectations as gx
    import sqlalchemy

    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.duckdb"
        with duckdb.connect(str(path)) as conn:  # 100 NULLs among 1,000 codes
            conn.execute(
                "CREATE TABLE controles AS SELECT range AS n, "
                "CASE WHEN range % 10 = 0 THEN NULL ELSE 'x' END AS code FROM range(1000)"
            )
        context = gx.get_context(mode="ephemeral")
        source = context.data_sources.add_sql(name="wh", connection_string=f"duckdb:///{path}")
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
                print(f"{name}: FOUT {errors[0]}")
            else:
                unexpected = result.result.get("unexpected_count")
                print(f"{name}: success={result.success} unexpected_count={unexpected}")
    print(
        f"great_expectations {gx.__version__}, duckdb {duckdb.__version__}, "
        f"sqlalchemy {sqlalchemy.__version__}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
