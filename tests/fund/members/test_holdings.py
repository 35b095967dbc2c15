"""The member page's balances come from the kept balances and equal the journal's sums: before
the transaction that posted commits, after it, and as of an earlier date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fund.ledger.accounts import AccountCode
from fund.ledger.models import Account, JournalLine
from fund.ledger.queries import member_loans_outstanding
from fund.ledger.services import LineSpec, post_entry
from fund.loans.checks import checks as loan_checks
from fund.loans.models import PayChannel
from fund.loans.services import disburse_loan, record_repayment
from fund.members.holdings import ledger_holdings, money_held
from tests.fund.loans.conftest import Kit, key

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
CODES = [
    c.value
    for c in (
        AccountCode.MEMBER_SAVINGS,
        AccountCode.LOANS_RECEIVABLE,
        AccountCode.INTEREST_RECEIVABLE,
        AccountCode.MEMBER_RECEIVABLES,
    )
]


def _journal(db, member_id: int, *, as_of: dt.date | None = None) -> dict[str, int]:
    """What the member page showed before kept balances: the member's lines summed."""
    stmt = (
        select(Account.code, func.sum(JournalLine.amount_satang))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(JournalLine.member_id == member_id, Account.code.in_(CODES))
        .group_by(Account.code)
    )
    if as_of is not None:
        stmt = stmt.where(JournalLine.entry_date <= as_of)
    return {code: int(total) for code, total in db.execute(stmt) if total}


def _nonzero(held: dict[str, int]) -> dict[str, int]:
    return {code: amount for code, amount in held.items() if amount}


def _history(db, kit: Kit, member, *, second_loan: bool = True):
    """Savings, a loan (two with ``second_loan``) with repayments, and a repair charge owed."""
    for month in (1, 4, 7, 10):
        post_entry(
            db,
            entry_date=dt.date(2025, month, 5),
            description="เงินสัจจะ",
            source="test.savings",
            lines=[
                LineSpec(AccountCode.CASH, 300_00),
                LineSpec(AccountCode.MEMBER_SAVINGS, -300_00, member_id=member.id),
            ],
            recorded_by=kit.maker,
            now=NOW,
        )
    post_entry(
        db,
        entry_date=dt.date(2025, 6, 2),
        description="ค่าซ่อมรถเข็น",
        source="test.repair",
        lines=[
            LineSpec(AccountCode.MEMBER_RECEIVABLES, 450_00, member_id=member.id),
            LineSpec(AccountCode.REPAIR_INCOME, -450_00),
        ],
        recorded_by=kit.maker,
        now=NOW,
    )
    loans = [kit.loan(amount_baht=6_000, term=12, member=member)]
    if second_loan:
        second = kit.approved(kit.product(), 2_000, 6, member, override_open_loan=True)
        loans.append(
            disburse_loan(
                db,
                loan=second,
                disbursed_on=dt.date(2025, 3, 1),
                channel=PayChannel.CASH,
                recorded_by=kit.maker,
                now=NOW,
                idempotency_key=key(),
            )
        )
    for n, day in enumerate((dt.date(2025, 2, 15), dt.date(2025, 5, 15), dt.date(2025, 9, 15))):
        record_repayment(
            db,
            loan=loans[n % len(loans)],
            amount_satang=400_00,
            paid_on=day,
            channel=PayChannel.CASH,
            recorded_by=kit.maker,
            now=NOW,
            idempotency_key=key(),
        )


def test_holdings_and_loans_outstanding_equal_the_journal_before_and_after_commit(db, users):
    kit = Kit(db, users, NOW)
    member, other = kit.member(), kit.member("สมพร")
    _history(db, kit, member)
    _history(db, kit, other, second_loan=False)  # another borrower's loans are not counted
    for committed in (False, True):
        if committed:
            db.commit()
        held = ledger_holdings(db, member.id)
        assert _nonzero(held) == _journal(db, member.id), committed
        assert set(_journal(db, member.id)) == set(CODES) - {AccountCode.INTEREST_RECEIVABLE}
        assert member_loans_outstanding(db, member.id) == held[AccountCode.LOANS_RECEIVABLE]
        assert member_loans_outstanding(db, other.id) == _journal(db, other.id)["1100"]
        for as_of in (dt.date(2025, 1, 14), dt.date(2025, 3, 1), dt.date(2025, 5, 15)):
            expected = _journal(db, member.id, as_of=as_of).get("1100", 0)
            assert member_loans_outstanding(db, member.id, as_of=as_of) == expected, as_of
    shown = {h.code: h.amount_satang for h in money_held(db, member)}
    assert shown == {
        "member_savings": 1_200_00,
        "loans_receivable": 8_000_00 - 3 * 400_00,
        "member_receivables": 450_00,
    }


def test_a_loan_line_naming_another_member_fails_the_loans_check(db, users):
    """The member page sums each member's own loans: a loan line must name its borrower."""
    kit = Kit(db, users, NOW)
    member, other = kit.member(), kit.member("สมพร")
    loan = kit.loan(amount_baht=1_000, term=6, member=member)
    assert all(r.ok for r in loan_checks(db))
    post_entry(
        db,
        entry_date=dt.date(2025, 2, 1),
        description="บันทึกผิดคน",
        source="test.wrong",
        lines=[
            LineSpec(AccountCode.LOANS_RECEIVABLE, 100_00, member_id=other.id, loan_id=loan.id),
            LineSpec(AccountCode.LOANS_RECEIVABLE, -100_00, member_id=member.id, loan_id=loan.id),
        ],
        recorded_by=kit.maker,
        now=NOW,
    )
    result = {r.name: r for r in loan_checks(db)}["loans.lines_name_the_borrower"]
    assert len(result.problems) == 1
    assert f"names member {other.id}, the borrower is {member.id}" in result.problems[0]
