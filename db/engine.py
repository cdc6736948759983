"""Engines and schema migration for SQLite and PostgreSQL.

``get_engine(url)`` takes the URL of a SQLite file (``sqlite:///FILE``) or a
PostgreSQL database through psycopg 3 (``postgresql+psycopg://…``; a plain
``postgresql://`` means the same); any other URL is ``UnsupportedDatabase``
(bad input). ``$DISCLOSURES_DB`` and then an embedded SQLite file in the
working directory are the defaults (the export contract's ``--db``).
``migrate(engine)`` brings the schema to Alembic's head with the migration
scripts shipped inside this package, so it works from an installed wheel as
well as from the repository; a database already at head costs one query, not
Alembic's import (most of a single-file ``extract``'s start-up otherwise).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from disclosures.model.errors import BadInput, Failure
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    create_engine,
    event,
    inspect,
    make_url,
    text,
)
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///./disclosures.db"
ENV_VAR = "DISCLOSURES_DB"
PACKAGE_DIR = Path(__file__).resolve().parent
# Any constant both processes agree on: serializes concurrent migrations on PostgreSQL.
MIGRATION_LOCK_KEY = 0x64697363  # "disc"
# Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE_OPTION = "disclosures_write"
# the one driver of each supported database (``[postgres]`` installs psycopg 3)
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
SUPPORTED = "SQLite (sqlite:///FILE) and PostgreSQL (postgresql+psycopg://USER@HOST/DB)"
VERSIONS_DIR = PACKAGE_DIR / "migrations" / "versions"


@dataclass(frozen=True)
class SqliteSettings:
    # Another process storing a document holds the write lock for well under a
    # second per document; waiting this long means something is stuck.
    busy_timeout_ms: int = 30_000


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


class UnsupportedDatabase(BadInput):
    """A database URL for a server or driver the project does not support."""


class MissingDependency(Failure):
    """An optional package (psycopg, pyarrow, datasette, frictionless) is not installed."""


def database_url(url: str | None = None) -> URL:
    """``url`` (or the default) parsed and checked: a supported database and driver."""
    given = resolve_url(url)
    try:
        parsed = make_url(given)
    except ArgumentError as exc:
        raise UnsupportedDatabase(f"{given!r} is not a database URL; supported: {SUPPORTED}") from exc
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in DRIVERS:
        raise UnsupportedDatabase(f"{shown}: only {SUPPORTED} are supported")
    if "+" in parsed.drivername and parsed.get_driver_name() != DRIVERS[backend]:
        raise UnsupportedDatabase(f"{shown}: the {backend} driver must be {DRIVERS[backend]}")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise UnsupportedDatabase(f"{shown}: no folder {folder} for the SQLite file")
    if backend == "postgresql" and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")  # SQLAlchemy 2.0 would take psycopg2
    return parsed


def not_created_yet(url: str | None = None) -> bool:
    """True for a SQLite file that does not exist yet: reading it would create it,
    and a run that ends in bad input must leave nothing behind."""
    parsed = database_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
        and not Path(parsed.database).exists()


def get_engine(url: str | None = None, settings: SqliteSettings | None = None) -> Engine:
    """An engine for ``url``, else ``$DISCLOSURES_DB``, else ``./disclosures.db``."""
    parsed = database_url(url)
    try:
        engine = create_engine(parsed)
    except ImportError as exc:
        raise MissingDependency(f"{parsed.render_as_string(hide_password=True)}: the driver is not "
                                f"installed ({exc}): pip install -e '.[postgres]'") from exc
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
    from alembic.config import Config

    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    return config


_REVISION_RE = re.compile(r"""^(down_)?revision\b[^=\n]*=\s*["']([^"']+)["']""", re.MULTILINE)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration: the revision no other one revises, read from the
    scripts' ``revision`` / ``down_revision`` lines (None when they do not name
    exactly one; Alembic then decides)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        for down, revision in _REVISION_RE.findall(script.read_text(encoding="utf-8")):
            (revised if down else revisions).add(revision)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    head = head_revision()
    if head is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision, in one transaction.

    Safe to call before every store: at head it only reads the version, and
    concurrent callers wait for each other (PostgreSQL advisory lock, SQLite
    write lock) instead of creating the same tables twice.
    """
    if at_head(engine):
        return
    from alembic import command

    config = alembic_config()
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
