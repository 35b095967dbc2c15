"""Parts stock: receiving, using on a job, returning unused parts, and count corrections.

The stock count never goes below zero: the service refuses with a message, the part's row is
locked while it changes (PostgreSQL ``FOR UPDATE``; SQLite writers are serialised already), and
the database's CHECK on ``quantity_on_hand`` is the last line of defence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec
from fund.money import round_half_up_satang
from repair_center import accounting
from repair_center.jobs.models import RepairJob
from repair_center.jobs.states import JobState
from repair_center.parts.models import FundingSource, MovementKind, Part, StockMovement
from repair_center.sql import total

if TYPE_CHECKING:
    from fund.users.models import User

MAX_QUANTITY = 100_000
#: a job takes parts once approved and until it is ready
PARTS_STATES = frozenset({JobState.APPROVED, JobState.IN_PROGRESS, JobState.PAUSED})


def _quantity(quantity: int, *, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidInput(
            "จำนวนต้องเป็นจำนวนเต็ม", "The quantity must be a whole number.", field=field
        )
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput(
            f"จำนวนต้องมากกว่า 0 และไม่เกิน {MAX_QUANTITY:,}",
            f"The quantity must be more than 0 and at most {MAX_QUANTITY:,}.",
            field=field,
        )
    return quantity


def _locked(session: Session, part: Part) -> Part:
    """Re-read the part under a row lock so two writers can't both take the last unit."""
    session.flush()
    locked = session.scalars(
        select(Part)
        .where(Part.id == part.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return locked


def _value_out(part: Part, quantity: int) -> int:
    """Value leaving stock with ``quantity`` units (all of it when the last units go)."""
    if quantity == part.quantity_on_hand:
        return part.value_on_hand_satang
    return round_half_up_satang(
        Decimal(part.value_on_hand_satang) * quantity / part.quantity_on_hand / 100
    )


def _movement(
    session: Session,
    part: Part,
    *,
    kind: MovementKind,
    quantity: int,
    value: int,
    moved_on: dt.date,
    actor: User,
    now: dt.datetime,
    job: RepairJob | None = None,
    funding: FundingSource | None = None,
    reason: str = "",
    journal_entry_id: int | None = None,
) -> StockMovement:
    new_qty = part.quantity_on_hand + quantity
    if new_qty < 0:
        raise _short(part, -quantity)
    part.quantity_on_hand = new_qty
    part.value_on_hand_satang += value
    movement = StockMovement(
        part_id=part.id,
        part=part,
        kind=kind,
        quantity=quantity,
        value_satang=value,
        job_id=job.id if job is not None else None,
        funding=funding,
        reason=reason,
        moved_on=moved_on,
        journal_entry_id=journal_entry_id,
        recorded_by_id=actor.id,
        at=now,
    )
    session.add(movement)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action=f"repair.stock.{kind.value}",
        entity="repair_part",
        entity_id=part.id,
        details={
            "quantity": quantity,
            "value_satang": value,
            **({"job": job.job_no} if job else {}),
        },
        at=now,
    )
    return movement


def _short(part: Part, wanted: int) -> Conflict:
    return Conflict(
        f"{part.name} ({part.code}) มีในคลัง {part.quantity_on_hand} {part.unit} "
        f"ไม่พอสำหรับ {wanted} {part.unit}",
        f"Only {part.quantity_on_hand} of {part.code} in stock; {wanted} needed.",
        field="quantity",
    )


def create_part(
    session: Session,
    *,
    code: str,
    name: str,
    unit: str,
    reorder_level: int,
    actor: User,
    now: dt.datetime,
) -> Part:
    code = code.strip().upper()
    name = name.strip()
    if not code or len(code) > 32:
        raise InvalidInput(
            "กรุณากรอกรหัสอะไหล่ (ไม่เกิน 32 ตัวอักษร)",
            "Please enter a part code (32 characters at most).",
            field="code",
        )
    if not name:
        raise InvalidInput("กรุณากรอกชื่ออะไหล่", "Please enter the part's name.", field="name")
    if not isinstance(reorder_level, int) or not 0 <= reorder_level <= MAX_QUANTITY:
        raise InvalidInput(
            "จุดสั่งซื้อต้องเป็นจำนวนเต็มไม่ติดลบ",
            "The reorder level must be a whole number, 0 or more.",
            field="reorder_level",
        )
    if session.scalar(select(Part.id).where(Part.code == code)) is not None:
        raise Conflict(f"มีรหัสอะไหล่ {code} แล้ว", f"Part code {code} already exists.", field="code")
    part = Part(
        code=code,
        name=name[:200],
        unit=(unit.strip() or "ชิ้น")[:20],
        reorder_level=reorder_level,
        quantity_on_hand=0,
        value_on_hand_satang=0,
        last_unit_cost_satang=0,
        created_at=now,
    )
    session.add(part)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="repair.part.create",
        entity="repair_part",
        entity_id=part.id,
        details={"code": code},
        at=now,
    )
    return part


