"""Year-end allocation: previewed per member, posted once, books still balanced."""

from __future__ import annotations

import datetime as dt

import pytest

from fund.errors import Conflict, InvalidInput
from fund.fundbook.models import FundTxnKind
from fund.fundbook.services import record_fund_transaction
from fund.ledger.accounts import AccountCode
from fund.ledger.checks import checks
from fund.ledger.queries import (
    account_balance,
    balance_sheet,
    income_statement,
    member_savings_balance,
)
from fund.ledger.services import LineSpec, close_period, post_entry
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit
from fund.yearend.services import parse_percent, plan_year_end, post_year_end

C = AccountCode
FY = 2568  # 1 Oct 2024 – 30 Sep 2025
SHARES = dict(reserve_bp=1000, dividend_bp=3000, refund_bp=2000, welfare_bp=1000)


@pytest.fixture
def year(db, users, now, make_member):
    committee = users["committee"]
    a, b = make_member("ก"), make_member("ข")

    def deposit(member, amount, day):
        record_deposit(
            db,
            member=member,
            amount_satang=amount,
            txn_date=day,
            kind=SavingsKind.EXTRA,
            recorded_by=committee,
            now=now,
        )

    deposit(a, 1_000_00, dt.date(2024, 10, 3))
    deposit(b, 1_000_00, dt.date(2025, 4, 3))
    record_fund_transaction(
        db,
        kind=FundTxnKind.GRANT,
        txn_date=dt.date(2024, 11, 1),
        counterparty="อบต.แจ้ซ้อน",
        description="เงินอุดหนุน",
        amount_satang=3_000_00,
        recorded_by=committee,
        now=now,
    )
    post_entry(
        db,
        entry_date=dt.date(2024, 12, 1),
        description="จ่ายเงินกู้",
        source="test.loan",
        lines=[
            LineSpec(C.LOANS_RECEIVABLE, 2_000_00, loan_id=1, member_id=a.id),
            LineSpec(C.CASH, -2_000_00, member_id=a.id),
        ],
        recorded_by=committee,
        now=now,
    )
    post_entry(
        db,
        entry_date=dt.date(2025, 6, 1),
        description="รับชำระเงินกู้",
        source="test.repayment",
        lines=[
            LineSpec(C.CASH, 1_200_00, member_id=a.id),
            LineSpec(C.LOANS_RECEIVABLE, -1_000_00, loan_id=1, member_id=a.id),
            LineSpec(C.INTEREST_INCOME, -200_00),
        ],
        recorded_by=committee,
        now=now,
    )
    record_fund_transaction(
        db,
        kind=FundTxnKind.EXPENSE,
        txn_date=dt.date(2025, 7, 1),
        counterparty="ร้านค้า",
        description="ค่าเครื่องเขียน",
        amount_satang=200_00,
        recorded_by=committee,
        now=now,
    )
    return a, b


def test_preview_splits_dividend_by_average_balance_and_refund_by_interest(db, year):
    a, b = year
    plan = plan_year_end(db, fiscal_year=FY, **SHARES)
    assert plan.surplus_satang == 3_000_00
    assert (plan.reserve_satang, plan.dividend_satang, plan.refund_satang) == (
        300_00,
        900_00,
        600_00,
    )
    assert (plan.welfare_satang, plan.retained_satang) == (300_00, 900_00)
    assert plan.allocated_satang == plan.surplus_satang
    shares = {s.member_id: s for s in plan.members}
    assert shares[a.id].average_balance_satang == 1_000_00
    assert shares[b.id].average_balance_satang == 500_00  # 6 of 12 month-ends
    assert (shares[a.id].dividend_satang, shares[b.id].dividend_satang) == (600_00, 300_00)
    assert (shares[a.id].interest_paid_satang, shares[a.id].refund_satang) == (200_00, 600_00)
    assert shares[b.id].refund_satang == 0


def test_posting_credits_members_and_funds_once_and_keeps_the_books_right(db, users, now, year):
    a, b = year
    entry = post_year_end(db, fiscal_year=FY, **SHARES, posted_by=users["committee"], now=now)
    assert entry.entry_date == dt.date(2025, 9, 30)
    assert member_savings_balance(db, a.id) == 1_000_00 + 600_00 + 600_00
    assert member_savings_balance(db, b.id) == 1_000_00 + 300_00
    assert account_balance(db, C.RESERVE) == -300_00
    assert account_balance(db, C.WELFARE_FUND) == -300_00
    assert account_balance(db, C.ACCUMULATED_SURPLUS) == -900_00
    assert account_balance(db, C.GRANTS_DONATIONS) == 0  # closed into the allocation
    # The year's statement still shows what it earned and spent.
    stmt = income_statement(db, start=dt.date(2024, 10, 1), end=dt.date(2025, 9, 30))
    assert stmt.surplus_satang == 3_000_00
    sheet = balance_sheet(db, as_of=dt.date(2025, 9, 30))
    assert sheet.balanced and sheet.current_surplus_satang == 0
    assert [r.name for r in checks(db) if not r.ok] == []
    with pytest.raises(Conflict, match="ไปแล้ว"):
        post_year_end(db, fiscal_year=FY, **SHARES, posted_by=users["committee"], now=now)


@pytest.mark.parametrize(
    "shares, message",
    [
        ({**SHARES, "reserve_bp": 999}, "ทุนสำรองต้องไม่น้อยกว่าร้อยละ 10"),
        ({**SHARES, "dividend_bp": 7001}, "เกินร้อยละ 100"),
        ({**SHARES, "welfare_bp": -1}, "ระหว่าง 0 ถึง 100"),
    ],
)
def test_shares_outside_the_rules_are_refused(db, year, shares, message):
    with pytest.raises(InvalidInput, match=message):
        plan_year_end(db, fiscal_year=FY, **shares)


def test_a_year_without_surplus_or_with_its_last_month_closed_is_refused(db, users, now, year):
    with pytest.raises(Conflict, match="ไม่มีส่วนเกิน"):
        plan_year_end(db, fiscal_year=2567, **SHARES)
    close_period(db, year=2025, month=9, closed_by=users["committee"], now=now, today=now.date())
    with pytest.raises(Conflict, match="ปิดแล้ว"):
        post_year_end(db, fiscal_year=FY, **SHARES, posted_by=users["committee"], now=now)


@pytest.mark.parametrize(
    "text, bp", [("10", 1000), ("12.5", 1250), ("๑๕", 1500), ("0", 0), ("100%", 10_000)]
)
def test_percentages_are_read_in_basis_points(text, bp):
    assert parse_percent(text, field="x") == bp


@pytest.mark.parametrize("text", ["abc", "-1", "100.01", "1.234"])
def test_bad_percentages_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_percent(text, field="x")
