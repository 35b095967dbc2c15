"""Reading and changing the repair center's settings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import InvalidInput
from repair_center.settings.models import RepairSettings

if TYPE_CHECKING:
    from fund.users.models import User

_LIMITS = {
    "stuck_after_days": (1, 365, "จำนวนวันที่ถือว่างานค้าง", "days before a paused job is stuck"),
    "warranty_days": (0, 3650, "ระยะรับประกันงานซ่อม", "warranty days"),
    "follow_up_days": (1, 730, "ระยะติดตามผล", "follow-up days"),
    "labour_rate_satang": (0, 10_000_000, "อัตราค่าแรง", "labour rate"),
    "loan_days": (1, 3650, "ระยะยืมระยะยาว", "long-term loan days"),
}


def get_settings(session: Session) -> RepairSettings:
    """The settings row (defaults when nobody has saved any yet; not added to the session)."""
    found = session.get(RepairSettings, 1)
    if found is not None:
        return found
    return RepairSettings(
        id=1,
        stuck_after_days=14,
        warranty_days=90,
        follow_up_days=180,
        labour_rate_satang=10_000,
        loan_days=90,
    )


def update_settings(
    session: Session, *, changed_by: User, now: dt.datetime, **values: int
) -> RepairSettings:
    """Change some settings; each must be a whole number in its range."""
    row = session.get(RepairSettings, 1)
    if row is None:
        row = get_settings(session)
        session.add(row)
    changes = {}
    for name, value in values.items():
        if name not in _LIMITS:
            raise InvalidInput("ไม่มีค่าตั้งนี้", f"unknown setting {name}", field=name)
        low, high, th, en = _LIMITS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidInput(
                f"{th} ต้องอยู่ระหว่าง {low} ถึง {high}",
                f"{en} must be between {low} and {high}",
                field=name,
            )
        if getattr(row, name) != value:
            changes[name] = [getattr(row, name), value]
            setattr(row, name, value)
    row.updated_at = now
    session.flush()
    record_audit(
        session,
        actor=changed_by,
        action="repair.settings",
        entity="repair_settings",
        entity_id=1,
        details=changes,
        at=now,
    )
    return row
