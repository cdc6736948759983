"""Engines and schema migration for SQLite and PostgreSQL.

``get_engine(url)`` takes any SQLAlchemy URL; ``$DISCLOSURES_DB`` and then an
embedded SQLite file in the working directory are the defaults (the export
contract's ``--db``). ``migrate(engine)`` brings the schema to Alembic's head
with the migration scripts shipped inside this package, so it works from an
installed wheel as well as from the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from disclosures.model.errors import BadInput
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text

DEFAULT_URL = "sqlite:///./disclosures.db"
ENV_VAR = "DISCLOSURES_DB"
PACKAGE_DIR = Path(__file__).resolve().parent
# Any constant both processes agree on: serializes concurrent migrations on PostgreSQL.
MIGRATION_LOCK_KEY = 0x64697363  # "disc"
# Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE_OPTION = "disclosures_write"
SUPPORTED_DIALECTS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class SqliteSettings:
    # Another process storing a document holds the write lock for well under a
    # second per document; waiting this long means something is stuck.
    busy_timeout_ms: int = 30_000


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


class UnsupportedDatabase(BadInput):
    """A database URL for a server the project does not support."""


def get_engine(url: str | None = None, settings: SqliteSettings | None = None) -> Engine:
    """An engine for ``url``, else ``$DISCLOSURES_DB``, else ``./disclosures.db``."""
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() not in SUPPORTED_DIALECTS:
        raise UnsupportedDatabase(f"{parsed.render_as_string(hide_password=True)}: "
                                  f"only SQLite and PostgreSQL are supported")
    engine = create_engine(parsed)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, settings or SqliteSettings())
    return engine


def configure_sqlite(engine: Engine, settings: SqliteSettings) -> None:
    """WAL (readers never wait for the writer), a busy timeout, enforced foreign
    keys, and SQLAlchemy instead of the sqlite3 module deciding where a
    transaction begins — the module's legacy mode starts transactions lazily,
    which lets two writers both read and then deadlock on the upgrade to a
    write lock, and runs DDL outside any transaction."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that commits on success and rolls back on any exception.

    On SQLite it holds the database's write lock from its first statement, so
    two processes writing at once queue up (busy timeout) instead of failing.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


def alembic_config() -> Config:
    """The Alembic configuration shipped in this package (``db/alembic.ini``)."""
    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision, in one transaction.

    Safe to call before every store: at head it only reads the version, and
    concurrent callers wait for each other (PostgreSQL advisory lock, SQLite
    write lock) instead of creating the same tables twice.
    """
    config = alembic_config()
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
