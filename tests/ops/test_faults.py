"""Faults: a read-only database, a full disk, the database server cutting the connection.

Each gives the person a clear page saying nothing was saved, and leaves nothing half-written:
the write in the test (a password change: the user row, a new login session and an audit row in
one transaction) is there whole afterwards or not at all.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from fund.users.models import Role
from fund.users.services import create_user
from web.db import make_engine
from web.migrate import upgrade

from .conftest import NOW, scalar

OLD = "first-long-passphrase"
NEW = "second-long-passphrase"


def _app(url: str, tmp_path: Path):
    from web.app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "fault-test",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )


def _user(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as s:
            create_user(
                s,
                username="somsri",
                display_name="สมศรี",
                role=Role.COMMITTEE,
                password=OLD,
                now=NOW,
            )
            s.commit()
    finally:
        engine.dispose()


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _login(app, password: str = OLD):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": "somsri", "password": password, "csrf_token": _token(client, "/login")},
    )
    return client, response.status_code == 302


def _change_password(client):
    token = _token(client, "/account/password")
    return client.post(
        "/account/password",
        data={"current_password": OLD, "new_password": NEW, "csrf_token": token},
    )


def _assert_nothing_half_written(app, url: str) -> None:
    assert scalar(url, "SELECT count(*) FROM audit_log WHERE action = 'user.password'") == 0
    assert _login(app, OLD)[1], "the old password must still work"
    assert not _login(app, NEW)[1]


def test_a_read_only_database_refuses_writes_with_a_clear_page_and_reads_go_on(
    database_factory, tmp_path
):
    url = database_factory.new_url("sqlite")
    _user(url)
    app = _app(url, tmp_path)
    client, ok = _login(app)
    assert ok
    engine = app.extensions["chaeson_sessions"].engine
    engine.dispose()

    def read_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(engine, "connect", read_only)
    try:
        assert client.get("/").status_code == 200  # reading still works
        response = _change_password(client)
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "อ่านได้อย่างเดียว" in page
        assert "ไม่มีอะไรถูกบันทึกไว้ครึ่งๆ กลางๆ" in page
        assert "Traceback" not in page and "sqlite" not in page.lower()
    finally:
        event.remove(engine, "connect", read_only)
        engine.dispose()
    _assert_nothing_half_written(app, url)
    engine.dispose()


@contextlib.contextmanager
def _small_disk(path: Path, size: str):
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a size-limited tmpfs needs root: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    # Unbuffered: closing must not try to write what did not fit.
    with filler.open("wb", buffering=0) as fh:
        block = b"\0" * 65536
        try:
            while True:
                fh.write(block)
        except OSError:
            pass
    return filler


def test_a_full_disk_gives_a_clear_page_then_the_same_form_works_once_space_is_freed(tmp_path):
    with _small_disk(tmp_path / "disk", "24m") as disk:
        url = f"sqlite:///{disk / 'chaeson.db'}"
        upgrade(url)
        _user(url)
        app = _app(url, tmp_path)
        client, ok = _login(app)
        assert ok
        token = _token(client, "/account/password")
        engine = app.extensions["chaeson_sessions"].engine
        engine.dispose()
        # An empty WAL file, so the next write must claim new space.
        with contextlib.closing(sqlite3.connect(disk / "chaeson.db")) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = _fill(disk)
        form = {"current_password": OLD, "new_password": NEW, "csrf_token": token}
        response = client.post("/account/password", data=form)
        assert response.status_code == 503, response.get_data(as_text=True)[:300]
        assert "พื้นที่เก็บข้อมูลเต็ม" in response.get_data(as_text=True)
        filler.unlink()
        engine.dispose()
        assert scalar(url, "SELECT count(*) FROM audit_log WHERE action = 'user.password'") == 0
        # The person sends the same form again once the admin has made room.
        again = client.post("/account/password", data=form)
        assert again.status_code == 302
        assert scalar(url, "SELECT count(*) FROM audit_log WHERE action = 'user.password'") == 1
        engine.dispose()
        check = create_engine(url, poolclass=NullPool)
        try:
            with check.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        finally:
            check.dispose()


def test_the_database_server_cutting_the_connection_mid_request_saves_nothing(
    database_factory, tmp_path
):
    url = database_factory.new_url("postgresql")
    _user(url)
    app = _app(url, tmp_path)
    client, ok = _login(app)
    assert ok
    engine = app.extensions["chaeson_sessions"].engine
    admin = make_engine(url, poolclass=NullPool)
    killed = []

    def kill_before_commit(conn):
        # The request has written everything and asks to commit: the server goes away now.
        if killed:
            return
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        killed.append(pid)

    event.listen(engine, "commit", kill_before_commit)
    try:
        response = _change_password(client)
    finally:
        event.remove(engine, "commit", kill_before_commit)
    try:
        assert killed, "the write request never reached its commit"
        assert response.status_code == 503, response.get_data(as_text=True)[:300]
        page = response.get_data(as_text=True)
        assert "ติดต่อฐานข้อมูลไม่ได้" in page
        assert "ไม่มีอะไรถูกบันทึกไว้ครึ่งๆ กลางๆ" in page
        _assert_nothing_half_written(app, url)
        # The app recovers by itself: the next request gets a fresh connection.
        assert _change_password(client).status_code == 302
    finally:
        engine.dispose()
        admin.dispose()


@pytest.mark.parametrize("fault", ["readonly", "full", "busy", "unavailable", None])
def test_fault_pages_name_the_problem_and_an_ordinary_bug_stays_generic(fault):
    from sqlalchemy.exc import OperationalError

    from web.ops.errors import classify

    messages = {
        "readonly": "attempt to write a readonly database",
        "full": "database or disk is full",
        "busy": "database is locked",
        "unavailable": "terminating connection due to administrator command",
        None: "no such column: bogus",
    }
    err = OperationalError("SELECT 1", {}, Exception(messages[fault]))
    assert classify(err) == fault
