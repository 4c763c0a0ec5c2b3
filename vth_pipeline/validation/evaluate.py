"""Running a suite on one year: DuckDB hands over each view, GX judges it.

Each view is queried in DuckDB for the year alone (`gx.py` converts it for GX). The results
go three ways: Dagster asset check results (`checks.py`), the tables `staat.validatie` and
`staat.validatie_verwachtingen` (`results.py`), and an error that names the failed blocking
toetsen.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import duckdb

from vth_pipeline import environment
from vth_pipeline.validation.checks import check_results
from vth_pipeline.validation.contract_suites import DOMAIN_VALUES, OTHER_VALUES, code_lists_used
from vth_pipeline.validation.gx import GxRuntime, outcome, parameter_names, to_pandas
from vth_pipeline.validation.handmatig import DEFAULT_FACTOR, DEFAULT_MIN_BASIS
from vth_pipeline.validation.results import DatasetUitkomst, ToetsUitkomst, persist_results
from vth_pipeline.validation.suites import (
    DATASETS,
    expectations_dir,
    generated,
    generated_files,
    load_suite,
)
from vth_pipeline.warehouse import arrow_table

log = logging.getLogger(__name__)

FACTOR_ENV = environment.YEAR_ON_YEAR_FACTOR.name

MIN_BASIS_ENV = environment.YEAR_ON_YEAR_MIN_BASIS.name


def settings(factor: float | None = None, min_basis: float | None = None) -> tuple[float, float]:
    """Year-on-year factor and minimum basis: argument, else environment, else default."""
    f = factor or float(os.environ.get(FACTOR_ENV) or DEFAULT_FACTOR)
    b = min_basis if min_basis is not None else os.environ.get(MIN_BASIS_ENV)
    b = float(b) if b not in (None, "") else float(DEFAULT_MIN_BASIS)
    if f <= 1:
        raise ValueError(f"jaar-op-jaarfactor moet groter zijn dan 1, niet {f}")
    return f, b


def expectation_parameters(
    conn: duckdb.DuckDBPyConnection, year: int, factor: float, names: set[str] | None = None
) -> dict[str, Any]:
    """The values of the suites' `$PARAMETER`s for one year, from the reference tables; with
    `names`, only the value sets named (a suite uses a few of the dozen, each a query)."""
    params: dict[str, Any] = {"jaar": year, "factor_min": 1 / factor, "factor_max": factor}
    lists: dict[str, list[str]] = {lijst: [] for lijst in code_lists_used()}
    for lijst, code in conn.execute(
        "SELECT lijst, code FROM ref.codelijsten ORDER BY lijst, code"
    ).fetchall():
        lists.setdefault(lijst, []).append(code)
    params |= {f"codelijst__{k}": v for k, v in lists.items()}
    for prefix, queries in (("domein__", DOMAIN_VALUES), ("", OTHER_VALUES)):
        for name, sql in queries.items():
            if names is not None and prefix + name not in names:
                continue
            used = {"jaar": year} if "$jaar" in sql else {}
            rows = conn.execute(f"SELECT * FROM ({sql}) ORDER BY 1", used).fetchall()
            params[prefix + name] = [r[0] for r in rows]
    return params


LABEL_COLUMNS = ("__index", "bron_bestand", "bron_rij")
COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


def columns_used(value: Any) -> set[str]:
    """Every column the expectations name: as argument, in a column list or in a row condition."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in COLUMN_KWARGS and isinstance(item, str):
                found.add(item)
            elif key == "column_list" and isinstance(item, list):
                found |= {c for c in item if isinstance(c, str)}
            elif key == "column" and isinstance(item, dict) and isinstance(item.get("name"), str):
                found.add(item["name"])
            else:
                found |= columns_used(item)
    elif isinstance(value, list):
        for item in value:
            found |= columns_used(item)
    return found


def _frame(
    conn: duckdb.DuckDBPyConnection,
    sql: str,
    year: int,
    min_basis: float,
    columns: set[str] | None = None,
):
    """(frame, label of a row position) of a view for one year, with only `columns` (and the
    row labels) handed to GX: converting and judging the other columns costs time, not truth.

    Labels stay out of the index: GX is markedly faster on a RangeIndex than on a string
    index, and returns positions that map back to a label (`__index`, or file:row)."""
    values = {"jaar": year, "vorig_jaar": year - 1, "min_basis": min_basis}
    used = {k: v for k, v in values.items() if f"${k}" in sql}
    table = arrow_table(conn, sql, used)
    if columns is not None:
        keep = columns | set(LABEL_COLUMNS)
        table = table.select([c for c in table.column_names if c in keep])
    frame = to_pandas(table)
    if "__index" in frame.columns:
        labels = frame.pop("__index").tolist()
        return frame, lambda p: labels[p]
    if {"bron_bestand", "bron_rij"} <= set(frame.columns):
        files, rows = frame["bron_bestand"], frame["bron_rij"]
        return frame, lambda p: f"{files.iat[p]}:{rows.iat[p]}"
    return frame, lambda p: p


