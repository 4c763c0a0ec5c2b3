"""The portal's database: accounts, sessions, uploads and the append-only log.

SQLite (a file in the portal's folder) by default; PostgreSQL when VTH_PORTAAL_DB names one,
for instance the server of the Dagster instance. The schema is Alembic's (`migrations/`):
`migrate` brings any database to the newest revision when the portal or `vth portaal account`
starts, so a deployment never runs on a schema older than its code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def utcnow() -> dt.datetime:
    """Naive UTC: SQLite keeps no time zone, so every stored time is UTC by convention."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A partner's (or a data engineer's, `beheer`) account; only the token's Argon2 hash is kept.

    `sleutel` is the token's public first part: it finds the account without trying the hash
    of every account, and changes when the token is rotated."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    beheer: Mapped[bool] = mapped_column(Boolean, default=False)
    sleutel: Mapped[str] = mapped_column(String(24), unique=True)
    token_hash: Mapped[str] = mapped_column(String(200))
    aangemaakt: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    gewijzigd: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Sessie(Base):
    """A browser session: the cookie's sha256 (never the cookie) and the session's CSRF token."""

    __tablename__ = "sessies"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    verloopt: Mapped[dt.datetime] = mapped_column(DateTime)


class Levering(Base):
    """One upload with its verdict; `pad` is where it landed (relative to the raw folder)."""

    __tablename__ = "leveringen"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    partner_code: Mapped[str] = mapped_column(String(40), index=True)
    jaar: Mapped[int] = mapped_column(Integer)
    soort: Mapped[str] = mapped_column(String(40))
    bestandsnaam: Mapped[str] = mapped_column(Text)
    formaat: Mapped[str | None] = mapped_column(String(8), nullable=True)
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    ontvangen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20))
    oordeel: Mapped[str] = mapped_column(String(20))
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    rijen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    geaccepteerd: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quarantaine: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bevindingen: Mapped[str] = mapped_column(Text, default="{}")  # JSON, at most max_findings
    pad: Mapped[str | None] = mapped_column(Text, nullable=True)
    vervangt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    seconden: Mapped[float] = mapped_column(Float, default=0.0)


class Logregel(Base):
    """Every login (also failed) and upload. Append-only: the migration adds triggers that
    refuse UPDATE and DELETE, in SQLite and PostgreSQL alike."""

    __tablename__ = "logboek"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tijd: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    gebeurtenis: Mapped[str] = mapped_column(String(40))
    code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    adres: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    levering_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


def normalised_url(url: str) -> str:
    """`postgresql://` means psycopg 3 to SQLAlchemy 2.1; the project ships psycopg2, and
    Dagster's docs (which people copy) write the plain form: use the driver that is there."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql" and find_spec("psycopg") is None:
        return parsed.set(drivername="postgresql+psycopg2").render_as_string(hide_password=False)
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the upload writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalised_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the database to Alembic's head revision (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """The engine and a session factory; `session()` commits or rolls back as a unit."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()
