"""``chaeson reset-second-factor``: for the one admin who lost both phone and recovery codes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fund.errors import DomainError, NotFound
from fund.users.queries import get_user_by_username
from fund.users.second_factor import reset_second_factor
from web.cli import cli_session, fail, main, utcnow


@main.command("reset-second-factor")
@click.argument("username")
@with_appcontext
def reset_second_factor_command(username: str) -> None:
    """Turn off USERNAME's second factor (audited); they then log in with the password alone."""
    db = cli_session()
    try:
        user = get_user_by_username(db, username)
        if user is None:
            raise NotFound(f"ไม่พบผู้ใช้ชื่อ {username}", f"No user named {username}.")
        reset_second_factor(db, user=user, reset_by=None, now=utcnow())
        db.commit()
    except DomainError as err:
        db.rollback()
        fail(err)
    finally:
        db.close()
    click.echo(
        f"รีเซ็ตการยืนยันตัวตนสองขั้นตอนของ {username} แล้ว "
        f"(second factor of {username} reset; see the audit log)"
    )
