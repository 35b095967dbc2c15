"""``chaeson demo --bulk`` (scale data with a progress bar)."""

from __future__ import annotations

import sys

import click

from web.cli import cli_session, utcnow


def bulk_demo(members: int, years: int, password: str, seed: int, if_empty: bool) -> None:
    from web.demo import DemoRefused
    from web.perf.bulk import _months, load_bulk

    now = utcnow()
    start = now.date().replace(year=now.date().year - years, day=1)
    total = len(_months(start, now.date())) + 1
    db_session = cli_session()
    try:
        with click.progressbar(
            length=total, label=f"สมาชิก {members:,} คน × {years} ปี (members × years)"
        ) as progress_bar:
            stats = load_bulk(
                db_session,
                members=members,
                years=years,
                password=password,
                seed=seed,
                now=now,
                progress=lambda m: click.echo(f"\n{m}"),
                bar=progress_bar.update,
            )
    except DemoRefused as err:
        db_session.rollback()
        if if_empty:
            click.echo("มีข้อมูลอยู่แล้ว ไม่โหลดข้อมูลตัวอย่าง (data exists; demo not loaded)")
            return
        click.echo(str(err), err=True)
        sys.exit(1)
    finally:
        db_session.close()
    click.echo(
        f"โหลดข้อมูลตัวอย่างแล้ว: สมาชิก {stats.members:,} คน, {years} ปี, "
        f"{stats.entries:,} รายการ / {stats.lines:,} บรรทัด ใน {stats.seconds:.0f} วินาที"
    )
    click.echo("ผู้ใช้ตัวอย่าง (demo logins): admin, committee, committee2, repair, auditor")
    click.echo(f"รหัสผ่าน (password): {password}")
