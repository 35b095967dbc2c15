from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from fund.append import insert_now
from fund.audit.models import AuditEntry

if TYPE_CHECKING:
    from fund.users.models import User


def record_audit(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: dt.datetime,
    channel: str | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction: it lands exactly when the change does."""
    entry = AuditEntry(
        at=at,
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
        channel=channel or session.info.get("channel", "web"),
    )
    insert_now(session, [entry])
    return entry
