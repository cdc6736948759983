"""The Alembic migration creates exactly the models; engines are set up per database."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from disclosures.db.engine import (
    DEFAULT_URL,
    UnsupportedDatabase,
    alembic_config,
    get_engine,
    head_revision,
    migrate,
)
from disclosures.db.models import Base
from sqlalchemy import inspect

RECORD_TABLES = {"documents", "extraction_runs", "facts", "budget_lines", "projects",
                 "project_funding", "indicators", "findings", "finding_refs", "provenance"}


def all_model_tables() -> set[str]:
    """Every table declared on Base by any module of the package (db.models, db.crawl, …)."""
    import importlib
    import pkgutil

    from disclosures import db
    for module in pkgutil.iter_modules(db.__path__):
        importlib.import_module(f"disclosures.db.{module.name}")
    return set(Base.metadata.tables)


def alembic_head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_migration_creates_exactly_the_models(db_url):
    models = all_model_tables()
    engine = get_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert tables == models | {"alembic_version"}
    assert RECORD_TABLES <= tables
    assert current_revision(engine) == alembic_head()
    engine.dispose()


def test_migrate_is_idempotent_and_reversible(db_url):
    engine = get_engine(db_url)
    migrate(engine)
    migrate(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert current_revision(engine) == alembic_head()
    engine.dispose()


def test_migrate_works_from_any_directory(tmp_path, monkeypatch):
    """The scripts ship inside the package: no alembic.ini in the working directory needed."""
    monkeypatch.chdir(tmp_path)
    engine = get_engine(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    migrate(engine)
    assert current_revision(engine) == alembic_head()


def test_concurrent_first_migrations(db_url):
    """Two processes starting on an empty database both migrate; neither fails."""
    engines = [get_engine(db_url) for _ in range(2)]
    barrier, errors = threading.Barrier(2), []

    def run(engine):
        try:
            barrier.wait()
            migrate(engine)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert current_revision(engines[0]) == alembic_head()
    for e in engines:
        e.dispose()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_engine_url_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCLOSURES_DB", raising=False)
    assert str(get_engine().url) == DEFAULT_URL
    monkeypatch.setenv("DISCLOSURES_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert get_engine().url.database == str(tmp_path / "env.db")
    assert get_engine(f"sqlite:///{tmp_path / 'arg.db'}").url.database == str(tmp_path / "arg.db")


def test_other_databases_are_refused(tmp_path):
    with pytest.raises(UnsupportedDatabase, match=r"only SQLite \(sqlite:///FILE\) and PostgreSQL") as refused:
        get_engine("mysql+pymysql://u:secret@localhost/x")
    assert "secret" not in str(refused.value)
    with pytest.raises(UnsupportedDatabase, match="'not a url' is not a database URL"):
        get_engine("not a url")
    with pytest.raises(UnsupportedDatabase, match="the postgresql driver must be psycopg"):
        get_engine("postgresql+psycopg2://u@localhost/x")
    with pytest.raises(UnsupportedDatabase, match="no folder"):
        get_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    assert get_engine("postgresql://u@localhost/x").dialect.driver == "psycopg"


def test_the_head_read_from_the_scripts_is_alembics():
    """``migrate`` skips Alembic when the database is at the head it reads from the
    migration scripts; that head must be the one Alembic computes."""
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
