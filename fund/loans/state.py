"""A loan's position computed from its schedule rows and the allocations of live repayments.

Shared by the services (what is due, what to allocate) and the queries (arrears, the loan page),
so both agree on what "due" means:

- **due on a date** = everything overdue (due before that date) plus the instalment due on it or
  next after it (the current month's), with the late fees that would be charged on that date.
  Paying up to that much is a regular repayment.
- **payoff on a date** = what is due plus all principal of later instalments (their interest is
  not owed yet, so early payoff saves it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fund.loans.models import (
    Instalment,
    LatePolicy,
    Loan,
    Repayment,
    RepaymentAllocation,
)


@dataclass
class RowState:
    inst: Instalment
    paid_fee: int = 0
    paid_interest: int = 0
    paid_principal: int = 0

    @property
    def unpaid_fee(self) -> int:
        return self.inst.fee_satang - self.paid_fee

    @property
    def unpaid_interest(self) -> int:
        return self.inst.interest_satang - self.paid_interest

    @property
    def unpaid_principal(self) -> int:
        return self.inst.principal_satang - self.paid_principal

    @property
    def unpaid(self) -> int:
        return self.unpaid_fee + self.unpaid_interest + self.unpaid_principal

    @property
    def unpaid_scheduled(self) -> int:
        """Unpaid interest and principal (what makes an instalment late)."""
        return self.unpaid_interest + self.unpaid_principal

    @property
    def paid(self) -> int:
        return self.paid_fee + self.paid_interest + self.paid_principal


@dataclass
class LoanPosition:
    loan: Loan
    rows: list[RowState]
    #: principal repaid by live repayments (including prepaid principal outside instalments)
    principal_repaid: int
    interest_paid: int
    fees_paid: int
    extra: dict = field(default_factory=dict)

    @property
    def outstanding_principal(self) -> int:
        return self.loan.principal_satang - self.principal_repaid

    def fee_would_be_charged(self, row: RowState, on: dt.date) -> bool:
        loan = self.loan
        return (
            loan.late_policy is LatePolicy.FIXED_FEE
            and loan.late_fee_satang > 0
            and not loan.interest_frozen
            and row.inst.fee_satang == 0
            and row.unpaid_scheduled > 0
            and (on - row.inst.due_date).days > loan.late_fee_after_days
        )

    def covered_rows(self, on: dt.date) -> list[RowState]:
        """The rows a regular repayment on ``on`` may pay: the overdue ones and the current one."""
        covered = []
        for row in self.rows:
            covered.append(row)
            if row.inst.due_date >= on:
                break
        return covered

    def later_rows(self, on: dt.date) -> list[RowState]:
        n = len(self.covered_rows(on))
        return self.rows[n:]

    def due_on(self, on: dt.date) -> int:
        """What a regular repayment on ``on`` may pay (overdue + next instalment + late fees)."""
        return sum(
            row.unpaid + (self.loan.late_fee_satang if self.fee_would_be_charged(row, on) else 0)
            for row in self.covered_rows(on)
        )

    def overdue_on(self, on: dt.date) -> int:
        """Unpaid amounts of instalments due before ``on`` (with late fees due by then)."""
        return sum(
            row.unpaid + (self.loan.late_fee_satang if self.fee_would_be_charged(row, on) else 0)
            for row in self.rows
            if row.inst.due_date < on
        )

    def payoff_on(self, on: dt.date) -> int:
        return self.due_on(on) + sum(row.unpaid_principal for row in self.later_rows(on))

    def oldest_unpaid_due(self, on: dt.date) -> dt.date | None:
        for row in self.rows:
            if row.inst.due_date < on and row.unpaid > 0:
                return row.inst.due_date
        return None

    def days_overdue(self, on: dt.date) -> int:
        oldest = self.oldest_unpaid_due(on)
        return (on - oldest).days if oldest is not None else 0

    def next_unpaid(self) -> RowState | None:
        return next((row for row in self.rows if row.unpaid > 0), None)


def current_instalments(session: Session, loan: Loan) -> list[Instalment]:
    return list(
        session.scalars(
            select(Instalment)
            .where(Instalment.loan_id == loan.id, Instalment.superseded.is_(False))
            .order_by(Instalment.due_date, Instalment.no)
        )
    )


def loan_position(session: Session, loan: Loan) -> LoanPosition:
    """The loan's current schedule with what live repayments have paid on each row."""
    rows = [RowState(inst) for inst in current_instalments(session, loan)]
    by_id = {row.inst.id: row for row in rows}
    live = select(Repayment.id).where(Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None))
    allocations = session.execute(
        select(
            RepaymentAllocation.instalment_id,
            func.sum(RepaymentAllocation.fee_satang),
            func.sum(RepaymentAllocation.interest_satang),
            func.sum(RepaymentAllocation.principal_satang),
        )
        .where(RepaymentAllocation.repayment_id.in_(live))
        .group_by(RepaymentAllocation.instalment_id)
    ).all()
    principal = interest = fees = 0
    for instalment_id, fee, inter, princ in allocations:
        fee, inter, princ = int(fee or 0), int(inter or 0), int(princ or 0)
        principal += princ
        interest += inter
        fees += fee
        row = by_id.get(instalment_id) if instalment_id is not None else None
        if row is not None:
            row.paid_fee, row.paid_interest, row.paid_principal = fee, inter, princ
    return LoanPosition(
        loan=loan, rows=rows, principal_repaid=principal, interest_paid=interest, fees_paid=fees
    )


