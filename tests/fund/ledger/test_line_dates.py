"""Journal lines repeat their entry's date: the database refuses any other, the check finds one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fund.immutability import drop_line_date_trigger
from fund.ledger.accounts import AccountCode
from fund.ledger.checks import checks
from fund.ledger.models import JournalLine
from fund.ledger.services import LineSpec, get_account, post_entry, reverse_entry
from tests.conftest import create_treasurer
from web.db import make_engine

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
DAY = dt.date(2025, 11, 3)


def _grant(db, user, day=DAY, amount=500_00):
    return post_entry(
        db,
        entry_date=day,
        description="เงินบริจาค",
        source="test.grant",
        lines=[LineSpec(AccountCode.CASH, amount), LineSpec(AccountCode.GRANTS_DONATIONS, -amount)],
        recorded_by=user,
        now=NOW,
    )


def _raw_line(conn, entry_id: int, day, line_no: int = 9) -> None:
    conn.execute(
        text(
            "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, amount_satang, "
            "memo) VALUES (:e, :d, :n, :a, 100, '')"
        ),
        {"e": entry_id, "d": day, "n": line_no, "a": get_account_id(conn, AccountCode.CASH)},
    )


def get_account_id(conn, code) -> int:
    return conn.execute(text("SELECT id FROM accounts WHERE code = :c"), {"c": str(code)}).scalar()


def test_every_posted_line_carries_its_entrys_date_and_a_reversal_its_own(db, users):
    entry = _grant(db, users["committee"])
    reversal = reverse_entry(
        db,
        entry=entry,
        reversal_date=dt.date(2025, 11, 18),
        reason="บันทึกผิด",
        recorded_by=users["committee"],
        now=NOW,
    )
    db.expire_all()
    dates = db.execute(
        select(JournalLine.entry_id, JournalLine.entry_date).where(
            JournalLine.entry_id.in_([entry.id, reversal.id])
        )
    ).all()
    assert sorted(dates) == [
        (entry.id, DAY),
        (entry.id, DAY),
        (reversal.id, dt.date(2025, 11, 18)),
        (reversal.id, dt.date(2025, 11, 18)),
    ]
    assert all(r.ok for r in checks(db) if r.name == "ledger.line_dates")


@pytest.mark.parametrize("wrong", [dt.date(2025, 11, 4), dt.date(2024, 11, 3), None])
def test_a_line_dated_otherwise_than_its_entry_is_refused_by_the_database(db, users, wrong):
    entry = _grant(db, users["committee"])
    conn = db.connection()
    with pytest.raises(Exception, match="entry_date"), conn.begin_nested():
        _raw_line(conn, entry.id, wrong)
    # the same line with the entry's date goes in (and counts as cash posted that day)
    _raw_line(conn, entry.id, DAY)
    day = conn.execute(
        text(
            "SELECT day FROM ledger_pending p JOIN journal_lines l ON l.id = p.line_id "
            "WHERE l.entry_id = :e AND l.line_no = 9"
        ),
        {"e": entry.id},
    ).scalar_one()
    assert str(day) == DAY.isoformat()


def test_the_check_finds_a_line_whose_date_was_forged_behind_the_trigger(backend, database_factory):
    engine = make_engine(database_factory.new_url(backend))
    try:
        with Session(engine) as s:
            user = create_treasurer(s, NOW)
            entry = _grant(s, user)
            s.commit()
            assert all(r.ok for r in checks(s))
            # someone with the database's keys switches the trigger off and writes a line
            conn = s.connection()
            drop_line_date_trigger(conn)
            conn.execute(
                text(
                    "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, "
                    "amount_satang, memo) VALUES (:e, :d, 3, :a, 1, '')"
                ),
                {"e": entry.id, "d": dt.date(2026, 1, 1), "a": get_account(s, "1010").id},
            )
            result = {r.name: r for r in checks(s)}["ledger.line_dates"]
            assert not result.ok
            assert result.problems == [
                f"line {s.scalar(select(JournalLine.id).where(JournalLine.line_no == 3))} of "
                f"entry {entry.id}: dated 2026-01-01, the entry {DAY}"
            ]
            s.rollback()
    finally:
        engine.dispose()
