"""Reads for the loan screens: lists, the loan page and the meeting-day sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from fund.ledger.models import JournalEntry
from fund.loans.models import (
    ApplicationStatus,
    Instalment,
    Loan,
    LoanAgreement,
    LoanApplication,
    LoanNote,
    LoanProduct,
    LoanStatus,
    Repayment,
    Reschedule,
    WriteOff,
)
from fund.loans.state import LoanPosition, RowState, loan_position, loan_positions
from fund.members.models import Member, MemberStatus
from fund.savings.models import SavingsAccount, SavingsKind, SavingsTransaction


def list_products(session: Session, *, active_only: bool = False) -> list[LoanProduct]:
    stmt = select(LoanProduct).order_by(LoanProduct.is_active.desc(), LoanProduct.name)
    if active_only:
        stmt = stmt.where(LoanProduct.is_active.is_(True))
    return list(session.scalars(stmt))


def list_applications(
    session: Session, *, status: ApplicationStatus | None = None
) -> list[LoanApplication]:
    stmt = select(LoanApplication).order_by(
        LoanApplication.applied_on.desc(), LoanApplication.id.desc()
    )
    if status is not None:
        stmt = stmt.where(LoanApplication.status == status)
    return list(session.scalars(stmt))


def loan_for_application(session: Session, application_id: int) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.application_id == application_id))


@dataclass(frozen=True)
class LoanListRow:
    loan: Loan
    outstanding_satang: int
    next_due: dt.date | None
    next_due_satang: int
    days_overdue: int


def list_loans(
    session: Session, *, as_of: dt.date, status: LoanStatus | None = None
) -> list[LoanListRow]:
    stmt = select(Loan).order_by(Loan.loan_no.desc())
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    rows = []
    for position in loan_positions(session, stmt):
        loan = position.loan
        nxt = position.next_unpaid()
        rows.append(
            LoanListRow(
                loan=loan,
                outstanding_satang=(
                    position.outstanding_principal
                    if loan.status is LoanStatus.ACTIVE
                    else (loan.principal_satang if loan.status is LoanStatus.APPROVED else 0)
                ),
                next_due=nxt.inst.due_date if nxt and loan.status is LoanStatus.ACTIVE else None,
                next_due_satang=nxt.unpaid if nxt else 0,
                days_overdue=(
                    position.days_overdue(as_of) if loan.status is LoanStatus.ACTIVE else 0
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class LoanPage:
    loan: Loan
    member: Member
    application: LoanApplication
    agreement: LoanAgreement | None
    position: LoanPosition
    rows: list[RowState]
    #: schedule rows replaced by prepayments or reschedules (history)
    superseded: list[Instalment]
    repayments: list[Repayment]
    notes: list[LoanNote]
    reschedules: list[Reschedule]
    write_off: WriteOff | None
    as_of: dt.date
    due_today_satang: int
    payoff_today_satang: int
    overdue_satang: int
    days_overdue: int
    receipt_numbers: dict[int, str]


def loan_page(session: Session, loan: Loan, *, as_of: dt.date) -> LoanPage:
    from fund.ledger.models import Receipt

    position = loan_position(session, loan)
    repayments = list(
        session.scalars(
            select(Repayment)
            .where(Repayment.loan_id == loan.id)
            .order_by(Repayment.paid_on, Repayment.id)
        )
    )
    receipt_ids = [r.receipt_id for r in repayments if r.receipt_id is not None]
    receipts = (
        {
            rc.id: rc.receipt_no
            for rc in session.scalars(select(Receipt).where(Receipt.id.in_(receipt_ids)))
        }
        if receipt_ids
        else {}
    )
    active = loan.status is LoanStatus.ACTIVE
    return LoanPage(
        loan=loan,
        member=loan.member,
        application=loan.application,
        agreement=session.scalar(select(LoanAgreement).where(LoanAgreement.loan_id == loan.id)),
        position=position,
        rows=position.rows,
        superseded=list(
            session.scalars(
                select(Instalment)
                .where(Instalment.loan_id == loan.id, Instalment.superseded.is_(True))
                .order_by(Instalment.due_date, Instalment.no)
            )
        ),
        repayments=repayments,
        notes=list(
            session.scalars(
                select(LoanNote)
                .where(LoanNote.loan_id == loan.id)
                .order_by(LoanNote.noted_on.desc(), LoanNote.id.desc())
            )
        ),
        reschedules=list(
            session.scalars(
                select(Reschedule)
                .where(Reschedule.loan_id == loan.id)
                .order_by(Reschedule.effective_on)
            )
        ),
        write_off=session.scalar(select(WriteOff).where(WriteOff.loan_id == loan.id)),
        as_of=as_of,
        due_today_satang=position.due_on(as_of) if active else 0,
        payoff_today_satang=position.payoff_on(as_of) if active else 0,
        overdue_satang=position.overdue_on(as_of) if active else 0,
        days_overdue=position.days_overdue(as_of) if active else 0,
        receipt_numbers={r.id: receipts[r.receipt_id] for r in repayments if r.receipt_id},
    )


# --------------------------------------------------------------------------- meeting day


@dataclass(frozen=True)
class MeetingLoanLine:
    loan_id: int
    loan_no: str
    due_satang: int
    overdue_satang: int


@dataclass(frozen=True)
class MeetingLine:
    member_id: int
    member_no: str
    member_name: str
    moo: int | None
    village: str
    #: the agreed monthly saving when this month's is not yet recorded, else 0
    savings_due_satang: int
    savings_recorded: bool
    loans: list[MeetingLoanLine]


def _month_saved(session: Session, member_ids: list[int], month: dt.date) -> set[int]:
    """Members whose monthly saving for ``month`` is recorded and not reversed."""
    if not member_ids:
        return set()
    reversal = aliased(JournalEntry)
    rows = session.scalars(
        select(SavingsTransaction.member_id).where(
            SavingsTransaction.member_id.in_(member_ids),
            SavingsTransaction.kind == SavingsKind.MONTHLY,
            SavingsTransaction.for_month == month,
            ~exists().where(reversal.reverses_id == SavingsTransaction.journal_entry_id),
        )
    )
    return set(rows)


@dataclass(frozen=True)
class MeetingVillage:
    moo: int | None
    village: str
    members: int


def meeting_villages(session: Session) -> list[MeetingVillage]:
    """The villages (หมู่) of the active members, with how many members each: the sheet's
    filter, because a meeting is usually held village by village."""
    rows = session.execute(
        select(Member.moo, Member.village, func.count())
        .where(Member.status == MemberStatus.ACTIVE)
        .group_by(Member.moo, Member.village)
        .order_by(Member.moo, Member.village)
    )
    return [MeetingVillage(moo, village or "", int(n)) for moo, village, n in rows]


def _sheet_members(moo: int | None):
    stmt = select(Member).where(Member.status == MemberStatus.ACTIVE)
    if moo is not None:
        stmt = stmt.where(Member.moo == moo)
    return stmt


def count_meeting_members(session: Session, *, moo: int | None = None) -> int:
    return int(
        session.scalar(select(func.count()).select_from(_sheet_members(moo).subquery())) or 0
    )


def meeting_day_sheet(
    session: Session,
    *,
    on: dt.date,
    moo: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    member_ids: list[int] | None = None,
) -> list[MeetingLine]:
    """Active members (of one village, one page of them, or exactly ``member_ids``) with the
    month's saving and each loan's due repayment pre-filled. The work follows the members on
    the sheet, not the size of the fund."""
    stmt = _sheet_members(moo).order_by(Member.moo, Member.member_no, Member.id)
    if member_ids is not None:
        stmt = stmt.where(Member.id.in_(member_ids))
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    members = list(session.scalars(stmt))
    ids = [m.id for m in members]
    if not ids:
        return []
    agreed = dict(
        session.execute(
            select(SavingsAccount.member_id, SavingsAccount.agreed_monthly_satang).where(
                SavingsAccount.member_id.in_(ids)
            )
        ).all()
    )
    saved = _month_saved(session, ids, on.replace(day=1))
    loans_by_member: dict[int, list[MeetingLoanLine]] = {}
    for position in loan_positions(
        session,
        select(Loan)
        .where(Loan.status == LoanStatus.ACTIVE, Loan.member_id.in_(ids))
        .order_by(Loan.loan_no),
    ):
        loan = position.loan
        loans_by_member.setdefault(loan.member_id, []).append(
            MeetingLoanLine(
                loan_id=loan.id,
                loan_no=loan.loan_no,
                due_satang=position.due_on(on),
                overdue_satang=position.overdue_on(on),
            )
        )
    return [
        MeetingLine(
            member_id=m.id,
            member_no=m.member_no,
            member_name=m.full_name,
            moo=m.moo,
            village=m.village,
            savings_due_satang=0 if m.id in saved else int(agreed.get(m.id, 0)),
            savings_recorded=m.id in saved,
            loans=loans_by_member.get(m.id, []),
        )
        for m in members
    ]


def pending_application_count(session: Session) -> int:
    return len(list_applications(session, status=ApplicationStatus.PENDING))
