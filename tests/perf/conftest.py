"""Data for the query-count tests, built through the services so every page has real rows."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from fund.ledger.accounts import AccountCode
from fund.ledger.services import LineSpec, post_entry
from fund.loans.models import LatePolicy, LoanPurpose, PayChannel
from fund.loans.schedule import InterestMethod
from fund.loans.services import (
    approve_application,
    create_product,
    disburse_loan,
    record_application,
    record_repayment,
)
from fund.members.models import Member, MemberStatus
from fund.savings.models import SavingsKind
from fund.savings.services import record_deposit, set_agreed_amount
from repair_center.devices.models import Acquisition, DeviceType
from repair_center.devices.services import register_device
from repair_center.jobs.services import open_job

_numbers = itertools.count(1)


def _key() -> str:
    return uuid.uuid4().hex


def _months(first: dt.date, count: int) -> list[dt.date]:
    out, d = [], first
    for _ in range(count):
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


class Growth:
    """Grows one database step by step: more members, longer histories, more loans and jobs.

    ``focus`` is the member (and ``loan`` the loan) whose pages are measured; every ``grow``
    adds history to them too, so a page whose query count follows the data shows it.
    """

    def __init__(self, db, users, now) -> None:
        self.db, self.users, self.now = db, users, now
        self.maker, self.checker = users["committee"], users["committee2"]
        self.members: list[Member] = []
        self.month_no = 0
        self.loans = []
        post_entry(
            db,
            entry_date=dt.date(2015, 1, 2),
            description="เงินทุนตั้งต้น",
            source="test.opening",
            lines=[
                LineSpec(AccountCode.CASH, 10_000_000_00),
                LineSpec(AccountCode.BANK, 10_000_000_00),
                LineSpec(AccountCode.OPENING_BALANCES, -20_000_000_00),
            ],
            recorded_by=self.maker,
            now=now,
        )
        self.product = create_product(
            db,
            name=f"เงินกู้ประกอบอาชีพ {_key()[:6]}",
            purpose=LoanPurpose.LIVESTOCK,
            max_amount_satang=50_000_00,
            max_term_months=36,
            method=InterestMethod("flat"),
            annual_rate_bp=600,
            round_to_satang=100,
            grace_months=0,
            late_policy=LatePolicy.NONE,
            late_fee_satang=0,
            late_fee_after_days=0,
            created_by=self.maker,
            now=now,
        )
        self.types = list(db.scalars(select(DeviceType).order_by(DeviceType.code)))
        self.focus = self._member()
        self.loan = self._loan(self.focus, dt.date(2023, 1, 15))
        self.repaid = 0

    def _member(self) -> Member:
        n = next(_numbers)
        member = Member(
            member_no=f"P-{n:05d}",
            title="นาง",
            first_name=f"บัวผัน{n}",
            last_name="ใจดี",
            joined_on=dt.date(2015, 1, 1),
            created_at=self.now,
            moo=n % 8 + 1,
            village="บ้านแจ้ซ้อน",
            status=MemberStatus.ACTIVE,
        )
        self.db.add(member)
        self.db.flush()
        set_agreed_amount(
            self.db,
            member=member,
            amount_satang=100_00,
            changed_by=self.maker,
            now=self.now,
            today=dt.date(2015, 1, 1),
        )
        self.members.append(member)
        return member

    def _loan(self, member: Member, start: dt.date):
        application = record_application(
            self.db,
            member=member,
            product=self.product,
            amount_satang=20_000_00,
            term_months=36,
            purpose="ซื้อลูกสุกร",
            livelihood_plan="เลี้ยงสุกรขุนขาย",
            member_situation="อยู่กับลูกสาว",
            applied_on=start - dt.timedelta(days=10),
            recorded_by=self.maker,
            now=self.now,
        )
        loan = approve_application(
            self.db,
            application=application,
            decided_by=self.checker,
            meeting_no="1/2566",
            meeting_date=start - dt.timedelta(days=5),
            resolution="อนุมัติ",
            now=self.now,
        )
        loan = disburse_loan(
            self.db,
            loan=loan,
            disbursed_on=start,
            channel=PayChannel.CASH,
            recorded_by=self.maker,
            now=self.now,
            idempotency_key=_key(),
        )
        self.loans.append(loan)
        return loan

    def grow(self, *, members: int, months: int, repayments: int, jobs: int) -> None:
        """Add members (each with a loan and a repair job) and months of savings for everyone."""
        for _ in range(members):
            member = self._member()
            self._loan(member, dt.date(2024, 3, 15))
        for month in _months(dt.date(2015, 1, 1), self.month_no + months)[self.month_no :]:
            for member in self.members:
                record_deposit(
                    self.db,
                    member=member,
                    amount_satang=100_00,
                    txn_date=month.replace(day=5),
                    kind=SavingsKind.MONTHLY,
                    for_month=month,
                    recorded_by=self.maker,
                    now=self.now,
                )
        self.month_no += months
        for month in _months(dt.date(2023, 2, 1), self.repaid + repayments)[self.repaid :]:
            record_repayment(
                self.db,
                loan=self.loan,
                amount_satang=500_00,
                paid_on=month.replace(day=15),
                channel=PayChannel.CASH,
                recorded_by=self.maker,
                now=self.now,
                idempotency_key=_key(),
            )
        self.repaid += repayments
        for member in self.members[-jobs:] if jobs else []:
            device = register_device(
                self.db,
                device_type=self.types[len(self.members) % len(self.types)],
                acquisition=Acquisition.MEMBER_OWN,
                owner=member,
                recorded_by=self.users["repair"],
                now=self.now,
                make="Karma",
                serial_no=_key()[:10],
            )
            open_job(
                self.db,
                device=device,
                fault="ล้อหลังหลวม เบรกไม่อยู่",
                received_on=dt.date(2025, 11, 1),
                recorded_by=self.users["repair"],
                now=self.now,
            )
        self.db.commit()


@pytest.fixture
def growth(db, users, now) -> Growth:
    return Growth(db, users, now)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting(engine):
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)
