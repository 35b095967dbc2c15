"""``chaeson backup``, ``chaeson restore`` and ``chaeson copy-to-postgres``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from fund.errors import DomainError
from web.cli import fail, main, utcnow


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chaeson")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return ""


@main.command("backup")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="ไฟล์หรือโฟลเดอร์ปลายทาง (file, or a folder for a dated file name)",
)
@click.option(
    "--keep",
    type=int,
    default=None,
    help="เก็บไฟล์สำรองล่าสุดไว้กี่ชุดในโฟลเดอร์ (keep the newest N backups in the folder)",
)
@with_appcontext
def backup_command(output: Path, keep: int | None) -> None:
    """Take a consistent backup while the app keeps running (manifest + SHA-256)."""
    from web.ops.backup import create_backup, prune_backups

    try:
        result = create_backup(
            current_app.config["DATABASE_URL"], output, now=utcnow(), app_version=_app_version()
        )
        removed = prune_backups(result.path.parent, keep) if keep else []
    except DomainError as err:
        fail(err)
    manifest = result.manifest
    rows = sum(manifest["counts"].values())
    click.echo(f"สำรองข้อมูลแล้ว (backup written): {result.path}")
    click.echo(f"  SHA-256: {result.sha256}")
    click.echo(
        f"  {manifest['backend']}, schema {manifest['revision']}, "
        f"{len(manifest['counts'])} tables, {rows} rows"
    )
    for old in removed:
        click.echo(f"  ลบไฟล์สำรองเก่า (removed old backup): {old.name}")


@main.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="ยืนยันการเขียนทับฐานข้อมูลเดิม (confirm overwriting)")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Restore a backup: checks it, keeps a safety copy, verifies counts, totals and the books."""
    from web.ops.backup import restore_backup

    instance = Path(current_app.config["INSTANCE_PATH"])
    try:
        report = restore_backup(
            current_app.config["DATABASE_URL"],
            archive,
            confirmed=yes,
            safety_dir=instance / "backups",
            now=utcnow(),
            progress=click.echo,
        )
    except DomainError as err:
        fail(err)
    rows = sum(report.counts.values())
    click.echo(
        f"กู้คืนแล้ว (restored): {len(report.counts)} tables, {rows} rows, "
        f"schema {report.revision_in_backup} -> {report.revision_now}"
    )
    for check in report.checks:
        mark = "ผ่าน (ok)" if check.ok else "ไม่ผ่าน (FAILED)"
        click.echo(f"  {mark}: {check.name} {check.message}".rstrip())
    if not report.checks_ok:
        click.echo(
            "การตรวจสอบบัญชีไม่ผ่าน: ตรวจดูก่อนใช้งาน (invariant checks failed; investigate)",
            err=True,
        )
        sys.exit(2)


@main.command("copy-to-postgres")
@click.argument("target_url")
@click.option("--yes", is_flag=True, help="ยืนยันการเขียนทับข้อมูลในปลายทาง (confirm replacing)")
@with_appcontext
def copy_to_postgres_command(target_url: str, yes: bool) -> None:
    """Copy every table of this database into PostgreSQL and verify counts and totals."""
    from sqlalchemy import make_url

    from web.ops.copy import copy_database

    shown = make_url(target_url).render_as_string(hide_password=True)
    click.echo(f"คัดลอกไปยัง (copying to) {shown}")
    try:
        report = copy_database(
            current_app.config["DATABASE_URL"], target_url, confirmed=yes, progress=click.echo
        )
    except DomainError as err:
        fail(err)
    rows = sum(report.counts.values())
    click.echo(
        f"คัดลอกแล้ว จำนวนรายการและยอดเงินตรงกับต้นทาง (copied; counts and totals match): "
        f"{len(report.counts)} tables, {rows} rows, schema {report.revision}"
    )
    for check in report.checks:
        mark = "ผ่าน (ok)" if check.ok else "ไม่ผ่าน (FAILED)"
        click.echo(f"  {mark}: {check.name} {check.message}".rstrip())
    if not report.checks_ok:
        sys.exit(2)
    click.echo(f"ต่อไปให้ตั้งค่า (next, set) CHAESON_DATABASE_URL={shown}")
