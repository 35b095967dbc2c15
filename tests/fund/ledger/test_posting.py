"""Posting, reversing and closing periods: the rules of the journal."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from fund.errors import Conflict, InvalidInput, NotFound
from fund.ledger.accounts import CHART, AccountCode
from fund.ledger.models import Account, JournalEntry, JournalLine, PeriodClose
from fund.ledger.queries import (
    account_balance,
    loan_balance,
    member_loans_outstanding,
    member_receivable_balance,
    member_savings_balance,
)
from fund.ledger.services import (
    LineSpec,
    close_period,
    closed_through,
    get_account,
    post_entry,
    reverse_entry,
    set_account_active,
)

C = AccountCode
D = dt.date(2025, 11, 3)


def _deposit(db, user, now, member, amount, *, day=D, key=None):
    return post_entry(
        db,
        entry_date=day,
        description="รับเงินสัจจะ",
        source="test.deposit",
        lines=[
            LineSpec(C.CASH, amount, member_id=member.id),
            LineSpec(C.MEMBER_SAVINGS, -amount, member_id=member.id),
        ],
        recorded_by=user,
        now=now,
        idempotency_key=key,
    )


def _line_count(db) -> int:
    return db.scalar(select(func.count()).select_from(JournalLine))


def test_migration_seeds_exactly_the_chart_of_accounts(db):
    seeded = {a.code: a for a in db.scalars(select(Account))}
    for seed in CHART:
        account = seeded[seed.code.value]
        assert (account.name_th, account.type, account.subledger, account.never_negative) == (
            seed.name_th,
            seed.type,
            seed.subledger,
            seed.never_negative,
        )
        assert account.is_system and account.is_active
    assert set(seeded) >= {s.code.value for s in CHART}


def test_balanced_entry_posts_and_moves_the_balances(db, users, now, make_member):
    member = make_member()
    entry = _deposit(db, users["committee"], now, member, 150_00)
    assert [line.amount_satang for line in entry.lines] == [150_00, -150_00]
    assert entry.was_replayed is False
    assert account_balance(db, C.CASH) == 150_00
    assert account_balance(db, C.MEMBER_SAVINGS) == -150_00
    assert member_savings_balance(db, member.id) == 150_00
    assert member_savings_balance(db, member.id, as_of=D - dt.timedelta(days=1)) == 0


@pytest.mark.parametrize(
    "lines, message",
    [
        ([LineSpec(C.CASH, 100)], "อย่างน้อย 2 บรรทัด"),
        ([LineSpec(C.CASH, 100), LineSpec(C.GRANTS_DONATIONS, -99)], "เดบิตและเครดิตไม่เท่ากัน"),
        (
            [LineSpec(C.CASH, 100), LineSpec(C.GRANTS_DONATIONS, -100), LineSpec(C.BANK, 0)],
            "ไม่เป็นศูนย์",
        ),
        ([LineSpec(C.CASH, 100), LineSpec(C.MEMBER_SAVINGS, -100)], "ต้องระบุสมาชิก"),
        ([LineSpec(C.LOANS_RECEIVABLE, 100), LineSpec(C.CASH, -100)], "ต้องระบุสัญญาเงินกู้"),
    ],
)
def test_malformed_entries_are_refused_and_post_nothing(db, users, now, lines, message):
    before = _line_count(db)
    with pytest.raises(InvalidInput, match=message):
        post_entry(
            db,
            entry_date=D,
            description="x",
            source="test.bad",
            lines=lines,
            recorded_by=users["committee"],
            now=now,
        )
    assert _line_count(db) == before


def test_float_amounts_are_a_programming_error(db, users, now):
    with pytest.raises(TypeError):
        post_entry(
            db,
            entry_date=D,
            description="x",
            source="test.bad",
            lines=[LineSpec(C.CASH, 1.5), LineSpec(C.GRANTS_DONATIONS, -1.5)],
            recorded_by=users["committee"],
            now=now,
        )


def test_unknown_and_retired_accounts_are_refused(db, users, now):
    committee = users["committee"]
    with pytest.raises(NotFound):
        post_entry(
            db,
            entry_date=D,
            description="x",
            source="test.bad",
            lines=[LineSpec("9999", 100), LineSpec(C.GRANTS_DONATIONS, -100)],
            recorded_by=committee,
            now=now,
        )
    from fund.ledger.accounts import AccountType
    from fund.ledger.services import add_account

    bank2 = add_account(
        db,
        code="1030",
        name_th="ธนาคารออมสิน",
        name_en="Savings bank",
        type=AccountType.ASSET,
        added_by=users["admin"],
        now=now,
    )
    set_account_active(db, account=bank2, active=False, changed_by=users["admin"], now=now)
    with pytest.raises(Conflict, match="ปิดใช้งาน"):
        post_entry(
            db,
            entry_date=D,
            description="x",
            source="test.bad",
            lines=[LineSpec("1030", 100), LineSpec(C.GRANTS_DONATIONS, -100)],
            recorded_by=committee,
            now=now,
        )
    with pytest.raises(Conflict):
        set_account_active(
            db, account=get_account(db, C.CASH), active=False, changed_by=users["admin"], now=now
        )


def test_same_idempotency_key_posts_once_and_returns_the_original(db, users, now, make_member):
    member = make_member()
    first = _deposit(db, users["committee"], now, member, 100_00, key="form-key-1")
    lines = _line_count(db)
    again = _deposit(db, users["committee"], now, member, 100_00, key="form-key-1")
    assert again.id == first.id and again.was_replayed
    assert _line_count(db) == lines
    assert member_savings_balance(db, member.id) == 100_00


def test_reversal_mirrors_the_original_and_can_happen_only_once(db, users, now, make_member):
    member = make_member()
    committee = users["committee"]
    entry = _deposit(db, committee, now, member, 80_00)
    reversal = reverse_entry(
        db, entry=entry, reversal_date=D, reason="บันทึกผิดคน", recorded_by=committee, now=now
    )
    assert reversal.reverses_id == entry.id
    assert sorted(line.amount_satang for line in reversal.lines) == [-80_00, 80_00]
    assert member_savings_balance(db, member.id) == 0
    assert account_balance(db, C.CASH) == 0
    with pytest.raises(Conflict, match="กลับรายการไปแล้ว"):
        reverse_entry(
            db, entry=entry, reversal_date=D, reason="อีกครั้ง", recorded_by=committee, now=now
        )
    with pytest.raises(Conflict, match="เป็นการกลับรายการอยู่แล้ว"):
        reverse_entry(
            db, entry=reversal, reversal_date=D, reason="x", recorded_by=committee, now=now
        )


def test_reversal_needs_a_reason_and_a_date_not_before_the_original(db, users, now, make_member):
    member = make_member()
    committee = users["committee"]
    entry = _deposit(db, committee, now, member, 80_00)
    with pytest.raises(InvalidInput, match="เหตุผล"):
        reverse_entry(db, entry=entry, reversal_date=D, reason="  ", recorded_by=committee, now=now)
    with pytest.raises(InvalidInput, match="ต้องไม่ก่อนวันที่"):
        reverse_entry(
            db,
            entry=entry,
            reversal_date=D - dt.timedelta(days=1),
            reason="x",
            recorded_by=committee,
            now=now,
        )
    assert member_savings_balance(db, member.id) == 80_00


def test_reversing_a_deposit_already_withdrawn_is_refused(db, users, now, make_member):
    member = make_member()
    committee = users["committee"]
    entry = _deposit(db, committee, now, member, 100_00)
    post_entry(
        db,
        entry_date=D,
        description="ถอน",
        source="test.withdraw",
        lines=[
            LineSpec(C.MEMBER_SAVINGS, 60_00, member_id=member.id),
            LineSpec(C.CASH, -60_00),
        ],
        recorded_by=committee,
        now=now,
    )
    with pytest.raises(Conflict, match="ไม่พอ"):
        reverse_entry(db, entry=entry, reversal_date=D, reason="x", recorded_by=committee, now=now)


def test_closed_period_refuses_posting_and_reversal_and_closing_only_moves_forward(
    db, users, now, make_member
):
    member = make_member()
    committee = users["committee"]
    october = _deposit(db, committee, now, member, 50_00, day=dt.date(2025, 10, 15))
    close_period(db, year=2025, month=10, closed_by=committee, now=now, today=now.date())
    assert closed_through(db) == dt.date(2025, 10, 31)
    with pytest.raises(Conflict, match="ปิดแล้ว"):
        _deposit(db, committee, now, member, 10_00, day=dt.date(2025, 10, 31))
    with pytest.raises(Conflict, match="ปิดแล้ว"):
        reverse_entry(
            db,
            entry=october,
            reversal_date=dt.date(2025, 10, 20),
            reason="x",
            recorded_by=committee,
            now=now,
        )
    # Reversing into the open month is the way to correct it.
    reverse_entry(db, entry=october, reversal_date=D, reason="x", recorded_by=committee, now=now)
    _deposit(db, committee, now, member, 10_00, day=dt.date(2025, 11, 1))
    for year, month in ((2025, 10), (2025, 9)):
        with pytest.raises(Conflict, match=r"เดินหน้า|ถัดไป"):
            close_period(db, year=year, month=month, closed_by=committee, now=now, today=now.date())
    with pytest.raises(Conflict, match="ยังไม่สิ้นสุด"):
        close_period(db, year=2025, month=11, closed_by=committee, now=now, today=now.date())
    assert db.scalar(select(func.count()).select_from(PeriodClose)) == 1


def test_cash_never_goes_below_zero(db, users, now):
    committee = users["committee"]
    post_entry(
        db,
        entry_date=D,
        description="เงินบริจาค",
        source="test.grant",
        lines=[LineSpec(C.CASH, 100_00), LineSpec(C.GRANTS_DONATIONS, -100_00)],
        recorded_by=committee,
        now=now,
    )
    with pytest.raises(Conflict, match=r"฿100\.00"):
        post_entry(
            db,
            entry_date=D,
            description="ค่าใช้จ่าย",
            source="test.expense",
            lines=[LineSpec(C.OPERATING_EXPENSES, 100_01), LineSpec(C.CASH, -100_01)],
            recorded_by=committee,
            now=now,
        )
    # Back-dated: the cash was not there yet on the 1st.
    with pytest.raises(Conflict, match=r"฿0\.00"):
        post_entry(
            db,
            entry_date=dt.date(2025, 11, 1),
            description="ค่าใช้จ่าย",
            source="test.expense",
            lines=[LineSpec(C.OPERATING_EXPENSES, 1_00), LineSpec(C.CASH, -1_00)],
            recorded_by=committee,
            now=now,
        )
    assert account_balance(db, C.CASH) == 100_00


def test_a_loan_cannot_be_repaid_beyond_what_was_lent(db, users, now, make_member):
    from tests.fund.loans.conftest import Kit

    member = make_member()
    committee = users["committee"]
    kit = Kit(db, users, now)
    loan = kit.approved(kit.product(), member=member)  # the member's loan, lent below
    post_entry(
        db,
        entry_date=D,
        description="ทุน",
        source="test.grant",
        lines=[LineSpec(C.CASH, 10_000_00), LineSpec(C.GRANTS_DONATIONS, -10_000_00)],
        recorded_by=committee,
        now=now,
    )
    post_entry(
        db,
        entry_date=D,
        description="จ่ายเงินกู้",
        source="test.loan",
        lines=[
            LineSpec(C.LOANS_RECEIVABLE, 5_000_00, loan_id=loan.id, member_id=member.id),
            LineSpec(C.CASH, -5_000_00),
        ],
        recorded_by=committee,
        now=now,
    )
    assert loan_balance(db, loan.id) == 5_000_00
    assert member_loans_outstanding(db, member.id) == 5_000_00
    with pytest.raises(Conflict, match="เกินหนี้เงินกู้คงเหลือ"):
        post_entry(
            db,
            entry_date=D,
            description="รับชำระ",
            source="test.repay",
            lines=[
                LineSpec(C.CASH, 5_000_01),
                LineSpec(C.LOANS_RECEIVABLE, -5_000_01, loan_id=loan.id, member_id=member.id),
            ],
            recorded_by=committee,
            now=now,
        )
    assert member_receivable_balance(db, member.id) == 0


@pytest.mark.parametrize("table", ["journal_entries", "journal_lines", "period_closes"])
def test_direct_sql_update_and_delete_on_the_books_are_refused(db, users, now, make_member, table):
    member = make_member()
    committee = users["committee"]
    _deposit(db, committee, now, member, 10_00, day=dt.date(2025, 10, 2))
    close_period(db, year=2025, month=10, closed_by=committee, now=now, today=now.date())
    db.flush()
    column = {"journal_entries": "description", "journal_lines": "memo", "period_closes": "note"}
    for statement in (f"UPDATE {table} SET {column[table]} = 'forged'", f"DELETE FROM {table}"):
        with pytest.raises(Exception, match="append-only"), db.begin_nested():
            db.execute(text(statement))
    assert db.scalar(text(f"SELECT count(*) FROM {table}")) >= 1
    assert member_savings_balance(db, member.id) == 10_00


def test_unique_constraints_hold_in_the_database_itself(db, users, now, make_member):
    """Even bypassing the services, a second reversal or a reused key is refused."""
    member = make_member()
    committee = users["committee"]
    entry = _deposit(db, committee, now, member, 10_00, key="k-unique")
    reverse_entry(db, entry=entry, reversal_date=D, reason="x", recorded_by=committee, now=now)
    from sqlalchemy.exc import IntegrityError

    for extra in ({"reverses_id": entry.id}, {"idempotency_key": "k-unique"}):
        with pytest.raises(IntegrityError), db.begin_nested():
            db.add(
                JournalEntry(
                    entry_date=D,
                    description="forged",
                    source="test.forged",
                    recorded_by_id=committee.id,
                    recorded_at=now,
                    **extra,
                )
            )
            db.flush()
