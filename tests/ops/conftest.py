"""Fixtures for operations tests: real, committed databases (backups need real files/servers)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from fund.audit.services import record_audit
from fund.users.models import Role
from fund.users.services import create_user
from web.db import make_engine

NOW = dt.datetime(2025, 11, 20, 3, 0, tzinfo=dt.UTC)


def seed(url: str, *, users: int = 3, audit_rows: int = 5) -> None:
    """Commit a few users and audit rows (the audit log is append-only, like the journal)."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as s:
            for i in range(users):
                create_user(
                    s,
                    username=f"user{i}",
                    display_name=f"ผู้ใช้ {i}",
                    role=Role.COMMITTEE,
                    password="a-long-enough-secret",
                    now=NOW,
                )
            for i in range(audit_rows):
                record_audit(s, actor=None, action="test.seed", entity="test", entity_id=i, at=NOW)
            s.commit()
    finally:
        engine.dispose()


def scalar(url: str, sql: str):
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def seeded_url(backend, database_factory) -> str:
    url = database_factory.new_url(backend)
    seed(url)
    return url


@pytest.fixture
def now() -> dt.datetime:
    return NOW
