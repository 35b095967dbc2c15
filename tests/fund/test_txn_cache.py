"""Values kept for a batch of postings (fund/txn_cache.py) never go stale inside it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from fund import txn_cache
from fund.errors import Conflict
from fund.ledger.models import PeriodClose
from fund.ledger.services import (
    close_period,
    closed_through,
    ensure_open,
    fiscal_start_month,
    set_setting,
)


@pytest.fixture
def seen(db):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.get_bind(), "before_cursor_execute", record)
    yield statements
    event.remove(db.get_bind(), "before_cursor_execute", record)


def test_outside_a_batch_every_read_goes_to_the_database(db, seen):
    fiscal_start_month(db)
    fiscal_start_month(db)
    assert len([s for s in seen if "fund_settings" in s]) == 2


def test_inside_a_batch_a_setting_is_read_once(db, seen):
    with txn_cache.batch(db):
        assert fiscal_start_month(db) == fiscal_start_month(db) == 10
    assert len([s for s in seen if "fund_settings" in s]) == 1
    fiscal_start_month(db)
    assert len([s for s in seen if "fund_settings" in s]) == 2  # the batch is over


def test_a_setting_changed_inside_the_batch_is_seen(db, users, now):
    with txn_cache.batch(db):
        assert fiscal_start_month(db) == 10
        set_setting(
            db, key="fiscal_year.start_month", value="1", changed_by=users["admin"], now=now
        )
        assert fiscal_start_month(db) == 1


def test_a_period_closed_inside_the_batch_is_seen(db, users, now):
    with txn_cache.batch(db):
        assert closed_through(db) is None
        ensure_open(db, dt.date(2025, 1, 15))
        close_period(
            db, year=2025, month=1, closed_by=users["committee"], now=now, today=dt.date(2025, 3, 1)
        )
        with pytest.raises(Conflict):
            ensure_open(db, dt.date(2025, 1, 15))


def test_a_close_added_directly_and_flushed_is_seen(db, users, now):
    with txn_cache.batch(db):
        assert closed_through(db) is None
        db.add(
            PeriodClose(
                closed_through=dt.date(2025, 2, 28), closed_at=now, closed_by_id=users["admin"].id
            )
        )
        db.flush()
        assert closed_through(db) == dt.date(2025, 2, 28)


def test_a_rolled_back_savepoint_takes_its_reads_with_it(db, users, now):
    with txn_cache.batch(db):
        savepoint = db.begin_nested()
        close_period(
            db, year=2025, month=1, closed_by=users["committee"], now=now, today=dt.date(2025, 3, 1)
        )
        assert closed_through(db) == dt.date(2025, 1, 31)
        savepoint.rollback()
        assert closed_through(db) is None
        ensure_open(db, dt.date(2025, 1, 15))
