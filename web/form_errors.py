"""Putting a service's DomainError next to the form field it names (or atop the form)."""

from __future__ import annotations

from flask import g
from flask_wtf import FlaskForm

from fund.errors import DomainError

#: fields that never show an error of their own (hidden machinery)
_HIDDEN_TYPES = frozenset({"CSRFTokenField", "OnceKeyField", "HiddenField"})


def attach_domain_error(
    form: FlaskForm,
    err: DomainError,
    aliases: dict[str, str] | None = None,
    *,
    match_suffix: bool = False,
) -> None:
    """Append ``err``'s message (in the request's language) to the field it belongs to.

    ``aliases`` maps a service's field name to the form's (e.g. "reason" → "rework_reason");
    with ``match_suffix`` a field whose name ends with the service's field name also matches
    (forms that prefix their fields: "cancel_reason" for "reason"). Anything else goes to the
    form's summary, so no message is ever lost.
    """
    message = err.message(g.get("locale", "th"))
    target = _field_for(form, err.field, aliases or {}, match_suffix)
    if target is None:
        form.form_errors.append(message)
        return
    if not isinstance(target.errors, list):
        target.errors = list(target.errors) if isinstance(target.errors, tuple) else []
    target.errors.append(message)


def _field_for(form: FlaskForm, name: str | None, aliases: dict[str, str], match_suffix: bool):
    if not name:
        return None
    fields = form._fields
    for candidate in (name, aliases.get(name)):
        if candidate and candidate in fields and fields[candidate].type not in _HIDDEN_TYPES:
            return fields[candidate]
    if match_suffix:
        for field_name, field in fields.items():
            if field_name.endswith(name) and field.type not in _HIDDEN_TYPES:
                return field
    return None