def receive_parts(
    session: Session,
    *,
    part: Part,
    quantity: int,
    unit_cost_satang: int,
    received_on: dt.date,
    funding: FundingSource,
    actor: User,
    now: dt.datetime,
    supplier: str = "",
) -> StockMovement:
    """Put parts into stock and post their cost (cash/bank purchase or a donation)."""
    quantity = _quantity(quantity)
    if not isinstance(unit_cost_satang, int) or unit_cost_satang < 0:
        raise InvalidInput(
            "ราคาต่อหน่วยต้องไม่ติดลบ", "The unit cost cannot be negative.", field="unit_cost"
        )
    if unit_cost_satang == 0 and funding is not FundingSource.DONATION:
        raise InvalidInput(
            "อะไหล่ที่ซื้อต้องมีราคา (ถ้าได้รับบริจาคให้เลือก 'บริจาค')",
            "Bought parts need a price (choose 'donation' for donated parts).",
            field="unit_cost",
        )
    part = _locked(session, part)
    value = quantity * unit_cost_satang
    credit = {
        FundingSource.CASH: AccountCode.CASH,
        FundingSource.BANK: AccountCode.BANK,
        FundingSource.DONATION: AccountCode.GRANTS_DONATIONS,
    }[funding]
    # Movements are append-only: post first so the movement is written once, with its entry.
    entry = accounting.post(
        session,
        lines=[
            LineSpec(AccountCode.PARTS_INVENTORY, value, memo=f"{part.code} × {quantity}"),
            LineSpec(credit, -value, memo=supplier.strip()[:200]),
        ]
        if value
        else [],
        entry_date=received_on,
        description=f"รับอะไหล่ {part.name} {quantity} {part.unit}",
        source="repair.parts_received",
        source_id=part.id,
        recorded_by=actor,
        now=now,
    )
    if unit_cost_satang:
        part.last_unit_cost_satang = unit_cost_satang
    return _movement(
        session,
        part,
        kind=MovementKind.RECEIVED,
        quantity=quantity,
        value=value,
        moved_on=received_on,
        actor=actor,
        now=now,
        funding=funding,
        reason=supplier.strip()[:500],
        journal_entry_id=entry.id if entry is not None else None,
    )


def use_part(
    session: Session,
    *,
    job: RepairJob,
    part: Part,
    quantity: int,
    used_on: dt.date,
    actor: User,
    now: dt.datetime,
) -> StockMovement:
    """Take parts from stock for an approved job (refused when stock is short)."""
    quantity = _quantity(quantity)
    if job.state not in PARTS_STATES:
        raise Conflict(
            f"เบิกอะไหล่ได้เมื่องานอนุมัติแล้วและยังไม่เสร็จ (งาน {job.job_no})",
            f"Parts can be taken only for an approved job still being worked on ({job.job_no}).",
        )
    part = _locked(session, part)
    if quantity > part.quantity_on_hand:
        raise _short(part, quantity)
    value = _value_out(part, quantity)
    return _movement(
        session,
        part,
        kind=MovementKind.USED,
        quantity=-quantity,
        value=-value,
        moved_on=used_on,
        actor=actor,
        now=now,
        job=job,
    )


