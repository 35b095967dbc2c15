"""The ``chaeson`` console script: thin commands over the services (parse, call, commit, print)."""

from __future__ import annotations

import datetime as dt
import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.orm import Session

from fund.errors import DomainError
from fund.users.models import Role

DEFAULT_DEMO_PASSWORD = "chaeson-demo-2568"  # noqa: S105  (printed for the demo, by design)


def _create_app():
    from web.app import create_app

    app = create_app()
    ctx = click.get_current_context(silent=True)
    sessions = app.extensions["chaeson_sessions"]
    if ctx is not None and hasattr(sessions, "engine"):
        # Close pooled connections when the command ends, not whenever the GC gets to them.
        ctx.call_on_close(sessions.engine.dispose)
    return app


def cli_session() -> Session:
    db = current_app.extensions["chaeson_sessions"](write=True)
    db.info["channel"] = "cli"
    return db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fail(err: DomainError) -> None:
    click.echo(f"ผิดพลาด: {err.message_th}\nError: {err.message_en}", err=True)
    sys.exit(1)


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_version_option=False, add_default_commands=False
)
def main() -> None:
    """กองทุนคนพิการตำบลแจ้ซ้อน — Chae Son fund and repair-center ledger."""


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from web.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว (database is at the newest revision)")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    from web.migrate import downgrade

    downgrade(current_app.config["DATABASE_URL"], revision)


@db.command("check")
@with_appcontext
def db_check() -> None:
    """Fail if the models and the migrations disagree (``alembic check``)."""
    from web.migrate import check

    check(current_app.config["DATABASE_URL"])
    click.echo("models and migrations agree")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the app with waitress."""
    import waitress

    click.echo(f"เปิดใช้งานที่ http://{host}:{port}  (serving on http://{host}:{port})")
    waitress.serve(current_app._get_current_object(), host=host, port=port, threads=threads)


@main.command("create-user")
@click.argument("username")
@click.option("--role", "role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", default="", help="ชื่อที่แสดง (display name)")
@with_appcontext
def create_user_command(username: str, role: str, display_name: str) -> None:
    """Create a login. The password is read from a prompt or standard input, never an argument."""
    from fund.users.services import create_user

    if sys.stdin.isatty():
        password = click.prompt("รหัสผ่าน (password)", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    db_session = cli_session()
    try:
        create_user(
            db_session,
            username=username,
            display_name=display_name or username,
            role=Role(role),
            password=password,
            now=utcnow(),
        )
        db_session.commit()
    except DomainError as err:
        db_session.rollback()
        fail(err)
    finally:
        db_session.close()
    click.echo(f"เพิ่มผู้ใช้ {username} ({role}) แล้ว")


@main.command("demo")
@click.option("--members", "n_members", default=60, show_default=True, type=int)
@click.option("--years", default=3, show_default=True, type=int)
@click.option("--password", default=None, help="demo users' password")
@click.option("--seed", default=2568, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="do nothing (and succeed) when data exists")
@click.option(
    "--bulk/--services",
    default=None,
    help="write savings history as bulk rows (automatic from 20,000 member-years; see web/perf)",
)
@with_appcontext
def demo(
    n_members: int,
    years: int,
    password: str | None,
    seed: int,
    if_empty: bool,
    bulk: bool | None,
) -> None:
    """Load realistic Thai demo data into an empty database."""
    from web.demo import DemoRefused, load_demo

    password = password or os.environ.get("CHAESON_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    if bulk is None:
        bulk = n_members * years >= 20_000
    if bulk:
        from web.perf.cli import bulk_demo

        bulk_demo(n_members, years, password, seed, if_empty)
        return
    db_session = cli_session()
    try:
        summary = load_demo(
            db_session,
            members=n_members,
            years=years,
            password=password,
            seed=seed,
            now=utcnow(),
            progress=click.echo,
        )
        db_session.commit()
    except DemoRefused as err:
        db_session.rollback()
        if if_empty:
            click.echo("มีข้อมูลอยู่แล้ว ไม่โหลดข้อมูลตัวอย่าง (data exists; demo not loaded)")
            return
        click.echo(str(err), err=True)
        sys.exit(1)
    finally:
        db_session.close()
    click.echo(summary)
    click.echo("ผู้ใช้ตัวอย่าง (demo logins): admin, committee, committee2, repair, auditor")
    click.echo(f"รหัสผ่าน (password): {password}")


def _load_area_commands() -> None:
    """Each ``web/<area>/cli.py`` adds its commands to ``main`` (``from web.cli import main``)."""
    import importlib
    import importlib.util
    import pkgutil

    import web

    for info in pkgutil.iter_modules(web.__path__):
        if info.ispkg and (importlib.util.find_spec(f"web.{info.name}.cli") is not None):
            importlib.import_module(f"web.{info.name}.cli")


_load_area_commands()
