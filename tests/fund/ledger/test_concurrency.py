"""Real threads against a fresh database: nothing lost, nothing twice, no overdraft.

Each test gets its own migrated database (``database_factory.new_url``) because the writers
must really commit and really wait for each other.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from fund.errors import Conflict
from fund.ledger.accounts import AccountCode
from fund.ledger.checks import checks
from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.queries import member_savings_balance
from fund.ledger.services import get_account
from fund.members.models import Member
from fund.savings.models import SavingsKind, SavingsTransaction
from fund.savings.services import record_deposit, record_withdrawal
from fund.users.models import User
from tests.conftest import create_treasurer
from web.db import Sessions, make_engine

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
DAY = dt.date(2025, 11, 20)


@pytest.fixture
def fresh(backend, database_factory):
    """(Sessions, user_id, member_ids) on a fresh migrated database."""
    engine = (
        make_engine(database_factory.new_url(backend), pool_size=12, max_overflow=4)
        if (backend == "postgresql")
        else make_engine(database_factory.new_url(backend))
    )
    sessions = Sessions(engine)
    with sessions(write=True) as s:
        user = create_treasurer(s, NOW)
        members = [
            Member(
                member_no=f"C-{i:04d}",
                first_name=f"สมาชิก{i}",
                last_name="ทดสอบ",
                joined_on=dt.date(2024, 1, 1),
                created_at=NOW,
            )
            for i in range(3)
        ]
        s.add_all(members)
        s.commit()
        ids = (user.id, [m.id for m in members])
    yield sessions, *ids
    engine.dispose()


def _deposit(sessions, user_id, member_id, amount, key):
    with sessions(write=True) as s:
        result = record_deposit(
            s,
            member=s.get(Member, member_id),
            amount_satang=amount,
            txn_date=DAY,
            kind=SavingsKind.EXTRA,
            recorded_by=s.get(User, user_id),
            now=NOW,
            idempotency_key=key,
        )
        s.commit()
        return result.txn.id, result.replayed


def _withdraw(sessions, user_id, member_id, amount, key, barrier=None):
    if barrier is not None:
        # Before the session begins: on SQLite the first writer holds the lock from BEGIN.
        barrier.wait(timeout=30)
    with sessions(write=True) as s:
        member, user = s.get(Member, member_id), s.get(User, user_id)
        try:
            result = record_withdrawal(
                s,
                member=member,
                amount_satang=amount,
                txn_date=DAY,
                recorded_by=user,
                now=NOW,
                idempotency_key=key,
            )
        except Conflict:
            s.rollback()
            return "refused"
        s.commit()
        return "replayed" if result.replayed else "paid"


def _all_checks_pass(sessions):
    with sessions(write=False) as s:
        return [r.name for r in checks(s) if not r.ok]


def test_parallel_deposits_lose_nothing_and_receipt_numbers_have_no_gaps(fresh):
    sessions, user_id, member_ids = fresh
    jobs = [(member_ids[i % 3], 100 + i, f"dep-{i}") for i in range(30)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: _deposit(sessions, user_id, *job), jobs))
    with sessions(write=False) as s:
        for index, member_id in enumerate(member_ids):
            expected = sum(amount for m, amount, _k in jobs if m == member_id)
            assert member_savings_balance(s, member_id) == expected, index
        numbers = sorted(s.scalars(select(Receipt.number)))
        assert numbers == list(range(1, 31))
    assert _all_checks_pass(sessions) == []


def test_two_withdrawals_racing_for_the_last_baht_exactly_one_wins(fresh):
    sessions, user_id, member_ids = fresh
    member_id = member_ids[0]
    for round_no in range(3):
        _deposit(sessions, user_id, member_id, 100, f"last-baht-{round_no}")
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(
                pool.map(
                    lambda n, r=round_no, b=barrier: _withdraw(
                        sessions, user_id, member_id, 100, f"w-{r}-{n}", b
                    ),
                    range(2),
                )
            )
        assert sorted(outcomes) == ["paid", "refused"], outcomes
        with sessions(write=False) as s:
            assert member_savings_balance(s, member_id) == 0
    assert _all_checks_pass(sessions) == []


def test_the_same_key_from_two_requests_posts_once(fresh):
    sessions, user_id, member_ids = fresh
    _deposit(sessions, user_id, member_ids[1], 500_00, "seed")
    for attempt in range(3):
        with ThreadPoolExecutor(max_workers=4) as pool:
            deposits = list(
                pool.map(
                    lambda _n, a=attempt: _deposit(
                        sessions, user_id, member_ids[0], 10_00, f"twin-{a}"
                    ),
                    range(4),
                )
            )
        assert len({txn_id for txn_id, _ in deposits}) == 1
        assert sum(1 for _txn, replayed in deposits if not replayed) == 1
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(
                pool.map(
                    lambda _n, a=attempt, b=barrier: _withdraw(
                        sessions, user_id, member_ids[1], 10_00, f"twin-w-{a}", b
                    ),
                    range(2),
                )
            )
        assert sorted(outcomes) == ["paid", "replayed"], outcomes
    with sessions(write=False) as s:
        assert member_savings_balance(s, member_ids[0]) == 30_00
        assert member_savings_balance(s, member_ids[1]) == 470_00
        assert s.scalar(select(func.count()).select_from(SavingsTransaction)) == 7
    assert _all_checks_pass(sessions) == []


def _naive_withdrawal(sessions, user_id, member_id, amount, barrier):
    """A deliberately wrong path: read the balance, then write, with nothing serialising the two
    (the kind of code the services exist to prevent)."""
    with sessions(write=False) as s:
        balance = member_savings_balance(s, member_id)
        savings, cash = (
            get_account(s, c).id for c in (AccountCode.MEMBER_SAVINGS, AccountCode.CASH)
        )
    barrier.wait(timeout=30)  # both have read before either writes
    if balance < amount:
        return "refused"
    with sessions(write=True) as s:
        entry = JournalEntry(
            entry_date=DAY,
            description="naive withdrawal",
            source="test.naive",
            recorded_by_id=user_id,
            recorded_at=NOW,
        )
        s.add(entry)
        s.flush()
        for line_no, (account_id, amt, member) in enumerate(
            [(savings, amount, member_id), (cash, -amount, None)], start=1
        ):
            s.execute(
                text(
                    "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, "
                    "amount_satang, member_id, memo) VALUES (:e, :d, :n, :a, :amt, :m, '')"
                ),
                {
                    "e": entry.id,
                    "d": entry.entry_date,
                    "n": line_no,
                    "a": account_id,
                    "amt": amt,
                    "m": member,
                },
            )
        s.commit()
    return "paid"


def test_a_naive_read_then_write_path_overdraws_and_the_checks_catch_it(fresh):
    """Shows the harness would catch a lost update: the naive path pays twice from 100."""
    sessions, user_id, member_ids = fresh
    member_id = member_ids[2]
    _deposit(sessions, user_id, member_id, 100, "naive-seed")
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(
            pool.map(
                lambda _n: _naive_withdrawal(sessions, user_id, member_id, 100, barrier), range(2)
            )
        )
    assert outcomes == ["paid", "paid"]
    with sessions(write=False) as s:
        assert member_savings_balance(s, member_id) == -100
    assert "ledger.no_negative_balances" in _all_checks_pass(sessions)
