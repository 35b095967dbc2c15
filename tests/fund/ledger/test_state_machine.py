"""Random sequences of savings and loan actions against a plain Python model of the fund.

Deposits, withdrawals, reversals (voided receipts), period closes, double submits, invalid
amounts, and 0% loans (product → application → approval by another committee member →
disbursement from cash), repayments (over-payments refused) and their reversals; after every
step the ledger's invariants hold and every balance (savings, cash, each loan) equals the model's.
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
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.balances import apply_pending
from fund.ledger.checks import checks
from fund.ledger.queries import account_balance, loan_balance, member_savings_balance
from fund.ledger.services import LineSpec, close_period, closed_through, post_entry
from fund.loans.checks import checks as loan_checks
from fund.loans.models import LatePolicy, LoanPurpose, LoanStatus, PayChannel
from fund.loans.schedule import InterestMethod
from fund.loans.services import (
    approve_application,
    create_product,
    disburse_loan,
    record_application,
    record_repayment,
    reverse_repayment,
)
from fund.loans.state import loan_position
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
OPENING_CASH = 10_000_000  # satang; more than every loan a run can disburse
OPENING_DAY = dt.date(2025, 1, 2)
loan_baht = st.sampled_from([1_000, 2_400, 5_000])


def make_machine(db, users, now):
    user, checker = users["committee"], users["committee2"]
    last_day = now.date()  # loan dates may not be in the future

    class FundMachine(RuleBasedStateMachine):
        txns = Bundle("txns")
        repayments = Bundle("repayments")

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
            post_entry(
                db,
                entry_date=OPENING_DAY,
                description="เงินทุนตั้งต้น (ทดสอบ)",
                source="test.opening",
                lines=[
                    LineSpec(AccountCode.CASH, OPENING_CASH),
                    LineSpec(AccountCode.OPENING_BALANCES, -OPENING_CASH),
                ],
                recorded_by=user,
                now=now,
            )
            self.product = create_product(
                db,
                name=f"เงินกู้ปลอดดอกเบี้ย {next(_keys)}",
                purpose=LoanPurpose.LIVESTOCK,
                max_amount_satang=50_000 * 100,
                max_term_months=24,
                method=InterestMethod("zero"),
                annual_rate_bp=0,
                round_to_satang=100,
                grace_months=0,
                late_policy=LatePolicy.NONE,
                late_fee_satang=0,
                late_fee_after_days=0,
                created_by=user,
                now=now,
            )
            # The model: what each member has saved, the cash, the books' state, and the
            # outstanding principal of each loan.
            self.balance = {m.id: 0 for m in self.members}
            self.cash = OPENING_CASH
            self.loans = []
            self.owed = {}
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

        # ----------------------------------------------------------------- loans

        @precondition(lambda self: self.today <= last_day)
        @rule(
            who=st.integers(0, N_MEMBERS - 1),
            baht=loan_baht,
            term=st.integers(2, 12),
            back=st.sampled_from([0, 40, 75]),
        )
        def disburse(self, who, baht, term, back):
            # Sometimes dated back (never into a closed period), so instalments fall due.
            on = max(self.today - dt.timedelta(days=back), OPENING_DAY)
            if self.closed is not None:
                on = max(on, self.closed + dt.timedelta(days=1))
            member = self.members[who]
            application = record_application(
                db,
                member=member,
                product=self.product,
                amount_satang=baht * 100,
                term_months=term,
                purpose="ซื้อลูกไก่",
                livelihood_plan="เลี้ยงไก่ไข่ ขายไข่ในหมู่บ้าน",
                member_situation="อยู่กับครอบครัว",
                applied_on=on,
                recorded_by=user,
                now=now,
            )
            loan = approve_application(
                db,
                application=application,
                decided_by=checker,
                meeting_no="1/2568",
                meeting_date=on,
                resolution="อนุมัติตามคำขอ",
                now=now,
                override_open_loan=True,
            )
            disburse_loan(
                db,
                loan=loan,
                disbursed_on=on,
                channel=PayChannel.CASH,
                recorded_by=user,
                now=now,
                idempotency_key=f"k{next(_keys)}",
            )
            self.loans.append(loan)
            self.owed[loan.id] = baht * 100
            self.cash -= baht * 100

        def _repay(self, loan, amount):
            return record_repayment(
                db,
                loan=loan,
                amount_satang=amount,
                paid_on=self.today,
                channel=PayChannel.CASH,
                recorded_by=user,
                now=now,
                idempotency_key=f"k{next(_keys)}",
            )

        @precondition(lambda self: self.loans and self.today <= last_day)
        @rule(target=repayments, which=st.integers(0, 50), percent=st.integers(1, 100))
        def repay(self, which, percent):
            loan = self.loans[which % len(self.loans)]
            if loan.status is not LoanStatus.ACTIVE:
                assert self.owed[loan.id] == 0
                return multiple()
            due = loan_position(db, loan).due_on(self.today)
            amount = due * percent // 100
            if amount <= 0:
                return multiple()
            repayment = self._repay(loan, amount)
            self.owed[loan.id] -= amount  # 0% interest, no fees: all of it is principal
            self.cash += amount
            return repayment

        @precondition(lambda self: self.loans and self.today <= last_day)
        @rule(which=st.integers(0, 50), over=st.sampled_from([1, 100, 1_000_000]))
        def overpay(self, which, over):
            loan = self.loans[which % len(self.loans)]
            due = loan_position(db, loan).due_on(self.today)
            try:
                self._repay(loan, due + over)
            except Conflict:
                pass  # refused; the invariants check that nothing changed
            else:
                raise AssertionError(f"{due + over} satang taken when {due} was due")

        @rule(repayment=consumes(repayments))
        def reverse_a_repayment(self, repayment):
            try:
                reverse_repayment(
                    db, repayment=repayment, reason="บันทึกผิด", recorded_by=user, now=now
                )
            except Conflict as err:
                assert self.closed is not None and repayment.paid_on <= self.closed
                assert "ปิดแล้ว" in err.message_th
                return
            assert self.closed is None or repayment.paid_on > self.closed
            self.owed[repayment.loan_id] += repayment.amount_satang
            self.cash -= repayment.amount_satang

        @rule()
        def commit_point(self):
            # What a commit does: the kept balances take the pending lines. Between commit
            # points, reads must add the pending lines themselves.
            apply_pending(db)

        # ----------------------------------------------------------------- invariants

        @invariant()
        def books_agree_with_the_model(self):
            for member in self.members:
                assert member_savings_balance(db, member.id) == self.balance[member.id]
            assert account_balance(db, AccountCode.CASH) == self.cash
            assert closed_through(db) == self.closed
            for loan in self.loans:
                assert loan_balance(db, loan.id) == self.owed[loan.id]
                assert loan.status is (
                    LoanStatus.ACTIVE if self.owed[loan.id] else LoanStatus.REPAID
                )

        @invariant()
        def every_check_passes(self):
            failed = {r.name: r.problems for r in [*checks(db), *loan_checks(db)] if not r.ok}
            assert failed == {}

    return FundMachine


def test_random_savings_histories_keep_the_books_right(db, users, now):
    machine = make_machine(db, users, now)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
