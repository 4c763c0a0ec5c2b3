"""The Dagster instance's storage: locally Dagster's SQLite event log with its connections
kept; in production PostgreSQL through psycopg2 whatever the URL's spelling (`VthInstance`).

Dagster's `SqliteEventLogStorage` creates a SQLAlchemy engine, opens a connection (SQLAlchemy
then inspects the database afresh) and disposes of it again for every event it stores — and an
asset-check evaluation opens three more (the run's shard, the index shard, a check whether the
index has the asset-check table). A national year writes ~700 events, so this bookkeeping was
a sixth of a `vth build` (issue 14's profile). This subclass keeps one engine with one open
connection per shard (the run's database and the index) and remembers which tables exist; the
files, their schema and their contents are Dagster's own, so `dg dev` and the stock storage
read them unchanged. Dagster's lock still serialises every use of a connection.

Why a subclass and not a setting: Dagster offers none for the SQLite storage (its PostgreSQL
storage pools connections itself; deploy/dagster.yaml uses that). The subclass overrides
`_connect`, a private method of Dagster 1.13: the pin in pyproject.toml and
tests/test_dagster_storage.py guard it.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy
from dagster import DagsterInstance
from dagster._config import StringSource
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.dialects import registry
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

# Open run shards kept at once: a `vth build` writes one run at a time, the index stays open.
OPEN_SHARDS = 4


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (one database per run plus an index), connections kept open.

    Configured in `.dagster_home/dagster.yaml` with the instance's folder (`dagster_home`); the
    databases are where Dagster's default puts them (`<dagster_home>/history/runs`)."""

    def __init__(self, dagster_home: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables: set[str] = set()
        super().__init__(os.path.join(dagster_home, "history", "runs", ""), inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"dagster_home": StringSource}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine: one connection, opened once (callers hold Dagster's lock)."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sqlalchemy.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS + 1:
            oldest = next(s for s in self._engines if s != INDEX_SHARD_NAME)
            self._engines.pop(oldest).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            if shard not in self._initialized_dbs:  # as Dagster does: on a fresh engine
                fresh = sqlalchemy.create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                self._initdb(fresh)
                fresh.dispose()
                self._initialized_dbs.add(shard)
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Whether the index has the table; a table once found is not looked up again.

        Looked up by Dagster's own (fresh) connection: Dagster asks this while it holds a
        shard's connection, which must not be lent out twice."""
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def close_connections(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self.close_connections()
        super().wipe()

    def dispose(self) -> None:
        self.close_connections()
        super().dispose()


# --- PostgreSQL: one driver for every spelling of the URL ------------------------------------

PSYCOPG2 = ("sqlalchemy.dialects.postgresql.psycopg2", "PGDialect_psycopg2")


def postgresql_through_psycopg2() -> None:
    """Make `postgresql://` and `postgresql+psycopg://` use psycopg2, as `+psycopg2` does.

    SQLAlchemy 2.1 reads a plain `postgresql://` (as Dagster documents `postgres_url`, and as it
    builds the URL of a `postgres_db` configuration itself) as psycopg 3. dagster-postgres
    installs psycopg2 and needs it: with psycopg 3 its event log fails on every event (it sends
    `NOTIFY run_events, <id>` with a bound parameter, which psycopg 3 binds on the server and
    PostgreSQL refuses; tried with psycopg 3.3.9, tests/test_dagster_storage.py). So every
    spelling goes to the installed psycopg2, rather than adding a second driver that fails."""
    registry.register("postgresql", *PSYCOPG2)
    registry.register("postgresql.psycopg", *PSYCOPG2)


postgresql_through_psycopg2()


class VthInstance(DagsterInstance):
    """Dagster's instance, named in deploy/dagster.yaml (`instance_class`) for one reason: every
    process that opens the instance (webserver, daemon, code server, each run, `vth build`)
    then imports this module before it creates its database engines, so the URL's spelling is
    settled above in all of them, not only in the processes that run this package's code."""

    @classmethod
    def config_schema(cls) -> dict:
        return {}

    @classmethod
    def config_defaults(cls, base_dir: str) -> dict:
        return InstanceRef.config_defaults(base_dir)