def loan_positions(session: Session, loans: Select) -> list[LoanPosition]:
    """``loan_position`` of every loan ``loans`` (a ``select(Loan)…``) selects, in three queries
    whatever the number of loans (lists and the meeting-day sheet; no query per loan)."""
    found = list(session.scalars(loans))
    if not found:
        return []
    ids = loans.with_only_columns(Loan.id).order_by(None).scalar_subquery()
    rows: dict[int, list[RowState]] = {loan.id: [] for loan in found}
    by_id: dict[int, RowState] = {}
    for inst in session.scalars(
        select(Instalment)
        .where(Instalment.loan_id.in_(ids), Instalment.superseded.is_(False))
        .order_by(Instalment.loan_id, Instalment.due_date, Instalment.no)
    ):
        row = RowState(inst)
        rows.setdefault(inst.loan_id, []).append(row)
        by_id[inst.id] = row
    totals: dict[int, list[int]] = {}
    for loan_id, instalment_id, fee, inter, princ in session.execute(
        select(
            Repayment.loan_id,
            RepaymentAllocation.instalment_id,
            func.sum(RepaymentAllocation.fee_satang),
            func.sum(RepaymentAllocation.interest_satang),
            func.sum(RepaymentAllocation.principal_satang),
        )
        .join(Repayment, Repayment.id == RepaymentAllocation.repayment_id)
        .where(Repayment.loan_id.in_(ids), Repayment.reversed_at.is_(None))
        .group_by(Repayment.loan_id, RepaymentAllocation.instalment_id)
    ):
        fee, inter, princ = int(fee or 0), int(inter or 0), int(princ or 0)
        total = totals.setdefault(loan_id, [0, 0, 0])
        total[0] += princ
        total[1] += inter
        total[2] += fee
        row = by_id.get(instalment_id) if instalment_id is not None else None
        if row is not None:
            row.paid_fee, row.paid_interest, row.paid_principal = fee, inter, princ
    return [
        LoanPosition(
            loan=loan,
            rows=rows[loan.id],
            principal_repaid=totals.get(loan.id, [0, 0, 0])[0],
            interest_paid=totals.get(loan.id, [0, 0, 0])[1],
            fees_paid=totals.get(loan.id, [0, 0, 0])[2],
        )
        for loan in found
    ]
