"""Record the fund's own money: grants and donations received, expenses paid.

Rules: a positive amount; cash or bank; an income account (4xxx, or the welfare fund 3100 for
gifts marked for welfare) for money received and an expense account (5xxx) for money paid; the
counterparty and a description are required; money received gets a receipt; money paid can't
take cash or bank below zero; the form's one-time key posts once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import InvalidInput
from fund.fundbook.models import FundTransaction, FundTxnKind
from fund.ledger.accounts import CASH_ACCOUNTS, AccountCode, AccountType
from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.receipts import issue_receipt
from fund.ledger.services import LineSpec, ensure_open, get_account, post_entry
from fund.users.models import User

INCOME_KINDS = (FundTxnKind.GRANT, FundTxnKind.DONATION)


@dataclass
class FundResult:
    txn: FundTransaction
    entry: JournalEntry
    receipt: Receipt | None
    replayed: bool = False


def _replay(session: Session, key: str) -> FundResult | None:
    txn = session.scalar(select(FundTransaction).where(FundTransaction.idempotency_key == key))
    if txn is None:
        return None
    return FundResult(
        txn,
        session.get(JournalEntry, txn.journal_entry_id),
        session.get(Receipt, txn.receipt_id) if txn.receipt_id else None,
        replayed=True,
    )


def default_category(kind: FundTxnKind) -> str:
    return (
        AccountCode.OPERATING_EXPENSES.value
        if kind is FundTxnKind.EXPENSE
        else AccountCode.GRANTS_DONATIONS.value
    )


def record_fund_transaction(
    session: Session,
    *,
    kind: FundTxnKind,
    txn_date: dt.date,
    counterparty: str,
    description: str,
    amount_satang: int,
    recorded_by: User,
    now: dt.datetime,
    money_account: str = AccountCode.CASH.value,
    category_account: str | None = None,
    reference: str = "",
    attachment_name: str = "",
    idempotency_key: str | None = None,
) -> FundResult:
    """Record a grant, a donation or an expense and post it."""
    if idempotency_key is not None:
        earlier = _replay(session, idempotency_key)
        if earlier is not None:
            return earlier
    kind = FundTxnKind(kind)
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError("amount_satang must be int satang")
    if amount_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินต้องมากกว่าศูนย์", "The amount must be more than zero.", field="amount"
        )
    counterparty, description = counterparty.strip(), description.strip()
    if not counterparty:
        raise InvalidInput(
            "กรุณาระบุผู้ให้เงินหรือผู้รับเงิน",
            "Please name who gave or received the money.",
            field="counterparty",
        )
    if not description:
        raise InvalidInput(
            "กรุณากรอกรายละเอียด", "Please describe the transaction.", field="description"
        )
    if money_account not in {c.value for c in CASH_ACCOUNTS}:
        raise InvalidInput(
            "กรุณาเลือกเงินสดหรือบัญชีธนาคาร", "Choose cash or the bank account.", field="money_account"
        )
    category = get_account(session, category_account or default_category(kind))
    if kind is FundTxnKind.EXPENSE:
        if category.type is not AccountType.EXPENSE:
            raise InvalidInput(
                "ค่าใช้จ่ายต้องลงในบัญชีค่าใช้จ่าย (รหัส 5xxx)",
                "An expense goes to an expense account (5xxx).",
                field="category_account",
            )
    elif category.type is not AccountType.INCOME and category.code != AccountCode.WELFARE_FUND:
        raise InvalidInput(
            "เงินที่ได้รับต้องลงในบัญชีรายได้ (รหัส 4xxx) หรือกองทุนสวัสดิการ",
            "Money received goes to an income account (4xxx) or the welfare fund.",
            field="category_account",
        )
    ensure_open(session, txn_date, field="txn_date")
    txn = FundTransaction(
        kind=kind,
        txn_date=txn_date,
        counterparty=counterparty[:200],
        description=description[:300],
        reference=reference.strip()[:100],
        attachment_name=attachment_name.strip()[:200],
        amount_satang=amount_satang,
        money_account=money_account,
        category_account=category.code,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        idempotency_key=idempotency_key,
    )
    savepoint = session.begin_nested()
    try:
        session.add(txn)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        earlier = _replay(session, idempotency_key) if idempotency_key else None
        if earlier is not None:
            return earlier
        raise
    try:
        result = _post(session, txn, category.code, recorded_by, now)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return result


_LABEL = {
    FundTxnKind.GRANT: "รับเงินอุดหนุน",
    FundTxnKind.DONATION: "รับเงินบริจาค",
    FundTxnKind.EXPENSE: "จ่าย",
}


def _post(
    session: Session, txn: FundTransaction, category: str, recorded_by: User, now: dt.datetime
) -> FundResult:
    amount = txn.amount_satang
    if txn.kind is FundTxnKind.EXPENSE:
        lines = [LineSpec(category, amount), LineSpec(txn.money_account, -amount)]
    else:
        lines = [LineSpec(txn.money_account, amount), LineSpec(category, -amount)]
    reference = f" (อ้างอิง {txn.reference})" if txn.reference else ""
    entry = post_entry(
        session,
        entry_date=txn.txn_date,
        description=f"{_LABEL[txn.kind]} {txn.description} — {txn.counterparty}{reference}",
        source=f"fundbook.{txn.kind.value}",
        source_id=txn.id,
        lines=lines,
        recorded_by=recorded_by,
        now=now,
    )
    receipt = None
    if txn.kind in INCOME_KINDS:
        receipt = issue_receipt(
            session,
            journal_entry=entry,
            amount_satang=amount,
            purpose=f"{_LABEL[txn.kind]} {txn.description}",
            payer_name=txn.counterparty,
            recorded_by=recorded_by,
            now=now,
        )
        txn.receipt_id = receipt.id
    txn.journal_entry_id = entry.id
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action=f"fundbook.{txn.kind.value}",
        entity="fund_transaction",
        entity_id=txn.id,
        details={"amount_satang": amount, "entry_id": entry.id, "reference": txn.reference},
        at=now,
    )
    return FundResult(txn, entry, receipt)


def list_fund_transactions(session: Session, *, limit: int = 200) -> list[FundTransaction]:
    return list(
        session.scalars(
            select(FundTransaction)
            .order_by(FundTransaction.txn_date.desc(), FundTransaction.id.desc())
            .limit(limit)
        )
    )
