"""Random sequences of loan operations keep the books and the loan records in agreement."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from fund.errors import Conflict, DomainError
from fund.ledger.queries import loan_balance
from fund.loans.models import Loan, LoanStatus, PayChannel, PrepaymentMode, Repayment
from fund.loans.services import (
    record_repayment,
    reschedule_loan,
    reverse_repayment,
    write_off_loan,
)
from fund.loans.state import loan_position

from .conftest import assert_books, key

LAST_DAY = dt.date(2025, 11, 20)
METHODS = [("zero", 0), ("flat", 1200), ("declining", 1200), ("equal-principal", 600)]


def test_random_loan_operations_keep_the_books(kit, db):
    class LoanMachine(RuleBasedStateMachine):
        loans = Bundle("loans")

        def __init__(self):
            super().__init__()
            self.savepoint = db.begin_nested()
            kit._cash = False
            self.day = dt.date(2025, 1, 15)

        def teardown(self):
            self.savepoint.rollback()
            db.expire_all()

        def _pay(self, loan, amount, on, mode=None):
            return record_repayment(
                db, loan=loan, amount_satang=amount, paid_on=on, channel=PayChannel.CASH,
                recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
                prepayment_mode=mode,
            )  # fmt: skip

        @rule(
            target=loans,
            method=st.sampled_from(METHODS),
            baht=st.integers(500, 30_000),
            term=st.integers(2, 24),
            round_to=st.sampled_from([1, 100, 1000]),
        )
        def new_loan(self, method, baht, term, round_to):
            return kit.loan(method[0], method[1], baht, term, start=self.day, round_to=round_to)

        @rule(days=st.integers(1, 45))
        def time_passes(self, days):
            self.day = min(LAST_DAY, self.day + dt.timedelta(days=days))

        @rule(loan=loans, share=st.fractions(0, 1))
        def repay_part_of_what_is_due(self, loan, share):
            if loan.status is not LoanStatus.ACTIVE:
                return
            amount = int(loan_position(db, loan).due_on(self.day) * share)
            if amount > 0:
                self._pay(loan, amount, self.day)

        @rule(loan=loans, share=st.fractions(0, 1), mode=st.sampled_from(list(PrepaymentMode)))
        def prepay(self, loan, share, mode):
            if loan.status is not LoanStatus.ACTIVE:
                return
            position = loan_position(db, loan)
            due, payoff = position.due_on(self.day), position.payoff_on(self.day)
            extra = int((payoff - due) * share)
            if extra > 0:
                try:
                    self._pay(loan, due + extra, self.day, mode)
                except DomainError as err:
                    # Keeping the instalment may not cover the interest (shorten term).
                    assert mode is PrepaymentMode.SHORTEN_TERM, err

        @rule(loan=loans, back=st.integers(1, 60), share=st.fractions(0, 1))
        def backdated_repayment(self, loan, back, share):
            if loan.status is not LoanStatus.ACTIVE:
                return
            on = max(loan.disbursed_on, self.day - dt.timedelta(days=back))
            amount = int(loan_position(db, loan).due_on(on) * share)
            if amount > 0:
                try:
                    self._pay(loan, amount, on)
                except Conflict:
                    pass  # a later repayment would now exceed what may be paid, or a barrier

        @rule(loan=loans, which=st.integers(0, 50))
        def reverse_one(self, loan, which):
            live = db.scalars(
                select(Repayment).where(
                    Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None)
                )
            ).all()
            if not live or loan.status is LoanStatus.WRITTEN_OFF:
                return
            try:
                reverse_repayment(db, repayment=live[which % len(live)], reason="ทดสอบ",
                                  recorded_by=kit.maker, now=kit.now)  # fmt: skip
            except Conflict:
                pass  # before a reschedule, or re-applying would over-pay

        @rule(loan=loans, term=st.integers(1, 24), freeze=st.booleans())
        def reschedule(self, loan, term, freeze):
            if loan.status is not LoanStatus.ACTIVE:
                return
            last = max(
                [r.paid_on for r in db.scalars(select(Repayment).where(
                    Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None)))]
                + [loan.disbursed_on]
            )  # fmt: skip
            reschedule_loan(
                db, loan=loan, effective_on=max(self.day, last), new_term_months=term,
                freeze_interest=freeze, reason="ป่วย", meeting_no="1/2568",
                meeting_date=max(self.day, last), resolution="อนุมัติ",
                recorded_by=kit.maker, now=kit.now,
            )  # fmt: skip

        @rule(loan=consumes(loans))
        def write_off(self, loan):
            if loan.status is not LoanStatus.ACTIVE:
                return
            last = max(
                [r.paid_on for r in db.scalars(select(Repayment).where(
                    Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None)))]
                + [loan.disbursed_on]
            )  # fmt: skip
            write_off_loan(
                db, loan=loan, written_off_on=max(self.day, last), reason="ย้ายออก",
                meeting_no="1/2568", meeting_date=max(self.day, last), resolution="ตัดหนี้สูญ",
                recorded_by=kit.maker, now=kit.now, idempotency_key=key(),
            )  # fmt: skip

        @invariant()
        def books_and_loans_agree(self):
            assert_books(db)

        @invariant()
        def each_loan_balance_matches_its_schedule(self):
            for loan in db.scalars(select(Loan).where(Loan.status == LoanStatus.ACTIVE)):
                position = loan_position(db, loan)
                assert position.outstanding_principal == loan_balance(db, loan.id)
                assert position.outstanding_principal > 0
                assert all(row.unpaid >= 0 for row in position.rows)

    run_state_machine_as_test(
        LoanMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
