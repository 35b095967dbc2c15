"""Engines and sessions.

SQLite gets foreign keys, WAL, ``synchronous=FULL`` and a busy timeout on every connection, and
write transactions begin with ``BEGIN IMMEDIATE`` so two writers can never interleave a
read-then-write. Read-only requests use a deferred BEGIN so they never wait on the write lock.

Writers of one SQLite file in this process take turns first come, first served (a
:class:`WriterQueue` per file) before they ask SQLite for the lock. SQLite's own wait for a busy
lock polls with growing sleeps and no order: under steady load a writer can keep losing to
newcomers while the lock sits idle between its naps (the 60 s soak measured writers waiting up to
11 s, and 15 s is the busy timeout). In the queue each writer is handed the turn when the one
before it commits or rolls back, so it waits only for those ahead of it. The busy timeout still
guards against writers in other processes (the CLI, a backup).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections import deque

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000


class WriterQueue:
    """A first-come, first-served lock: a release hands the turn straight to the longest waiter.

    Unlike ``threading.Lock`` (no order) it lets nobody overtake: a thread arriving while others
    wait queues behind them even if it catches the lock free for an instant. Any thread may
    release (a pooled connection can be cleaned up by another thread than the one that took it).
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._taken = False

    def acquire(self, timeout: float) -> bool:
        """Wait for the turn, at most ``timeout`` seconds; False when it did not come."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            baton = threading.Lock()
            baton.acquire()
            self._waiting.append(baton)
        if baton.acquire(timeout=timeout):
            return True
        with self._mutex:
            if baton in self._waiting:
                self._waiting.remove(baton)
                return False
        # The turn was handed over just as the wait ran out: it is ours now.
        return True

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # the turn passes on; never free in between
            else:
                self._taken = False

    @property
    def waiting(self) -> int:
        """How many writers wait for their turn now."""
        with self._mutex:
            return len(self._waiting)


_queues: dict[str, WriterQueue] = {}
_queues_mutex = threading.Lock()


def writer_queue(database: str) -> WriterQueue:
    """The one queue of the writers of this SQLite file in this process."""
    key = os.path.realpath(database)
    with _queues_mutex:
        return _queues.setdefault(key, WriterQueue())


class _SQLiteConnection(sqlite3.Connection):
    """A pysqlite connection that gives its writer's turn back when its transaction ends.

    The turn is taken just before ``BEGIN IMMEDIATE`` and returned after COMMIT or ROLLBACK has
    really finished (or the connection is closed or lost), so the next writer finds SQLite's
    lock free and never sleeps in the busy handler for another writer of this process.
    """

    _turn: weakref.finalize | None = None

    def take_turn(self, queue: WriterQueue, timeout: float) -> bool:
        if self._turn is not None and self._turn.alive:
            return True  # still this connection's turn (a transaction that never began)
        if not queue.acquire(timeout):
            return False
        # Should the connection be dropped without a close, the turn still comes back.
        self._turn = weakref.finalize(self, queue.release)
        return True

    def end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn()  # calls queue.release once; a no-op if it already ran

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if not self.in_transaction:
                self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()


def make_engine(url: str, *, foreign_keys: bool = True, **kwargs) -> Engine:
    """``foreign_keys=False`` is for migrations only: SQLite rebuilds a table to alter it
    (drop and re-create), which foreign-key enforcement refuses once other rows refer to it;
    the migration checks every key itself afterwards."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={
                "timeout": BUSY_TIMEOUT_MS / 1000,
                "check_same_thread": False,
                "factory": _SQLiteConnection,
            },
            **kwargs,
        )
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, foreign_keys: bool = True) -> None:
    database = engine.url.database
    on_disk = database not in (None, "", ":memory:") and not database.startswith("file:")
    queue = writer_queue(database) if on_disk else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy's "begin" event below (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if not conn.get_execution_options().get("chaeson_write"):
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        dbapi_connection = conn.connection.dbapi_connection
        if queue is not None and not dbapi_connection.take_turn(queue, BUSY_TIMEOUT_MS / 1000):
            # Shown as the "busy, try again" page, like SQLite's own busy timeout.
            raise OperationalError(
                "BEGIN IMMEDIATE",
                None,
                sqlite3.OperationalError(
                    f"database is locked (no turn among this server's writers "
                    f"within {BUSY_TIMEOUT_MS // 1000} s)"
                ),
            )
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.end_turn()
            raise


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
