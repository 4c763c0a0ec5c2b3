"""Running a suite on one year: DuckDB hands over each view as a pandas frame, GX judges it.

Great Expectations is imported lazily, once per process (it costs 3.5-5.7 s), with analytics
off, no progress bars and an ephemeral context that builds no Data Docs (so nothing is
written to a temporary folder and nothing is fetched from the network). Each view is queried
in DuckDB for the year alone, handed over as Arrow and converted to pandas (DECIMAL ->
float64, DATE -> datetime64); GX's pandas engine then judges it. GX's
SQL route cannot be used: against DuckDB every metric fails (GX issues 10738, 11579).

The results go three ways: Dagster asset check results (`run_checks`), the tables
`staat.validatie` (one row per toets) and `staat.validatie_verwachtingen` (one row per
expectation) for the publication, and an error that names the failed blocking toetsen.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from vth_pipeline.validation.contract_suites import DOMAIN_VALUES, OTHER_VALUES, code_lists_used
from vth_pipeline.validation.handmatig import DEFAULT_FACTOR, DEFAULT_MIN_BASIS
from vth_pipeline.validation.suites import expectations_dir, generated, load_suite

log = logging.getLogger(__name__)

SAMPLE_SIZE = 10
FACTOR_ENV = "VTH_JAAR_OP_JAAR_FACTOR"
MIN_BASIS_ENV = "VTH_JAAR_OP_JAAR_MIN_BASIS"


# ----------------------------------------------------------------------- results, plainly


@dataclass
class Uitkomst:
    """The outcome of one expectation."""

    volgnummer: int
    toets: str
    ernst: str
    view: str
    verwachting: str
    kolom: str | None
    argumenten: dict[str, Any]
    toelichting: str
    geslaagd: bool
    getoetst: int | None = None
    afwijkend: int | None = None
    waargenomen: str = ""
    voorbeeld: list[str] = field(default_factory=list)
    fout: str | None = None


@dataclass
class ToetsUitkomst:
    """The outcome of one toets (one Dagster asset check)."""

    dataset: str
    toets: str
    ernst: str
    omschrijving: str
    uitkomsten: list[Uitkomst]

    @property
    def geslaagd(self) -> bool:
        return all(u.geslaagd for u in self.uitkomsten)

    @property
    def mislukt(self) -> list[Uitkomst]:
        return [u for u in self.uitkomsten if not u.geslaagd]

    @property
    def status(self) -> str:
        if self.geslaagd:
            return "geslaagd"
        return "mislukt" if self.ernst == "ERROR" else "waarschuwing"

    @property
    def getoetst(self) -> int | None:
        counts = [u.getoetst for u in self.uitkomsten if u.getoetst is not None]
        return max(counts) if counts else None

    @property
    def afwijkend(self) -> int:
        return sum(u.afwijkend or (0 if u.geslaagd else 1) for u in self.mislukt)

    @property
    def waargenomen(self) -> str:
        if self.geslaagd:
            n = len(self.uitkomsten)
            return f"{n} van {n} verwachtingen geslaagd"
        return "; ".join(f"{_subject(u)}: {u.waargenomen}" for u in self.mislukt)[:1000]

    @property
    def voorbeeld(self) -> list[str]:
        return [v for u in self.mislukt for v in u.voorbeeld][:SAMPLE_SIZE]

    @property
    def toelichting(self) -> str:
        if self.geslaagd:
            return self.omschrijving
        parts = []
        for u in self.mislukt:
            what = u.fout and f"kon niet worden uitgevoerd: {u.fout}" or u.waargenomen
            parts.append(f"{u.toelichting.rstrip('.')}: {what}")
        return " | ".join(parts)[:2000]


@dataclass
class DatasetUitkomst:
    dataset: str
    tabel: str
    jaar: int
    toetsen: list[ToetsUitkomst]
    seconden_overdracht: float = 0.0
    seconden_gx: float = 0.0

    @property
    def seconden(self) -> float:
        return self.seconden_overdracht + self.seconden_gx

    @property
    def blokkerend_mislukt(self) -> list[ToetsUitkomst]:
        return [t for t in self.toetsen if t.ernst == "ERROR" and not t.geslaagd]


def _subject(u: Uitkomst) -> str:
    if u.kolom:
        return u.kolom
    cols = u.argumenten.get("column_list") or [
        u.argumenten.get(k) for k in ("column_A", "column_B") if u.argumenten.get(k)
    ]
    return ", ".join(map(str, cols)) or u.verwachting


# ----------------------------------------------------------------------- Great Expectations


class _Gx:
    """The one GX runtime of this process: an ephemeral context and a pandas datasource."""

    _instance: _Gx | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        t0 = time.perf_counter()
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
        self.import_seconds = time.perf_counter() - t0

    @classmethod
    def get(cls) -> _Gx:
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

    def validate(self, frame, suite, parameters: Mapping[str, Any]):
        with self._lock:
            batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
            try:
                return batch.validate(
                    suite,
                    expectation_parameters=dict(parameters),
                    result_format={
                        "result_format": "SUMMARY",
                        "partial_unexpected_count": SAMPLE_SIZE,
                    },
                )
            finally:
                manager = self.datasource.get_execution_engine().batch_manager
                manager.reset_batch_cache()
                manager.batch_data_cache.clear()


def gx_import_seconds() -> float:
    """Import GX now (if not yet) and say how long the import took in this process."""
    return _Gx.get().import_seconds


# ----------------------------------------------------------------------- parameters


def settings(factor: float | None = None, min_basis: float | None = None) -> tuple[float, float]:
    """Year-on-year factor and minimum basis: argument, else environment, else default."""
    f = factor or float(os.environ.get(FACTOR_ENV) or DEFAULT_FACTOR)
    b = min_basis if min_basis is not None else os.environ.get(MIN_BASIS_ENV)
    b = float(b) if b not in (None, "") else float(DEFAULT_MIN_BASIS)
    if f <= 1:
        raise ValueError(f"jaar-op-jaarfactor moet groter zijn dan 1, niet {f}")
    return f, b


def expectation_parameters(
    conn: duckdb.DuckDBPyConnection, year: int, factor: float
) -> dict[str, Any]:
    """The values of the suites' `$PARAMETER`s for one year, from the reference tables."""
    params: dict[str, Any] = {"jaar": year, "factor_min": 1 / factor, "factor_max": factor}
    lists: dict[str, list[str]] = {lijst: [] for lijst in code_lists_used()}
    for lijst, code in conn.execute(
        "SELECT lijst, code FROM ref.codelijsten ORDER BY lijst, code"
    ).fetchall():
        lists.setdefault(lijst, []).append(code)
    params |= {f"codelijst__{k}": v for k, v in lists.items()}
    for prefix, queries in (("domein__", DOMAIN_VALUES), ("", OTHER_VALUES)):
        for name, sql in queries.items():
            used = {"jaar": year} if "$jaar" in sql else {}
            rows = conn.execute(f"SELECT * FROM ({sql}) ORDER BY 1", used).fetchall()
            params[prefix + name] = [r[0] for r in rows]
    return params


