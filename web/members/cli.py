"""``chaeson import-members``: bring the fund's existing register into the system."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from fund.errors import DomainError, InvalidInput
from fund.members.importing import ImportRefused, import_members, template_csv, template_xlsx
from fund.money import format_baht
from fund.thaidate import parse_iso_or_be
from fund.users.models import Role, User
from web.cli import cli_session, fail, main, utcnow


def _acting_user(db, username: str | None) -> User:
    query = select(User).where(User.role == Role.COMMITTEE, User.is_active.is_(True))
    if username:
        user = db.scalar(query.where(User.username == username.strip().lower()))
        if user is None:
            fail(
                InvalidInput(
                    f"ไม่พบกรรมการที่ใช้งานอยู่ชื่อ {username}",
                    f"No active committee user named {username}.",
                )
            )
        return user
    users = list(db.scalars(query.limit(2)))
    if len(users) != 1:
        fail(
            InvalidInput(
                "กรุณาระบุกรรมการผู้นำเข้าด้วย --user ชื่อผู้ใช้",
                "Say which committee member imports with --user USERNAME.",
            )
        )
    return users[0]


@main.command("import-members")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", help="วันที่ยอดยกมา YYYY-MM-DD (พ.ศ. ได้) / opening-balance date")
@click.option("--user", "username", help="กรรมการผู้นำเข้า / committee user who imports")
@click.option(
    "--template",
    "template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="เขียนไฟล์ต้นแบบเปล่า (.csv หรือ .xlsx) / write an empty template and stop",
)
@with_appcontext
def import_members_command(
    file: Path | None, as_of: str | None, username: str | None, template: Path | None
) -> None:
    """Import members (and opening savings) from a .csv or .xlsx file, all or nothing."""
    if template is not None:
        data = template_xlsx() if template.suffix.lower() == ".xlsx" else template_csv()
        template.write_bytes(data)
        click.echo(f"เขียนไฟล์ต้นแบบ {template} แล้ว (template written)")
        return
    if file is None or not as_of:
        raise click.UsageError("ต้องระบุ FILE และ --as-of (FILE and --as-of are required)")
    if not file.exists():
        raise click.UsageError(f"ไม่พบไฟล์ {file} (no such file)")
    try:
        as_of_date = parse_iso_or_be(as_of, field="as_of")
    except DomainError as err:
        fail(err)
    db = cli_session()
    try:
        user = _acting_user(db, username)
        click.echo(f"กำลังตรวจ {file} … (checking)")
        plan, result = import_members(
            db,
            filename=file.name,
            content=file.read_bytes(),
            as_of=as_of_date,
            by=user,
            now=utcnow(),
        )
        db.commit()
    except ImportRefused as err:
        db.rollback()
        click.echo(f"ผิดพลาด: {err.message_th}\nError: {err.message_en}", err=True)
        for e in err.plan.errors:
            where = f"แถว {e.line}" if e.line else "ทั้งไฟล์"
            no = f" [{e.member_no}]" if e.member_no else ""
            click.echo(f"  {where}{no}: {e.message_th} / {e.message_en}", err=True)
        sys.exit(1)
    except DomainError as err:
        db.rollback()
        fail(err)
    finally:
        db.close()
    for w in plan.warnings:
        click.echo(f"  หมายเหตุ แถว {w.line} [{w.member_no}]: {w.message_th}")
    click.echo(
        f"นำเข้าสมาชิกใหม่ {result.created} คน, มีอยู่แล้ว {result.unchanged} คน, "
        f"เงินออมยกมารวม {format_baht(result.savings_total_satang)} "
        f"(imported {result.created}, unchanged {result.unchanged})"
    )
