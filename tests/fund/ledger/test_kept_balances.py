"""Kept balances (fund/ledger/balances.py) always equal the journal, applied or still pending.

The balances the screens and the never-negative rule read come from ``ledger_balances`` and
``ledger_daily_changes``, not from summing the journal. These tests hold them to the journal:
after commits, inside a transaction, after a savepoint rolled back, for lines written behind the
services' back, as of any date, and from a migration of an existing database.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from fund.ledger.accounts import AccountCode
from fund.ledger.balances import (
    apply_all_pending,
    apply_pending,
    mismatches,
    rebuild_balances,
)
from fund.ledger.checks import checks
from fund.ledger.models import JournalEntry, JournalLine, LedgerBalance, LedgerPending
from fund.ledger.queries import account_balance, member_savings_balance, trial_balance
from fund.ledger.services import LineSpec, get_account, lowest_balance_from, post_entry
from fund.members.models import Member
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit
from tests.conftest import create_treasurer
from web.db import Sessions, make_engine
from web.migrate import upgrade

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
DAY0 = dt.date(2025, 1, 1)
_keys = itertools.count()


def _member(db, now) -> Member:
    member = Member(
        member_no=f"K-{next(_keys):05d}",
        first_name="สมาชิก",
        last_name="ยอดคงเหลือ",
        joined_on=dt.date(2024, 1, 1),
        created_at=now,
    )
    db.add(member)
    db.flush()
    return member


def _journal_sum(db, code, *, as_of=None, member_id=None) -> int:
    stmt = (
        select(func.coalesce(func.sum(JournalLine.amount_satang), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == get_account(db, code).id)
    )
    if as_of is not None:
        stmt = stmt.where(JournalEntry.entry_date <= as_of)
    if member_id is not None:
        stmt = stmt.where(JournalLine.member_id == member_id)
    return int(db.scalar(stmt))


def _cash_in(db, user, now, amount, day, *, key=None):
    return post_entry(
        db,
        entry_date=day,
        description="รับบริจาค (ทดสอบ)",
        source="test.donation",
        lines=[
            LineSpec(AccountCode.CASH, amount),
            LineSpec(AccountCode.GRANTS_DONATIONS, -amount),
        ],
        recorded_by=user,
        now=now,
        idempotency_key=key,
    )


def _pending(db) -> int:
    return int(db.scalar(select(func.count()).select_from(LedgerPending)))


def test_a_commit_applies_the_pending_lines_and_leaves_none(db, users, now):
    member = _member(db, now)
    record_deposit(
        db,
        member=member,
        amount_satang=12_345,
        txn_date=now.date(),
        kind=SavingsKind.EXTRA,
        recorded_by=users["committee"],
        now=now,
        idempotency_key=f"kb{next(_keys)}",
    )
    db.flush()
    assert _pending(db) >= 2  # the trigger recorded the new lines
    assert member_savings_balance(db, member.id) == 12_345  # read before applying
    db.commit()
    assert _pending(db) == 0
    savings = get_account(db, AccountCode.MEMBER_SAVINGS)
    kept_row = db.get(LedgerBalance, (savings.id, member.id))
    assert kept_row is not None and kept_row.amount_satang == -12_345
    assert member_savings_balance(db, member.id) == 12_345
    assert mismatches(db) == []


def test_a_rolled_back_savepoint_takes_its_pending_lines_with_it(db, users, now):
    before = account_balance(db, AccountCode.CASH)
    savepoint = db.begin_nested()
    _cash_in(db, users["committee"], now, 99_900, now.date())
    db.flush()
    savepoint.rollback()
    _cash_in(db, users["committee"], now, 100, now.date())
    db.commit()
    assert account_balance(db, AccountCode.CASH) == before + 100
    assert mismatches(db) == []


def test_lines_written_behind_the_services_back_still_count(db, users, now):
    """A line inserted with plain SQL (no session hook) is pending until someone applies it;
    every read adds it meanwhile, and the check stays clean."""
    cash = get_account(db, AccountCode.CASH)
    income = get_account(db, AccountCode.GRANTS_DONATIONS)
    before = account_balance(db, AccountCode.CASH)
    entry_id = db.execute(
        text(
            "INSERT INTO journal_entries (entry_date, description, source, recorded_by_id, "
            "recorded_at) VALUES (:d, 'raw', 'test.raw', :u, :at) RETURNING id"
        ),
        {"d": now.date(), "u": users["committee"].id, "at": now},
    ).scalar_one()
    for no, (account, amount) in enumerate([(cash, 700), (income, -700)], start=1):
        db.execute(
            text(
                "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, "
                "amount_satang, memo) VALUES (:e, :d, :n, :a, :v, '')"
            ),
            {"e": entry_id, "d": now.date(), "n": no, "a": account.id, "v": amount},
        )
    assert account_balance(db, AccountCode.CASH) == before + 700
    assert all(r.ok for r in checks(db) if r.name == "ledger.kept_balances")
    assert apply_pending(db) == 2
    assert _pending(db) == 0
    assert account_balance(db, AccountCode.CASH) == before + 700
    assert mismatches(db) == []


def test_a_bulk_apply_of_many_pending_lines_equals_the_journal(db, users, now):
    """Bulk loading applies every pending line set-based (apply_all_pending)."""
    member = _member(db, now)
    for day in range(1, 29):
        record_deposit(
            db,
            member=member,
            amount_satang=100 * day,
            txn_date=dt.date(2025, 2, day),
            kind=SavingsKind.EXTRA,
            recorded_by=users["committee"],
            now=now,
            idempotency_key=f"kb{next(_keys)}",
        )
        _cash_in(db, users["committee"], now, 50, dt.date(2025, 2, day))
    db.flush()
    assert _pending(db) >= 28 * 4
    apply_all_pending(db)
    assert _pending(db) == 0
    assert member_savings_balance(db, member.id) == sum(100 * d for d in range(1, 29))
    assert member_savings_balance(db, member.id, as_of=dt.date(2025, 2, 2)) == 300
    assert mismatches(db) == []


def test_the_check_finds_a_tampered_kept_balance_and_a_rebuild_mends_it(db, users, now):
    _cash_in(db, users["committee"], now, 5_000, now.date())
    db.commit()
    cash = get_account(db, AccountCode.CASH)
    db.execute(
        text(
            "UPDATE ledger_balances SET amount_satang = amount_satang + 1 "
            "WHERE account_id = :a AND sub_key = 0"
        ),
        {"a": cash.id},
    )
    [result] = [r for r in checks(db) if r.name == "ledger.kept_balances"]
    assert not result.ok and "ledger_balances" in result.problems[0]
    rebuild_balances(db)
    assert mismatches(db) == []


@pytest.fixture
def donations(db, users, now):
    """Post a list of (day offset, satang in or out of cash) and return the entries' dates."""

    def post(moves, apply_after):
        user = users["committee"]
        # Enough cash the day before, so that moves out of cash are allowed.
        _cash_in(db, user, now, 10_000_000, DAY0 - dt.timedelta(days=1))
        for i, (offset, amount) in enumerate(moves):
            day = DAY0 + dt.timedelta(days=offset)
            lines = [
                LineSpec(AccountCode.CASH, amount),
                LineSpec(AccountCode.GRANTS_DONATIONS, -amount),
            ]
            post_entry(
                db,
                entry_date=day,
                description="ทดสอบ",
                source="test.move",
                lines=lines,
                recorded_by=user,
                now=now,
            )
            if i in apply_after:
                db.flush()
                apply_pending(db)

    return post