# ----------------------------------------------------------------------- running a suite


def _to_pandas(table):
    """Arrow to pandas for GX: decimals as float64 (GX compares numbers, and pandas' object
    Decimals are slow), dates as datetime64. Several times faster than DuckDB's `.df()` on a
    year of controles (0.15 s against 0.8-1.5 s for 234,000 rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.float64()))
    return table.to_pandas(date_as_object=False)


def _frame(conn: duckdb.DuckDBPyConnection, sql: str, year: int, min_basis: float):
    """(frame, label of a row position) of a view for one year.

    Labels stay out of the index: GX is markedly faster on a RangeIndex than on a string
    index, and returns positions that map back to a label (`__index`, or file:row)."""
    values = {"jaar": year, "vorig_jaar": year - 1, "min_basis": min_basis}
    used = {k: v for k, v in values.items() if f"${k}" in sql}
    frame = _to_pandas(conn.execute(sql, used).to_arrow_table())
    if "__index" in frame.columns:
        labels = frame.pop("__index").tolist()
        return frame, lambda p: labels[p]
    if {"bron_bestand", "bron_rij"} <= set(frame.columns):
        files, rows = frame["bron_bestand"], frame["bron_rij"]
        return frame, lambda p: f"{files.iat[p]}:{rows.iat[p]}"
    return frame, lambda p: p


def _plain(value: Any) -> Any:
    """A JSON-safe Python value from what pandas/numpy/GX return."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    text = str(value)
    return None if text in ("NaT", "<NA>", "nan") else text


