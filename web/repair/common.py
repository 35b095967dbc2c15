"""Helpers the repair screens share: who may read and write, errors onto forms, choices."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError
from fund.users.models import Role
from web.form_errors import attach_domain_error

#: repair staff run the center; the committee and the admin look on
READERS = (Role.REPAIR, Role.COMMITTEE, Role.ADMIN)
#: the auditor reads what things cost (parts stock, job costs), nothing else here
COST_READERS = (*READERS, Role.AUDITOR)
WRITERS = (Role.REPAIR,)

#: service field names → form field names where they differ
ALIASES = {
    "reason": "rework_reason",
    "note": "basis_note",
    "quantity": "part_quantity",
    "device": "loan_device",
    "basis": "basis",
    "notes": "follow_up_notes",
    "condition": "new_condition",
}


def attach_error(form: FlaskForm, err: DomainError) -> None:
    """Put a service's error next to its field (or at the top of the form)."""
    attach_domain_error(form, err, ALIASES, match_suffix=True)


def choices_of(users) -> list[SelectChoice]:
    return [SelectChoice(str(u.id), u.display_name) for u in users]
