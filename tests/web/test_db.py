"""Writers of one SQLite file take turns first come, first served, and always give the turn back.

SQLite's own busy handler polls with growing sleeps and no order, so under load a writer could
keep losing to newcomers (the 60 s soak saw writers wait 11 s against a 15 s busy timeout).
These tests use real threads and real commits on a fresh database file, and wait on the queue's
state rather than on the clock, so they do not depend on the machine's speed.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import OperationalError

from fund.audit.models import AuditEntry
from fund.audit.services import record_audit
from fund.users.models import LoginAttempt, Role
from web import db as web_db
from web.db import Sessions, WriterQueue, writer_queue
from web.ops.errors import classify

NOW = dt.datetime(2025, 11, 20, 3, 0, tzinfo=dt.UTC)


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.005)


def _is_free(queue: WriterQueue) -> bool:
    """Take the turn if nobody has it (then give it back); never waits."""
    if queue.acquire(timeout=0):
        queue.release()
        return True
    return False


@pytest.fixture
def sqlite_url(database_factory) -> str:
    return database_factory.new_url("sqlite")


@pytest.fixture
def file_app(sqlite_url, tmp_path):
    """An app on a fresh SQLite file with its own engine, as ``chaeson serve`` builds it."""
    from web.app import create_app

    app = create_app(
        {"SECRET_KEY": "test", "DATABASE_URL": sqlite_url, "INSTANCE_PATH": str(tmp_path)}
    )
    yield app
    app.extensions["chaeson_sessions"].engine.dispose()


@pytest.fixture
def app_sessions(file_app) -> Sessions:
    return file_app.extensions["chaeson_sessions"]


def _audit_write(sessions: Sessions, n: int) -> None:
    with sessions(write=True) as s:
        record_audit(s, actor=None, action="test.turn", entity="test", entity_id=n, at=NOW)
        s.commit()


def test_waiting_writers_all_commit_and_in_the_order_they_arrived(app_sessions, sqlite_url):
    queue = writer_queue(make_url(sqlite_url).database)
    holder = app_sessions(write=True)
    holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: this session has the turn
    writers = []
    for n in range(10):
        writer = threading.Thread(target=_audit_write, args=(app_sessions, n))
        writer.start()
        writers.append(writer)
        _wait_for(lambda n=n: queue.waiting == n + 1, f"writer {n} to queue")
    holder.rollback()
    holder.close()
    for writer in writers:
        writer.join(timeout=60)
    assert not any(w.is_alive() for w in writers), "a writer never got its turn"
    with app_sessions(write=False) as s:
        committed = s.scalars(
            select(AuditEntry.entity_id)
            .where(AuditEntry.action == "test.turn")
            .order_by(AuditEntry.id)
        ).all()
    assert committed == list(range(10))
    assert _is_free(queue)


def test_a_released_turn_goes_to_the_waiter_and_no_newcomer_can_slip_in():
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    got = []
    waiter = threading.Thread(target=lambda: got.append(queue.acquire(timeout=30)))
    waiter.start()
    _wait_for(lambda: queue.waiting == 1, "the waiter to queue")
    queue.release()
    # Handed over, not set free: someone arriving now (even before the waiter wakes) must wait.
    assert not queue.acquire(timeout=0)
    waiter.join(timeout=30)
    assert got == [True]
    queue.release()
    assert _is_free(queue)


def test_the_turn_comes_back_after_commit_rollback_close_and_a_lost_connection(
    app_sessions, sqlite_url
):
    queue = writer_queue(make_url(sqlite_url).database)

    s = app_sessions(write=True)
    s.execute(text("SELECT 1"))
    assert not _is_free(queue)
    s.commit()
    assert _is_free(queue)

    s.execute(text("SELECT 1"))  # the same session begins again and takes a new turn
    assert not _is_free(queue)
    s.rollback()
    assert _is_free(queue)

    s.execute(text("SELECT 1"))
    s.close()  # closed without commit: rolled back
    assert _is_free(queue)

    s = app_sessions(write=True)
    s.connection().invalidate()  # the connection is lost mid-transaction
    s.close()
    assert _is_free(queue)

    s = app_sessions(write=True)
    s.execute(text("SELECT 1"))
    del s  # forgotten without close: the pool cleans up the connection
    gc.collect()
    _wait_for(lambda: _is_free(queue), "the forgotten session's turn", seconds=10)

    reader = app_sessions(write=False)
    reader.execute(text("SELECT 1"))  # readers never take a turn
    assert _is_free(queue)
    reader.close()


def test_a_writer_kept_waiting_too_long_gets_the_busy_page_and_the_queue_recovers(
    app_sessions, sqlite_url, monkeypatch
):
    monkeypatch.setattr(web_db, "BUSY_TIMEOUT_MS", 200)
    queue = writer_queue(make_url(sqlite_url).database)
    holder = app_sessions(write=True)
    holder.execute(text("SELECT 1"))
    late = app_sessions(write=True)
    with pytest.raises(OperationalError) as refused:
        late.execute(text("SELECT 1"))
    assert classify(refused.value) == "busy"
    late.close()
    assert queue.waiting == 0
    holder.commit()
    holder.close()
    _audit_write(app_sessions, 1)  # the queue works on
    assert _is_free(queue)


def test_a_writer_of_another_process_is_still_waited_for(app_sessions, sqlite_url):
    # A plain sqlite3 connection stands for another process (the CLI, a backup): it knows
    # nothing of this process's queue, so SQLite's busy timeout is what makes our writer wait.
    other = sqlite3.connect(make_url(sqlite_url).database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO audit_log (at, action, entity, entity_id, details, channel) "
            "VALUES ('2025-11-20 03:00:00', 'test.other', 'test', 0, '{}', 'cli')"
        )
        writer = threading.Thread(target=_audit_write, args=(app_sessions, 1))
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive(), "wrote while another process held the write lock"
        other.execute("COMMIT")
        writer.join(timeout=30)
        assert not writer.is_alive()
    finally:
        other.close()
    with app_sessions(write=False) as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["test.other", "test.turn"]


def test_a_login_checks_the_password_while_no_writer_waits_on_it(
    file_app, app_sessions, sqlite_url, monkeypatch
):
    # Argon2 takes about half a second by design; inside the write transaction it held up every
    # posting (the soak's 20 logins held the write lock 11 s in all).
    from fund.users import services
    from tests.conftest import TEST_PASSWORD, WebClient

    with app_sessions(write=True) as s:
        services.create_user(
            s,
            username="committee",
            display_name="กรรมการ",
            role=Role.COMMITTEE,
            password=TEST_PASSWORD,
            now=NOW,
        )
        s.commit()
    queue = writer_queue(make_url(sqlite_url).database)
    hasher = services._hasher
    turn_free_while_checking = []

    class Watched:
        def verify(self, hash_, password):
            turn_free_while_checking.append(_is_free(queue))
            return hasher.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(hasher, name)

    monkeypatch.setattr(services, "_hasher", Watched())
    client = WebClient(file_app.test_client())
    assert client.login("committee", "wrong-password-123").status_code == 422
    assert client.login("committee").status_code == 302
    assert turn_free_while_checking == [True, True]
    with app_sessions(write=False) as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 1