moves = st.lists(
    st.tuples(st.integers(0, 40), st.integers(-5_000, 50_000).filter(bool)), min_size=1, max_size=12
)


@given(
    moves=moves,
    apply_after=st.sets(st.integers(0, 11)),
    as_of=st.integers(-1, 41),
    from_day=st.integers(0, 41),
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_balances_as_of_any_day_and_the_lowest_future_balance_match_the_journal(
    db, donations, moves, apply_after, as_of, from_day
):
    """Whatever mix of applied and pending lines, a balance as of a day is the journal's sum to
    that day, and the lowest future balance is the brute-force minimum over the days."""
    savepoint = db.begin_nested()
    try:
        donations(moves, apply_after)
        day = DAY0 + dt.timedelta(days=as_of)
        for code in (AccountCode.CASH, AccountCode.GRANTS_DONATIONS):
            assert account_balance(db, code, as_of=day) == _journal_sum(db, code, as_of=day)
        rows = {r.code: r.balance_satang for r in trial_balance(db, as_of=day).rows}
        assert rows.get(str(AccountCode.CASH), 0) == _journal_sum(db, AccountCode.CASH, as_of=day)
        cash = get_account(db, AccountCode.CASH)
        start = DAY0 + dt.timedelta(days=from_day)
        by_day: dict[dt.date, int] = {}
        for when, amount in db.execute(
            select(JournalEntry.entry_date, JournalLine.amount_satang)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalLine.account_id == cash.id)
        ):
            by_day[when] = by_day.get(when, 0) + amount
        days = [start, *sorted(d for d in by_day if d > start)]
        brute = min(sum(v for d, v in by_day.items() if d <= day) for day in days)
        assert lowest_balance_from(db, cash, None, start) == brute
        assert mismatches(db) == []
    finally:
        savepoint.rollback()


