"""``chaeson check`` prints every check and exits non-zero on a violation."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, get_account, post_entry
from tests.conftest import create_treasurer
from web.cli import main
from web.db import make_engine

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)


@pytest.fixture
def cli_db(backend, database_factory, monkeypatch, tmp_path):
    url = database_factory.new_url(backend)
    monkeypatch.setenv("CHAESON_DATABASE_URL", url)
    monkeypatch.setenv("CHAESON_INSTANCE", str(tmp_path / "instance"))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_check_passes_on_good_books_and_fails_on_an_unbalanced_entry(cli_db):
    with Session(cli_db) as s:
        user = create_treasurer(s, NOW)
        post_entry(
            s,
            entry_date=dt.date(2025, 11, 1),
            description="เงินบริจาค",
            source="test.grant",
            lines=[
                LineSpec(AccountCode.CASH, 500_00),
                LineSpec(AccountCode.GRANTS_DONATIONS, -500_00),
            ],
            recorded_by=user,
            now=NOW,
        )
        s.commit()
        cash_id = get_account(s, AccountCode.CASH).id
        user_id = user.id
    runner = CliRunner()
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "ledger.entries_balanced" in result.output
    assert "ไม่ผ่าน 0" in result.output
    with cli_db.begin() as conn:
        entry_id = conn.execute(
            text(
                "INSERT INTO journal_entries (entry_date, description, source, recorded_by_id, "
                "recorded_at) VALUES ('2025-11-02', 'forged', 'test.forged', :u, "
                "'2025-11-20 03:00:00') RETURNING id"
            ),
            {"u": user_id},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO journal_lines (entry_id, entry_date, line_no, account_id, "
                "amount_satang, memo) VALUES (:e, '2025-11-02', 1, :a, 100, '')"
            ),
            {"e": entry_id, "a": cash_id},
        )
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert "FAIL" in result.output and f"entry {entry_id}" in result.output
