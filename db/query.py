"""Read-only SQL for researchers (``disclosures query``).

Two guards: the text must be one SELECT (or WITH … SELECT) statement, which
gives a clear refusal for the common mistakes; and the database itself is
opened read-only (SQLite ``mode=ro`` plus ``PRAGMA query_only``, PostgreSQL
``SET TRANSACTION READ ONLY``), which catches what a text check cannot
(``SELECT … INTO``, a data-modifying CTE, a function with side effects).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from disclosures.db.engine import get_engine
from disclosures.model.errors import BadInput
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

READ_KEYWORDS = ("select", "with")
_DOLLAR_TAG = re.compile(r"\$[A-Za-z_0-9]*\$")


class QueryError(BadInput):
    """A query that was refused or failed; the message says why."""


def run_readonly(engine: Engine, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one SELECT/WITH statement read-only; return (column names, rows)."""
    statement = single_statement(sql)
    try:
        if engine.dialect.name == "sqlite":
            return run_on_sqlite(engine, statement)
        return run_on_postgresql(engine, statement)
    except DBAPIError as exc:
        raise QueryError(f"query failed: {first_line(exc.orig)}") from exc
    except engine.dialect.loaded_dbapi.Error as exc:
        raise QueryError(f"query failed: {first_line(exc)}") from exc
    except SQLAlchemyError as exc:
        raise QueryError(f"query failed: {first_line(exc)}") from exc


def first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else repr(exc)


def single_statement(sql: str) -> str:
    """``sql`` itself, if it is exactly one SELECT/WITH statement (trailing ';' allowed)."""
    code = strip_literals_and_comments(sql).strip()
    while code.endswith(";"):
        code = code[:-1].rstrip()
    if not code:
        raise QueryError("empty query: give one SELECT statement")
    if ";" in code:
        raise QueryError("only one statement is allowed (found ';' between statements)")
    keyword = code.split(None, 1)[0].lower()
    if keyword not in READ_KEYWORDS:
        raise QueryError(f"only SELECT (or WITH … SELECT) queries are allowed, not {keyword.upper()}")
    return sql.strip()


def strip_literals_and_comments(sql: str) -> str:
    """The SQL with string literals, quoted identifiers and comments blanked out,
    so a ';' or a keyword inside them is not mistaken for code."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            i = skip_quoted(sql, i, c)
            out.append(" ")
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif c == "$" and (tag := _DOLLAR_TAG.match(sql, i)):
            # PostgreSQL dollar quoting: $$…$$ or $tag$…$tag$
            end = sql.find(tag.group(), tag.end())
            i = n if end < 0 else end + len(tag.group())
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def skip_quoted(sql: str, start: int, quote: str) -> int:
    """Index just past the literal opened at ``start`` (a doubled quote escapes)."""
    i = start + 1
    while i < len(sql):
        if sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


def fetch(conn: Connection, statement: str) -> tuple[list[str], list[tuple]]:
    """Run ``statement`` on the driver's own cursor, without parameters: through
    SQLAlchemy, psycopg would read a ``%`` in ``LIKE '%…'`` as a placeholder."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(statement)
        if cursor.description is None:
            raise QueryError("the statement returned no rows: only SELECT queries are allowed")
        return [d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def run_on_sqlite(engine: Engine, statement: str) -> tuple[list[str], list[tuple]]:
    database = engine.url.database
    if not database or database == ":memory:":
        return run_on_connection_query_only(engine, statement)
    path = Path(database).resolve()
    if not path.exists():
        raise QueryError(f"no database at {path}")
    uri = f"{path.as_uri()}?mode=ro"
    readonly = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with readonly.connect() as conn:
            conn.exec_driver_sql("PRAGMA query_only = ON")
            return fetch(conn, statement)
    finally:
        readonly.dispose()


def run_on_connection_query_only(engine: Engine, statement: str) -> tuple[list[str], list[tuple]]:
    """An in-memory SQLite database cannot be reopened read-only: guard its own connection."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA query_only = ON")
        try:
            return fetch(conn, statement)
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA query_only = OFF")


def run_on_postgresql(engine: Engine, statement: str) -> tuple[list[str], list[tuple]]:
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        try:
            return fetch(conn, statement)
        finally:
            conn.rollback()


def query(sql: str, db: str | None = None) -> tuple[list[str], list[tuple]]:
    """Run one read-only SELECT/WITH statement on the database ``db``."""
    return run_readonly(get_engine(db), sql)
