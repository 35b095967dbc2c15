"""Engines and sessions.

SQLite gets foreign keys, WAL, ``synchronous=FULL`` and a busy timeout on every connection, and
write transactions begin with ``BEGIN IMMEDIATE`` so two writers can never interleave a
read-then-write. Read-only requests use a deferred BEGIN so they never wait on the write lock.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy's "begin" event below (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get("chaeson_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def write_engine(engine: Engine) -> Engine:
    """The same pool, with transactions that take the write lock at BEGIN on SQLite."""
    return engine.execution_options(chaeson_write=True)


class Sessions:
    """Session factories for reading and for writing against one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.read = sessionmaker(bind=engine, expire_on_commit=False)
        self.write = sessionmaker(bind=write_engine(engine), expire_on_commit=False)

    def __call__(self, *, write: bool) -> Session:
        return (self.write if write else self.read)()
