"""Shared fixtures: a database migrated by Alembic once per backend, a rolled-back session per test,
and Flask apps/clients bound to that session.

The suite runs on SQLite always, and on PostgreSQL too when ``CHAESON_TEST_POSTGRES_URL`` is set
(each run creates its own database there and drops it afterwards, so parallel runs don't collide).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from fund.users.models import Role, User
from fund.users.services import create_user, use_password_hasher
from web.db import make_engine
from web.migrate import upgrade

POSTGRES_SERVER_URL = os.environ.get("CHAESON_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]
TEST_PASSWORD = "correct-horse-battery-staple"
FIXED_NOW = dt.datetime(2025, 11, 20, 3, 0, tzinfo=dt.UTC)  # 20 Nov 2568, 10:00 in Bangkok


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    # Production keeps Argon2's defaults; tests hash hundreds of passwords and need cheap ones.
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


class DatabaseFactory:
    """Creates migrated, empty databases of a backend (one per call)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp = tmp_path_factory
        self.pg_databases: list[str] = []

    def new_url(self, backend: str, migrate: bool = True) -> str:
        if backend == "sqlite":
            path = self.tmp.mktemp("db") / "chaeson.db"
            url = f"sqlite:///{path}"
        else:
            if not POSTGRES_SERVER_URL:
                pytest.skip("PostgreSQL run needs CHAESON_TEST_POSTGRES_URL (set by .ci/run)")
            name = f"chaeson_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            self.pg_databases.append(name)
            url = (
                make_url(POSTGRES_SERVER_URL)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        if migrate:
            upgrade(url)
        return url

    def drop_all(self) -> None:
        if not self.pg_databases:
            return
        admin = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.pg_databases:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory)
    yield factory
    factory.drop_all()


_ENGINES: dict[str, Engine] = {}


@pytest.fixture(scope="session")
def _shared_engines(database_factory) -> Iterator[dict[str, Engine]]:
    yield _ENGINES
    for engine in _ENGINES.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgresql" and not POSTGRES_SERVER_URL:
        pytest.skip("PostgreSQL run needs CHAESON_TEST_POSTGRES_URL (set by .ci/run)")
    return request.param


@pytest.fixture
def engine(backend, database_factory, _shared_engines) -> Engine:
    """A migrated database of the backend, shared by the tests of the session."""
    if backend not in _shared_engines:
        _shared_engines[backend] = make_engine(database_factory.new_url(backend))
    return _shared_engines[backend]


@pytest.fixture
def connection(engine):
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        if outer.is_active:
            outer.rollback()
        conn.close()


def create_treasurer(session: Session, now: dt.datetime) -> User:
    """A committee login for tests that build their own database outside the fixtures."""
    return create_user(
        session,
        username="treasurer",
        display_name="เหรัญญิก",
        role=Role.COMMITTEE,
        password="correct-horse-battery",
        now=now,
    )


def session_on(conn) -> Session:
    """A session whose commits are savepoints inside the test's transaction."""
    return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(connection) -> Iterator[Session]:
    session = session_on(connection)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def now() -> dt.datetime:
    return FIXED_NOW


@pytest.fixture
def users(db, now) -> dict[str, User]:
    """One user per demo login: admin, committee, committee2, repair, auditor."""
    made = {}
    for username, role in [
        ("admin", Role.ADMIN),
        ("committee", Role.COMMITTEE),
        ("committee2", Role.COMMITTEE),
        ("repair", Role.REPAIR),
        ("auditor", Role.AUDITOR),
    ]:
        made[username] = create_user(
            db,
            username=username,
            display_name=f"ทดสอบ {username}",
            role=role,
            password=TEST_PASSWORD,
            now=now,
        )
    db.commit()
    return made


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += dt.timedelta(**kwargs)


@pytest.fixture
def clock(now) -> Clock:
    return Clock(now)


@pytest.fixture
def app(connection, engine, clock, tmp_path):
    from web.app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": str(engine.url),
            "INSTANCE_PATH": str(tmp_path),
            "SESSION_FACTORY": lambda write: session_on(connection),
            "CLOCK": clock,
        }
    )


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class WebClient:
    """The Flask test client plus the steps every web test repeats (login, posting forms)."""

    def __init__(self, client) -> None:
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self, page: str = "/login") -> str:
        return csrf_from(self.client.get(page).get_data(as_text=True))

    def login(self, username: str, password: str = TEST_PASSWORD):
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.token()},
        )

    def submit(self, url: str, data: dict, page: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with the CSRF token from ``page`` (default the same URL)."""
        data = {"csrf_token": self.token(page or url), **data}
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def client(app) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def login_as(app, users):
    """``login_as("committee")`` gives a logged-in client for that demo user."""

    def make(username: str) -> WebClient:
        web = WebClient(app.test_client())
        response = web.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return web

    return make


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
