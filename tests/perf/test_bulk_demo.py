"""The bulk scale-data loader writes books that pass every ``chaeson check`` invariant."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger.checks import checks as ledger_checks
from fund.ledger.models import JournalEntry, JournalLine, Receipt
from fund.ledger.queries import member_savings_balance
from fund.savings.models import SavingsKind, SavingsTransaction
from fund.savings.services import record_deposit
from web.db import make_engine
from web.demo import DemoRefused
from web.perf.bulk import load_bulk

NOW = dt.datetime(2025, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request, database_factory):
    engine = make_engine(database_factory.new_url(request.param))
    yield engine
    engine.dispose()


def test_bulk_history_balances_and_services_continue_after_it(fresh_engine):
    with Session(fresh_engine) as session:
        stats = load_bulk(
            session,
            members=25,
            years=2,
            password="bulk-demo-pass-2568",
            seed=7,
            now=NOW,
            service_steps=False,
        )
        assert stats.members == 25
        assert stats.lines == 2 * stats.entries
        assert session.scalar(select(func.count()).select_from(JournalLine)) == stats.lines + 2
        failed = {r.name: r.problems for r in ledger_checks(session) if not r.ok}
        assert failed == {}
        # monthly savings: one per member and month at most, most members most months
        monthly = session.scalar(
            select(func.count())
            .select_from(SavingsTransaction)
            .where(SavingsTransaction.kind == SavingsKind.MONTHLY)
        )
        assert 25 * 20 < monthly <= 25 * 25
        # the services carry on from the bulk rows: ids, receipt numbers, duplicate months
        txn = session.scalars(
            select(SavingsTransaction).where(SavingsTransaction.kind == SavingsKind.MONTHLY)
        ).first()
        from fund.members.models import Member
        from fund.users.models import User

        member = session.get(Member, txn.member_id)
        user = session.scalar(select(User).where(User.username == "committee"))
        before = member_savings_balance(session, member.id)
        result = record_deposit(
            session,
            member=member,
            amount_satang=123_00,
            txn_date=dt.date(2025, 11, 20),
            kind=SavingsKind.EXTRA,
            recorded_by=user,
            now=NOW,
        )
        session.commit()
        assert result.entry.id == session.scalar(select(func.max(JournalEntry.id)))
        last = session.scalar(
            select(func.max(Receipt.number)).where(
                Receipt.fiscal_year == result.receipt.fiscal_year
            )
        )
        assert result.receipt.number == last
        assert member_savings_balance(session, member.id) == before + 123_00
        assert all(r.ok for r in ledger_checks(session))


def test_bulk_refuses_a_database_that_has_data(fresh_engine):
    with Session(fresh_engine) as session:
        load_bulk(
            session,
            members=3,
            years=1,
            password="bulk-demo-pass-2568",
            seed=1,
            now=NOW,
            service_steps=False,
        )
    with Session(fresh_engine) as session, pytest.raises(DemoRefused):
        load_bulk(
            session,
            members=3,
            years=1,
            password="bulk-demo-pass-2568",
            seed=1,
            now=NOW,
            service_steps=False,
        )


def _schema(engine) -> dict:
    from sqlalchemy import inspect

    found = inspect(engine)
    return {
        table: (
            sorted(
                (i["name"], tuple(i["column_names"]), i["unique"]) for i in found.get_indexes(table)
            ),
            sorted(
                (u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(table)
            ),
            sorted(fk["name"] for fk in found.get_foreign_keys(table)),
        )
        for table in ("journal_entries", "journal_lines", "receipts", "savings_transactions")
    }


def test_bulk_leaves_every_index_and_constraint_the_migrations_made(fresh_engine):
    before = _schema(fresh_engine)
    with Session(fresh_engine) as session:
        load_bulk(
            session,
            members=5,
            years=1,
            password="bulk-demo-pass-2568",
            seed=3,
            now=NOW,
            service_steps=False,
        )
    fresh_engine.dispose()
    assert _schema(fresh_engine) == before


def test_bulk_writer_keeps_values_that_copy_text_would_need_escaped(fresh_engine):
    from fund.members.models import Member
    from web.perf.bulk import _Writer

    odd = "tab\there, back\\slash \\N\nnew line"
    with Session(fresh_engine) as session:
        writer = _Writer(session)
        columns = ("id", "member_no", "first_name", "last_name", "joined_on", "created_at", "moo")
        writer.write(
            Member.__table__,
            columns,
            [
                (1, "CS-00001", odd, "ok", dt.date(2025, 1, 1), NOW, writer.null),
                (2, "CS-00002", "ปกติ", "ok", dt.date(2025, 1, 1), NOW, 3),
            ],
        )
        session.commit()
        rows = session.execute(
            select(Member.first_name, Member.moo, Member.large_print, Member.title).order_by(
                Member.id
            )
        ).all()
    assert rows == [(odd, None, False, ""), ("ปกติ", 3, False, "")]