def test_writers_that_commit_leave_the_kept_balances_equal_to_the_journal(
    backend, database_factory
):
    """Real commits on a fresh database, one after another and in one transaction."""
    engine = make_engine(database_factory.new_url(backend))
    sessions = Sessions(engine)
    try:
        with sessions(write=True) as s:
            user = create_treasurer(s, NOW)
            s.commit()
            user_id = user.id
        for i in range(5):
            with sessions(write=True) as s:
                _cash_in(s, s.get(type(user), user_id), NOW, 1_000 * (i + 1), NOW.date())
                s.commit()
        with sessions(write=False) as s:
            assert _pending(s) == 0
            assert account_balance(s, AccountCode.CASH) == 15_000
            assert mismatches(s) == []
    finally:
        engine.dispose()


def test_the_migration_fills_the_kept_balances_from_an_existing_journal(backend, database_factory):
    url = database_factory.new_url(backend, migrate=False)
    upgrade(url, "0007")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            user_id = conn.execute(
                text(
                    "INSERT INTO users (username, display_name, role, password_hash, is_active, "
                    "session_generation, "
                    "created_at) VALUES ('old', 'old', 'committee', 'x', true, 1, :at) RETURNING id"
                ),
                {"at": NOW},
            ).scalar_one()
            accounts = dict(conn.execute(text("SELECT code, id FROM accounts")).all())
            for day, amount in [(dt.date(2024, 5, 1), 3_000), (dt.date(2025, 2, 3), 4_500)]:
                entry_id = conn.execute(
                    text(
                        "INSERT INTO journal_entries (entry_date, description, source, "
                        "recorded_by_id, recorded_at) VALUES (:d, 'old', 'test.old', :u, :at) "
                        "RETURNING id"
                    ),
                    {"d": day, "u": user_id, "at": NOW},
                ).scalar_one()
                for no, (code, value) in enumerate(
                    [(AccountCode.CASH, amount), (AccountCode.GRANTS_DONATIONS, -amount)], 1
                ):
                    conn.execute(
                        text(
                            "INSERT INTO journal_lines (entry_id, line_no, account_id, "
                            "amount_satang, memo) VALUES (:e, :n, :a, :v, '')"
                        ),
                        {"e": entry_id, "n": no, "a": accounts[str(code)], "v": value},
                    )
        upgrade(url)
        with Sessions(engine)(write=False) as s:
            assert _pending(s) == 0
            assert account_balance(s, AccountCode.CASH) == 7_500
            assert account_balance(s, AccountCode.CASH, as_of=dt.date(2024, 12, 31)) == 3_000
            assert mismatches(s) == []
    finally:
        engine.dispose()
