"""Small helpers the ledger and savings screens share."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError
from fund.ledger.accounts import AccountCode
from fund.thaidate import month_name
from web.form_errors import attach_domain_error

MONEY_ACCOUNT_CHOICES = [
    SelectChoice(AccountCode.CASH.value, _l("เงินสด")),
    SelectChoice(AccountCode.BANK.value, _l("เงินฝากธนาคาร")),
]


def attach_error(form: FlaskForm, err: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's error next to the field it belongs to (or at the top of the form)."""
    attach_domain_error(form, err, aliases)


def month_choices(today: dt.date, back: int = 6, ahead: int = 6) -> list[SelectChoice]:
    """Months around today as "2025-11" → "พฤศจิกายน 2568"."""
    choices = []
    for offset in range(-back, ahead + 1):
        index = today.year * 12 + today.month - 1 + offset
        year, month = divmod(index, 12)
        choices.append(
            SelectChoice(f"{year:04d}-{month + 1:02d}", f"{month_name(month + 1)} {year + 543}")
        )
    return choices


def parse_month(value: str) -> dt.date:
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)
