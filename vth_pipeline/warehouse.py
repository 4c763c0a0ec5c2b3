"""The DuckDB warehouse: one file, a schema per layer, and the few SQL helpers every layer uses.

Each partitioned table carries `jaar`; a materialisation replaces exactly its year, so
rebuilding a year is idempotent and other years are untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb

from vth_pipeline import environment

SCHEMAS = ("meta", "ref", "raw", "stg", "int", "staat")

# Rounding of rekenregels.md: half-to-even on the exact quotient. Values are scaled to integers
# (6 decimals, the precision of staged numbers) so the division is exact integer arithmetic.
MACROS = (
    "CREATE OR REPLACE TEMP MACRO div_he(n, d) AS (n // d + CASE WHEN 2 * (n % d) > d "
    "OR (2 * (n % d) = d AND (n // d) % 2 = 1) THEN 1 ELSE 0 END)",
    "CREATE OR REPLACE TEMP MACRO scaled(x) AS ((x::DECIMAL(38, 6) * 1000000)::HUGEINT)",
    "CREATE OR REPLACE TEMP MACRO pct(part, whole) AS (CASE WHEN whole IS NULL OR part IS NULL "
    "OR whole = 0 THEN NULL ELSE (CASE WHEN (part < 0) <> (whole < 0) THEN -1 ELSE 1 END "
    "* div_he(abs(scaled(part)) * 1000, abs(scaled(whole))) * 0.1)::DECIMAL(18, 1) END)",
    "CREATE OR REPLACE TEMP MACRO ratio2(num, den) AS (CASE WHEN den IS NULL OR num IS NULL "
    "OR den = 0 THEN NULL ELSE (div_he(scaled(num) * 100, scaled(den)) * 0.01)"
    "::DECIMAL(18, 2) END)",
)


def prepare(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Schemas and macros that every query of the pipeline may rely on."""
    for schema in SCHEMAS:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for macro in MACROS:
        conn.execute(macro)
    return conn


