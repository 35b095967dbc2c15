"""``chaeson statement`` and ``chaeson statements``: print members' statements to PDF files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from fund.errors import DomainError, InvalidInput
from fund.thaidate import parse_iso_or_be
from reports.batch import PARALLEL_MIN, render_each, render_single_file, start_workers_early
from reports.statement import statement_pdf
from web.cli import cli_session, fail, main
from web.clock import BANGKOK
from web.statements.data import (
    ORDERS,
    active_members,
    get_member_by_no,
    month_bounds,
    statement_for,
    statements_for,
)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(BANGKOK).date()


def _date(text: str | None, field: str) -> dt.date | None:
    return parse_iso_or_be(text, field=field) if text else None


def batch_file_name(member_no: str, start: dt.date) -> str:
    return f"statement-{member_no}-{start:%Y-%m}.pdf"


@main.command("statement")
@click.argument("member_no")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--from", "date_from", default=None, help="YYYY-MM-DD (default: 1st of this month)")
@click.option("--to", "date_to", default=None, help="YYYY-MM-DD (default: today)")
@click.option("--large-print", is_flag=True, help="ตัวพิมพ์ใหญ่ (default: the member's choice)")
@with_appcontext
def statement_command(
    member_no: str, output: str, date_from: str | None, date_to: str | None, large_print: bool
) -> None:
    """Print one member's statement (รายงานสถานะบัญชีสมาชิก) to a PDF file."""
    db = cli_session()
    try:
        today = _today()
        end = _date(date_to, "to") or today
        start = _date(date_from, "from") or end.replace(day=1)
        member = get_member_by_no(db, member_no)
        data = statement_for(db, member, start=start, end=end, printed_on=today)
    except DomainError as err:
        fail(err)
        return
    finally:
        db.close()
    pdf = statement_pdf(data, large_print=True if large_print else None)
    Path(output).write_bytes(pdf)
    click.echo(f"พิมพ์รายงานของ {data.member_no} {data.member_name} แล้ว: {output}")


@main.command("statements")
@click.option("--period", required=True, help="YYYY-MM (or B.E. 2568-11)")
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False))
@click.option("--large-print", is_flag=True, help="ตัวพิมพ์ใหญ่ทุกคน (default: each member's choice)")
@click.option("--order", type=click.Choice(ORDERS), default="number", show_default=True)
@click.option("--single-file", is_flag=True, help="one PDF of all members, ready to print")
@click.option("--workers", type=int, default=None, help="processes (default: the CPU count)")
@with_appcontext
def statements_command(
    period: str,
    output: str,
    large_print: bool,
    order: str,
    single_file: bool,
    workers: int | None,
) -> None:
    """Print every active member's statement for a month: one file each, or one file."""
    db = cli_session()
    try:
        start, end = month_bounds(period)
        members = active_members(db, order=order)
        if not members:
            raise InvalidInput("ไม่มีสมาชิกที่ยังเป็นสมาชิกอยู่", "There are no active members.")
        click.echo(f"รวบรวมข้อมูลสมาชิก {len(members)} ราย (gathering {len(members)} members)")
        if len(members) >= PARALLEL_MIN:
            start_workers_early(workers)  # the workers warm up while the data is gathered
        statements = statements_for(db, members, start=start, end=end, printed_on=_today())
    except DomainError as err:
        fail(err)
        return
    finally:
        db.close()
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    large = True if large_print else None

    def progress(done: int, total: int) -> None:
        click.echo(f"  {done}/{total}")

    if single_file:
        path = out / f"statements-{start:%Y-%m}-{order}.pdf"
        path.write_bytes(
            render_single_file(statements, large_print=large, workers=workers, progress=progress)
        )
        click.echo(f"พิมพ์แล้ว {len(statements)} ราย ในไฟล์เดียว: {path}")
        return
    for data, pdf in render_each(statements, large_print=large, workers=workers, progress=progress):
        (out / batch_file_name(data.member_no, start)).write_bytes(pdf)
    click.echo(f"พิมพ์แล้ว {len(statements)} ราย: {out}")
