"""Entries, lines, receipts and audit rows written by one INSERT each (fund/append.py) behave
exactly like rows the unit of work wrote: ids, defaults, relationships, rollbacks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from fund.append import insert_now
from fund.audit.models import AuditEntry
from fund.audit.services import record_audit
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry, JournalLine
from fund.ledger.services import LineSpec, post_entry, reverse_entry

C = AccountCode
D = dt.date(2025, 11, 3)


def _deposit(db, user, now, member, amount, *, key=None):
    return post_entry(
        db,
        entry_date=D,
        description="รับเงินสัจจะ",
        source="test.deposit",
        lines=[
            LineSpec(C.CASH, amount, member_id=member.id, memo="เงินสด"),
            LineSpec(C.MEMBER_SAVINGS, -amount, member_id=member.id),
        ],
        recorded_by=user,
        now=now,
        idempotency_key=key,
    )


def _statements(db):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.get_bind(), "before_cursor_execute", count)
    return seen, lambda: event.remove(db.get_bind(), "before_cursor_execute", count)


def test_a_posted_entry_reads_back_as_written_without_a_query(db, committee, now, make_member):
    member = make_member()
    seen, stop = _statements(db)
    try:
        entry = _deposit(db, committee, now, member, 12_345)
        written = len(seen)
        # The returned entry, its lines and their accounts are already loaded.
        assert [(line.line_no, line.account.code, line.amount_satang) for line in entry.lines] == [
            (1, C.CASH.value, 12_345),
            (2, C.MEMBER_SAVINGS.value, -12_345),
        ]
        assert entry.lines[0].memo == "เงินสด" and entry.lines[1].memo == ""
        assert entry.lines[0].entry is entry
        assert (entry.description, entry.entry_date, entry.reverses_id) == ("รับเงินสัจจะ", D, None)
        assert len(seen) == written
    finally:
        stop()
    # … and what the database holds is the same.
    db.expire_all()
    again = db.get(JournalEntry, entry.id)
    assert [(line.line_no, line.amount_satang, line.member_id) for line in again.lines] == [
        (1, 12_345, member.id),
        (2, -12_345, member.id),
    ]
    assert db.scalar(select(func.count()).where(JournalLine.entry_id == entry.id)) == 2


def test_an_entry_of_many_lines_gets_each_line_its_own_id(db, committee, now, make_member):
    members = [make_member() for _ in range(5)]
    lines = [LineSpec(C.CASH, 100 * (i + 1), member_id=m.id) for i, m in enumerate(members)]
    lines += [
        LineSpec(C.MEMBER_SAVINGS, -100 * (i + 1), member_id=m.id) for i, m in enumerate(members)
    ]
    entry = post_entry(
        db,
        entry_date=D,
        description="รับเงินหลายคน",
        source="test.many",
        lines=lines,
        recorded_by=committee,
        now=now,
    )
    stored = dict(
        db.execute(
            select(JournalLine.id, JournalLine.amount_satang).where(
                JournalLine.entry_id == entry.id
            )
        ).all()
    )
    # Matched by line number, not by the order the database returned the ids in.
    assert {line.id: line.amount_satang for line in entry.lines} == stored
    assert [line.line_no for line in entry.lines] == list(range(1, 11))


def test_a_column_default_is_written_and_known(db, committee, now):
    row = record_audit(db, actor=committee, action="test.default", entity="test", at=now)
    assert row.id is not None and row.entity_id is None and row.details is None
    db.expire_all()
    stored = db.get(AuditEntry, row.id)
    assert (stored.action, stored.channel, stored.details) == ("test.default", "web", None)


def test_an_entry_rolled_back_with_its_savepoint_leaves_nothing_and_its_id_can_be_reused(
    db, committee, now, make_member
):
    member = make_member()
    savepoint = db.begin_nested()
    gone = _deposit(db, committee, now, member, 500)
    gone_id = gone.id
    savepoint.rollback()
    assert db.scalar(select(func.count()).where(JournalEntry.id == gone_id)) == 0
    # SQLite hands the same id out again; the stale object must not block the new one.
    kept = _deposit(db, committee, now, member, 700)
    if db.get_bind().dialect.name == "sqlite":
        assert kept.id == gone_id  # the case the eviction is for
    assert db.get(JournalEntry, kept.id) is kept
    assert [line.amount_satang for line in kept.lines] == [700, -700]
    assert db.scalar(select(func.count()).where(JournalLine.amount_satang == 500)) == 0


def test_reversing_a_freshly_posted_entry_uses_its_lines(db, committee, now, make_member):
    member = make_member()
    entry = _deposit(db, committee, now, member, 900, key="append-reverse-1")
    reversal = reverse_entry(
        db, entry=entry, reversal_date=D, reason="ผิดคน", recorded_by=committee, now=now
    )
    assert [line.amount_satang for line in reversal.lines] == [-900, 900]
    assert reversal.reverses_id == entry.id


def test_insert_now_takes_one_class_at_a_time(db, committee, now):
    a = AuditEntry(at=now, actor_id=committee.id, action="x", entity="y", channel="cli")
    with pytest.raises(TypeError):
        insert_now(db, [a, JournalEntry()])


def test_rows_matched_by_a_column_must_differ_in_it(db, committee, now):
    rows = [
        AuditEntry(at=now, actor_id=committee.id, action="same", entity="y", channel="cli")
        for _ in range(2)
    ]
    before = db.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValueError):
        insert_now(db, rows, match="action")
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_class_with_a_computed_default_is_refused():
    from sqlalchemy import Integer, String
    from sqlalchemy.orm import DeclarativeBase, mapped_column

    class Other(DeclarativeBase):
        pass

    class Stamped(Other):
        __tablename__ = "stamped"
        id = mapped_column(Integer, primary_key=True)
        label = mapped_column(String(10), default=lambda: "now")

    with pytest.raises(TypeError, match="label"):
        insert_now(None, [Stamped()])


def _savings_row(member, user, now, key):
    from fund.savings.models import SavingsKind, SavingsTransaction

    return SavingsTransaction(
        member_id=member.id,
        kind=SavingsKind.EXTRA,
        amount_satang=100,
        txn_date=D,
        money_account=C.CASH.value,
        recorded_by_id=user.id,
        recorded_at=now,
        idempotency_key=key,
    )


def test_a_taken_key_writes_nothing_and_leaves_the_transaction_usable(
    db, committee, now, make_member
):
    from fund.append import insert_unless_taken
    from fund.savings.models import SavingsTransaction

    member = make_member()
    first = _savings_row(member, committee, now, "append-key-1")
    assert insert_unless_taken(db, first, unique="idempotency_key") is True
    assert first.id is not None and db.get(SavingsTransaction, first.id) is first
    twin = _savings_row(member, committee, now, "append-key-1")
    assert insert_unless_taken(db, twin, unique="idempotency_key") is False
    assert twin.id is None
    # No error spoiled the transaction (PostgreSQL would refuse every statement after one).
    other = _savings_row(member, committee, now, "append-key-2")
    assert insert_unless_taken(db, other, unique="idempotency_key") is True
    keys = db.scalars(
        select(SavingsTransaction.idempotency_key).where(SavingsTransaction.member_id == member.id)
    ).all()
    assert sorted(keys) == ["append-key-1", "append-key-2"]


def test_inside_all_or_nothing_a_deposit_takes_no_savepoint_of_its_own(
    db, committee, now, make_member
):
    from fund.append import all_or_nothing, savepoint_for_one
    from fund.savings.models import SavingsKind
    from fund.savings.services import record_deposit

    member = make_member()
    seen, stop = _statements(db)

    def deposit(key):
        record_deposit(
            db, member=member, amount_satang=100, txn_date=D, kind=SavingsKind.EXTRA,
            recorded_by=committee, now=now, idempotency_key=key,
        )  # fmt: skip

    try:
        deposit("aon-outside")
        outside = [s for s in seen if s.upper().startswith("SAVEPOINT")]
        seen.clear()
        with all_or_nothing(db):
            with all_or_nothing(db):
                deposit("aon-inside")
            deposit("aon-inside-2")  # still inside the outer block
        inside = [s for s in seen if s.upper().startswith("SAVEPOINT")]
    finally:
        stop()
    assert len(outside) == 1 and inside == []
    # The block ended: postings take their own savepoints again.
    savepoint = savepoint_for_one(db)
    assert db.get_nested_transaction() is savepoint
    savepoint.rollback()
