from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.audit.models import AuditEntry
from fund.ledger.queries import member_savings_balance
from fund.members.importing import COLUMNS
from fund.members.models import Member
from fund.members.queries import get_member_by_no
from fund.users.models import Role
from fund.users.services import create_user
from tests.conftest import TEST_PASSWORD
from web.cli import main
from web.db import make_engine

GOOD = (
    ",".join(COLUMNS)
    + "\n"
    + "CS-0007,นาย,สมชาย,ใจดี,3100600445635,2503-05-01,ชาย,1;3,0812345678,12/3,2,"
    + "แจ้ซ้อน,เมืองปาน,ลำปาง,52240,2560-01-15,1234.50\n"
    + "CS-0008,นาง,บัวผัน,แก้วมูล,1101700203450,,หญิง,2,,45,3,แจ้ซ้อน,เมืองปาน,ลำปาง,52240,"
    + "2561-06-01,0\n"
)
AS_OF = {"as_of-day": "30", "as_of-month": "9", "as_of-year": "2568"}


def _upload(client, text: str, name: str = "members.csv"):
    data = {**AS_OF, "file": (io.BytesIO(("\ufeff" + text).encode()), name)}
    return client.submit(
        "/members/import", data, page="/members/import", content_type="multipart/form-data"
    )


def test_upload_previews_then_confirm_imports(db, login_as):
    client = login_as("committee")
    preview = _upload(client, GOOD)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "สมาชิกใหม่ 2 คน" in html and "฿1,234.50" in html
    assert db.scalar(select(func.count()).select_from(Member)) == 0
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.submit(
        "/members/import/confirm", {"token": token, "as_of": "2025-09-30"}, page="/members/import"
    )
    assert done.status_code == 302
    member = get_member_by_no(db, "CS-0007")
    assert member_savings_balance(db, member.id) == 123450
    again = client.submit(
        "/members/import/confirm", {"token": token, "as_of": "2025-09-30"}, page="/members/import"
    )
    assert again.status_code == 302  # the token is used up; nothing is imported twice
    assert db.scalar(select(func.count()).select_from(Member)) == 2


def test_a_bad_file_shows_every_bad_row_and_offers_no_confirm(db, login_as):
    bad = GOOD.replace("3100600445635", "3100600445653").replace("2561-06-01", "2561-13-01")
    response = _upload(login_as("committee"), bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "เลขตรวจสอบ" in html and "เดือนต้องอยู่ระหว่าง 1 ถึง 12" in html
    assert 'name="token"' not in html
    assert db.scalar(select(func.count()).select_from(Member)) == 0


def test_a_file_of_the_wrong_type_is_refused_on_the_form(login_as):
    response = _upload(login_as("committee"), GOOD, name="members.txt")
    assert response.status_code == 422
    assert ".csv หรือ .xlsx" in response.get_data(as_text=True)


def test_a_forged_token_is_refused(login_as):
    client = login_as("committee")
    response = client.submit(
        "/members/import/confirm",
        {"token": "../../etc/passwd", "as_of": "2025-09-30"},
        page="/members/import",
    )
    assert response.status_code == 400


def test_import_pages_are_for_the_committee_only(login_as):
    for username in ("auditor", "admin", "repair"):
        assert login_as(username).get("/members/import").status_code == 403


def test_cli_template_and_import_all_or_nothing(backend, database_factory, tmp_path, monkeypatch):
    url = database_factory.new_url(backend)
    monkeypatch.setenv("CHAESON_DATABASE_URL", url)
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path / "instance"))
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            create_user(
                s,
                username="committee",
                display_name="กรรมการ",
                role=Role.COMMITTEE,
                password=TEST_PASSWORD,
                now=dt.datetime.now(dt.UTC),
            )
            s.commit()
        runner = CliRunner()
        template = tmp_path / "template.csv"
        result = runner.invoke(main, ["import-members", "--template", str(template)])
        assert result.exit_code == 0, result.output
        assert template.read_text(encoding="utf-8-sig").strip() == ",".join(COLUMNS)

        bad: Path = tmp_path / "bad.csv"
        bad.write_text(GOOD.replace("1101700203450", "1234545678789"), encoding="utf-8")
        result = runner.invoke(main, ["import-members", str(bad), "--as-of", "2568-09-30"])
        assert result.exit_code == 1
        assert "แถว 3 [CS-0008]" in result.output
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(Member)) == 0

        good = tmp_path / "good.csv"
        good.write_text(GOOD, encoding="utf-8")
        for _ in range(2):
            result = runner.invoke(main, ["import-members", str(good), "--as-of", "2568-09-30"])
            assert result.exit_code == 0, result.output
        assert "มีอยู่แล้ว 2 คน" in result.output
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(Member)) == 2
            entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "members.import"))
            assert entry.channel == "cli"
    finally:
        engine.dispose()
