from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.audit.models import AuditEntry
from fund.members.models import Member
from fund.users.models import User
from web.cli import main
from web.db import make_engine


@pytest.fixture
def cli_env(backend, database_factory, tmp_path, monkeypatch):
    url = database_factory.new_url(backend, migrate=False)
    monkeypatch.setenv("CHAESON_DATABASE_URL", url)
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("CHAESON_DEMO_PASSWORD", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = make_engine(url)
    yield runner, engine
    engine.dispose()


def test_create_user_reads_the_password_from_stdin_and_audits_it(cli_env):
    runner, engine = cli_env
    result = runner.invoke(
        main, ["create-user", "Somchai", "--role", "committee"], input="a-long-enough-secret\n"
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.username == "somchai"))
        assert user.role == "committee"
        assert "a-long-enough-secret" not in user.password_hash
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
        assert entry.channel == "cli"


def test_create_user_refuses_a_short_password_and_saves_nothing(cli_env):
    runner, engine = cli_env
    result = runner.invoke(main, ["create-user", "short", "--role", "admin"], input="abc\n")
    assert result.exit_code == 1
    assert "อย่างน้อย 10 ตัวอักษร" in result.output
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_has_no_password_argument(cli_env):
    runner, _ = cli_env
    result = runner.invoke(main, ["create-user", "x", "--role", "admin", "--password", "p"])
    assert result.exit_code != 0


def test_demo_loads_thai_members_and_refuses_a_second_time(cli_env):
    runner, engine = cli_env
    result = runner.invoke(
        main, ["demo", "--members", "12", "--years", "1", "--password", "demo-password-1"]
    )
    assert result.exit_code == 0, result.output
    assert "demo-password-1" in result.output
    with Session(engine) as s:
        members = s.scalars(select(Member)).all()
        assert len(members) == 12
        assert all(m.tambon == "แจ้ซ้อน" and m.province == "ลำปาง" for m in members)
        assert {u for u in s.scalars(select(User.username))} == {
            "admin",
            "committee",
            "committee2",
            "repair",
            "auditor",
        }
    again = runner.invoke(main, ["demo", "--members", "3"])
    assert again.exit_code == 1
    assert "ไม่ว่าง" in again.output or "not empty" in again.output
    quiet = runner.invoke(main, ["demo", "--if-empty"])
    assert quiet.exit_code == 0
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 12


def test_demo_password_comes_from_the_environment_when_not_given(cli_env, monkeypatch):
    runner, _ = cli_env
    monkeypatch.setenv("CHAESON_DEMO_PASSWORD", "from-the-env-123")
    result = runner.invoke(main, ["demo", "--members", "2", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert "from-the-env-123" in result.output


def test_reset_second_factor_from_the_command_line_is_audited(cli_env):
    import datetime as dt

    from tests.fund.users.helpers import enrol

    runner, engine = cli_env
    runner.invoke(main, ["create-user", "boss", "--role", "admin"], input="a-long-enough-secret\n")
    with Session(engine, expire_on_commit=False) as s:
        enrol(s, s.scalar(select(User).where(User.username == "boss")), dt.datetime.now(dt.UTC))
    result = runner.invoke(main, ["reset-second-factor", "Boss"])
    assert result.exit_code == 0, result.output
    with Session(engine) as s:
        assert not s.scalar(select(User).where(User.username == "boss")).has_second_factor
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.totp.reset"))
        assert (entry.actor_id, entry.channel) == (None, "cli")
    again = runner.invoke(main, ["reset-second-factor", "boss"])
    assert again.exit_code == 1 and "ยังไม่ได้เปิดใช้" in again.output
    missing = runner.invoke(main, ["reset-second-factor", "nobody"])
    assert missing.exit_code == 1 and "ไม่พบผู้ใช้" in missing.output
