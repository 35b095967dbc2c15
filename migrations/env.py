"""Alembic environment: the URL comes from the caller (tests, CLI) or the environment."""

from __future__ import annotations

from alembic import context

import web.model_registry  # noqa: F401  (registers every table on Base.metadata)
from fund.db import Base
from web.config import database_url
from web.db import make_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or database_url()
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # SQLite alters a table by rebuilding it, which enforced foreign keys refuse as soon as
    # other rows refer to it: enforcement is off while migrating and every key checked after.
    engine = make_engine(_url(), foreign_keys=False)
    with engine.connect() as connection:
        _run(connection)
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.rollback()
            if broken:
                raise RuntimeError(
                    f"the migration left rows with broken foreign keys: {broken[:5]}"
                )
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
