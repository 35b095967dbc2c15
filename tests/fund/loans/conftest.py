from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.loans.models import LatePolicy, LoanPurpose
from fund.loans.schedule import InterestMethod
from fund.loans.services import (
    approve_application,
    create_product,
    disburse_loan,
    record_application,
)
from fund.members.models import Member

_numbers = itertools.count(7000)


def key() -> str:
    return uuid.uuid4().hex


class Kit:
    """Builds members, products and loans through the services, dated as a test needs."""

    def __init__(self, db, users, now):
        self.db = db
        self.users = users
        self.now = now
        self.maker = users["committee"]
        self.checker = users["committee2"]
        self._cash = False

    def member(self, first_name: str = "บัวผัน", **kwargs) -> Member:
        member = Member(
            member_no=f"L-{next(_numbers):05d}",
            title="นาง",
            first_name=first_name,
            last_name="ใจดี",
            joined_on=dt.date(2023, 1, 1),
            created_at=self.now,
            phone="081-234-5678",
            village="บ้านแจ้ซ้อน",
            moo=3,
            **kwargs,
        )
        self.db.add(member)
        self.db.flush()
        return member

    def fund_cash(self, baht: int = 1_000_000, on: dt.date = dt.date(2024, 1, 2)) -> None:
        if self._cash:
            return
        for account in (AccountCode.CASH, AccountCode.BANK):
            post_entry(
                self.db,
                entry_date=on,
                description="เงินทุนตั้งต้น (ทดสอบ)",
                source="test.opening",
                lines=[
                    LineSpec(account, baht * 100),
                    LineSpec(AccountCode.OPENING_BALANCES, -baht * 100),
                ],
                recorded_by=self.maker,
                now=self.now,
            )
        self._cash = True

    def product(
        self,
        method: str = "zero",
        rate_bp: int = 0,
        *,
        name: str | None = None,
        max_baht: int = 50_000,
        max_term: int = 36,
        round_to: int = 100,
        grace: int = 0,
        late_fee: int = 0,
        late_days: int = 0,
    ):
        return create_product(
            self.db,
            name=name or f"เงินกู้ทดสอบ {key()[:8]}",
            purpose=LoanPurpose.LIVESTOCK,
            max_amount_satang=max_baht * 100,
            max_term_months=max_term,
            method=InterestMethod(method),
            annual_rate_bp=rate_bp,
            round_to_satang=round_to,
            grace_months=grace,
            late_policy=LatePolicy.FIXED_FEE if late_fee else LatePolicy.NONE,
            late_fee_satang=late_fee,
            late_fee_after_days=late_days,
            created_by=self.maker,
            now=self.now,
        )

    def application(
        self,
        product,
        amount_baht: int = 5000,
        term: int = 18,
        member=None,
        applied_on=dt.date(2025, 1, 5),
    ):
        return record_application(
            self.db,
            member=member or self.member(),
            product=product,
            amount_satang=amount_baht * 100,
            term_months=term,
            purpose="ซื้อลูกสุกร 5 ตัว",
            livelihood_plan="เลี้ยงสุกรขุน ขายได้ภายใน 5 เดือน",
            member_situation="อยู่กับลูกสาว มีรายได้จากการรับจ้างสาน",
            applied_on=applied_on,
            recorded_by=self.maker,
            now=self.now,
        )

    def approved(self, product, amount_baht=5000, term=18, member=None, **kw):
        app = self.application(product, amount_baht, term, member)
        return approve_application(
            self.db,
            application=app,
            decided_by=self.checker,
            meeting_no="1/2568",
            meeting_date=dt.date(2025, 1, 10),
            resolution="อนุมัติตามคำขอ",
            now=self.now,
            **kw,
        )

    def loan(
        self,
        method="zero",
        rate_bp=0,
        amount_baht=5000,
        term=18,
        *,
        start=dt.date(2025, 1, 15),
        member=None,
        channel=None,
        product=None,
        **product_kw,
    ):
        from fund.loans.models import PayChannel

        self.fund_cash()
        product = product or self.product(method, rate_bp, **product_kw)
        loan = self.approved(product, amount_baht, term, member)
        return disburse_loan(
            self.db,
            loan=loan,
            disbursed_on=start,
            channel=channel or PayChannel.CASH,
            recorded_by=self.maker,
            now=self.now,
            idempotency_key=key(),
        )


@pytest.fixture
def kit(db, users, now):
    """The builder; after the test, the ledger's and the loans' checks must all pass."""
    yield Kit(db, users, now)
    assert_books(db)


def assert_books(db) -> None:
    from fund.ledger.checks import checks as ledger_checks
    from fund.loans.checks import checks as loan_checks

    db.flush()
    problems = [
        (result.name, result.problems)
        for result in [*ledger_checks(db), *loan_checks(db)]
        if not result.ok
    ]
    assert not problems
