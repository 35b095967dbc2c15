"""Savings actions: the agreed monthly amount, deposits, withdrawals.

Rules: amounts are positive satang; a member who has left or died saves no more; a monthly
saving is recorded once per month (more money that month is an extra deposit); a withdrawal
never takes the savings below zero nor, while the member owes on a loan, below the minimum the
committee set; a deposit gets a receipt; the form's one-time key posts once, however often
the form is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from fund.append import flushed_connection, insert_unless_taken, savepoint_for_one, update_now
from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import CASH_ACCOUNTS, AccountCode
from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.queries import member_loans_outstanding
from fund.ledger.receipts import issue_receipt
from fund.ledger.services import (
    LineSpec,
    ensure_open,
    get_account,
    get_int_setting,
    lock_balances,
    lowest_balance_from,
    post_entry,
)
from fund.members.models import Member, MemberStatus
from fund.money import format_baht
from fund.savings.models import SavingsAccount, SavingsKind, SavingsTransaction
from fund.thaidate import month_name
from fund.users.models import User

MIN_BALANCE_SETTING = "savings.min_balance_with_loan_satang"


@dataclass
class SavingsResult:
    txn: SavingsTransaction
    entry: JournalEntry
    receipt: Receipt | None
    #: True when the one-time key had been used: nothing new was posted
    replayed: bool = False


@dataclass(frozen=True)
class Withdrawable:
    balance_satang: int
    #: what must stay in the account (the committee's minimum while a loan is outstanding)
    minimum_satang: int
    loan_outstanding_satang: int
    available_satang: int


def _month_label(d: dt.date) -> str:
    return f"{month_name(d.month)} {d.year + 543}"


def _check_amount(amount_satang: int) -> None:
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError("amount_satang must be int satang")
    if amount_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินต้องมากกว่าศูนย์", "The amount must be more than zero.", field="amount"
        )


def _check_money_account(code: str) -> str:
    if code not in {c.value for c in CASH_ACCOUNTS}:
        raise InvalidInput(
            "กรุณาเลือกเงินสดหรือบัญชีธนาคาร", "Choose cash or the bank account.", field="money_account"
        )
    return code


def get_savings_account(session: Session, member_id: int) -> SavingsAccount | None:
    return session.scalar(select(SavingsAccount).where(SavingsAccount.member_id == member_id))


def set_agreed_amount(
    session: Session,
    *,
    member: Member,
    amount_satang: int,
    changed_by: User,
    now: dt.datetime,
    today: dt.date,
) -> SavingsAccount:
    """Set the monthly amount the member agreed to save (zero: no fixed amount)."""
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int) or amount_satang < 0:
        raise InvalidInput(
            "จำนวนเงินสัจจะต่อเดือนต้องไม่ติดลบ",
            "The monthly amount can't be negative.",
            field="amount",
        )
    account = get_savings_account(session, member.id)
    old = account.agreed_monthly_satang if account is not None else None
    if account is None:
        account = SavingsAccount(
            member_id=member.id,
            agreed_monthly_satang=amount_satang,
            opened_on=today,
            updated_at=now,
        )
        session.add(account)
    else:
        account.agreed_monthly_satang = amount_satang
        account.updated_at = now
    session.flush()
    record_audit(
        session,
        actor=changed_by,
        action="savings.agreed_amount",
        entity="member",
        entity_id=member.id,
        details={"old_satang": old, "new_satang": amount_satang},
        at=now,
    )
    return account


def withdrawable(session: Session, member: Member, on_date: dt.date) -> Withdrawable:
    """How much the member can take out on ``on_date``."""
    account = get_account(session, AccountCode.MEMBER_SAVINGS)
    lowest = lowest_balance_from(session, account, member.id, on_date)
    loan = member_loans_outstanding(session, member.id)
    minimum = get_int_setting(session, MIN_BALANCE_SETTING) if loan > 0 else 0
    return Withdrawable(
        balance_satang=lowest,
        minimum_satang=minimum,
        loan_outstanding_satang=loan,
        available_satang=max(0, lowest - minimum),
    )


_BY_KEY = select(SavingsTransaction.id).where(
    SavingsTransaction.idempotency_key == bindparam("key")
)


#: a monthly saving of the member for the month that stands (was not reversed)
_MONTH_TAKEN = (
    select(SavingsTransaction.id)
    .where(
        SavingsTransaction.member_id == bindparam("member"),
        SavingsTransaction.kind == SavingsKind.MONTHLY,
        SavingsTransaction.for_month == bindparam("month"),
        ~exists().where(JournalEntry.reverses_id == SavingsTransaction.journal_entry_id),
    )
    .limit(1)
)


def _replay(session: Session, key: str) -> SavingsResult | None:
    # A plain probe first: almost every key is new, and loading nothing through the ORM costs.
    found = flushed_connection(session).scalar(_BY_KEY, {"key": key})
    if found is None:
        return None
    txn = session.get(SavingsTransaction, found)
    entry = session.get(JournalEntry, txn.journal_entry_id)
    receipt = session.get(Receipt, txn.receipt_id) if txn.receipt_id else None
    return SavingsResult(txn, entry, receipt, replayed=True)


def _claim(session: Session, txn: SavingsTransaction):
    """Insert the transaction row in a savepoint of its own (none inside ``all_or_nothing``)
    that the caller closes. A twin request with the same one-time key, past the caller's replay
    check at the same moment, doesn't fail: the unique key makes this insert do nothing (on
    PostgreSQL after waiting for the first to commit) and the first one's result comes back.
    Returns (earlier result, None) or (None, open savepoint)."""
    savepoint = savepoint_for_one(session)
    try:
        inserted = insert_unless_taken(session, txn, unique="idempotency_key")
    except BaseException:
        savepoint.rollback()
        raise
    if inserted:
        return None, savepoint
    savepoint.rollback()
    earlier = _replay(session, txn.idempotency_key)
    if earlier is None:  # the twin was undone after all: sending the form again will work
        raise Conflict(
            "แบบฟอร์มนี้ถูกส่งซ้ำพร้อมกัน กรุณาส่งอีกครั้ง",
            "This form was sent twice at the same moment; please send it again.",
        )
    return earlier, None


def record_deposit(
    session: Session,
    *,
    member: Member,
    amount_satang: int,
    txn_date: dt.date,
    recorded_by: User,
    now: dt.datetime,
    kind: SavingsKind = SavingsKind.MONTHLY,
    for_month: dt.date | None = None,
    money_account: str = AccountCode.CASH.value,
    idempotency_key: str | None = None,
    note: str = "",
) -> SavingsResult:
    """Take in a monthly saving or an extra deposit, post it and give a receipt."""
    if idempotency_key is not None:
        earlier = _replay(session, idempotency_key)
        if earlier is not None:
            return earlier
    if kind is SavingsKind.WITHDRAWAL:
        raise ValueError("use record_withdrawal")
    _check_amount(amount_satang)
    money_account = _check_money_account(str(money_account))
    if member.status in (MemberStatus.LEFT, MemberStatus.DECEASED):
        raise Conflict(
            f"สมาชิก {member.member_no} พ้นสภาพแล้ว รับฝากเงินสัจจะไม่ได้",
            f"Member {member.member_no} has left the fund; no more savings can be taken in.",
        )
    ensure_open(session, txn_date, field="txn_date")
    if kind is SavingsKind.MONTHLY:
        for_month = (for_month or txn_date).replace(day=1)
        if flushed_connection(session).scalar(
            _MONTH_TAKEN, {"member": member.id, "month": for_month}
        ):
            raise Conflict(
                f"บันทึกเงินสัจจะเดือน{_month_label(for_month)} ของสมาชิกนี้แล้ว "
                "หากต้องการฝากเพิ่ม ให้เลือกประเภท 'ฝากเพิ่ม'",
                f"This member's savings for {for_month:%B %Y} are already recorded; "
                "for more money choose 'extra deposit'.",
                field="for_month",
            )
    else:
        for_month = None
    txn = SavingsTransaction(
        member_id=member.id,
        kind=kind,
        amount_satang=amount_satang,
        txn_date=txn_date,
        for_month=for_month,
        money_account=money_account,
        note=note.strip()[:300],
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        idempotency_key=idempotency_key,
    )
    earlier, savepoint = _claim(session, txn)
    if earlier is not None:
        return earlier
    try:
        result = _post_deposit(session, txn, member, recorded_by, now)
    except BaseException:
        # Nothing half-saved: the claimed row and anything after it go.
        savepoint.rollback()
        raise
    savepoint.commit()
    return result


def _post_deposit(
    session: Session, txn: SavingsTransaction, member: Member, recorded_by: User, now: dt.datetime
) -> SavingsResult:
    kind, amount_satang, money_account = txn.kind, txn.amount_satang, txn.money_account
    txn_date, for_month = txn.txn_date, txn.for_month
    if kind is SavingsKind.MONTHLY:
        purpose = f"เงินสัจจะประจำเดือน{_month_label(for_month)}"
    else:
        purpose = "เงินฝากสัจจะเพิ่ม"
    entry = post_entry(
        session,
        entry_date=txn_date,
        description=f"{purpose} {member.member_no} {member.full_name}",
        source="savings.deposit",
        source_id=txn.id,
        lines=[
            LineSpec(money_account, amount_satang, member_id=member.id),
            LineSpec(AccountCode.MEMBER_SAVINGS, -amount_satang, member_id=member.id),
        ],
        recorded_by=recorded_by,
        now=now,
    )
    receipt = issue_receipt(
        session,
        journal_entry=entry,
        amount_satang=amount_satang,
        purpose=purpose,
        payer=member,
        recorded_by=recorded_by,
        now=now,
    )
    update_now(session, txn, journal_entry_id=entry.id, receipt_id=receipt.id)
    record_audit(
        session,
        actor=recorded_by,
        action=f"savings.{kind.value}",
        entity="member",
        entity_id=member.id,
        details={
            "amount_satang": amount_satang,
            "entry_id": entry.id,
            "receipt_no": receipt.receipt_no,
        },
        at=now,
    )
    return SavingsResult(txn, entry, receipt)


def record_withdrawal(
    session: Session,
    *,
    member: Member,
    amount_satang: int,
    txn_date: dt.date,
    recorded_by: User,
    now: dt.datetime,
    money_account: str = AccountCode.CASH.value,
    idempotency_key: str | None = None,
    note: str = "",
) -> SavingsResult:
    """Pay savings back to the member, within what may be withdrawn (see ``withdrawable``)."""
    if idempotency_key is not None:
        earlier = _replay(session, idempotency_key)
        if earlier is not None:
            return earlier
    _check_amount(amount_satang)
    money_account = _check_money_account(str(money_account))
    ensure_open(session, txn_date, field="txn_date")
    txn = SavingsTransaction(
        member_id=member.id,
        kind=SavingsKind.WITHDRAWAL,
        amount_satang=amount_satang,
        txn_date=txn_date,
        money_account=money_account,
        note=note.strip()[:300],
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        idempotency_key=idempotency_key,
    )
    earlier, savepoint = _claim(session, txn)
    if earlier is not None:
        return earlier
    try:
        result = _post_withdrawal(session, txn, member, recorded_by, now)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return result


def _post_withdrawal(
    session: Session, txn: SavingsTransaction, member: Member, recorded_by: User, now: dt.datetime
) -> SavingsResult:
    amount_satang, money_account, txn_date = txn.amount_satang, txn.money_account, txn.txn_date
    savings = get_account(session, AccountCode.MEMBER_SAVINGS)
    lock_balances(session, [(savings, member.id), (get_account(session, money_account), None)])
    can = withdrawable(session, member, txn_date)
    if amount_satang > can.available_satang:
        if can.minimum_satang:
            raise Conflict(
                f"ถอนได้ไม่เกิน {format_baht(can.available_satang)} เพราะสมาชิกมีหนี้เงินกู้ "
                f"{format_baht(can.loan_outstanding_satang)} จึงต้องคงเงินสัจจะไว้อย่างน้อย "
                f"{format_baht(can.minimum_satang)} (ยอดคงเหลือ {format_baht(can.balance_satang)})",
                f"At most {format_baht(can.available_satang)} can be withdrawn: while a loan of "
                f"{format_baht(can.loan_outstanding_satang)} is outstanding, at least "
                f"{format_baht(can.minimum_satang)} must stay saved "
                f"(balance {format_baht(can.balance_satang)}).",
                field="amount",
            )
        raise Conflict(
            f"ถอนได้ไม่เกิน {format_baht(can.available_satang)} "
            f"(ยอดเงินสัจจะคงเหลือ {format_baht(can.balance_satang)})",
            f"At most {format_baht(can.available_satang)} can be withdrawn "
            f"(savings balance {format_baht(can.balance_satang)}).",
            field="amount",
        )
    entry = post_entry(
        session,
        entry_date=txn_date,
        description=f"ถอนเงินสัจจะ {member.member_no} {member.full_name}",
        source="savings.withdrawal",
        source_id=txn.id,
        lines=[
            LineSpec(AccountCode.MEMBER_SAVINGS, amount_satang, member_id=member.id),
            LineSpec(money_account, -amount_satang, member_id=member.id),
        ],
        recorded_by=recorded_by,
        now=now,
    )
    update_now(session, txn, journal_entry_id=entry.id)
    record_audit(
        session,
        actor=recorded_by,
        action="savings.withdrawal",
        entity="member",
        entity_id=member.id,
        details={"amount_satang": amount_satang, "entry_id": entry.id},
        at=now,
    )
    return SavingsResult(txn, entry, None)


def reverse_savings_transaction(
    session: Session,
    *,
    txn: SavingsTransaction,
    reason: str,
    reversal_date: dt.date,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Undo a deposit (voiding its receipt) or a withdrawal, by a linked reversal entry."""
    from fund.ledger.receipts import void_receipt
    from fund.ledger.services import reverse_entry

    if txn.receipt_id is not None:
        receipt = session.get(Receipt, txn.receipt_id)
        void_receipt(
            session,
            receipt=receipt,
            reason=reason,
            void_date=reversal_date,
            voided_by=recorded_by,
            now=now,
            idempotency_key=idempotency_key,
        )
        return receipt.void_entry
    return reverse_entry(
        session,
        entry=session.get(JournalEntry, txn.journal_entry_id),
        reversal_date=reversal_date,
        reason=reason,
        recorded_by=recorded_by,
        now=now,
        idempotency_key=idempotency_key,
    )