def _text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "leeg"
    if isinstance(value, list):
        return " / ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _outcome(
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
    info = _plain(result.exception_info) or {}
    if info.get("raised_exception"):
        out.fout = str(info.get("exception_message") or "onbekende fout").splitlines()[0][:500]
        out.waargenomen = "niet uitgevoerd"
        return out
    res = result.result or {}
    out.geslaagd = bool(result.success)
    out.getoetst = _plain(res.get("element_count"))
    unexpected = _plain(res.get("unexpected_count"))
    if "observed_value" in res and res.get("observed_value") is not None:
        out.waargenomen = _text(res["observed_value"])[:500]
    elif unexpected is not None:
        base = f" van {out.getoetst}" if out.getoetst is not None else ""
        out.waargenomen = f"{unexpected}{base} afwijkend"
    positions = _plain(res.get("partial_unexpected_index_list")) or []
    values = _plain(res.get("partial_unexpected_list")) or []
    if positions:
        rows = [label(p) if label is not None and isinstance(p, int) else p for p in positions]
        out.voorbeeld = [f"{_text(lbl)}: {_text(v)}" for lbl, v in zip(rows, values, strict=False)][
            :SAMPLE_SIZE
        ]
    else:
        out.voorbeeld = [f"onverwacht: {_text(v)}" for v in values][:SAMPLE_SIZE]
    missing = _plain(res.get("partial_missing_list")) or []
    out.voorbeeld += [f"ontbreekt: {_text(v)}" for v in missing][: SAMPLE_SIZE - len(out.voorbeeld)]
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


