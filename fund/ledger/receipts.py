"""Receipts for money received: numbered per fiscal year without gaps, voided never deleted.

The number comes from ``fund.sequences`` inside the caller's transaction, so a rolled-back
action gives its number back and no number is skipped.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fund.append import insert_now
from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.ledger.models import JournalEntry, Receipt
from fund.ledger.services import fiscal_start_month, reverse_entry
from fund.members.models import Member
from fund.sequences import next_value
from fund.thaidate import fiscal_year
from fund.users.models import User


def issue_receipt(
    session: Session,
    *,
    journal_entry: JournalEntry,
    amount_satang: int,
    purpose: str,
    recorded_by: User,
    now: dt.datetime,
    payer: Member | None = None,
    payer_name: str | None = None,
) -> Receipt:
    """Give the next receipt number of the entry's fiscal year for money taken in by
    ``journal_entry`` (posted just before, in the same transaction)."""
    if amount_satang <= 0:
        raise InvalidInput("จำนวนเงินในใบเสร็จต้องมากกว่าศูนย์", "A receipt's amount must be positive.")
    name = (payer_name or (payer.full_name if payer is not None else "")).strip()
    if not name:
        raise InvalidInput("กรุณาระบุชื่อผู้ชำระเงิน", "Please give the payer's name.", field="payer")
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput("กรุณาระบุว่ารับเงินค่าอะไร", "Please say what the money is for.")
    fy = fiscal_year(journal_entry.entry_date, fiscal_start_month(session))
    receipt = Receipt(
        fiscal_year=fy,
        number=next_value(session, f"receipt:{fy}"),
        issued_on=journal_entry.entry_date,
        payer_member_id=payer.id if payer is not None else None,
        payer_name=name[:200],
        purpose=purpose[:300],
        amount_satang=amount_satang,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        journal_entry_id=journal_entry.id,
        reprint_count=0,
    )
    insert_now(session, [receipt])
    set_committed_value(receipt, "journal_entry", journal_entry)
    return receipt


def void_receipt(
    session: Session,
    *,
    receipt: Receipt,
    reason: str,
    void_date: dt.date,
    voided_by: User,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> Receipt:
    """Mark a receipt void and reverse its posting. The receipt and its number stay."""
    if receipt.is_void:
        if (
            idempotency_key is not None
            and receipt.void_entry is not None
            and (receipt.void_entry.idempotency_key == idempotency_key)
        ):
            return receipt
        raise Conflict(
            f"ใบเสร็จเลขที่ {receipt.receipt_no} ถูกยกเลิกไปแล้ว",
            f"Receipt {receipt.receipt_no} is already void.",
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่ยกเลิกใบเสร็จ", "Please give the reason for voiding.", field="reason"
        )
    reversal = reverse_entry(
        session,
        entry=receipt.journal_entry,
        reversal_date=void_date,
        reason=f"ยกเลิกใบเสร็จ {receipt.receipt_no}: {reason}",
        recorded_by=voided_by,
        now=now,
        idempotency_key=idempotency_key,
    )
    receipt.voided_at = now
    receipt.voided_by_id = voided_by.id
    receipt.void_reason = reason[:500]
    receipt.void_entry_id = reversal.id
    session.flush()
    record_audit(
        session,
        actor=voided_by,
        action="receipt.void",
        entity="receipt",
        entity_id=receipt.id,
        details={"receipt_no": receipt.receipt_no, "reason": reason, "reversal_id": reversal.id},
        at=now,
    )
    return receipt


def record_reprint(
    session: Session, *, receipt: Receipt, printed_by: User, now: dt.datetime
) -> int:
    """Count a reprint; every copy after the first print says "สำเนา"."""
    receipt.reprint_count += 1
    session.flush()
    record_audit(
        session,
        actor=printed_by,
        action="receipt.reprint",
        entity="receipt",
        entity_id=receipt.id,
        details={"receipt_no": receipt.receipt_no, "copy": receipt.reprint_count},
        at=now,
    )
    return receipt.reprint_count
