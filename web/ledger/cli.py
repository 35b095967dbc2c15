"""``chaeson check``: verify the books' invariants and every area's own checks."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType

import click
from flask.cli import with_appcontext

from web.cli import cli_session, main


def check_modules() -> list[ModuleType]:
    """Every ``fund/*/checks.py`` and ``repair_center/*/checks.py`` with ``checks(session)``,
    the ledger's own first."""
    import fund
    import repair_center

    found = []
    for package in (fund, repair_center):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1] != "checks":
                continue
            module = importlib.import_module(info.name)
            if callable(getattr(module, "checks", None)):
                found.append(module)
    return sorted(found, key=lambda m: (m.__name__ != "fund.ledger.checks", m.__name__))


def run_checks(session) -> list:
    results = []
    for module in check_modules():
        results.extend(module.checks(session))
    return results


@main.command("check")
@click.option("--quiet", is_flag=True, help="print only failures and the summary")
@with_appcontext
def check_command(quiet: bool) -> None:
    """ตรวจความถูกต้องของบัญชี (verify the books' invariants); exits 1 on any violation."""
    session = cli_session()
    try:
        results = run_checks(session)
    finally:
        session.rollback()
        session.close()
    failed = 0
    for result in results:
        mark = "ผ่าน OK  " if result.ok else "ไม่ผ่าน FAIL"
        if result.ok and quiet:
            continue
        click.echo(f"[{mark}] {result.title_th}")
        click.echo(f"           {result.title_en} ({result.name}; checked {result.checked})")
        for problem in result.problems[:20]:
            click.echo(f"           - {problem}")
        if len(result.problems) > 20:
            click.echo(f"           … and {len(result.problems) - 20} more")
        failed += not result.ok
    click.echo(
        f"ตรวจ {len(results)} รายการ ไม่ผ่าน {failed} รายการ ({len(results)} checks, {failed} failed)"
    )
    if failed:
        sys.exit(1)
