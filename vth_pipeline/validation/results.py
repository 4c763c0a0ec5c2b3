"""The outcome of a suite, plainly (no Great Expectations, no Dagster), and where it is kept.

An expectation's outcome (`Uitkomst`) belongs to a toets (`ToetsUitkomst`, one Dagster asset
check) of a dataset (`DatasetUitkomst`). The outcomes are written to `staat.validatie` (one row
per toets) and `staat.validatie_verwachtingen` (one row per expectation) for the publication;
a year with a failed blocking toets is not published.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from vth_pipeline.warehouse import prepare, replace_partition, table_exists

SAMPLE_SIZE = 10


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
        return "; ".join(f"{subject(u)}: {u.waargenomen}" for u in self.mislukt)[:1000]

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


def subject(u: Uitkomst) -> str:
    if u.kolom:
        return u.kolom
    cols = u.argumenten.get("column_list") or [
        u.argumenten.get(k) for k in ("column_A", "column_B") if u.argumenten.get(k)
    ]
    return ", ".join(map(str, cols)) or u.verwachting


def plain(value: Any) -> Any:
    """A JSON-safe Python value from what pandas/numpy/GX return."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
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


def as_text(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "leeg"
    if isinstance(value, list):
        return " / ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={as_text(v)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
            json.dumps(plain(u.argumenten), ensure_ascii=False, sort_keys=True),
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


# ----------------------------------------------------------------------- what blocks a year


class BlokkerendeToetsMislukt(Exception):
    """A toets of severity ERROR failed: the year is not published on this data."""


def describe(asset: str, check: str, description: str | None) -> str:
    return f"{asset} / {check}: {description or 'mislukt'}"


def blocking_failures(conn: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """Failed ERROR toetsen of a year recorded in staat.validatie."""
    if not table_exists(conn, VALIDATIE):
        return []
    rows = conn.execute(
        f"SELECT dataset, toets, toelichting FROM {VALIDATIE} WHERE jaar = ? "
        "AND ernst = 'ERROR' AND NOT geslaagd ORDER BY dataset, toets",
        [year],
    ).fetchall()
    return [describe(*r) for r in rows]


def assert_publishable(conn: duckdb.DuckDBPyConnection, year: int) -> None:
    """Raise when a blocking toets of the year failed (a guard for the publication assets,
    also when they are materialised on their own in `dagster dev`)."""
    failed = blocking_failures(conn, year)
    if failed:
        raise BlokkerendeToetsMislukt(
            f"{year} wordt niet gepubliceerd: {len(failed)} blokkerende toets(en) mislukt:\n"
            + "\n".join(failed)
        )
