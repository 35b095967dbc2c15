"""Form fields for Thai input: a three-part B.E. date and a baht amount."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import g
from wtforms import Field, HiddenField, StringField
from wtforms.utils import unset_value

from fund.errors import DomainError
from fund.money import format_baht, parse_baht
from fund.thaidate import parse_be_date


def _locale() -> str:
    return g.get("locale", "th")


class BEDateField(Field):
    """Day, month and Buddhist-era year in three text boxes (``<name>-day`` etc.).

    Browsers' date pickers are Gregorian-only and hard to use with a screen reader; three plain
    boxes in a fieldset are neither.
    """

    def __init__(self, label=None, validators=None, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        if required:
            self.flags.required = True
        self.day_value = self.month_value = self.year_value = ""

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.data = data if data is not unset_value else None
        if isinstance(self.data, dt.date):
            self.day_value = str(self.data.day)
            self.month_value = str(self.data.month)
            self.year_value = str(self.data.year + 543)
        if formdata is not None and any(
            f"{self.name}-{part}" in formdata for part in ("day", "month", "year")
        ):
            self.day_value = formdata.get(f"{self.name}-day", "").strip()
            self.month_value = formdata.get(f"{self.name}-month", "").strip()
            self.year_value = formdata.get(f"{self.name}-year", "").strip()
            self.data = None
            if not (self.day_value or self.month_value or self.year_value) and not self.required:
                return
            try:
                self.data = parse_be_date(
                    self.day_value, self.month_value, self.year_value, field=self.name
                )
            except DomainError as err:
                self.process_errors.append(err.message(_locale()))
        elif formdata is not None and self.required:
            self.process_errors.append(
                "กรุณากรอกวันที่" if _locale() == "th" else "Please enter the date."
            )

    def _value(self) -> str:
        return ""


class MoneyField(StringField):
    """An amount in baht typed by a person; ``data`` is integer satang (or None)."""

    def __init__(self, label=None, validators=None, allow_zero: bool = False, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("inputmode", "decimal")
        kwargs["render_kw"].setdefault("autocomplete", "off")
        super().__init__(label, validators, **kwargs)
        self.allow_zero = allow_zero
        self.raw = ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.raw = valuelist[0]
        self.data = None
        if not self.raw.strip():
            return
        try:
            self.data = parse_baht(self.raw, allow_zero=self.allow_zero)
        except DomainError as err:
            raise ValueError(err.message(_locale())) from err

    def _value(self) -> str:
        if self.raw:
            return self.raw
        if isinstance(self.data, int):
            return format_baht(self.data, symbol=False)
        return ""


class OnceKeyField(HiddenField):
    """A one-time key: the same submission posted twice is recognised and posts once."""

    def __init__(self, label="", **kwargs):
        super().__init__(label, default=lambda: secrets.token_urlsafe(24), **kwargs)
