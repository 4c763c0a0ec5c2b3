"""The Great Expectations adapter: one GX runtime per process, and its results made plain.

GX is imported lazily, once per process (it costs 3.5-5.7 s), with analytics off, no progress
bars and an ephemeral context that builds no Data Docs (so nothing is written to a temporary
folder and nothing is fetched from the network). Frames come from DuckDB as Arrow and are
converted to pandas (DECIMAL -> float64, DATE -> datetime64); GX's pandas engine judges them.
GX's SQL route on DuckDB was made to work and measured slower (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from vth_pipeline.validation.results import SAMPLE_SIZE, Uitkomst, as_text, plain


def defer_scipy_stats() -> None:
    """Make `scipy.stats` load on first use, not when GX is imported.

    GX imports it at the top of three modules (the KL-divergence expectation and two KS-test
    metrics) that every GX import loads and that none of our suites uses: with SciPy's linalg,
    optimize and spatial, ~0.7 s of CPU in every process that validates (a `vth build`, a
    `vth verify`, each process of the deployment; docs/performance.md). The standard library's
    `importlib.util.LazyLoader`, as its documentation shows, registers the module unexecuted
    and runs it on the first attribute read; it is also set as the attribute of the `scipy`
    package, so that GX's `from scipy import stats` binds it without reading it (importing a
    module found in `sys.modules` reads its `__spec__`, which would load it). Used, it is the
    same module, loaded then (tests/test_validation.py). Only before SciPy's stats is imported:
    a process that already has it keeps it."""
    if "scipy.stats" in sys.modules:
        return
    import scipy

    spec = importlib.util.find_spec("scipy.stats")
    if spec is None or spec.loader is None or "stats" in vars(scipy):
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["scipy.stats"] = module
    loader.exec_module(module)
    scipy.stats = module


class GxRuntime:
    """The one GX runtime of this process: an ephemeral context and a pandas datasource."""

    _instance: GxRuntime | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        t0 = time.perf_counter()
        defer_scipy_stats()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        self.datasource = self.context.data_sources.add_pandas("vth_duckdb")
        self.batch_definition = self.datasource.add_dataframe_asset(
            "jaar"
        ).add_batch_definition_whole_dataframe("jaar")
        self.suites: dict[tuple[str, str], Any] = {}
        from great_expectations.execution_engine import pandas_execution_engine
        from great_expectations.expectations.expectation import Expectation

        self.expectation_class = Expectation
        self.engine_module = pandas_execution_engine
        self.import_seconds = time.perf_counter() - t0

    @classmethod
    def get(cls) -> GxRuntime:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def suite(self, key: tuple[str, str], expectations: list[dict]) -> Any:
        if key not in self.suites:
            self.suites[key] = self.gx.ExpectationSuite(
                name=f"{key[0]}.{key[1]}", expectations=copy.deepcopy(expectations)
            )
        return self.suites[key]

    def validate(self, frame, suite, parameters: Mapping[str, Any]) -> list[Any]:
        """The results of `suite` on `frame`, in GX's two result formats where each is needed.

        GX's SUMMARY format adds, per expectation, the positions and counts of the unexpected
        values: two more metrics for every expectation, although only an expectation that found
        unexpected values has any to show (the rows named in `voorbeeld`). So the suite runs
        in the BASIC format (counts, observed values, the first unexpected values), and only the
        expectations with something to show run again in SUMMARY on the same batch, whose
        metrics GX still holds. GX's time for all suites of a year: -25 % (sample year) to -32 %
        (national year), the results identical (docs/performance.md)."""
        with (
            self._lock,
            configurations_computed_once(self.expectation_class),
            frames_worked_once(self.engine_module),
        ):
            batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
            try:
                results = list(self._run(batch, suite, parameters, "BASIC").results)
                detail = [i for i, r in enumerate(results) if _has_something_to_show(r)]
                if detail:
                    again = self.gx.ExpectationSuite(
                        name=f"{suite.name}.details",
                        expectations=[results[i].expectation_config for i in detail],
                    )
                    at: dict[str, list[int]] = {}  # GX orders results its own way
                    for i in detail:
                        at.setdefault(_key(results[i]), []).append(i)
                    for r in self._run(batch, again, parameters, "SUMMARY").results:
                        results[at[_key(r)].pop(0)] = r  # identical twins: either place
                return results
            finally:
                manager = self.datasource.get_execution_engine().batch_manager
                manager.reset_batch_cache()
                manager.batch_data_cache.clear()

    @staticmethod
    def _run(batch, suite, parameters: Mapping[str, Any], result_format: str):
        return batch.validate(
            suite,
            expectation_parameters=dict(parameters),
            result_format={"result_format": result_format, "partial_unexpected_count": SAMPLE_SIZE},
        )


@contextlib.contextmanager
def configurations_computed_once(expectation_class: type) -> Iterator[None]:
    """While a suite is validated, each expectation's `configuration` is computed once.

    GX's `Expectation.configuration` is a property that builds a new ExpectationConfiguration
    from a pydantic `.dict()` of every argument (value sets of hundreds of codes included) each
    time it is read, and GX reads it ~58 times per expectation evaluated: on the sample year
    30 % of GX's time (docs/performance.md). Within one validation GX builds each expectation
    object anew from its configuration and does not change it, so the first value holds. The
    property is replaced only inside `GxRuntime.validate`, under the runtime's lock (no other
    code in the process uses GX), and put back after; the objects are held while cached, so an
    id is never reused. A test holds the results to GX's own (`test_validation`), and one that
    the property is still GX's to replace."""
    original = expectation_class.__dict__["configuration"]
    compute = original.fget
    cache: dict[int, tuple[Any, Any]] = {}

    def configuration(self):  # noqa: ANN001 - GX's own signature
        hit = cache.get(id(self))
        if hit is None:
            hit = cache[id(self)] = (self, compute(self))
        return hit[1]

    expectation_class.configuration = property(configuration, doc=original.__doc__)
    try:
        yield
    finally:
        expectation_class.configuration = original
        cache.clear()


