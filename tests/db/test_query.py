"""run_readonly: one SELECT, on a database opened read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from disclosures.db import models as m
from disclosures.db.engine import get_engine
from disclosures.db.query import QueryError, run_readonly, single_statement
from sqlalchemy import func, select


@pytest.fixture
def stored(samples, engine):
    samples.store(engine)
    return engine


def test_select_returns_columns_and_rows(stored):
    columns, rows = run_readonly(stored, "select subject_code, amount from budget_lines "
                                         "where subject_code = '2013101'")
    assert columns == ["subject_code", "amount"]
    assert [(code, Decimal(str(amount))) for code, amount in rows] == [("2013101", Decimal("9392100"))]


def test_with_query_and_trailing_semicolon(stored):
    sql = """-- projects and how many indicators each
    with n as (select project_id, count(*) as k from indicators group by project_id)
    select p.name, n.k from projects p join n on n.project_id = p.id;  """
    assert run_readonly(stored, sql) == (["name", "k"], [("单项定额基本运转支出", 3)])


def test_semicolons_and_keywords_inside_literals_are_text(stored):
    columns, rows = run_readonly(stored, "select 'a;b' as s, 'delete from facts' as t, "
                                         "count(*) as n from facts where key like '%;%'")
    assert rows == [("a;b", "delete from facts", 0)]


@pytest.mark.parametrize("sql, reason", [
    ("delete from facts", "not DELETE"),
    ("INSERT INTO facts (key) VALUES ('x')", "not INSERT"),
    ("update budget_lines set amount = 0", "not UPDATE"),
    ("drop table facts", "not DROP"),
    ("select 1; delete from facts", "only one statement"),
    ("select 1; select 2", "only one statement"),
    ("/* hi */ ; ", "empty query"),
    ("", "empty query"),
])
def test_refuses_anything_but_one_select(stored, sql, reason):
    with pytest.raises(QueryError, match=reason):
        run_readonly(stored, sql)
    with stored.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Fact)) == 3


def test_database_refuses_writes_a_select_hides(stored):
    # a data-modifying CTE passes the text check; the read-only transaction stops it
    # (SQLite has no such CTE and fails to parse it; either way nothing changes)
    with pytest.raises(QueryError, match="read-only transaction|syntax error"):
        run_readonly(stored, "with gone as (delete from facts returning 1) select count(*) from gone")
    with stored.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Fact)) == 3


def test_sqlite_file_is_opened_read_only(stored):
    """Behind the text check: even a write that got through would be refused."""
    if stored.dialect.name != "sqlite":
        pytest.skip("SQLite's read-only open")
    import sqlite3

    from disclosures.db.query import run_on_sqlite

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        run_on_sqlite(stored, "delete from facts")
    with stored.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Fact)) == 3


def test_postgresql_transaction_is_read_only(stored):
    if stored.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's read-only transaction")
    import psycopg
    from disclosures.db.query import run_on_postgresql

    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        run_on_postgresql(stored, "delete from facts")


def test_sql_errors_are_query_errors(stored):
    with pytest.raises(QueryError, match="query failed"):
        run_readonly(stored, "select no_such_column from facts")


def test_missing_sqlite_file_is_not_created(tmp_path):
    target = tmp_path / "nothing.db"
    with pytest.raises(QueryError, match="no database"):
        run_readonly(get_engine(f"sqlite:///{target}"), "select 1")
    assert not target.exists()


def test_single_statement_ignores_comments_and_dollar_quotes():
    assert single_statement("select 1 -- ; drop table x\n") == "select 1 -- ; drop table x"
    assert single_statement("select $$a;b$$") == "select $$a;b$$"
