"""Parts lists: the stock, the low-stock list, a part's movements, the parts on a job."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.errors import NotFound
from repair_center.jobs.models import RepairJob
from repair_center.parts.models import Part, StockMovement
from repair_center.sql import total


def get_part(session: Session, part_id: int) -> Part:
    part = session.get(Part, part_id)
    if part is None:
        raise NotFound("ไม่พบอะไหล่นี้", "No such part.")
    return part


def list_parts(session: Session, *, only_low: bool = False, active_only: bool = True) -> list[Part]:
    query = select(Part).order_by(Part.code)
    if active_only:
        query = query.where(Part.active.is_(True))
    if only_low:
        query = query.where(Part.quantity_on_hand <= Part.reorder_level)
    return list(session.scalars(query))


def movements_for(session: Session, part: Part, limit: int = 200) -> list[StockMovement]:
    return list(
        session.scalars(
            select(StockMovement)
            .where(StockMovement.part_id == part.id)
            .order_by(StockMovement.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class PartOnJob:
    part_id: int
    code: str
    name: str
    unit: str
    quantity: int
    value_satang: int


def parts_for_job(session: Session, job: RepairJob) -> list[PartOnJob]:
    """Net parts on a job (used minus returned), one row per part still on it."""
    rows = session.execute(
        select(
            Part.id,
            Part.code,
            Part.name,
            Part.unit,
            total(StockMovement.quantity),
            total(StockMovement.value_satang),
        )
        .join(Part, Part.id == StockMovement.part_id)
        .where(StockMovement.job_id == job.id)
        .group_by(Part.id, Part.code, Part.name, Part.unit)
        .order_by(Part.code)
    ).all()
    return [
        PartOnJob(pid, code, name, unit, -qty, -value)
        for pid, code, name, unit, qty, value in rows
        if qty
    ]
