"""Moving from SQLite to PostgreSQL copies every row and proves the totals, or keeps nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import web.ops.copy as copy_module
from fund.errors import Conflict, InvalidInput
from fund.users.models import Role
from fund.users.services import create_user
from web.cli import main
from web.db import make_engine
from web.migrate import upgrade
from web.ops.copy import copy_database
from web.ops.facts import read_facts

from .conftest import NOW, scalar, seed


def _facts(url: str):
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return read_facts(conn)
    finally:
        engine.dispose()


@pytest.fixture
def demo_sqlite(database_factory) -> str:
    from web.demo import load_demo

    url = database_factory.new_url("sqlite")
    engine = make_engine(url, poolclass=NullPool)
    try:
        with Session(engine) as s:
            load_demo(s, members=24, years=1, password="demo-password-1", seed=2568, now=NOW)
            s.commit()
    finally:
        engine.dispose()
    return url


def test_copy_reproduces_every_table_and_total_and_the_books_check_clean(
    demo_sqlite, database_factory
):
    target = database_factory.new_url("postgresql", migrate=False)
    report = copy_database(demo_sqlite, target)
    source_facts = _facts(demo_sqlite)
    target_facts = _facts(target)
    assert source_facts.differences(target_facts) == []
    assert source_facts.counts["members"] == 24
    assert report.checks and report.checks_ok, [c for c in report.checks if not c.ok]
    # Ids continue after the copied ones: a new user gets a fresh id, not a clash.
    engine = make_engine(target, poolclass=NullPool)
    try:
        with Session(engine) as s:
            user = create_user(
                s,
                username="newcomer",
                display_name="ใหม่",
                role=Role.AUDITOR,
                password="a-long-enough-secret",
                now=NOW,
            )
            s.commit()
            assert user.id > source_facts.counts["users"]
        # The append-only triggers are back on after the copy.
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    finally:
        engine.dispose()


def test_copy_carries_the_ledger_totals(database_factory):
    services = pytest.importorskip("fund.ledger.services")
    from fund.ledger.accounts import AccountCode

    source = database_factory.new_url("sqlite")
    engine = make_engine(source, poolclass=NullPool)
    try:
        with Session(engine) as s:
            clerk = create_user(
                s,
                username="clerk",
                display_name="เสมียน",
                role=Role.COMMITTEE,
                password="a-long-enough-secret",
                now=NOW,
            )
            for i, amount in enumerate((150_000, 2_550, 99)):
                services.post_entry(
                    s,
                    entry_date=NOW.date(),
                    description=f"เงินบริจาค {i}",
                    source="test.donation",
                    lines=[
                        services.LineSpec(AccountCode.CASH, amount),
                        services.LineSpec(AccountCode.GRANTS_DONATIONS, -amount),
                    ],
                    recorded_by=clerk,
                    now=NOW,
                )
            s.commit()
    finally:
        engine.dispose()
    target = database_factory.new_url("postgresql", migrate=False)
    report = copy_database(source, target)
    assert report.checks_ok
    lines = _facts(target).totals["journal_lines.amount_satang"]
    assert lines == {"sum": 0, "debits": 152_649, "credits": -152_649}


def test_copy_refuses_a_target_with_data_unless_confirmed(database_factory):
    source = database_factory.new_url("sqlite")
    seed(source, users=3)
    target = database_factory.new_url("postgresql")
    seed(target, users=1, audit_rows=0)
    with pytest.raises(Conflict, match="--yes"):
        copy_database(source, target)
    assert scalar(target, "SELECT count(*) FROM users") == 1
    copy_database(source, target, confirmed=True)
    assert scalar(target, "SELECT count(*) FROM users") == 3


def test_a_copy_that_does_not_verify_keeps_nothing(database_factory, monkeypatch):
    source = database_factory.new_url("sqlite")
    seed(source, users=2)
    target = database_factory.new_url("postgresql")
    monkeypatch.setattr(copy_module, "_compare", lambda expected, found: ["users: made up"])
    with pytest.raises(InvalidInput, match="nothing was kept"):
        copy_database(source, target)
    assert scalar(target, "SELECT count(*) FROM users") == 0
    # Only what the migrations seed is there: the copy's rows were all rolled back.
    assert _facts(target).counts == copy_module._freshly_migrated_counts()


def test_copy_refuses_an_old_source_schema_and_a_non_postgres_target(database_factory, tmp_path):
    old = database_factory.new_url("sqlite", migrate=False)
    upgrade(old, "0001")
    target = database_factory.new_url("postgresql", migrate=False)
    with pytest.raises(Conflict, match="db upgrade"):
        copy_database(old, target)
    with pytest.raises(InvalidInput, match="PostgreSQL"):
        copy_database(old, f"sqlite:///{tmp_path}/x.db")


def test_cli_copy_hides_the_password_and_says_what_to_set(database_factory, tmp_path, monkeypatch):
    source = database_factory.new_url("sqlite")
    seed(source, users=2)
    target = database_factory.new_url("postgresql", migrate=False)
    monkeypatch.setenv("CHAESON_DATABASE_URL", source)
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path))
    from sqlalchemy import make_url

    with_password = make_url(target).set(password="s3cret-pw").render_as_string(False)
    # PostgreSQL here trusts local connections, so a password in the URL is harmless but shown.
    result = CliRunner().invoke(main, ["copy-to-postgres", with_password])
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "counts and totals match" in result.output
    assert "CHAESON_DATABASE_URL=" in result.output
