"""The two writes the printing screens make: the remembered large-print choice, and counting
receipt prints (the first print is the original; every later one is a "สำเนา")."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.audit.models import AuditEntry
from fund.audit.services import record_audit
from fund.ledger.models import Receipt
from fund.ledger.receipts import record_reprint
from fund.members.models import Member
from fund.members.services import MemberDetails, update_member
from fund.users.models import User

ORIGINAL_PRINTED = "receipt.print_original"


def set_large_print(
    session: Session, *, member: Member, large_print: bool, by: User, now: dt.datetime
) -> Member:
    """Remember whether the member's statements come in large print (through the members
    service, so the same checks and audit apply)."""
    if member.large_print == large_print:
        return member
    details = dataclasses.replace(MemberDetails.of(member), large_print=large_print)
    update_member(session, member=member, details=details, sensitive=None, by=by, now=now)
    return member


def original_printed(session: Session, receipt: Receipt) -> bool:
    return (
        session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.action == ORIGINAL_PRINTED,
                AuditEntry.entity == "receipt",
                AuditEntry.entity_id == receipt.id,
            )
            .limit(1)
        )
        is not None
        or receipt.reprint_count > 0
    )


def print_receipt(session: Session, *, receipt: Receipt, by: User, now: dt.datetime) -> bool:
    """Record one print of a receipt; returns True when it must be marked "สำเนา" (a copy)."""
    if original_printed(session, receipt):
        record_reprint(session, receipt=receipt, printed_by=by, now=now)
        return True
    record_audit(
        session,
        actor=by,
        action=ORIGINAL_PRINTED,
        entity="receipt",
        entity_id=receipt.id,
        details={"receipt_no": receipt.receipt_no},
        at=now,
    )
    return False
