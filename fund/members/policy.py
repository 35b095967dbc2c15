"""Who may see which sensitive data (PDPA: only those who need it for their work).

==============  ===========  ==========  ======
role            national ID  disability  health
==============  ===========  ==========  ======
committee       yes          yes         yes
repair          no           yes         no
auditor, admin  no (masked)  no          no
==============  ===========  ==========  ======

The repair center needs to know a member's disability to fit or mend a device, nothing more.
Auditors check the money and admins run the system: neither needs sensitive data.
"""

from __future__ import annotations

from enum import StrEnum

from fund.users.models import Role


class SensitiveField(StrEnum):
    NATIONAL_ID = "national_id"
    DISABILITY = "disability"  #: disability types and the disability card's expiry
    HEALTH = "health"  #: free-text health notes


_POLICY: dict[Role, frozenset[SensitiveField]] = {
    Role.COMMITTEE: frozenset(SensitiveField),
    Role.REPAIR: frozenset({SensitiveField.DISABILITY}),
    Role.AUDITOR: frozenset(),
    Role.ADMIN: frozenset(),
}


def can_view_sensitive(role: Role, what: SensitiveField | str) -> bool:
    """Whether a user of ``role`` may see ``what`` (unknown roles and fields: no)."""
    try:
        field = SensitiveField(what)
    except ValueError:
        return False
    return field in _POLICY.get(role, frozenset())


def viewable_fields(role: Role) -> frozenset[SensitiveField]:
    return _POLICY.get(role, frozenset())


def can_edit_members(role: Role) -> bool:
    """Only the committee registers and changes members (and their sensitive data)."""
    return role is Role.COMMITTEE
