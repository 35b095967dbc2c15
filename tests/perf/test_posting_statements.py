"""A posting costs a fixed, small number of SQL statements, however long the history and however
many postings a meeting makes: the ≥ 500 postings/s goal rests on it (bench/run.py measures the
speed; this guards the count, so a lookup per posting or per past line can't creep back)."""

from __future__ import annotations

import datetime as dt
import uuid

from fund import txn_cache
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit
from tests.perf.conftest import counting

#: a deposit in a batch: one-time-key probe, claim row, entry, its lines, receipt number,
#: receipt, the claim row's links, audit row (the closed period and settings read once)
MAX_PER_DEPOSIT = 8


def _deposits(growth, members) -> None:
    for member in members:
        record_deposit(
            growth.db,
            member=member,
            amount_satang=25_00,
            txn_date=dt.date(2025, 11, 5),
            kind=SavingsKind.EXTRA,
            recorded_by=growth.maker,
            now=growth.now,
            idempotency_key=uuid.uuid4().hex,
        )


def _batch(growth, engine, members):
    with txn_cache.batch(growth.db):
        _deposits(growth, members[:1])  # the batch's first reads
        with counting(engine) as counter:
            _deposits(growth, members)
    growth.db.commit()
    return counter


def test_deposits_cost_the_same_statements_each_however_long_the_history(growth, engine):
    growth.grow(members=6, months=1, repayments=0, jobs=0)
    two = _batch(growth, engine, growth.members[:2])
    six = _batch(growth, engine, growth.members[:6])

    growth.grow(members=0, months=24, repayments=0, jobs=0)
    six_later = _batch(growth, engine, growth.members[:6])

    per_deposit = two.count // 2
    assert two.count == 2 * per_deposit and per_deposit <= MAX_PER_DEPOSIT, "\n".join(
        two.statements
    )
    assert six.count == 6 * per_deposit, "\n---\n".join(six.statements)
    assert six_later.count == six.count, "\n---\n".join(six_later.statements)
    # Nothing of the journal is read back while posting a deposit.
    assert not [
        s
        for s in six.statements
        if s.lstrip().upper().startswith("SELECT") and "journal_lines" in s
    ]
