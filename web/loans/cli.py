"""``chaeson loan-*`` commands: thin wrappers over ``fund.loans``."""

from __future__ import annotations

import csv
import datetime as dt
import io

import click

from fund.errors import DomainError, InvalidInput
from fund.loans.schedule import (
    InterestMethod,
    ScheduleTerms,
    build_schedule,
    parse_rate_percent,
    schedule_csv_rows,
)
from fund.money import normalise_digits, parse_baht
from fund.thaidate import parse_iso_or_be
from web.cli import fail, main
from web.clock import BANGKOK


def _int_option(text: str, name_th: str, name_en: str, field: str) -> int:
    value = normalise_digits(text)
    if not value.isascii() or not value.isdigit():
        raise InvalidInput(
            f"{name_th}ต้องเป็นจำนวนเต็ม เช่น 12",
            f"The {name_en} must be a whole number, e.g. 12.",
            field=field,
        )
    return int(value)


@main.command("loan-schedule")
@click.option("--principal", required=True, help="เงินต้น (บาท) / principal in baht")
@click.option("--rate", required=True, help="อัตราดอกเบี้ยต่อปี (%) / annual rate in percent")
@click.option("--term", required=True, help="จำนวนงวด (เดือน) / term in months")
@click.option(
    "--method",
    required=True,
    type=click.Choice([m.value for m in InterestMethod]),
    help="วิธีคิดดอกเบี้ย / interest method",
)
@click.option("--round-to", "round_to", default="0.01", show_default=True, help="ปัดค่างวด (บาท)")
@click.option("--grace", default="0", show_default=True, help="งวดปลอดเงินต้น / grace months")
@click.option("--start", default=None, help="วันเริ่ม YYYY-MM-DD (พ.ศ. ได้) / start date")
def loan_schedule(
    principal: str, rate: str, term: str, method: str, round_to: str, grace: str, start: str | None
) -> None:
    """พิมพ์ตารางผ่อนชำระเป็น CSV — print a repayment schedule as CSV."""
    try:
        terms = ScheduleTerms(
            principal_satang=parse_baht(principal),
            annual_rate_percent=parse_rate_percent(rate),
            term_months=_int_option(term, "จำนวนงวด", "term", "term"),
            method=InterestMethod(method),
            round_to_satang=parse_baht(round_to),
            grace_months=_int_option(grace, "งวดปลอดเงินต้น", "grace", "grace"),
        )
        start_date = (
            parse_iso_or_be(start, field="start") if start else dt.datetime.now(BANGKOK).date()
        )
        rows = build_schedule(terms, start_date)
    except DomainError as err:
        fail(err)
        return
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(schedule_csv_rows(rows))
    click.echo(out.getvalue(), nl=False)