@contextlib.contextmanager
def connect(database: str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect(database, read_only=read_only)
    try:
        yield conn if read_only else prepare(conn)
    finally:
        conn.close()


def arrow_table(conn: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The result of a query as an Arrow table.

    Through the relational API (`conn.sql`): DuckDB 2 warns that Arrow from a DB-API result
    (`execute`) costs a copy. `conn.sql` refuses to run while an earlier result of the same
    connection is unfinished (a run's steps share one connection, and `execute(...).fetchone()`
    leaves one); `complete()` ends it first. The warning is not silenced with
    `warnings.catch_warnings()`: that is not thread-safe, and GX is imported in a background
    thread during a build (a restored filter list dropped requests' own filter and a urllib3
    warning reached the terminal)."""
    conn.complete()
    return conn.sql(sql, params=params or None).to_arrow_table()


def register_arrow(conn: duckdb.DuckDBPyConnection, name: str, table: Any) -> None:
    """Register an Arrow table as a view. DuckDB 2 refuses `register` (and the relational API,
    `conn.sql`) while a result of the connection is unfinished, which every
    `execute(...).fetchone()` leaves behind; `complete()` ends such a result first."""
    conn.complete()
    conn.register(name, table)


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    """The result of a query as one dict per row (for small results: reports, manifests)."""
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
            "AND table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


class SchemaChange(RuntimeError):
    """A table's columns changed in a way that cannot keep the rows of other partitions."""


def columns_of(conn: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(f"DESCRIBE {relation}").fetchall()]


def replace_partition(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    select_sql: str,
    year: int,
    params: Mapping[str, Any] | None = None,
    where: str = "",
) -> int:
    """Replace the rows of `year` (and `where`) in `table` by `select_sql`; returns rows written.

    The table is created from the query on first use. When the query's columns changed (after a
    code change), the rows of other partitions are never dropped silently: added columns are
    migrated (the rows kept, the new columns empty until their years are rebuilt, which is
    logged); a removed or retyped column fails with a message naming the years to rebuild.
    """
    params = dict(params or {}) | {"jaar": year}
    used = {k: v for k, v in params.items() if f"${k}" in select_sql}
    this = f"jaar = $jaar {where}"
    this_params = {k: v for k, v in params.items() if f"${k}" in this}
    conn.execute("BEGIN")
    try:
        conn.execute(f"CREATE TEMP TABLE __new AS {select_sql}", used)
        if table_exists(conn, table):
            _align_columns(conn, table, columns_of(conn, "__new"), this, this_params)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM __new WHERE false")
        conn.execute(f"DELETE FROM {table} WHERE {this}", this_params)
        conn.execute(f"INSERT INTO {table} SELECT * FROM __new")
        n = conn.execute("SELECT count(*) FROM __new").fetchone()[0]
        conn.execute("DROP TABLE __new")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return int(n)


def _align_columns(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    new: list[tuple[str, str]],
    this: str,
    params: Mapping[str, Any],
) -> None:
    """Give `table` the columns `new`, keeping the rows of other partitions (see above)."""
    old = columns_of(conn, table)
    if old == new:
        return
    others = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT jaar FROM {table} WHERE NOT ({this}) ORDER BY jaar", params
        ).fetchall()
    ]
    old_types = dict(old)
    lost = [f"{c} ({t})" for c, t in old if dict(new).get(c) != t]
    if lost and others:
        years = ", ".join(map(str, others))
        raise SchemaChange(
            f"tabel {table}: de kolommen zijn gewijzigd (vervallen of van type veranderd: "
            f"{', '.join(lost)}); de rijen van verslagjaar {years} passen niet meer en worden niet "
            f"stilzwijgend verwijderd. Bouw die jaren opnieuw in een nieuw warehouse: verwijder "
            f"het warehouse-bestand (of kies een ander met --warehouse) en draai `vth build` "
            f"voor {years} en dit jaar."
        )
    # Same column order as the query (a fresh build gives the same table); added columns empty.
    select = ", ".join(f"{c}" if old_types.get(c) == t else f"NULL::{t} AS {c}" for c, t in new)
    conn.execute(f"CREATE TABLE {table}__migratie AS SELECT {select} FROM {table} WHERE false")
    if others:
        conn.execute(
            f"INSERT INTO {table}__migratie SELECT {select} FROM {table} WHERE NOT ({this})",
            params,
        )
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}__migratie RENAME TO {table.split('.')[1]}")
    added = [c for c, _ in new if c not in old_types]
    if others and added:
        from dagster import get_dagster_logger

        get_dagster_logger().warning(
            f"tabel {table}: kolom(men) {', '.join(added)} toegevoegd; de rijen van verslagjaar "
            f"{', '.join(map(str, others))} zijn behouden met die kolommen leeg: bouw die jaren "
            "opnieuw om ze te vullen"
        )


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse file; the message says who and what to do (Dutch)."""


LOCK_WAIT_SECONDS = 3.0
RETRY_SECONDS = 60


def lock_message(database: str, error: str) -> str:
    """DuckDB names the program and PID holding the lock; say it in Dutch with what to do."""
    holder = re.search(r"held in (.+?) \(PID (\d+)\)(?: by user (\S+))?", error)
    who = (
        f"proces {holder[2]} ({holder[1]}{', gebruiker ' + holder[3] if holder[3] else ''})"
        if holder
        else "een ander proces"
    )
    return (
        f"Het warehouse {database} is in gebruik door {who}. Er kan maar één proces tegelijk "
        "in schrijven. Sluit die sessie (bijvoorbeeld een open DuckDB-sessie of notebook) of "
        "wacht tot die run klaar is, en start deze run daarna opnieuw."
    )


MEMORY_LIMIT_ENV = environment.DUCKDB_MEMORY_LIMIT.name
MEMORY_LIMIT = environment.DUCKDB_MEMORY_LIMIT.default


def writer_config(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """DuckDB settings of a writing connection: a memory limit unless one is configured.

    DuckDB's default (80 % of the machine's memory) lets its buffer pool keep every page a
    build ever read: at national scale that, not the data a step needs, set the peak memory of
    `vth build` (issue 14). Beyond the limit DuckDB spills to a temporary folder beside the
    file. VTH_DUCKDB_MEMORY_LIMIT overrides the default (e.g. "4GB" on a large machine)."""
    limit = os.environ.get(MEMORY_LIMIT_ENV) or MEMORY_LIMIT
    return {"memory_limit": limit} | dict(config or {})


def open_writer(
    database: str, config: Mapping[str, Any] | None = None, wait: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """A writing connection; a lock held by another process fails after `wait` seconds.

    dagster-duckdb retries for minutes; runs of this pipeline never meet each other (one
    concurrency pool), so a lock means a process outside Dagster, and waiting does not help.
    """
    import time

    if database != ":memory:":  # a missing folder is no lock
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(database, read_only=False, config=writer_config(config))
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(lock_message(database, str(e))) from e
            time.sleep(0.5)


@contextlib.contextmanager
def session(resource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A prepared writing connection to the warehouse of the Dagster DuckDB resource.

    A lock is transient: with VTH_TRANSIENT_RETRIES (production) Dagster retries the step
    later; bad data never gets here, so it is never retried.
    """
    run_cursor = getattr(resource, "run_cursor", None)  # resources.RunWarehouse: one per run
    try:
        conn = run_cursor() if callable(run_cursor) else None
        if conn is None:  # outside a run: a connection of its own
            conn = open_writer(resource.database, resource.connection_config)
    except WarehouseLocked as e:
        retries = int(environment.TRANSIENT_RETRIES.value())
        if not retries:
            raise
        from dagster import RetryRequested

        raise RetryRequested(max_retries=retries, seconds_to_wait=RETRY_SECONDS) from e
    try:
        yield prepare(conn)
    finally:
        conn.close()  # a cursor of the run's connection, or the connection of its own
