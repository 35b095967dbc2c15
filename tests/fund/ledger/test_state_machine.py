"""Random sequences of savings actions against a plain Python model of the fund.

Deposits, withdrawals, reversals (voided receipts), period closes, double submits and invalid
amounts; after every step the ledger's invariants hold and every balance equals the model's.
Runs on each backend (the ``db`` fixture); each example runs inside a savepoint rolled back at
the end, so examples don't see each other.
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.checks import checks
from fund.ledger.queries import account_balance, member_savings_balance
from fund.ledger.services import close_period, closed_through
from fund.members.models import Member
from fund.savings.models import SavingsKind
from fund.savings.services import (
    record_deposit,
    record_withdrawal,
    reverse_savings_transaction,
)

N_MEMBERS = 3
_keys = itertools.count()

amounts = st.one_of(
    st.integers(min_value=1, max_value=50_000),
    st.sampled_from([1, 100, 10_000]),
)
bad_amounts = st.sampled_from([0, -1, -10_000])


def make_machine(db, user, now):
    class FundMachine(RuleBasedStateMachine):
        txns = Bundle("txns")

        def __init__(self):
            super().__init__()
            self.savepoint = db.begin_nested()
            self.members = []
            for i in range(N_MEMBERS):
                member = Member(
                    member_no=f"H-{next(_keys):06d}",
                    first_name=f"สมาชิก{i}",
                    last_name="สุ่ม",
                    joined_on=dt.date(2024, 1, 1),
                    created_at=now,
                )
                db.add(member)
                self.members.append(member)
            db.flush()
            # The model: what each member has saved, the cash, the books' state.
            self.balance = {m.id: 0 for m in self.members}
            self.cash = 0
            self.today = dt.date(2025, 1, 15)
            self.closed = None
            self.last = None  # (kwargs, result) of the last deposit, for double submits

        def teardown(self):
            self.savepoint.rollback()

        # ----------------------------------------------------------------- actions

        @rule(target=txns, who=st.integers(0, N_MEMBERS - 1), amount=amounts)
        def deposit(self, who, amount):
            member = self.members[who]
            kwargs = dict(
                member=member,
                amount_satang=amount,
                txn_date=self.today,
                kind=SavingsKind.EXTRA,
                recorded_by=user,
                now=now,
                idempotency_key=f"k{next(_keys)}",
            )
            result = record_deposit(db, **kwargs)
            assert not result.replayed
            self.balance[member.id] += amount
            self.cash += amount
            self.last = (kwargs, result)
            return result.txn

        @precondition(lambda self: self.last is not None)
        @rule()
        def double_submit(self):
            kwargs, first = self.last
            again = record_deposit(db, **kwargs)
            assert again.replayed
            assert again.txn.id == first.txn.id and again.receipt.id == first.receipt.id

        @rule(who=st.integers(0, N_MEMBERS - 1), amount=bad_amounts)
        def invalid_amount(self, who, amount):
            member = self.members[who]
            for action in (record_deposit, record_withdrawal):
                try:
                    action(
                        db,
                        member=member,
                        amount_satang=amount,
                        txn_date=self.today,
                        recorded_by=user,
                        now=now,
                        idempotency_key=f"k{next(_keys)}",
                    )
                except InvalidInput:
                    pass
                else:
                    raise AssertionError(f"{amount} satang was accepted")

        @rule(target=txns, who=st.integers(0, N_MEMBERS - 1), amount=amounts, extra=st.booleans())
        def withdraw(self, who, amount, extra):
            member = self.members[who]
            if extra:
                amount = self.balance[member.id] + amount  # certainly too much
            try:
                result = record_withdrawal(
                    db,
                    member=member,
                    amount_satang=amount,
                    txn_date=self.today,
                    recorded_by=user,
                    now=now,
                    idempotency_key=f"k{next(_keys)}",
                )
            except Conflict:
                assert amount > self.balance[member.id]
                return None
            assert amount <= self.balance[member.id]
            self.balance[member.id] -= amount
            self.cash -= amount
            return result.txn

        @rule(txn=consumes(txns))
        def reverse(self, txn):
            if txn is None:
                return
            sign = 1 if txn.kind is SavingsKind.WITHDRAWAL else -1
            after = self.balance[txn.member_id] + sign * txn.amount_satang
            try:
                reverse_savings_transaction(
                    db,
                    txn=txn,
                    reason="ทดสอบ",
                    reversal_date=self.today,
                    recorded_by=user,
                    now=now,
                )
            except Conflict:
                assert after < 0
                return
            assert after >= 0
            self.balance[txn.member_id] = after
            self.cash += sign * txn.amount_satang

        @rule(days=st.sampled_from([1, 10, 31]))
        def time_passes(self, days):
            self.today += dt.timedelta(days=days)

        @rule()
        def close_last_month(self):
            end = self.today.replace(day=1) - dt.timedelta(days=1)
            try:
                close_period(
                    db, year=end.year, month=end.month, closed_by=user, now=now, today=self.today
                )
            except Conflict:
                assert self.closed is not None and end <= self.closed
                return
            assert self.closed is None or end > self.closed
            self.closed = end

        @precondition(lambda self: self.closed is not None)
        @rule(who=st.integers(0, N_MEMBERS - 1), amount=amounts)
        def post_into_closed_period(self, who, amount):
            try:
                record_deposit(
                    db,
                    member=self.members[who],
                    amount_satang=amount,
                    txn_date=self.closed,
                    kind=SavingsKind.EXTRA,
                    recorded_by=user,
                    now=now,
                )
            except Conflict as err:
                assert "ปิดแล้ว" in err.message_th
            else:
                raise AssertionError("posted into a closed period")

        # ----------------------------------------------------------------- invariants

        @invariant()
        def books_agree_with_the_model(self):
            for member in self.members:
                assert member_savings_balance(db, member.id) == self.balance[member.id]
            assert account_balance(db, AccountCode.CASH) == self.cash
            assert closed_through(db) == self.closed

        @invariant()
        def every_check_passes(self):
            failed = {r.name: r.problems for r in checks(db) if not r.ok}
            assert failed == {}

    return FundMachine


def test_random_savings_histories_keep_the_books_right(db, users, now):
    machine = make_machine(db, users["committee"], now)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
