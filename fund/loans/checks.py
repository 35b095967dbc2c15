"""The loans' invariants, run by ``chaeson check`` next to the ledger's.

- No loan is repaid beyond what was lent (repaid principal ≤ principal, never negative).
- Each disbursed loan's balance in the ledger (account 1100, by loan) equals its principal less
  the principal of its live repayments and any write-off; an undisbursed loan has no balance.
- The current schedule plus the principal paid outside it adds up to the principal.
- Interest and fee income booked by loan actions equal what live repayments say they took.
- Every line of a loan account names its loan's borrower (a member's loans outstanding are the
  kept balances of the loans that are theirs: fund/ledger/balances.py ``member_parts``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode, Subledger
from fund.ledger.checks import MAX_LISTED, CheckResult
from fund.ledger.models import Account, JournalEntry, JournalLine
from fund.ledger.services import get_account
from fund.loans.models import (
    Instalment,
    Loan,
    LoanStatus,
    Repayment,
    RepaymentAllocation,
    WriteOff,
)
from fund.money import format_baht


def _repaid_by_loan(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Repayment.loan_id, func.coalesce(func.sum(Repayment.principal_satang), 0))
        .where(Repayment.reversed_at.is_(None))
        .group_by(Repayment.loan_id)
    ).all()
    return {loan_id: int(total) for loan_id, total in rows}


def _ledger_by_loan(session: Session) -> dict[int, int]:
    account = get_account(session, AccountCode.LOANS_RECEIVABLE)
    rows = session.execute(
        select(JournalLine.loan_id, func.sum(JournalLine.amount_satang))
        .where(JournalLine.account_id == account.id, JournalLine.loan_id.is_not(None))
        .group_by(JournalLine.loan_id)
    ).all()
    return {loan_id: int(total) for loan_id, total in rows}


def _balances(session: Session) -> CheckResult:
    result = CheckResult(
        "loans.balances_match_ledger",
        "ไม่มีสัญญาใดรับชำระเกินเงินที่ให้กู้ และยอดคงเหลือตรงกับบัญชีลูกหนี้เงินกู้ (1100)",
        "no loan is repaid beyond what was lent; each loan's balance matches account 1100",
    )
    repaid = _repaid_by_loan(session)
    ledger = _ledger_by_loan(session)
    written_off = dict(session.execute(select(WriteOff.loan_id, WriteOff.principal_satang)).all())
    loans = session.execute(select(Loan.id, Loan.loan_no, Loan.principal_satang, Loan.status)).all()
    known = set()
    for loan_id, loan_no, principal, status in loans:
        known.add(loan_id)
        result.checked += 1
        paid = repaid.get(loan_id, 0)
        if paid > principal:
            result.add(f"{loan_no}: repaid {format_baht(paid)} of {format_baht(principal)}")
        expected = (
            0 if status is LoanStatus.APPROVED else principal - paid - written_off.get(loan_id, 0)
        )
        if ledger.get(loan_id, 0) != expected:
            result.add(
                f"{loan_no}: ledger {format_baht(ledger.get(loan_id, 0))}, "
                f"loan records {format_baht(expected)}"
            )
        if status in (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF) and expected != 0:
            result.add(f"{loan_no}: closed with {format_baht(expected)} still owed")
    for loan_id in sorted(set(ledger) - known):
        result.add(f"loan id {loan_id}: ledger lines for a loan that does not exist")
    del result.problems[MAX_LISTED:]
    return result


def _schedules(session: Session) -> CheckResult:
    result = CheckResult(
        "loans.schedules_add_up",
        "ตารางผ่อนชำระปัจจุบันรวมกับเงินต้นที่ชำระนอกตาราง เท่ากับเงินต้นของสัญญา",
        "the current schedule plus principal paid outside it equals each loan's principal",
    )
    current = dict(
        session.execute(
            select(Instalment.loan_id, func.sum(Instalment.principal_satang))
            .where(Instalment.superseded.is_(False))
            .group_by(Instalment.loan_id)
        ).all()
    )
    live = select(Repayment.id).where(Repayment.reversed_at.is_(None))
    outside = dict(
        session.execute(
            select(Repayment.loan_id, func.sum(RepaymentAllocation.principal_satang))
            .join(Repayment, RepaymentAllocation.repayment_id == Repayment.id)
            .outerjoin(Instalment, RepaymentAllocation.instalment_id == Instalment.id)
            .where(
                RepaymentAllocation.repayment_id.in_(live),
                (RepaymentAllocation.instalment_id.is_(None)) | (Instalment.superseded.is_(True)),
            )
            .group_by(Repayment.loan_id)
        ).all()
    )
    for loan_id, loan_no, principal, status in session.execute(
        select(Loan.id, Loan.loan_no, Loan.principal_satang, Loan.status).where(
            Loan.status.in_([LoanStatus.ACTIVE, LoanStatus.REPAID])
        )
    ):
        result.checked += 1
        total = int(current.get(loan_id) or 0) + int(outside.get(loan_id) or 0)
        if total != principal:
            result.add(
                f"{loan_no} ({status}): schedule and paid principal {format_baht(total)}, "
                f"principal {format_baht(principal)}"
            )
    del result.problems[MAX_LISTED:]
    return result


def _income(session: Session) -> CheckResult:
    result = CheckResult(
        "loans.income_matches_repayments",
        "ดอกเบี้ยรับและค่าปรับจากเงินกู้ในบัญชี ตรงกับที่แบ่งไว้ในรายการรับชำระ",
        "loan interest and fee income in the books equal the splits of live repayments",
    )
    live = session.execute(
        select(
            func.coalesce(func.sum(Repayment.interest_satang), 0),
            func.coalesce(func.sum(Repayment.fee_satang), 0),
        ).where(Repayment.reversed_at.is_(None))
    ).one()
    for code, expected in (
        (AccountCode.INTEREST_INCOME, int(live[0])),
        (AccountCode.FEE_INCOME, int(live[1])),
    ):
        account = get_account(session, code)
        booked = -int(
            session.scalar(
                select(func.coalesce(func.sum(JournalLine.amount_satang), 0))
                .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
                .where(
                    JournalLine.account_id == account.id,
                    JournalEntry.source.like("loan.%"),
                )
            )
        )
        result.checked += 1
        if booked != expected:
            result.add(
                f"{code.value}: booked {format_baht(booked)}, repayments {format_baht(expected)}"
            )
    return result


def _borrowers(session: Session) -> CheckResult:
    result = CheckResult(
        "loans.lines_name_the_borrower",
        "ทุกบรรทัดของบัญชีเงินกู้ระบุสมาชิกผู้กู้ของสัญญานั้น",
        "every line of a loan account names its loan's borrower",
    )
    accounts = select(Account.id).where(Account.subledger == Subledger.LOAN)
    result.checked = int(
        session.scalar(
            select(func.count())
            .select_from(JournalLine)
            .where(JournalLine.account_id.in_(accounts))
        )
    )
    wrong = session.execute(
        select(JournalLine.id, Loan.loan_no, JournalLine.member_id, Loan.member_id)
        .join(Loan, Loan.id == JournalLine.loan_id)
        .where(
            JournalLine.account_id.in_(accounts),
            JournalLine.member_id.is_(None) | (JournalLine.member_id != Loan.member_id),
        )
        .order_by(JournalLine.id)
        .limit(MAX_LISTED)
    ).all()
    for line_id, loan_no, named, borrower in wrong:
        result.add(f"line {line_id} of {loan_no}: names member {named}, the borrower is {borrower}")
    return result


def checks(session: Session) -> list[CheckResult]:
    return [_balances(session), _schedules(session), _income(session), _borrowers(session)]