def parts_on_job(session: Session, job: RepairJob, part: Part) -> tuple[int, int]:
    """Units and value of ``part`` still on ``job`` (used minus returned)."""
    qty, value = session.execute(
        select(
            total(StockMovement.quantity),
            total(StockMovement.value_satang),
        ).where(StockMovement.job_id == job.id, StockMovement.part_id == part.id)
    ).one()
    return -qty, -value


def return_part(
    session: Session,
    *,
    job: RepairJob,
    part: Part,
    quantity: int,
    returned_on: dt.date,
    actor: User,
    now: dt.datetime,
) -> StockMovement:
    """Put unused parts of an open job back into stock at the value they left with."""
    quantity = _quantity(quantity)
    if not job.is_open:
        raise Conflict(
            f"งาน {job.job_no} ปิดแล้ว คืนอะไหล่เข้าคลังด้วยการปรับยอดแทน",
            f"Job {job.job_no} is closed; use a stock adjustment instead.",
        )
    on_job_qty, on_job_value = parts_on_job(session, job, part)
    if quantity > on_job_qty:
        raise Conflict(
            f"งาน {job.job_no} เบิก {part.code} ไว้ {on_job_qty} {part.unit} คืนได้ไม่เกินนี้",
            f"Job {job.job_no} holds {on_job_qty} of {part.code}; no more can be returned.",
            field="quantity",
        )
    value = (
        on_job_value
        if quantity == on_job_qty
        else round_half_up_satang(Decimal(on_job_value) * quantity / on_job_qty / 100)
    )
    part = _locked(session, part)
    return _movement(
        session,
        part,
        kind=MovementKind.RETURNED,
        quantity=quantity,
        value=value,
        moved_on=returned_on,
        actor=actor,
        now=now,
        job=job,
    )


def adjust_stock(
    session: Session,
    *,
    part: Part,
    change: int,
    reason: str,
    adjusted_on: dt.date,
    actor: User,
    now: dt.datetime,
) -> StockMovement:
    """Correct the count after a stock-take (+ found, − lost/broken) with a reason.

    A shortage leaves at average cost (debit repair expense); a surplus comes in at the average
    or, with nothing on hand, the last purchase price (credit repair expense).
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่ปรับยอด", "Please give the reason for the adjustment.", field="reason"
        )
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise InvalidInput(
            "จำนวนที่ปรับต้องเป็นจำนวนเต็มที่ไม่ใช่ 0 (เช่น -2 หรือ 3)",
            "The change must be a whole number other than 0 (e.g. -2 or 3).",
            field="change",
        )
    _quantity(abs(change), field="change")
    part = _locked(session, part)
    if change < 0:
        if -change > part.quantity_on_hand:
            raise _short(part, -change)
        value = -_value_out(part, -change)
    else:
        unit = part.unit_cost_satang if part.quantity_on_hand else part.last_unit_cost_satang
        value = unit * change
    entry = accounting.post(
        session,
        lines=[
            LineSpec(AccountCode.PARTS_INVENTORY, value, memo=part.code),
            LineSpec(AccountCode.REPAIR_EXPENSE, -value, memo=reason[:200]),
        ]
        if value
        else [],
        entry_date=adjusted_on,
        description=f"ปรับยอดอะไหล่ {part.name} ({change:+d}): {reason}"[:500],
        source="repair.stock_adjustment",
        source_id=part.id,
        recorded_by=actor,
        now=now,
    )
    return _movement(
        session,
        part,
        kind=MovementKind.ADJUSTED,
        quantity=change,
        value=value,
        moved_on=adjusted_on,
        actor=actor,
        now=now,
        reason=reason[:500],
        journal_entry_id=entry.id if entry is not None else None,
    )


def job_parts_cost(session: Session, job: RepairJob) -> int:
    """Value of the parts still on the job (used minus returned), satang."""
    value = session.scalar(
        select(total(StockMovement.value_satang)).where(StockMovement.job_id == job.id)
    )
    return -value
