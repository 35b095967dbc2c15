"""``chaeson check``'s invariants pass on good books and catch each kind of damage."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fund.ledger.accounts import AccountCode
from fund.ledger.checks import checks
from fund.ledger.services import LineSpec, close_period, get_account, post_entry
from fund.savings.models import SavingsKind
from fund.savings.services import (
    record_deposit,
    record_withdrawal,
    reverse_savings_transaction,
)

C = AccountCode


def _failed(db) -> dict[str, list[str]]:
    return {r.name: r.problems for r in checks(db) if not r.ok}


def _books(db, users, now, member):
    committee = users["committee"]
    dep = record_deposit(
        db,
        member=member,
        amount_satang=300_00,
        txn_date=dt.date(2025, 10, 5),
        recorded_by=committee,
        now=now,
    )
    record_withdrawal(
        db,
        member=member,
        amount_satang=100_00,
        txn_date=dt.date(2025, 11, 5),
        recorded_by=committee,
        now=now,
    )
    return dep


def test_good_books_pass_every_check(db, users, now, make_member):
    member = make_member()
    _books(db, users, now, member)
    close_period(db, year=2025, month=10, closed_by=users["committee"], now=now, today=now.date())
    extra = record_deposit(
        db,
        member=member,
        amount_satang=20_00,
        kind=SavingsKind.EXTRA,
        txn_date=dt.date(2025, 11, 6),
        recorded_by=users["committee"],
        now=now,
    )
    reverse_savings_transaction(
        db,
        txn=extra.txn,
        reason="รับเงินซ้ำ",
        reversal_date=dt.date(2025, 11, 6),
        recorded_by=users["committee"],
        now=now,
    )
    results = checks(db)
    assert [r.name for r in results if not r.ok] == []
    assert {r.name for r in results} >= {
        "ledger.entries_balanced",
        "ledger.debits_equal_credits",
        "ledger.subledgers_match_control",
        "ledger.no_negative_balances",
        "ledger.closed_periods_untouched",
        "ledger.reversals_point_to_one_original",
        "ledger.receipts",
    }


def _raw_entry(db, user_id, day, lines, *, reverses=None, recorded_at="2025-11-20 03:00:00"):
    entry_id = db.execute(
        text(
            "INSERT INTO journal_entries (entry_date, description, source, recorded_by_id, "
            "recorded_at, reverses_id) VALUES (:d, 'raw', 'test.raw', :u, :at, :r) RETURNING id"
        ),
        {"d": day, "u": user_id, "at": recorded_at, "r": reverses},
    ).scalar_one()
    for number, (code, amount, member_id) in enumerate(lines, start=1):
        db.execute(
            text(
                "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, "
                "amount_satang, member_id, memo) VALUES (:e, :d, :n, :a, :amt, :m, '')"
            ),
            {
                "e": entry_id,
                "d": day,
                "n": number,
                "a": get_account(db, code).id,
                "amt": amount,
                "m": member_id,
            },
        )
    return entry_id


def test_an_unbalanced_entry_written_behind_the_services_back_is_caught(
    db, users, now, make_member
):
    member = make_member()
    _books(db, users, now, member)
    _raw_entry(db, users["committee"].id, dt.date(2025, 11, 7), [(C.CASH, 5_00, None)])
    failed = _failed(db)
    assert "ledger.entries_balanced" in failed
    assert "ledger.debits_equal_credits" in failed


def test_negative_savings_and_missing_subledger_key_are_caught(db, users, now, make_member):
    member = make_member()
    _books(db, users, now, member)
    _raw_entry(
        db,
        users["committee"].id,
        dt.date(2025, 11, 8),
        [(C.MEMBER_SAVINGS, 500_00, member.id), (C.CASH, -250_00, None), (C.CASH, -250_00, None)],
    )
    failed = _failed(db)
    assert any(str(member.id) in p for p in failed["ledger.no_negative_balances"])
    assert any("1010" in p for p in failed["ledger.no_negative_balances"])


def test_a_subledger_line_without_its_key_is_refused_by_the_database(db, users, now):
    """The kept balances' trigger needs the member (or loan) of a sub-ledger line, so the
    database itself refuses a savings line that names nobody, whoever writes it."""
    savepoint = db.begin_nested()
    with pytest.raises(IntegrityError):
        _raw_entry(
            db,
            users["committee"].id,
            dt.date(2025, 11, 8),
            [(C.CASH, 1_00, None), (C.MEMBER_SAVINGS, -1_00, None)],
        )
    savepoint.rollback()
    assert "ledger.subledgers_match_control" not in _failed(db)


def test_posting_into_a_closed_period_and_bad_reversals_are_caught(db, users, now, make_member):
    member = make_member()
    dep = _books(db, users, now, member)
    close_period(db, year=2025, month=10, closed_by=users["committee"], now=now, today=now.date())
    _raw_entry(
        db,
        users["committee"].id,
        dt.date(2025, 10, 9),
        [(C.CASH, 1_00, None), (C.GRANTS_DONATIONS, -1_00, None)],
        recorded_at="2025-11-21 03:00:00",
    )
    # A "reversal" that doesn't mirror its original.
    _raw_entry(
        db,
        users["committee"].id,
        dt.date(2025, 11, 9),
        [(C.MEMBER_SAVINGS, 1_00, member.id), (C.CASH, -1_00, None)],
        reverses=dep.entry.id,
    )
    failed = _failed(db)
    assert "ledger.closed_periods_untouched" in failed
    assert any("mirror" in p for p in failed["ledger.reversals_point_to_one_original"])
    # The deposit's posting is now reversed but its receipt isn't void.
    assert "ledger.receipts" in failed


def test_a_gap_in_receipt_numbers_is_caught(db, users, now, make_member):
    member = make_member()
    dep = _books(db, users, now, member)
    db.execute(text("UPDATE receipts SET number = 3 WHERE id = :i"), {"i": dep.receipt.id})
    assert "ledger.receipts" in _failed(db)


def test_chaeson_check_discovers_area_checks(monkeypatch):
    from web.ledger.cli import check_modules

    names = [m.__name__ for m in check_modules()]
    assert names[0] == "fund.ledger.checks"
    assert len(names) == len(set(names))


def test_lines_post_entry_writes_are_seen_by_checks(db, users, now):
    post_entry(
        db,
        entry_date=dt.date(2025, 11, 1),
        description="เงินอุดหนุน",
        source="test.grant",
        lines=[LineSpec(C.BANK, 1_000_00), LineSpec(C.GRANTS_DONATIONS, -1_000_00)],
        recorded_by=users["committee"],
        now=now,
    )
    results = {r.name: r for r in checks(db)}
    assert results["ledger.entries_balanced"].checked >= 1
    assert results["ledger.entries_balanced"].ok
