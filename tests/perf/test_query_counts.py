"""Each page runs a bounded number of SQL queries, the same however much data there is.

The pages are measured on a small database, then again after it grew (more members, loans, repair
jobs, and a longer history for the member and loan shown). A page whose count grows has an N+1.
"""

from __future__ import annotations

import pytest

from tests.perf.conftest import counting

#: no page should need more queries than this (sessions, user, page data, menus)
MAX_QUERIES = 40

PAGES = {
    "member page": lambda g: f"/members/{g.focus.id}",
    "passbook": lambda g: f"/savings/members/{g.focus.id}",
    "loan page": lambda g: f"/loans/{g.loan.id}",
    "repair queue board": lambda g: "/repair/",
    "trial balance": lambda g: "/ledger/trial-balance",
    "meeting-day screen": lambda g: "/loans/meeting",
    "loan list": lambda g: "/loans/",
    "arrears list": lambda g: "/loans/arrears",
}


def _measure(web, engine, url: str):
    web.get(url)  # warm: first-use lookups (accounts, settings) may be cached after this
    with counting(engine) as counter:
        response = web.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counter


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_are_bounded_and_do_not_grow_with_the_data(page, growth, login_as, engine):
    web = login_as("committee")
    url = PAGES[page]

    growth.grow(members=2, months=3, repayments=2, jobs=2)
    small = _measure(web, engine, url(growth))

    growth.grow(members=6, months=14, repayments=9, jobs=5)
    large = _measure(web, engine, url(growth))

    assert small.count <= MAX_QUERIES, "\n".join(small.statements)
    assert large.count == small.count, (
        f"{page}: {small.count} queries on the small database, {large.count} on the larger one:\n"
        + "\n---\n".join(large.statements)
    )


def test_the_counter_sees_a_query_per_row_when_a_page_loops(growth, db, engine):
    """The measuring itself works: a loop of lookups is counted once per row."""
    from fund.ledger.queries import member_savings_balance

    growth.grow(members=3, months=1, repayments=0, jobs=0)
    with counting(engine) as counter:
        for member in growth.members:
            member_savings_balance(db, member.id)
    assert counter.count >= len(growth.members)


def test_positions_of_many_loans_equal_each_loans_own_position(growth, db):
    """The batched positions (meeting day, lists) agree with loan_position loan by loan."""
    from sqlalchemy import select

    from fund.loans.models import Loan
    from fund.loans.state import loan_position, loan_positions

    growth.grow(members=3, months=1, repayments=5, jobs=0)
    batched = loan_positions(db, select(Loan).order_by(Loan.id))
    assert [p.loan.id for p in batched] == [loan.id for loan in growth.loans]
    assert any(p.principal_repaid > 0 for p in batched)
    for position in batched:
        single = loan_position(db, position.loan)
        assert position.principal_repaid == single.principal_repaid
        assert position.interest_paid == single.interest_paid
        assert position.fees_paid == single.fees_paid
        assert [(r.inst.id, r.paid) for r in position.rows] == [
            (r.inst.id, r.paid) for r in single.rows
        ]


def test_no_loans_selected_gives_no_positions(db):
    from sqlalchemy import select

    from fund.loans.models import Loan
    from fund.loans.state import loan_positions

    assert loan_positions(db, select(Loan).where(Loan.id < 0)) == []


def test_a_statements_data_takes_the_same_queries_however_long_the_history(growth, db, engine):
    """A ten-year statement reads balances by aggregate and only the period's rows: its query
    count is bounded and does not follow the number of months, repayments or members."""
    import datetime as dt

    from web.statements.data import statement_for

    def measure():
        period = {"start": dt.date(2015, 1, 1), "end": dt.date(2026, 1, 31)}
        statement_for(db, growth.focus, printed_on=period["end"], **period)  # warm
        with counting(engine) as counter:
            data = statement_for(db, growth.focus, printed_on=period["end"], **period)
        return counter, data

    growth.grow(members=2, months=3, repayments=2, jobs=1)
    small, before = measure()
    growth.grow(members=4, months=14, repayments=9, jobs=2)
    large, after = measure()

    assert len(after.savings.rows) == len(before.savings.rows) + 14
    assert len(after.loans[0].payments) == len(before.loans[0].payments) + 9
    assert small.count <= 15, "\n".join(small.statements)
    assert large.count == small.count, "\n---\n".join(large.statements)