def _parameter_names(value: Any) -> set[str]:
    """The `$PARAMETER` names used anywhere in (a list of) expectations."""
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return {value["$PARAMETER"]}
        return set().union(*(_parameter_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_parameter_names(v) for v in value))
    return set()


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
    params = expectation_parameters(conn, year, factor)
    frames: dict[str, Any] = {}
    labels: dict[str, Callable] = {}
    errors: dict[str, str] = {}
    for name in by_view:
        try:
            if name not in views:
                raise KeyError(f"view {name!r} staat niet in de declaraties van {dataset}")
            frames[name], labels[name] = _frame(conn, views[name].sql, year, min_basis)
        except Exception as exc:  # a missing table is a failed check, not a crash
            errors[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    handover = time.perf_counter() - t0

    gx = _Gx.get()  # the first call imports GX: not counted as validation time
    t1 = time.perf_counter()
    results: dict[int, Any] = {}
    for name, items in by_view.items():
        if name in errors:
            continue
        tagged = [{**exp, "meta": {**exp.get("meta", {}), "volgnummer": i}} for i, exp in items]
        gx_suite = gx.suite((dataset, name), tagged)
        needed = {k: params[k] for k in _parameter_names(tagged) if k in params}
        validation = gx.validate(frames[name], gx_suite, needed)
        for r in validation.results:
            results[int(r.expectation_config.meta["volgnummer"])] = r
    t2 = time.perf_counter()

    outcomes = []
    for i, exp in enumerate(expectations):
        view = exp["meta"]["view"]
        u = _outcome(i, exp, toetsen, results.get(i), labels.get(view))
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


# ----------------------------------------------------------------------- persistence

VALIDATIE = "staat.validatie"
VALIDATIE_VERWACHTINGEN = "staat.validatie_verwachtingen"

_VALIDATIE_COLUMNS = (
    ("jaar", "INTEGER"),
    ("dataset", "VARCHAR"),
    ("tabel", "VARCHAR"),
    ("toets", "VARCHAR"),
    ("ernst", "VARCHAR"),
    ("geslaagd", "BOOLEAN"),
    ("uitkomst", "VARCHAR"),
    ("verwachtingen", "INTEGER"),
    ("verwachtingen_mislukt", "INTEGER"),
    ("getoetste_rijen", "BIGINT"),
    ("afwijkende_rijen", "BIGINT"),
    ("waargenomen", "VARCHAR"),
    ("voorbeeld", "VARCHAR"),
    ("omschrijving", "VARCHAR"),
    ("toelichting", "VARCHAR"),
)
_VERWACHTINGEN_COLUMNS = (
    ("jaar", "INTEGER"),
    ("dataset", "VARCHAR"),
    ("toets", "VARCHAR"),
    ("ernst", "VARCHAR"),
    ("volgnummer", "INTEGER"),
    ("view", "VARCHAR"),
    ("verwachting", "VARCHAR"),
    ("kolom", "VARCHAR"),
    ("argumenten", "VARCHAR"),
    ("geslaagd", "BOOLEAN"),
    ("getoetste_rijen", "BIGINT"),
    ("afwijkende_rijen", "BIGINT"),
    ("waargenomen", "VARCHAR"),
    ("voorbeeld", "VARCHAR"),
    ("toelichting", "VARCHAR"),
    ("fout", "VARCHAR"),
)


def _values_sql(columns: Sequence[tuple[str, str]], rows: list[tuple]) -> tuple[str, list]:
    """A typed SELECT over literal parameters (works for zero rows too)."""
    cast = ", ".join(f"{c}::{t} AS {c}" for c, t in columns)
    if not rows:
        nulls = ", ".join(f"NULL::{t} AS {c}" for c, t in columns)
        return f"SELECT {nulls} WHERE false", []
    row = "(" + ", ".join("?" for _ in columns) + ")"
    names = ", ".join(c for c, _ in columns)
    values = ", ".join(row for _ in rows)
    return f"SELECT {cast} FROM (VALUES {values}) v({names})", [x for r in rows for x in r]


def persist_results(conn: duckdb.DuckDBPyConnection, result: DatasetUitkomst) -> None:
    """Replace the rows of (jaar, dataset) in staat.validatie and staat.validatie_verwachtingen."""
    from vth_pipeline.warehouse import prepare, replace_partition

    prepare(conn)
    jaar, ds = result.jaar, result.dataset
    checks = [
        (
            jaar,
            ds,
            result.tabel,
            t.toets,
            t.ernst,
            t.geslaagd,
            t.status,
            len(t.uitkomsten),
            len(t.mislukt),
            t.getoetst,
            t.afwijkend,
            t.waargenomen,
            " ; ".join(t.voorbeeld) or None,
            t.omschrijving,
            t.toelichting,
        )
        for t in result.toetsen
    ]
    details = [
        (
            jaar,
            ds,
            u.toets,
            u.ernst,
            u.volgnummer,
            u.view,
            u.verwachting,
            u.kolom,
            json.dumps(_plain(u.argumenten), ensure_ascii=False, sort_keys=True),
            u.geslaagd,
            u.getoetst,
            u.afwijkend,
            u.waargenomen,
            json.dumps(u.voorbeeld, ensure_ascii=False),
            u.toelichting,
            u.fout,
        )
        for t in result.toetsen
        for u in t.uitkomsten
    ]
    for table, columns, rows in (
        (VALIDATIE, _VALIDATIE_COLUMNS, checks),
        (VALIDATIE_VERWACHTINGEN, _VERWACHTINGEN_COLUMNS, details),
    ):
        sql, values = _values_sql(columns, rows)
        conn.execute(f"CREATE OR REPLACE TEMP TABLE __validatie AS {sql}", values)
        replace_partition(
            conn,
            table,
            "SELECT * FROM __validatie ORDER BY ALL",
            jaar,
            params={"dataset": ds},
            where="AND dataset = $dataset",
        )
        conn.execute("DROP TABLE __validatie")


# ----------------------------------------------------------------------- Dagster


def check_specs_for(asset_name: str) -> list:
    """The asset checks of an asset, one per toets; ERROR toetsen are blocking.

    Needs no GX import. Empty for an asset without a suite."""
    from dagster import AssetCheckSpec

    from vth_pipeline.validation.suites import toetsen

    return [
        AssetCheckSpec(
            t.naam,
            asset=asset_name,
            description=f"[{t.ernst}{', blokkerend' if t.ernst == 'ERROR' else ''}] "
            f"{t.omschrijving}",
            blocking=t.ernst == "ERROR",
            metadata={"ernst": t.ernst, "suite": f"expectations/{asset_name}.json"},
        )
        for t in toetsen(asset_name)
    ]


def _md_sample(t: ToetsUitkomst) -> str:
    rows = ["| verwachting | kolom | waargenomen | voorbeeld |", "|---|---|---|---|"]
    for u in t.mislukt:
        sample = "<br>".join(u.voorbeeld[:5]).replace("|", "\\|")
        rows.append(
            f"| {u.verwachting} | {_subject(u)} | {u.waargenomen.replace('|', '/')} | {sample} |"
        )
    return "\n".join(rows)


def check_results(result: DatasetUitkomst) -> list:
    """Dagster `AssetCheckResult`s of a validated dataset, with their metadata."""
    from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

    out = []
    for t in result.toetsen:
        metadata: dict[str, Any] = {
            "ernst": t.ernst,
            "jaar": result.jaar,
            "duur_suite_s": round(result.seconden, 3),
            "waargenomen": t.waargenomen,
            "afwijkende_rijen": t.afwijkend,
            "verwachtingen": len(t.uitkomsten),
            "verwachtingen_mislukt": len(t.mislukt),
        }
        if t.getoetst is not None:
            metadata["getoetste_rijen"] = t.getoetst
        if not t.geslaagd:
            metadata["voorbeeld"] = MetadataValue.md(_md_sample(t))
            metadata["toelichting"] = t.toelichting
        out.append(
            AssetCheckResult(
                asset_key=result.dataset,
                check_name=t.toets,
                passed=t.geslaagd,
                severity=AssetCheckSeverity.ERROR
                if t.ernst == "ERROR"
                else AssetCheckSeverity.WARN,
                metadata=metadata,
                description=t.toelichting,
            )
        )
    return out


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


class BlokkerendeToetsMislukt(Exception):
    """A toets of severity ERROR failed: the year is not published on this data."""


def _describe(asset: str, check: str, description: str | None) -> str:
    return f"{asset} / {check}: {description or 'mislukt'}"


def raise_for_blocking(results: Iterable) -> None:
    """Raise `BlokkerendeToetsMislukt` naming every failed ERROR check and why.

    For an asset written as a generator: yield the results first, then call this, so the
    step fails with a message that says which check failed and why (shown by `vth build`)."""
    failed = [
        _describe(r.asset_key.to_user_string() if r.asset_key else "?", r.check_name, r.description)
        for r in results
        if not r.passed and r.severity.value == "ERROR"
    ]
    if failed:
        raise BlokkerendeToetsMislukt(
            f"{len(failed)} blokkerende toets(en) mislukt:\n" + "\n".join(failed)
        )


def failed_check_messages(result_or_evaluations: Any, blocking_only: bool = False) -> list[str]:
    """Dutch lines for each failed check in a Dagster run result (or list of evaluations):
    which check, of which asset, and why. For `vth build` to print beside a failed stage."""
    evaluations = result_or_evaluations
    if hasattr(result_or_evaluations, "get_asset_check_evaluations"):
        evaluations = result_or_evaluations.get_asset_check_evaluations()
    lines = []
    for e in evaluations:
        if e.passed or (blocking_only and e.severity.value != "ERROR"):
            continue
        meta = {k: getattr(v, "value", v) for k, v in (e.metadata or {}).items()}
        why = meta.get("toelichting") or e.description or meta.get("waargenomen")
        lines.append(
            f"[{e.severity.value}] {_describe(e.asset_key.to_user_string(), e.check_name, why)}"
        )
    return lines


def blocking_failures(conn: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """Failed ERROR toetsen of a year recorded in staat.validatie."""
    from vth_pipeline.warehouse import table_exists

    if not table_exists(conn, VALIDATIE):
        return []
    rows = conn.execute(
        f"SELECT dataset, toets, toelichting FROM {VALIDATIE} WHERE jaar = ? "
        "AND ernst = 'ERROR' AND NOT geslaagd ORDER BY dataset, toets",
        [year],
    ).fetchall()
    return [_describe(*r) for r in rows]


def assert_publishable(conn: duckdb.DuckDBPyConnection, year: int) -> None:
    """Raise when a blocking toets of the year failed (a guard for the publication assets,
    also when they are materialised on their own in `dagster dev`)."""
    failed = blocking_failures(conn, year)
    if failed:
        raise BlokkerendeToetsMislukt(
            f"{year} wordt niet gepubliceerd: {len(failed)} blokkerende toets(en) mislukt:\n"
            + "\n".join(failed)
        )


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
    from vth_pipeline.validation.suites import DATASETS

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
    from vth_pipeline.validation.suites import generated_files

    folder = expectations_dir()
    return [
        name
        for name, text in generated_files().items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
