"""The suites judged by GX's SQL engine in DuckDB, against the pandas engine the build uses
(issue "National scale near the floor", item 1). A measurement, not part of the build.

Both routes run every suite of one year of a warehouse, on the same machine in the same run;
the script prints the seconds of each per suite and compares every expectation's verdict and
count of unexpected rows. The SQL route needs duckdb-engine with fully buffered results
(`gx_sql_duckdb.buffered_dialect`); duckdb-engine is not a dependency of the project:

    .venv/bin/pip install --target build/gx-sql duckdb-engine==0.17.0
    PYTHONPATH=build/gx-sql:. .venv/bin/python benchmarks/gx_sql_route.py \
        build/bench/vth_full.duckdb 2023

`make bench` leaves the warehouse of five national years at build/bench/vth_full.duckdb.
Exit 0 when every verdict and count agree, 1 otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TQDM_DISABLE", "1")  # GX's progress bars

import duckdb  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gx_sql_duckdb import buffered_dialect  # noqa: E402

from vth_pipeline.validation import evaluate  # noqa: E402
from vth_pipeline.validation.gx import GxRuntime, parameter_names  # noqa: E402
from vth_pipeline.validation.results import DatasetUitkomst  # noqa: E402
from vth_pipeline.validation.suites import DATASETS, generated, load_suite  # noqa: E402


def with_literals(sql: str, values: dict[str, Any]) -> str:
    """A view's `$name` parameters as literals: GX's query asset takes SQL text only."""
    for name, value in sorted(values.items(), key=lambda kv: -len(kv[0])):
        sql = sql.replace(f"${name}", repr(value))
    return sql


def sql_route(path: Path, year: int, dataset: str, params: dict) -> tuple[float, dict[int, Any]]:
    """Every view of the suite as a GX query asset on the warehouse file, judged by GX."""
    gx = GxRuntime.get().gx
    suite = load_suite(dataset)
    views = {v.naam: v for v in generated()[dataset].views}
    values = {"jaar": year, "vorig_jaar": year - 1, "min_basis": evaluate.settings()[1]}
    t0 = time.perf_counter()
    source = gx.get_context(mode="ephemeral").data_sources.add_sql(
        name="wh", connection_string=f"duckdb+buffered:///{path}"
    )
    by_view: dict[str, list[tuple[int, dict]]] = {}
    for i, exp in enumerate(suite["expectations"]):
        by_view.setdefault(exp["meta"]["view"], []).append((i, exp))
    results: dict[int, Any] = {}
    for name, items in by_view.items():
        query = f"SELECT * FROM (\n{with_literals(views[name].sql, values)}\n) AS v"
        batch = source.add_query_asset(name=name, query=query)
        batch = batch.add_batch_definition_whole_table("alles").get_batch()
        tagged = [{**e, "meta": {**e.get("meta", {}), "volgnummer": i}} for i, e in items]
        validation = batch.validate(
            gx.ExpectationSuite(name=f"{dataset}.{name}", expectations=tagged),
            expectation_parameters={k: params[k] for k in parameter_names(tagged) if k in params},
            result_format="BASIC",  # the least the build asks (gx.GxRuntime.validate)
        )
        for r in validation.results:
            results[int(r.expectation_config.meta["volgnummer"])] = r
    return time.perf_counter() - t0, results


def disagreements(dataset: str, pandas: DatasetUitkomst, sql: dict[int, Any]) -> list[str]:
    """Expectations whose verdict or count of unexpected rows differs, or that failed in SQL."""
    expected = {u.volgnummer: u for c in pandas.toetsen for u in c.uitkomsten}
    found = []
    for i, r in sorted(sql.items()):
        name = f"{dataset} #{i} {r.expectation_config.type}"
        raised = [
            v["exception_message"]
            for v in (r.exception_info or {}).values()
            if isinstance(v, dict) and v.get("raised_exception")
        ]
        if raised:
            found.append(f"{name}: {raised[0][:150]}")
            continue
        u = expected[i]
        unexpected = (r.result or {}).get("unexpected_count")
        if bool(r.success) != u.geslaagd or (unexpected is not None and unexpected != u.afwijkend):
            found.append(f"{name}: pandas {u.geslaagd}/{u.afwijkend}, sql {r.success}/{unexpected}")
    return found


def main(warehouse: str, year: int) -> int:
    buffered_dialect()
    GxRuntime.get()  # GX's import is counted in neither route
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        shutil.copy(warehouse, path)
        datasets = [d for d in DATASETS if load_suite(d) is not None]
        # one configuration per database file in a process: the pandas route's connection is
        # closed before duckdb-engine opens the file with its own
        with duckdb.connect(str(path), read_only=True) as conn:
            params = evaluate.expectation_parameters(conn, year, evaluate.settings()[0])
            on_pandas = {}
            for dataset in datasets:
                t = time.perf_counter()
                result = evaluate.validate_dataset(conn, dataset, year)
                on_pandas[dataset] = (result, time.perf_counter() - t)
        totals, problems = [0.0, 0.0], []
        for dataset in datasets:
            pandas_result, pandas_seconds = on_pandas[dataset]
            sql_seconds, sql_results = sql_route(path, year, dataset, params)
            totals = [totals[0] + pandas_seconds, totals[1] + sql_seconds]
            problems += disagreements(dataset, pandas_result, sql_results)
            print(
                f"{dataset:26s} pandas {pandas_seconds:6.2f} s   sql {sql_seconds:6.2f} s"
                f"   ({len(sql_results)} expectations)"
            )
    print(*problems, sep="\n")
    print(
        f"all suites of {year}: pandas {totals[0]:.1f} s, sql {totals[1]:.1f} s "
        f"(sql / pandas {totals[1] / totals[0]:.2f}); disagreements: {len(problems)}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