@contextlib.contextmanager
def frames_worked_once(engine_module: Any) -> Iterator[None]:
    """While a suite is validated, GX fingerprints the frame once and filters it once per row
    condition.

    GX's pandas engine hashes the whole frame for a batch marker on every batch it makes of it
    (twice per run, once more for the SUMMARY run: ~0.3 s each on a national year of controles),
    and filters the whole frame again for every metric of an expectation with a
    `row_condition` (each expectation needs several; three pairs of expectations of
    stg_controles share two conditions). Both depend only on the frame and the condition,
    which GX does not change: without a condition GX hands every metric the batch's own frame.
    Replaced only inside `GxRuntime.validate`, under the runtime's lock, and put back after;
    the frames are held while cached, so an id is never reused. Guarded like
    `configurations_computed_once` (tests/test_validation.py)."""
    engine = engine_module.PandasExecutionEngine
    original_hash = engine_module.__dict__["hash_pandas_dataframe"]
    original_filter = engine.__dict__["_apply_row_condition_filter"]
    hashes: dict[int, tuple[Any, str]] = {}
    filtered: dict[tuple[int, str], tuple[Any, Any]] = {}

    def hash_pandas_dataframe(df):  # noqa: ANN001, ANN202 - GX's own signature
        hit = hashes.get(id(df))
        if hit is None:
            hit = hashes[id(df)] = (df, original_hash(df))
        return hit[1]

    def _apply_row_condition_filter(self, data, row_condition, domain_kwargs):  # noqa: ANN001, ANN202
        key = (
            id(data),
            json.dumps(
                [_plain_condition(row_condition), domain_kwargs.get("condition_parser")],
                sort_keys=True,
                default=repr,
            ),
        )
        hit = filtered.get(key)
        if hit is None:
            hit = filtered[key] = (data, original_filter(self, data, row_condition, domain_kwargs))
        return hit[1]

    engine_module.hash_pandas_dataframe = hash_pandas_dataframe
    engine._apply_row_condition_filter = _apply_row_condition_filter
    try:
        yield
    finally:
        engine_module.hash_pandas_dataframe = original_hash
        engine._apply_row_condition_filter = original_filter
        hashes.clear()
        filtered.clear()


def _plain_condition(row_condition: Any) -> Any:
    """A row condition as plain data, for a cache key: GX passes a dict, a string or one of its
    (pydantic) Condition objects."""
    if hasattr(row_condition, "model_dump"):
        return [type(row_condition).__name__, row_condition.model_dump(mode="json")]
    if hasattr(row_condition, "dict"):
        return [type(row_condition).__name__, row_condition.dict()]
    return row_condition


def _key(result) -> str:
    return json.dumps(result.expectation_config.to_json_dict(), sort_keys=True, default=str)


def _has_something_to_show(result) -> bool:
    """A result whose SUMMARY differs from its BASIC: it failed, raised, or counted unexpected
    values (an expectation may pass with some, were it given `mostly`)."""
    res = result.result or {}
    return (
        not result.success
        or bool((plain(result.exception_info) or {}).get("raised_exception"))
        or bool(res.get("unexpected_count"))
        or bool(res.get("partial_unexpected_list"))
    )


