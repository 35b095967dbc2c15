"""Jinja filters: money as ``฿1,234.50`` and Buddhist-era dates."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from fund.members.national_id import format_national_id, mask_national_id
from fund.money import format_baht, satang_bahttext
from fund.thaidate import format_be_date, format_be_datetime
from web.clock import BANGKOK


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda s: format_baht(s) if s is not None else "", "money")
    app.add_template_filter(
        lambda s: format_baht(s, symbol=False) if s is not None else "", "amount"
    )
    app.add_template_filter(satang_bahttext, "bahttext")

    def be_date(value: dt.date | dt.datetime | None, style: str = "short") -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return format_be_datetime(value.astimezone(BANGKOK))
        return format_be_date(value, style)

    app.add_template_filter(be_date, "be_date")
    app.add_template_filter(format_national_id, "national_id")
    app.add_template_filter(mask_national_id, "masked_id")
