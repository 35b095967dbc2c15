"""Welfare's invariants for ``chaeson check``: the fund never negative, every payout posted."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.checks import MAX_LISTED, CheckResult
from fund.ledger.models import Account, JournalEntry, JournalLine
from fund.welfare.models import ClaimStatus, WelfareClaim, WelfareDonation


def _result(name: str, title_th: str, title_en: str, problems: list[str], checked: int):
    result = CheckResult(name, title_th, title_en, checked=checked)
    for problem in problems[:MAX_LISTED]:
        result.add(problem)
    if len(problems) > MAX_LISTED:
        result.add(f"… {len(problems) - MAX_LISTED} more")
    return result


def _welfare_fund_never_negative(session: Session) -> CheckResult:
    rows = session.execute(
        select(JournalEntry.entry_date, func.sum(JournalLine.amount_satang))
        .join(JournalEntry, JournalLine.entry_id == JournalEntry.id)
        .join(Account, JournalLine.account_id == Account.id)
        .where(Account.code == AccountCode.WELFARE_FUND.value)
        .group_by(JournalEntry.entry_date)
        .order_by(JournalEntry.entry_date)
    ).all()
    running = 0
    problems = []
    for day, amount in rows:
        running -= int(amount)  # credit-normal: a credit adds to the fund
        if running < 0:
            problems.append(f"{day.isoformat()}: {running} satang")
    return _result(
        "welfare.fund_never_negative",
        "ยอดกองทุนสวัสดิการไม่ติดลบในวันใดเลย",
        "the welfare fund is never below zero on any day",
        problems,
        len(rows),
    )


def _claims_match_entries(session: Session) -> CheckResult:
    problems = []
    fund_lines = (
        select(JournalLine.entry_id, func.sum(JournalLine.amount_satang).label("amount"))
        .join(Account, JournalLine.account_id == Account.id)
        .where(Account.code == AccountCode.WELFARE_FUND.value)
        .group_by(JournalLine.entry_id)
        .subquery()
    )
    rows = session.execute(
        select(WelfareClaim, JournalEntry, fund_lines.c.amount)
        .outerjoin(JournalEntry, WelfareClaim.entry_id == JournalEntry.id)
        .outerjoin(fund_lines, fund_lines.c.entry_id == WelfareClaim.entry_id)
    ).all()
    reversed_ids = {
        reverses: rid
        for rid, reverses in session.execute(
            select(JournalEntry.id, JournalEntry.reverses_id).where(
                JournalEntry.reverses_id.is_not(None)
            )
        )
    }
    for claim, entry, fund_amount in rows:
        if entry is None:
            problems.append(f"{claim.claim_no}: no journal entry")
            continue
        if entry.source != "welfare.payout" or entry.source_id != claim.id:
            problems.append(f"{claim.claim_no}: entry {entry.id} is not its payout")
        if fund_amount != claim.amount_satang:
            problems.append(
                f"{claim.claim_no}: welfare fund line {fund_amount} ≠ {claim.amount_satang}"
            )
        reversal = reversed_ids.get(entry.id)
        if claim.status is ClaimStatus.REVERSED and reversal != claim.reversal_entry_id:
            problems.append(f"{claim.claim_no}: reversed, but its entry is not")
        if claim.status is ClaimStatus.PAID and reversal is not None:
            problems.append(f"{claim.claim_no}: paid, but its entry was reversed")
    orphans = session.scalars(
        select(JournalEntry.id).where(
            JournalEntry.source == "welfare.payout",
            JournalEntry.id.not_in(
                select(WelfareClaim.entry_id).where(WelfareClaim.entry_id.is_not(None))
            ),
        )
    ).all()
    problems += [f"entry {i}: a welfare payout without a claim" for i in orphans]
    return _result(
        "welfare.payouts_posted",
        "การจ่ายสวัสดิการทุกรายการตรงกับรายการบัญชี และยกเลิกตรงกัน",
        "every welfare payout matches its journal entry (and its reversal)",
        problems,
        len(rows),
    )


def _donations_match_entries(session: Session) -> CheckResult:
    problems = []
    rows = session.execute(
        select(WelfareDonation, JournalEntry).outerjoin(
            JournalEntry, WelfareDonation.entry_id == JournalEntry.id
        )
    ).all()
    for donation, entry in rows:
        if entry is None or entry.source != "welfare.donation" or entry.source_id != donation.id:
            problems.append(f"donation {donation.id}: no matching entry")
    return _result(
        "welfare.donations_posted",
        "เงินบริจาคเพื่อสวัสดิการทุกรายการมีรายการบัญชี",
        "every donation for welfare has its journal entry",
        problems,
        len(rows),
    )


def checks(session: Session) -> list[CheckResult]:
    return [
        _welfare_fund_never_negative(session),
        _claims_match_entries(session),
        _donations_match_entries(session),
    ]