def import_in_background() -> threading.Thread:
    """Start GX's import (3-5 s of Python) in a thread, so that it overlaps the first steps of
    a build (reading files and staging in DuckDB, which leave the GIL); the first suite then
    finds the runtime ready, or waits for it. A failure here is left to that first suite.

    SQLAlchemy's ORM is imported here first, in the calling thread: GX imports it, and
    Dagster's storage reaches it from the run's thread; two threads importing it at once
    saw a partially initialised `sqlalchemy.orm.exc` and failed the run's first step (seen
    on a loaded machine, "most likely due to a circular import").

    requests is imported here first too: on import it sets a filter that silences urllib3's
    DependencyWarning (PySocks absent) and then imports the module that raises it. Dagster's
    steps enter and leave `warnings.catch_warnings()`, which restores the filter list of the
    moment it was entered; a restore between the two dropped the filter, and the warning
    reached the terminal of `vth build` (in a CI-like run; tests/test_warehouse.py holds it)."""
    import requests  # noqa: F401 - see above
    import sqlalchemy.orm  # noqa: F401 - see above

    def load() -> None:
        try:
            GxRuntime.get()
        except Exception:  # noqa: BLE001 - GxRuntime.get() in the step raises it again
            logging.getLogger(__name__).debug("GX import in the background failed", exc_info=True)

    thread = threading.Thread(target=load, name="gx-import", daemon=True)
    thread.start()
    return thread


def gx_import_seconds() -> float:
    """Import GX now (if not yet) and say how long the import took in this process."""
    return GxRuntime.get().import_seconds


def to_pandas(table):
    """Arrow to pandas for GX: decimals as float64 (GX compares numbers, and pandas' object
    Decimals are slow), narrower integers as int64, dates as datetime64. Several times faster
    than DuckDB's `.df()` on a year of controles (0.15 s against 0.8-1.5 s for 234,000 rows).

    Integers are widened because GX's pandas `expect_column_values_to_be_between` compares
    vectorised only on int64 and float64 columns and calls a Python function per value on any
    other (0.27 s for the `jaar` of a national year of controles); the values are the same."""
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.float64()))
        elif pa.types.is_integer(f.type) and f.type != pa.int64() and f.type != pa.uint64():
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.int64()))
    return table.to_pandas(date_as_object=False)


def outcome(
    index: int, exp: dict[str, Any], toetsen: dict, result, label: Callable | None = None
) -> Uitkomst:
    meta = exp.get("meta", {})
    kwargs = dict(exp.get("kwargs", {}))
    toets = meta.get("toets", "")
    out = Uitkomst(
        volgnummer=index,
        toets=toets,
        ernst=toetsen.get(toets, {}).get("ernst", "ERROR"),
        view=meta.get("view", ""),
        verwachting=exp["type"],
        kolom=kwargs.pop("column", None),
        argumenten=kwargs,
        toelichting=meta.get("toelichting", ""),
        geslaagd=False,
    )
    if result is None:
        return out
    info = plain(result.exception_info) or {}
    if info.get("raised_exception"):
        out.fout = str(info.get("exception_message") or "onbekende fout").splitlines()[0][:500]
        out.waargenomen = "niet uitgevoerd"
        return out
    res = result.result or {}
    out.geslaagd = bool(result.success)
    out.getoetst = plain(res.get("element_count"))
    unexpected = plain(res.get("unexpected_count"))
    if "observed_value" in res and res.get("observed_value") is not None:
        out.waargenomen = as_text(res["observed_value"])[:500]
    elif unexpected is not None:
        base = f" van {out.getoetst}" if out.getoetst is not None else ""
        out.waargenomen = f"{unexpected}{base} afwijkend"
    positions = plain(res.get("partial_unexpected_index_list")) or []
    values = plain(res.get("partial_unexpected_list")) or []
    if positions:
        rows = [label(p) if label is not None and isinstance(p, int) else p for p in positions]
        out.voorbeeld = [
            f"{as_text(lbl)}: {as_text(v)}" for lbl, v in zip(rows, values, strict=False)
        ][:SAMPLE_SIZE]
    else:
        out.voorbeeld = [f"onverwacht: {as_text(v)}" for v in values][:SAMPLE_SIZE]
    missing = plain(res.get("partial_missing_list")) or []
    out.voorbeeld += [f"ontbreekt: {as_text(v)}" for v in missing][
        : SAMPLE_SIZE - len(out.voorbeeld)
    ]
    if not out.geslaagd:
        count = unexpected
        if count is None and (values or missing):
            count = len(values) + len(missing)
        out.afwijkend = count
        if not out.waargenomen:
            out.waargenomen = "; ".join(out.voorbeeld[:3]) or "mislukt"
    else:
        out.afwijkend = unexpected
    return out


def parameter_names(value: Any) -> set[str]:
    """The `$PARAMETER` names used anywhere in (a list of) expectations."""
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return {value["$PARAMETER"]}
        return set().union(*(parameter_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(parameter_names(v) for v in value))
    return set()