def validate_dataset(
    conn: duckdb.DuckDBPyConnection,
    dataset: str,
    year: int,
    *,
    factor: float | None = None,
    min_basis: float | None = None,
) -> DatasetUitkomst | None:
    """Run the suite of `dataset` on year `year`; None when the dataset has no suite."""
    suite = load_suite(dataset)
    if suite is None:
        return None
    factor, min_basis = settings(factor, min_basis)
    views = {v.naam: v for v in generated()[dataset].views}
    toetsen = suite["meta"]["toetsen"]
    expectations = suite["expectations"]
    by_view: dict[str, list[tuple[int, dict]]] = {}
    for i, exp in enumerate(expectations):
        by_view.setdefault(exp["meta"]["view"], []).append((i, exp))

    t0 = time.perf_counter()
    params = expectation_parameters(conn, year, factor, parameter_names(expectations))
    frames: dict[str, Any] = {}
    labels: dict[str, Callable] = {}
    errors: dict[str, str] = {}
    for name in by_view:
        try:
            if name not in views:
                raise KeyError(f"view {name!r} staat niet in de declaraties van {dataset}")
            needed = columns_used([exp.get("kwargs", {}) for _, exp in by_view[name]])
            frames[name], labels[name] = _frame(conn, views[name].sql, year, min_basis, needed)
        except Exception as exc:  # a missing table is a failed check, not a crash
            errors[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    handover = time.perf_counter() - t0

    gx = GxRuntime.get()  # the first call imports GX: not counted as validation time
    t1 = time.perf_counter()
    results: dict[int, Any] = {}
    for name, items in by_view.items():
        if name in errors:
            continue
        tagged = [{**exp, "meta": {**exp.get("meta", {}), "volgnummer": i}} for i, exp in items]
        gx_suite = gx.suite((dataset, name), tagged)
        needed = {k: params[k] for k in parameter_names(tagged) if k in params}
        for r in gx.validate(frames[name], gx_suite, needed):
            results[int(r.expectation_config.meta["volgnummer"])] = r
    t2 = time.perf_counter()

    outcomes = []
    for i, exp in enumerate(expectations):
        view = exp["meta"]["view"]
        u = outcome(i, exp, toetsen, results.get(i), labels.get(view))
        if view in errors:
            u.fout, u.waargenomen = f"overdracht mislukt: {errors[view]}", "niet uitgevoerd"
        outcomes.append(u)
    checks = [
        ToetsUitkomst(
            dataset,
            naam,
            t["ernst"],
            t["omschrijving"],
            [u for u in outcomes if u.toets == naam],
        )
        for naam, t in toetsen.items()
    ]
    return DatasetUitkomst(dataset, suite["meta"]["tabel"], year, checks, handover, t2 - t1)


def run_checks(
    conn: duckdb.DuckDBPyConnection,
    asset_name: str,
    year: int,
    *,
    persist: bool = True,
    factor: float | None = None,
    min_basis: float | None = None,
) -> list:
    """Validate the year's data of an asset and return one `AssetCheckResult` per toets.

    Also writes the results to staat.validatie(_verwachtingen) unless `persist=False`.
    Empty for an asset without a suite."""
    result = validate_dataset(conn, asset_name, year, factor=factor, min_basis=min_basis)
    if result is None:
        return []
    if persist:
        persist_results(conn, result)
    log.info(
        "validatie %s %s: %.2f s (overdracht %.2f s, GX %.2f s)",
        asset_name,
        year,
        result.seconden,
        result.seconden_overdracht,
        result.seconden_gx,
    )
    return check_results(result)


def validate_year(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    datasets: Sequence[str] | None = None,
    *,
    persist: bool = True,
    factor: float | None = None,
    min_basis: float | None = None,
) -> list[DatasetUitkomst]:
    """Every suite (or those named) on one year, staged before published; for timing, the
    command line and notebooks."""
    out = []
    for name in datasets or DATASETS:
        result = validate_dataset(conn, name, year, factor=factor, min_basis=min_basis)
        if result is not None:
            if persist:
                persist_results(conn, result)
            out.append(result)
    return out


def suite_drift() -> list[str]:
    """Suites whose committed file differs from what the declarations generate."""
    folder = expectations_dir()
    return [
        name
        for name, text in generated_files().items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
