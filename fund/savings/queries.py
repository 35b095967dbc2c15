"""What the savings screens show: the passbook and the list of members' savings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger import balances as kept
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry, JournalLine, Receipt
from fund.ledger.services import get_account
from fund.members.models import Member
from fund.savings.models import SavingsAccount, SavingsTransaction


@dataclass(frozen=True)
class PassbookLine:
    entry_id: int
    entry_date: dt.date
    description: str
    source: str
    deposit_satang: int
    withdrawal_satang: int
    balance_satang: int
    receipt_no: str | None
    #: the savings transaction behind the line (None for postings by other areas)
    txn_id: int | None
    #: the entry was reversed later (the reversal is its own line)
    reversed: bool
    is_reversal: bool


@dataclass(frozen=True)
class Passbook:
    member: Member
    agreed_monthly_satang: int
    opening_satang: int
    lines: list[PassbookLine]

    @property
    def balance_satang(self) -> int:
        return self.lines[-1].balance_satang if self.lines else self.opening_satang


def passbook(
    session: Session, member: Member, *, start: dt.date | None = None, end: dt.date | None = None
) -> Passbook:
    """The member's savings lines from the journal (account 2010), with a running balance.

    The lines from ``start`` to ``end`` are one range of the lines' (account, member, date)
    index, and the balance brought forward comes from the kept balances, so a window costs the
    same however many years the member has saved."""
    account = get_account(session, AccountCode.MEMBER_SAVINGS)
    opening = 0
    if start is not None:
        opening = -kept.balance(session, account, member.id, as_of=start - dt.timedelta(days=1))
    stmt = (
        select(
            JournalLine.entry_id,
            JournalLine.entry_date,
            JournalEntry.description,
            JournalEntry.source,
            JournalEntry.reverses_id,
            JournalLine.amount_satang,
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == account.id, JournalLine.member_id == member.id)
        .order_by(JournalLine.entry_date, JournalLine.entry_id, JournalLine.line_no)
    )
    if start is not None:
        stmt = stmt.where(JournalLine.entry_date >= start)
    if end is not None:
        stmt = stmt.where(JournalLine.entry_date <= end)
    rows = session.execute(stmt).all()
    entry_ids = [row.entry_id for row in rows]
    receipts = {}
    reversed_ids = set()
    txns = {}
    if entry_ids:
        receipts = dict(
            session.execute(
                select(Receipt.journal_entry_id, Receipt).where(
                    Receipt.journal_entry_id.in_(entry_ids)
                )
            ).all()
        )
        reversed_ids = set(
            session.scalars(
                select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.in_(entry_ids))
            )
        )
        txns = dict(
            session.execute(
                select(SavingsTransaction.journal_entry_id, SavingsTransaction.id).where(
                    SavingsTransaction.journal_entry_id.in_(entry_ids)
                )
            ).all()
        )
    running = opening
    lines = []
    for entry_id, entry_date, description, source, reverses_id, amount in rows:
        running -= amount
        receipt = receipts.get(entry_id)
        lines.append(
            PassbookLine(
                entry_id=entry_id,
                entry_date=entry_date,
                description=description,
                source=source,
                deposit_satang=-amount if amount < 0 else 0,
                withdrawal_satang=amount if amount > 0 else 0,
                balance_satang=running,
                receipt_no=receipt.receipt_no if receipt is not None else None,
                txn_id=txns.get(entry_id),
                reversed=entry_id in reversed_ids,
                is_reversal=reverses_id is not None,
            )
        )
    savings_account = session.scalar(
        select(SavingsAccount).where(SavingsAccount.member_id == member.id)
    )
    agreed = savings_account.agreed_monthly_satang if savings_account is not None else 0
    return Passbook(member, agreed, opening, lines)


@dataclass(frozen=True)
class MemberSavingsRow:
    member: Member
    agreed_monthly_satang: int
    balance_satang: int


def member_savings_list(
    session: Session, *, as_of: dt.date | None = None
) -> list[MemberSavingsRow]:
    """Every member with savings or an agreement, with the balance (one grouped query)."""
    account = get_account(session, AccountCode.MEMBER_SAVINGS)
    if as_of is None:
        totals = kept.sub_balances(session, account)
    else:
        stmt = (
            select(JournalLine.member_id, func.sum(JournalLine.amount_satang))
            .where(JournalLine.account_id == account.id, JournalLine.entry_date <= as_of)
            .group_by(JournalLine.member_id)
        )
        totals = dict(session.execute(stmt).all())
    balances = {member_id: -int(total) for member_id, total in totals.items()}
    agreed = {
        member_id: amount
        for member_id, amount in session.execute(
            select(SavingsAccount.member_id, SavingsAccount.agreed_monthly_satang)
        )
    }
    ids = set(balances) | set(agreed)
    if not ids:
        return []
    members = session.scalars(
        select(Member).where(Member.id.in_(ids)).order_by(Member.member_no)
    ).all()
    return [MemberSavingsRow(m, agreed.get(m.id, 0), balances.get(m.id, 0)) for m in members]


def recent_savings_transactions(
    session: Session, member_id: int, limit: int = 20
) -> list[SavingsTransaction]:
    return list(
        session.scalars(
            select(SavingsTransaction)
            .where(SavingsTransaction.member_id == member_id)
            .order_by(SavingsTransaction.id.desc())
            .limit(limit)
        )
    )
