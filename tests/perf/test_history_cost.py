"""The passbook and the member page's balances do the same work after ten years as after one.

Counting queries (test_query_counts.py) cannot see a query that reads more rows as the history
grows. Here two members have the same last twelve months, one with nine more years before them,
and the database's own measure of the work is compared:

- SQLite: virtual-machine instructions run (a progress handler called on every instruction);
  walking a member's whole history costs a few instructions per past line;
- PostgreSQL: rows produced and filtered out by every node of ``EXPLAIN ANALYZE`` of each
  statement (sequential scans off, so the tiny tables are read through their indexes as a large
  database would be).
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from fund.ledger.accounts import AccountCode
from fund.ledger.queries import member_loans_outstanding
from fund.ledger.services import LineSpec, post_entry
from fund.loans.models import PayChannel
from fund.loans.services import record_repayment
from fund.members.holdings import ledger_holdings
from fund.savings.queries import passbook
from tests.fund.loans.conftest import Kit, key

TODAY = dt.date(2026, 11, 20)
WINDOW = dt.date(2025, 12, 1)  # the passbook's last 12 months
NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], first
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


@pytest.fixture
def two_members(db, users):
    """(long, short): savings every month for ten years vs one, a loan repaid monthly for
    21 months vs 7, and the same last twelve months of savings."""
    kit = Kit(db, users, NOW)
    kit.fund_cash(on=dt.date(2016, 1, 2))
    product = kit.product(max_term=48)
    members = []
    for first_month, loan_start in ((dt.date(2016, 12, 1), dt.date(2025, 1, 15)),
                                    (dt.date(2025, 12, 1), dt.date(2026, 3, 15))):  # fmt: skip
        member = kit.member()
        for month in _months(first_month, dt.date(2026, 11, 1)):
            post_entry(
                db,
                entry_date=month.replace(day=5),
                description="เงินสัจจะ",
                source="test.savings",
                lines=[
                    LineSpec(AccountCode.CASH, 100_00, member_id=member.id),
                    LineSpec(AccountCode.MEMBER_SAVINGS, -100_00, member_id=member.id),
                ],
                recorded_by=kit.maker,
                now=NOW,
            )
        loan = kit.loan(amount_baht=40_000, term=48, start=loan_start, member=member,
                        product=product)  # fmt: skip
        for month in _months(loan_start.replace(day=1), dt.date(2026, 10, 1))[1:]:
            record_repayment(
                db,
                loan=loan,
                amount_satang=300_00,
                paid_on=month.replace(day=15),
                channel=PayChannel.CASH,
                recorded_by=kit.maker,
                now=NOW,
                idempotency_key=key(),
            )
        members.append(member)
    db.commit()
    return members


class _Work:
    total = 0


@contextmanager
def measuring(db):
    """The database's work for what runs inside (see the module docstring)."""
    conn = db.connection()
    work = _Work()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection

        def tick() -> int:
            work.total += 1
            return 0

        raw.set_progress_handler(tick, 1)
        try:
            yield work
        finally:
            raw.set_progress_handler(None, 1)
        return
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", capture)
    try:
        yield work
    finally:
        event.remove(conn, "before_cursor_execute", capture)
    conn.exec_driver_sql("SET enable_seqscan = off")
    try:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                plan = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
                ).scalar()
                plan = json.loads(plan) if isinstance(plan, str) else plan
                work.total += _rows(plan[0]["Plan"])
    finally:
        conn.exec_driver_sql("RESET enable_seqscan")


def _rows(node: dict) -> int:
    loops = node.get("Actual Loops", 1)
    rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    rows += node.get("Rows Removed by Index Recheck", 0)
    return round(rows * loops) + sum(_rows(child) for child in node.get("Plans", []))


def _same_work(db, long, short, read) -> tuple[int, int]:
    read(long), read(short)  # warm: cached accounts, the planner's statistics
    with measuring(db) as on_long:
        long_result = read(long)
    with measuring(db) as on_short:
        short_result = read(short)
    return on_long.total, on_short.total, long_result, short_result


def _near(a: int, b: int) -> bool:
    # the same work give or take a little (a deeper B-tree on PostgreSQL's side, say); walking
    # nine more years of lines costs several times the whole window
    return abs(a - b) <= max(20, b // 20)


def test_the_passbooks_window_costs_the_same_after_ten_years_as_after_one(db, two_members):
    long, short = two_members

    def read(member):
        return passbook(db, member, start=WINDOW)

    on_long, on_short, book_long, book_short = _same_work(db, long, short, read)
    assert len(book_long.lines) == len(book_short.lines) == 12
    assert book_long.opening_satang == 108 * 100_00 and book_short.opening_satang == 0
    assert _near(on_long, on_short), (on_long, on_short)


def test_the_member_pages_balances_cost_the_same_after_ten_years_as_after_one(db, two_members):
    long, short = two_members

    def read(member):
        return ledger_holdings(db, member.id), member_loans_outstanding(db, member.id)

    on_long, on_short, (held_long, owed_long), (held_short, owed_short) = _same_work(
        db, long, short, read
    )
    assert held_long[AccountCode.MEMBER_SAVINGS.value] == -120 * 100_00
    assert held_short[AccountCode.MEMBER_SAVINGS.value] == -12 * 100_00
    assert owed_long == held_long[AccountCode.LOANS_RECEIVABLE.value] > 0
    assert owed_short == held_short[AccountCode.LOANS_RECEIVABLE.value] > owed_long
    assert _near(on_long, on_short), (on_long, on_short)


def test_the_measure_sees_a_read_that_walks_the_history(db, two_members):
    """The measuring itself works: summing the member's savings lines costs more for the member
    with the longer history (so an equal measure above means the history was not read)."""
    from sqlalchemy import func, select

    from fund.ledger.models import JournalLine
    from fund.ledger.services import get_account

    long, short = two_members
    account = get_account(db, AccountCode.MEMBER_SAVINGS)

    def read(member):
        return db.scalar(
            select(func.sum(JournalLine.amount_satang)).where(
                JournalLine.account_id == account.id,
                JournalLine.member_id == member.id,
                JournalLine.entry_date >= WINDOW,
            )
        ), db.scalar(
            select(func.sum(JournalLine.amount_satang)).where(
                JournalLine.account_id == account.id, JournalLine.member_id == member.id
            )
        )

    on_long, on_short, _, _ = _same_work(db, long, short, read)
    assert not _near(on_long, on_short), (on_long, on_short)
