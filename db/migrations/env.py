"""Alembic environment for the ``db`` package.

``db.engine.migrate`` passes an open connection (already inside a
transaction) in ``config.attributes["connection"]``; the ``alembic`` command
line gets its URL from ``-x url=…``, ``$DISCLOSURES_DB`` or the default.
Logging is configured only for the command line: the library must not
reconfigure its caller's logging.
"""

from __future__ import annotations

import importlib
import pkgutil
from logging.config import fileConfig

from alembic import context
from disclosures import db
from disclosures.db.engine import get_engine
from disclosures.db.models import Base

# Tables are declared on the one Base by several modules of the package
# (db.models, db.crawl, …): import them all so autogenerate sees every table.
for module in pkgutil.iter_modules(db.__path__):
    importlib.import_module(f"disclosures.db.{module.name}")

config = context.config
target_metadata = Base.metadata


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER constraints in place: Alembic's batch mode
        # rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        # SQLite's DDL is transactional too once db.engine has SQLAlchemy emit
        # BEGIN: a failed upgrade leaves the previous schema, never half of one.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    engine = get_engine(context.get_x_argument(as_dictionary=True).get("url"))
    with engine.connect() as conn:
        run_on(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
