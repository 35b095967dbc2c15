"""Loan use cases: products, application → approval → disbursement, repayments, hardship, notes.

Rules enforced here:

- Maker-checker: the committee member who recorded an application never approves or rejects it
  (also a CHECK constraint). Only committee members decide, with the meeting and resolution.
- One open loan per member, unless the deciding committee member records an override.
- The amount and term stay within the product's limits; the member must be active.
- Disbursement posts debit 1100 (loan + member) / credit cash or bank and fixes the schedule.
- Repayments are split fee → interest → principal, oldest instalment first. Interest and fees
  are income when paid (cash basis), so only money that comes in is ever booked. More than is
  due is refused unless recorded as a prepayment ("shorten the term" or "lower the
  instalments"), which recomputes the rest of the schedule; up to the payoff amount at most.
- A repayment dated before others (backdated), or the reversal of one, re-applies every later
  repayment in date order. The reversed repayment's receipt is voided (its entry reversed, and
  the adjusting entries of its own earlier re-splits with it); a later repayment whose split
  changes keeps its entry and receipt (the money taken in is the same) and gets an adjusting
  entry for the difference ("loan.repayment.resplit").
  History before a committee reschedule or write-off is fixed: it can't be changed that way.
- Reschedule and write-off need a committee resolution; a write-off posts debit 5040 / credit
  1100 for the principal left; a reschedule moves no money (interest is booked when paid).
- Every money action carries a one-time key: the same key never acts twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fund import txn_cache
from fund.append import all_or_nothing
from fund.audit.services import record_audit
from fund.errors import Conflict, DomainError, InvalidInput, NotAllowed
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry
from fund.ledger.services import LineSpec, fiscal_start_month, post_entry, reverse_entry
from fund.loans.models import (
    ApplicationStatus,
    Instalment,
    LatePolicy,
    Loan,
    LoanAgreement,
    LoanApplication,
    LoanNote,
    LoanProduct,
    LoanPurpose,
    LoanStatus,
    NoteKind,
    PayChannel,
    PrepaymentMode,
    Repayment,
    RepaymentAllocation,
    RepaymentKind,
    Reschedule,
    WriteOff,
    rate_percent,
)
from fund.loans.schedule import (
    InterestMethod,
    ScheduledInstalment,
    ScheduleTerms,
    build_schedule,
    build_schedule_with_instalment,
    validate_terms,
)
from fund.loans.state import LoanPosition, loan_position
from fund.members.models import Member
from fund.money import format_baht
from fund.sequences import next_value
from fund.thaidate import fiscal_year, format_be_date
from fund.users.models import Role, User

P = ParamSpec("P")
T = TypeVar("T")
BANGKOK = ZoneInfo("Asia/Bangkok")
_MAX_TEXT = 4000


def _atomic(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a multi-step service in a savepoint: a refusal half-way leaves nothing behind."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        session = args[0]
        assert isinstance(session, Session)
        with session.begin_nested():
            return fn(*args, **kwargs)

    return wrapper


def _lock_loan(session: Session, loan: Loan) -> None:
    """Serialise changes to one loan until commit (PostgreSQL row lock; SQLite's write lock
    already serialises writers), so two clerks can't split against the same schedule."""
    session.execute(select(Loan.id).where(Loan.id == loan.id).with_for_update())
    session.refresh(loan)


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(BANGKOK).date()


def _text(value: str, *, field: str, name_th: str, name_en: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"กรุณากรอก{name_th}", f"Please enter the {name_en}.", field=field)
    if len(value) > _MAX_TEXT:
        raise InvalidInput(
            f"{name_th}ยาวเกินไป (ไม่เกิน {_MAX_TEXT} ตัวอักษร)",
            f"The {name_en} is too long ({_MAX_TEXT} characters at most).",
            field=field,
        )
    return value


def _not_future(on: dt.date, now: dt.datetime, field: str) -> None:
    if on > _today(now):
        raise InvalidInput("วันที่ต้องไม่อยู่ในอนาคต", "The date can't be in the future.", field=field)


def _committee(user: User, action_th: str, action_en: str) -> None:
    if user.role is not Role.COMMITTEE or not user.is_active:
        raise NotAllowed(
            f"เฉพาะกรรมการกองทุนเท่านั้นที่{action_th}ได้",
            f"Only a fund committee member can {action_en}.",
        )


def _key(key: str | None) -> str:
    if not key or len(key) > 64:
        raise InvalidInput(
            "รหัสแบบฟอร์มไม่ถูกต้อง กรุณาเปิดแบบฟอร์มใหม่แล้วลองอีกครั้ง",
            "Invalid one-time form key. Open the form again and retry.",
        )
    return key


def _resolution(
    meeting_no: str, meeting_date: dt.date | None, resolution: str, now: dt.datetime
) -> tuple[str, dt.date, str]:
    meeting_no = _text(
        meeting_no, field="meeting_no", name_th="ครั้งที่ประชุม", name_en="meeting number"
    )
    if len(meeting_no) > 32:
        raise InvalidInput(
            "ครั้งที่ประชุมยาวเกินไป เช่น 3/2569",
            "The meeting number is too long, e.g. 3/2569.",
            field="meeting_no",
        )
    if meeting_date is None:
        raise InvalidInput(
            "กรุณากรอกวันที่ประชุม", "Please enter the meeting date.", field="meeting_date"
        )
    _not_future(meeting_date, now, "meeting_date")
    resolution = _text(resolution, field="resolution", name_th="มติที่ประชุม", name_en="resolution")
    return meeting_no, meeting_date, resolution


# --------------------------------------------------------------------------- products


def create_product(
    session: Session,
    *,
    name: str,
    purpose: LoanPurpose,
    max_amount_satang: int,
    max_term_months: int,
    method: InterestMethod,
    annual_rate_bp: int,
    round_to_satang: int,
    grace_months: int,
    late_policy: LatePolicy,
    late_fee_satang: int,
    late_fee_after_days: int,
    created_by: User,
    now: dt.datetime,
) -> LoanProduct:
    """Add a loan product. Only committee members set products; the terms must make a schedule."""
    _committee(created_by, "กำหนดประเภทเงินกู้", "set loan products")
    name = _text(name, field="name", name_th="ชื่อประเภทเงินกู้", name_en="product name")
    if len(name) > 200:
        raise InvalidInput("ชื่อยาวเกินไป", "The name is too long.", field="name")
    if session.scalar(select(LoanProduct.id).where(LoanProduct.name == name)) is not None:
        raise Conflict(
            f"มีประเภทเงินกู้ชื่อ {name} อยู่แล้ว",
            f"A loan product named {name} exists.",
            field="name",
        )
    if max_amount_satang <= 0:
        raise InvalidInput(
            "วงเงินสูงสุดต้องมากกว่าศูนย์",
            "The maximum amount must be above zero.",
            field="max_amount",
        )
    validate_terms(
        ScheduleTerms(
            principal_satang=max_amount_satang,
            annual_rate_percent=rate_percent(annual_rate_bp),
            term_months=max_term_months,
            method=method,
            round_to_satang=round_to_satang,
            grace_months=grace_months,
        )
    )
    if late_policy is LatePolicy.NONE:
        late_fee_satang, late_fee_after_days = 0, 0
    elif late_fee_satang <= 0 or late_fee_after_days < 0:
        raise InvalidInput(
            "ค่าปรับล่าช้าต้องมากกว่าศูนย์ และจำนวนวันต้องไม่ติดลบ",
            "The late fee must be above zero and the days not negative.",
            field="late_fee",
        )
    product = LoanProduct(
        name=name,
        purpose=purpose,
        max_amount_satang=max_amount_satang,
        max_term_months=max_term_months,
        method=method,
        annual_rate_bp=annual_rate_bp,
        round_to_satang=round_to_satang,
        grace_months=grace_months,
        late_policy=late_policy,
        late_fee_satang=late_fee_satang,
        late_fee_after_days=late_fee_after_days,
        is_active=True,
        created_by_id=created_by.id,
        created_at=now,
    )
    session.add(product)
    session.flush()
    record_audit(
        session,
        actor=created_by,
        action="loan_product.create",
        entity="loan_product",
        entity_id=product.id,
        details={"name": name, "method": method.value, "rate_bp": annual_rate_bp},
        at=now,
    )
    return product


def set_product_active(
    session: Session, *, product: LoanProduct, active: bool, changed_by: User, now: dt.datetime
) -> LoanProduct:
    """Offer a product again or stop offering it (existing loans keep their terms)."""
    _committee(changed_by, "เปลี่ยนประเภทเงินกู้", "change loan products")
    product.is_active = active
    session.flush()
    record_audit(
        session,
        actor=changed_by,
        action="loan_product.activate" if active else "loan_product.retire",
        entity="loan_product",
        entity_id=product.id,
        details={"name": product.name},
        at=now,
    )
    return product


def product_schedule(
    product: LoanProduct, *, amount_satang: int, term_months: int, start: dt.date
) -> list[ScheduledInstalment]:
    """The schedule a loan of this product would have (shown before approval)."""
    return build_schedule(
        ScheduleTerms(
            principal_satang=amount_satang,
            annual_rate_percent=product.rate_percent,
            term_months=term_months,
            method=product.method,
            round_to_satang=product.round_to_satang,
            grace_months=min(product.grace_months, term_months - 1),
        ),
        start,
    )


# --------------------------------------------------------------------------- applications


def _open_loans(session: Session, member_id: int) -> list[Loan]:
    return list(
        session.scalars(
            select(Loan).where(
                Loan.member_id == member_id,
                Loan.status.in_([LoanStatus.APPROVED, LoanStatus.ACTIVE]),
            )
        )
    )


def _check_limits(product: LoanProduct, amount_satang: int, term_months: int) -> None:
    if amount_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินกู้ต้องมากกว่าศูนย์", "The loan amount must be above zero.", field="amount"
        )
    if amount_satang > product.max_amount_satang:
        limit = format_baht(product.max_amount_satang)
        raise InvalidInput(
            f"จำนวนเงินกู้เกินวงเงินของประเภทนี้ (ไม่เกิน {limit})",
            f"The amount is above this product's limit ({limit}).",
            field="amount",
        )
    if not 1 <= term_months <= product.max_term_months:
        raise InvalidInput(
            f"จำนวนงวดต้องอยู่ระหว่าง 1 ถึง {product.max_term_months} เดือน",
            f"The term must be between 1 and {product.max_term_months} months.",
            field="term",
        )
    if product.grace_months >= term_months:
        raise InvalidInput(
            f"ประเภทนี้ปลอดชำระเงินต้น {product.grace_months} เดือน จำนวนงวดต้องมากกว่านั้น",
            f"This product has {product.grace_months} grace months; the term must be longer.",
            field="term",
        )


def record_application(
    session: Session,
    *,
    member: Member,
    product: LoanProduct,
    amount_satang: int,
    term_months: int,
    purpose: str,
    livelihood_plan: str,
    member_situation: str,
    applied_on: dt.date,
    recorded_by: User,
    now: dt.datetime,
) -> LoanApplication:
    """Record a member's loan application (no guarantor: the plan and situation are recorded)."""
    _committee(recorded_by, "บันทึกคำขอกู้", "record loan applications")
    if not member.is_active:
        raise Conflict(
            "สมาชิกท่านนี้ไม่ได้อยู่ในสถานะปกติ จึงยื่นขอกู้ไม่ได้",
            "This member is not active and can't apply for a loan.",
            field="member",
        )
    if not product.is_active:
        raise Conflict(
            "ประเภทเงินกู้นี้เลิกใช้แล้ว กรุณาเลือกประเภทอื่น",
            "This loan product is no longer offered; choose another.",
            field="product",
        )
    _check_limits(product, amount_satang, term_months)
    _not_future(applied_on, now, "applied_on")
    application = LoanApplication(
        member_id=member.id,
        product_id=product.id,
        amount_satang=amount_satang,
        term_months=term_months,
        purpose=_text(purpose, field="purpose", name_th="วัตถุประสงค์", name_en="purpose"),
        livelihood_plan=_text(
            livelihood_plan,
            field="livelihood_plan",
            name_th="แผนการประกอบอาชีพ",
            name_en="livelihood plan",
        ),
        member_situation=_text(
            member_situation,
            field="member_situation",
            name_th="สภาพของสมาชิก",
            name_en="member's situation",
            required=False,
        ),
        applied_on=applied_on,
        status=ApplicationStatus.PENDING,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
    )
    session.add(application)
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="loan_application.record",
        entity="loan_application",
        entity_id=application.id,
        details={"member_no": member.member_no, "amount_satang": amount_satang},
        at=now,
    )
    return application


def _decide_checks(application: LoanApplication, decided_by: User) -> None:
    _committee(decided_by, "อนุมัติหรือไม่อนุมัติคำขอกู้", "decide loan applications")
    if application.status is not ApplicationStatus.PENDING:
        raise Conflict("คำขอกู้นี้ได้รับการพิจารณาไปแล้ว", "This application has already been decided.")
    if application.recorded_by_id == decided_by.id:
        raise NotAllowed(
            "ผู้บันทึกคำขอกู้พิจารณาคำขอของตนเองไม่ได้ ต้องให้กรรมการอีกท่านหนึ่งเป็นผู้พิจารณา",
            "The committee member who recorded the application can't decide it; another "
            "committee member must.",
        )


@_atomic
def approve_application(
    session: Session,
    *,
    application: LoanApplication,
    decided_by: User,
    meeting_no: str,
    meeting_date: dt.date | None,
    resolution: str,
    now: dt.datetime,
    approved_amount_satang: int | None = None,
    approved_term_months: int | None = None,
    override_open_loan: bool = False,
) -> Loan:
    """Approve an application (maker-checker) and make the loan and its agreement."""
    _decide_checks(application, decided_by)
    meeting_no, meeting_date, resolution = _resolution(meeting_no, meeting_date, resolution, now)
    if meeting_date < application.applied_on:
        raise InvalidInput(
            "วันที่ประชุมต้องไม่ก่อนวันที่ยื่นคำขอ",
            "The meeting can't be before the application date.",
            field="meeting_date",
        )
    member = session.get(Member, application.member_id)
    assert member is not None
    if not member.is_active:
        raise Conflict(
            "สมาชิกท่านนี้ไม่ได้อยู่ในสถานะปกติ จึงอนุมัติเงินกู้ไม่ได้",
            "This member is not active; the loan can't be approved.",
        )
    product = application.product
    amount = approved_amount_satang or application.amount_satang
    term = approved_term_months or application.term_months
    _check_limits(product, amount, term)
    if _open_loans(session, member.id) and not override_open_loan:
        raise Conflict(
            "สมาชิกมีเงินกู้ที่ยังไม่ปิดอยู่แล้ว (กู้ได้ครั้งละหนึ่งสัญญา) หากที่ประชุมมีมติให้กู้เพิ่ม "
            "ให้เลือก \u201cที่ประชุมอนุญาตให้มีสัญญาที่สอง\u201d",
            "The member already has an open loan (one at a time). If the committee resolved "
            "to allow another, tick \u201ccommittee allows a second loan\u201d.",
            field="override_open_loan",
        )
    fy = fiscal_year(meeting_date, fiscal_start_month(session))
    loan_no = f"L-{fy}-{next_value(session, f'loan_no:{fy}'):04d}"
    loan = Loan(
        loan_no=loan_no,
        application_id=application.id,
        member_id=member.id,
        product_id=product.id,
        principal_satang=amount,
        term_months=term,
        method=product.method,
        annual_rate_bp=product.annual_rate_bp,
        round_to_satang=product.round_to_satang,
        grace_months=product.grace_months,
        late_policy=product.late_policy,
        late_fee_satang=product.late_fee_satang,
        late_fee_after_days=product.late_fee_after_days,
        purpose=application.purpose,
        status=LoanStatus.APPROVED,
        approved_on=meeting_date,
        interest_frozen=False,
        created_at=now,
    )
    session.add(loan)
    application.status = ApplicationStatus.APPROVED
    application.decided_by_id = decided_by.id
    application.decided_at = now
    application.meeting_no = meeting_no
    application.meeting_date = meeting_date
    application.resolution = resolution
    application.open_loan_override = override_open_loan
    session.flush()
    session.add(
        LoanAgreement(
            loan_id=loan.id,
            agreement_no=loan_no,
            member_name=member.full_name,
            principal_satang=amount,
            term_months=term,
            method=loan.method,
            annual_rate_bp=loan.annual_rate_bp,
            round_to_satang=loan.round_to_satang,
            grace_months=loan.grace_months,
            late_policy=loan.late_policy,
            late_fee_satang=loan.late_fee_satang,
            late_fee_after_days=loan.late_fee_after_days,
            purpose=loan.purpose,
            meeting_no=meeting_no,
            meeting_date=meeting_date,
            resolution=resolution,
            approved_by_id=decided_by.id,
            made_at=now,
        )
    )
    session.flush()
    record_audit(
        session,
        actor=decided_by,
        action="loan_application.approve",
        entity="loan_application",
        entity_id=application.id,
        details={
            "loan_no": loan_no,
            "amount_satang": amount,
            "term_months": term,
            "meeting_no": meeting_no,
            "override_open_loan": override_open_loan,
        },
        at=now,
    )
    return loan


def reject_application(
    session: Session,
    *,
    application: LoanApplication,
    decided_by: User,
    meeting_no: str,
    meeting_date: dt.date | None,
    resolution: str,
    now: dt.datetime,
) -> LoanApplication:
    """Reject an application (maker-checker); the resolution says why."""
    _decide_checks(application, decided_by)
    meeting_no, meeting_date, resolution = _resolution(meeting_no, meeting_date, resolution, now)
    application.status = ApplicationStatus.REJECTED
    application.decided_by_id = decided_by.id
    application.decided_at = now
    application.meeting_no = meeting_no
    application.meeting_date = meeting_date
    application.resolution = resolution
    session.flush()
    record_audit(
        session,
        actor=decided_by,
        action="loan_application.reject",
        entity="loan_application",
        entity_id=application.id,
        details={"meeting_no": meeting_no},
        at=now,
    )
    return application


# --------------------------------------------------------------------------- disbursement


def _money_account(channel: PayChannel) -> AccountCode:
    return AccountCode.CASH if channel is PayChannel.CASH else AccountCode.BANK


def _add_rows(
    session: Session,
    loan: Loan,
    rows: list[ScheduledInstalment],
    *,
    created_by_repayment_id: int | None = None,
    reschedule_id: int | None = None,
) -> list[Instalment]:
    made = []
    for row in rows:
        inst = Instalment(
            loan_id=loan.id,
            no=row.no,
            due_date=row.due_date,
            principal_satang=row.principal_satang,
            interest_satang=row.interest_satang,
            fee_satang=0,
            superseded=False,
            created_by_repayment_id=created_by_repayment_id,
            reschedule_id=reschedule_id,
        )
        session.add(inst)
        made.append(inst)
    session.flush()
    return made


@_atomic
def disburse_loan(
    session: Session,
    *,
    loan: Loan,
    disbursed_on: dt.date,
    channel: PayChannel,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str,
) -> Loan:
    """Hand the money over: post debit 1100 / credit cash or bank, and fix the schedule."""
    key = _key(idempotency_key)
    if loan.disbursement_key == key:
        return loan
    _committee(recorded_by, "จ่ายเงินกู้", "disburse loans")
    _lock_loan(session, loan)
    if loan.status is not LoanStatus.APPROVED:
        raise Conflict(
            "จ่ายเงินกู้สัญญานี้ไปแล้ว หรือสัญญาปิดแล้ว",
            "This loan has already been disbursed or is closed.",
        )
    if disbursed_on < loan.approved_on:
        raise InvalidInput(
            f"วันที่จ่ายเงินต้องไม่ก่อนวันอนุมัติ ({format_be_date(loan.approved_on, 'long')})",
            f"The disbursement can't be before the approval ({loan.approved_on.isoformat()}).",
            field="disbursed_on",
        )
    _not_future(disbursed_on, now, "disbursed_on")
    member = session.get(Member, loan.member_id)
    assert member is not None
    entry = post_entry(
        session,
        entry_date=disbursed_on,
        description=f"จ่ายเงินกู้สัญญาเลขที่ {loan.loan_no} ให้ {member.full_name}",
        source="loan.disburse",
        source_id=loan.id,
        lines=[
            LineSpec(
                AccountCode.LOANS_RECEIVABLE,
                loan.principal_satang,
                member_id=member.id,
                loan_id=loan.id,
            ),
            LineSpec(_money_account(channel), -loan.principal_satang),
        ],
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"loan-disburse:{loan.id}",
    )
    loan.status = LoanStatus.ACTIVE
    loan.disbursed_on = disbursed_on
    loan.disbursement_channel = channel
    loan.disbursement_entry_id = entry.id
    loan.disbursement_key = key
    loan.disbursed_by_id = recorded_by.id
    _add_rows(session, loan, build_schedule(loan.terms(), disbursed_on))
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="loan.disburse",
        entity="loan",
        entity_id=loan.id,
        details={
            "loan_no": loan.loan_no,
            "amount_satang": loan.principal_satang,
            "channel": channel.value,
        },
        at=now,
    )
    return loan


# --------------------------------------------------------------------------- repayments


def _later_barrier(session: Session, loan: Loan) -> dt.date | None:
    """The date of the latest reschedule or write-off: history up to it is fixed."""
    dates = [
        d
        for d in (
            session.scalar(
                select(Reschedule.effective_on)
                .where(Reschedule.loan_id == loan.id)
                .order_by(Reschedule.effective_on.desc())
                .limit(1)
            ),
            session.scalar(select(WriteOff.written_off_on).where(WriteOff.loan_id == loan.id)),
        )
        if d is not None
    ]
    return max(dates) if dates else None


def _live_repayments(session: Session, loan: Loan) -> list[Repayment]:
    return list(
        session.scalars(
            select(Repayment)
            .where(Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None))
            .order_by(Repayment.paid_on, Repayment.id)
        )
    )


def _undo(session: Session, repayment: Repayment) -> None:
    """Take a repayment's effects off the schedule (not off the ledger)."""
    session.execute(
        delete(RepaymentAllocation).where(RepaymentAllocation.repayment_id == repayment.id)
    )
    session.execute(
        update(Instalment)
        .where(Instalment.fee_charged_by_id == repayment.id)
        .values(fee_satang=0, fee_charged_by_id=None)
    )
    session.execute(delete(Instalment).where(Instalment.created_by_repayment_id == repayment.id))
    session.execute(
        update(Instalment)
        .where(Instalment.superseded_by_repayment_id == repayment.id)
        .values(superseded=False, superseded_by_repayment_id=None)
    )
    session.flush()
    session.expire_all()


def _allocate(session: Session, loan: Loan, repayment: Repayment, *, strict: bool = False) -> None:
    """Split ``repayment`` over the schedule (fees on late rows first charged), no ledger.

    Raises when the amount is more than may be paid on that date; with ``strict`` (a new
    repayment, not a re-application) also when a prepayment is not more than is due.
    """
    position = loan_position(session, loan)
    on = repayment.paid_on
    for row in position.covered_rows(on):
        if position.fee_would_be_charged(row, on):
            row.inst.fee_satang = loan.late_fee_satang
            row.inst.fee_charged_by_id = repayment.id
    session.flush()
    due = position.due_on(on)
    payoff = position.payoff_on(on)
    amount = repayment.amount_satang
    if amount > payoff:
        raise Conflict(
            f"ยอดชำระมากกว่ายอดปิดบัญชี ({format_baht(payoff)}) ณ วันที่ "
            f"{format_be_date(on, 'long')} รับเกินกว่านี้ไม่ได้",
            f"The amount is more than the payoff amount ({format_baht(payoff)}) on "
            f"{on.isoformat()}; more can't be taken.",
            field="amount",
        )
    if amount > due and repayment.kind is not RepaymentKind.PREPAYMENT:
        raise Conflict(
            f"ยอดชำระมากกว่ายอดที่ถึงกำหนด ({format_baht(due)}) หากสมาชิกต้องการชำระล่วงหน้า "
            "ให้บันทึกเป็นการชำระล่วงหน้า และเลือกว่าจะลดจำนวนงวดหรือลดค่างวด",
            f"The amount is more than is due ({format_baht(due)}). To pay ahead, record a "
            "prepayment and choose to shorten the term or lower the instalments.",
            field="amount",
        )
    if strict and repayment.kind is RepaymentKind.PREPAYMENT and amount <= due:
        raise InvalidInput(
            f"ยอดนี้ไม่เกินยอดที่ถึงกำหนด ({format_baht(due)}) ให้บันทึกเป็นการชำระปกติ",
            f"This amount is not more than is due ({format_baht(due)}); record it as a regular "
            "repayment.",
            field="amount",
        )
    remaining = amount
    fee = interest = principal = 0
    for row in position.covered_rows(on):
        if remaining == 0:
            break
        parts = []
        for unpaid in (row.unpaid_fee, row.unpaid_interest, row.unpaid_principal):
            take = min(unpaid, remaining)
            parts.append(take)
            remaining -= take
        if any(parts):
            session.add(
                RepaymentAllocation(
                    repayment_id=repayment.id,
                    instalment_id=row.inst.id,
                    fee_satang=parts[0],
                    interest_satang=parts[1],
                    principal_satang=parts[2],
                )
            )
            fee += parts[0]
            interest += parts[1]
            principal += parts[2]
    if remaining > 0:
        # Only a prepayment gets here: the rest goes straight to principal.
        session.add(
            RepaymentAllocation(
                repayment_id=repayment.id, instalment_id=None, principal_satang=remaining
            )
        )
        principal += remaining
        _recompute_after_prepayment(session, loan, position, repayment, remaining)
    repayment.fee_satang, repayment.interest_satang = fee, interest
    repayment.principal_satang = principal
    session.flush()
    if loan_position(session, loan).outstanding_principal == 0:
        loan.status = LoanStatus.REPAID
        loan.closed_on = on
    session.flush()


def _recompute_after_prepayment(
    session: Session,
    loan: Loan,
    position: LoanPosition,
    repayment: Repayment,
    extra_principal: int,
) -> None:
    on = repayment.paid_on
    covered = position.covered_rows(on)
    later = position.later_rows(on)
    outstanding = sum(row.unpaid_principal for row in later) - extra_principal
    for row in later:
        row.inst.superseded = True
        row.inst.superseded_by_repayment_id = repayment.id
    session.flush()
    if outstanding <= 0:
        return
    last = covered[-1].inst
    rate = loan.rate_percent
    method = InterestMethod.ZERO if rate == 0 else loan.method
    if repayment.prepayment_mode is PrepaymentMode.LOWER_INSTALMENTS:
        rows = build_schedule(
            ScheduleTerms(
                principal_satang=outstanding,
                annual_rate_percent=rate,
                term_months=len(later),
                method=method,
                round_to_satang=loan.round_to_satang,
            ),
            last.due_date,
            first_no=last.no + 1,
        )
    else:
        first = later[0].inst
        level = (
            first.principal_satang
            if method is InterestMethod.EQUAL_PRINCIPAL
            else first.principal_satang + first.interest_satang
        )
        rows = build_schedule_with_instalment(
            principal_satang=outstanding,
            annual_rate_percent=rate,
            method=method,
            instalment_satang=level,
            start=last.due_date,
            first_no=last.no + 1,
        )
    _add_rows(session, loan, rows, created_by_repayment_id=repayment.id)


def _post_repayment(
    session: Session, loan: Loan, repayment: Repayment, recorded_by: User, now: dt.datetime
) -> JournalEntry:
    member = session.get(Member, loan.member_id)
    assert member is not None
    lines = [LineSpec(_money_account(repayment.channel), repayment.amount_satang)]
    if repayment.fee_satang:
        lines.append(LineSpec(AccountCode.FEE_INCOME, -repayment.fee_satang, memo="ค่าปรับ"))
    if repayment.interest_satang:
        lines.append(LineSpec(AccountCode.INTEREST_INCOME, -repayment.interest_satang))
    if repayment.principal_satang:
        lines.append(
            LineSpec(
                AccountCode.LOANS_RECEIVABLE,
                -repayment.principal_satang,
                member_id=member.id,
                loan_id=loan.id,
            )
        )
    return post_entry(
        session,
        entry_date=repayment.paid_on,
        description=f"รับชำระเงินกู้สัญญาเลขที่ {loan.loan_no} จาก {member.full_name}",
        source="loan.repayment",
        source_id=repayment.id,
        lines=lines,
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"loan-rp:{repayment.id}",
    )


def _rewind(
    session: Session, loan: Loan, after: list[Repayment]
) -> dict[int, tuple[int, int, int]]:
    """Undo ``after`` (latest first); return each one's split before, to compare later."""
    before = {r.id: (r.fee_satang, r.interest_satang, r.principal_satang) for r in after}
    for repayment in reversed(after):
        _undo(session, repayment)
    if loan.status is LoanStatus.REPAID:
        loan.status = LoanStatus.ACTIVE
        loan.closed_on = None
    session.flush()
    return before


def _replay(
    session: Session,
    loan: Loan,
    after: list[Repayment],
    before: dict[int, tuple[int, int, int]],
    *,
    recorded_by: User,
    now: dt.datetime,
    why: str,
) -> None:
    """Re-apply ``after`` in date order; post the change of split of those whose split changed.

    The money taken in does not change, so the repayment's own entry (which its receipt
    points to) stays; an adjusting entry dated on the payment day moves the difference between
    fee income, interest income and the loan.
    """
    member = session.get(Member, loan.member_id)
    assert member is not None
    for repayment in after:
        _allocate(session, loan, repayment)
        old_fee, old_interest, old_principal = before[repayment.id]
        deltas = (
            (AccountCode.FEE_INCOME, repayment.fee_satang - old_fee, {}),
            (AccountCode.INTEREST_INCOME, repayment.interest_satang - old_interest, {}),
            (
                AccountCode.LOANS_RECEIVABLE,
                repayment.principal_satang - old_principal,
                {"member_id": member.id, "loan_id": loan.id},
            ),
        )
        lines = [LineSpec(code, -delta, **keys) for code, delta, keys in deltas if delta]
        if not lines:
            continue
        repayment.reapplied_count += 1
        post_entry(
            session,
            entry_date=repayment.paid_on,
            description=(f"แบ่งยอดรับชำระเงินกู้สัญญาเลขที่ {loan.loan_no} ใหม่ ({why})")[:500],
            source="loan.repayment.resplit",
            source_id=repayment.id,
            lines=lines,
            recorded_by=recorded_by,
            now=now,
            idempotency_key=f"loan-rp-adj:{repayment.id}:{repayment.reapplied_count}",
        )
        session.flush()


def _issue_receipt(
    session: Session,
    loan: Loan,
    repayment: Repayment,
    entry: JournalEntry,
    user: User,
    now: dt.datetime,
) -> None:
    from fund.ledger.receipts import issue_receipt

    member = session.get(Member, loan.member_id)
    receipt = issue_receipt(
        session,
        journal_entry=entry,
        amount_satang=repayment.amount_satang,
        purpose=f"ชำระเงินกู้สัญญาเลขที่ {loan.loan_no}",
        recorded_by=user,
        now=now,
        payer=member,
    )
    repayment.receipt_id = receipt.id


@_atomic
def record_repayment(
    session: Session,
    *,
    loan: Loan,
    amount_satang: int,
    paid_on: dt.date,
    channel: PayChannel,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str,
    prepayment_mode: PrepaymentMode | None = None,
    memo: str = "",
    issue_receipt: bool = True,
) -> Repayment:
    """Take a repayment: split it, post it, give a receipt; re-apply later ones if backdated.

    ``prepayment_mode`` marks a prepayment (more than is due); without it, more than is due is
    refused. The same ``idempotency_key`` returns the first repayment instead of a second one.
    """
    key = _key(idempotency_key)
    existing = session.scalar(select(Repayment).where(Repayment.idempotency_key == key))
    if existing is not None:
        return existing
    _committee(recorded_by, "รับชำระเงินกู้", "take loan repayments")
    _lock_loan(session, loan)
    if loan.status is not LoanStatus.ACTIVE:
        raise Conflict(
            "สัญญานี้ไม่ได้อยู่ระหว่างผ่อนชำระ (ยังไม่จ่ายเงินกู้ ชำระครบแล้ว หรือตัดหนี้สูญแล้ว)",
            "This loan is not being repaid (not disbursed, repaid or written off).",
        )
    if amount_satang <= 0:
        raise InvalidInput("จำนวนเงินต้องมากกว่าศูนย์", "The amount must be above zero.", field="amount")
    assert loan.disbursed_on is not None
    if paid_on < loan.disbursed_on:
        raise InvalidInput(
            f"วันที่ชำระต้องไม่ก่อนวันจ่ายเงินกู้ ({format_be_date(loan.disbursed_on, 'long')})",
            f"The payment can't be before the disbursement ({loan.disbursed_on.isoformat()}).",
            field="paid_on",
        )
    _not_future(paid_on, now, "paid_on")
    barrier = _later_barrier(session, loan)
    if barrier is not None and paid_on < barrier:
        raise Conflict(
            f"ที่ประชุมปรับโครงสร้างหนี้ไว้เมื่อ {format_be_date(barrier, 'long')} "
            "บันทึกการชำระย้อนหลังก่อนวันนั้นไม่ได้",
            f"The loan was rescheduled on {barrier.isoformat()}; payments before that date "
            "can't be added.",
            field="paid_on",
        )
    memo = _text(memo, field="memo", name_th="หมายเหตุ", name_en="memo", required=False)[:500]
    later = [r for r in _live_repayments(session, loan) if r.paid_on > paid_on]
    before = _rewind(session, loan, later)
    repayment = Repayment(
        loan_id=loan.id,
        paid_on=paid_on,
        amount_satang=amount_satang,
        channel=channel,
        kind=RepaymentKind.PREPAYMENT if prepayment_mode is not None else RepaymentKind.REGULAR,
        prepayment_mode=prepayment_mode,
        idempotency_key=key,
        memo=memo,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        reapplied_count=0,
        # Provisional (the row needs its id before it can be split); _allocate sets the split.
        principal_satang=amount_satang,
    )
    session.add(repayment)
    session.flush()
    _allocate(session, loan, repayment, strict=True)
    entry = _post_repayment(session, loan, repayment, recorded_by, now)
    repayment.entry_id = entry.id
    if issue_receipt:
        _issue_receipt(session, loan, repayment, entry, recorded_by, now)
    session.flush()
    _replay(
        session,
        loan,
        later,
        before,
        recorded_by=recorded_by,
        now=now,
        why=f"รับชำระย้อนหลังวันที่ {format_be_date(paid_on, 'long')}",
    )
    record_audit(
        session,
        actor=recorded_by,
        action="loan.repayment",
        entity="loan",
        entity_id=loan.id,
        details={
            "loan_no": loan.loan_no,
            "repayment_id": repayment.id,
            "amount_satang": amount_satang,
            "paid_on": paid_on.isoformat(),
            "kind": repayment.kind.value,
            "reapplied": [r.id for r in later],
        },
        at=now,
    )
    return repayment


@_atomic
def reverse_repayment(
    session: Session,
    *,
    repayment: Repayment,
    reason: str,
    recorded_by: User,
    now: dt.datetime,
) -> Repayment:
    """Reverse a wrongly recorded repayment and re-apply every later one in date order.

    Its receipt is voided (which reverses its entry); the repayment row stays, marked reversed.
    """
    _committee(recorded_by, "กลับรายการรับชำระ", "reverse repayments")
    reason = _text(reason, field="reason", name_th="เหตุผล", name_en="reason")
    if repayment.is_reversed:
        raise Conflict("รายการนี้ถูกกลับรายการไปแล้ว", "This repayment is already reversed.")
    loan = session.get(Loan, repayment.loan_id)
    assert loan is not None
    _lock_loan(session, loan)
    session.refresh(repayment)
    if repayment.is_reversed:
        raise Conflict("รายการนี้ถูกกลับรายการไปแล้ว", "This repayment is already reversed.")
    if loan.status is LoanStatus.WRITTEN_OFF:
        raise Conflict(
            "สัญญานี้ตัดหนี้สูญแล้ว กลับรายการรับชำระไม่ได้",
            "This loan was written off; its repayments can't be reversed.",
        )
    barrier = _later_barrier(session, loan)
    if barrier is not None and repayment.paid_on <= barrier:
        raise Conflict(
            f"ที่ประชุมปรับโครงสร้างหนี้ไว้เมื่อ {format_be_date(barrier, 'long')} กลับรายการที่ชำระก่อนวันนั้นไม่ได้",
            f"The loan was rescheduled on {barrier.isoformat()}; payments up to then can't "
            "be reversed.",
        )
    live = _live_repayments(session, loan)
    index = next(i for i, r in enumerate(live) if r.id == repayment.id)
    later = live[index + 1 :]
    before = _rewind(session, loan, later)
    _undo(session, repayment)
    if loan.status is LoanStatus.REPAID:
        loan.status = LoanStatus.ACTIVE
        loan.closed_on = None
    entry = session.get(JournalEntry, repayment.entry_id)
    assert entry is not None
    if repayment.receipt_id is not None:
        from fund.ledger.models import Receipt
        from fund.ledger.receipts import void_receipt

        receipt = session.get(Receipt, repayment.receipt_id)
        assert receipt is not None
        void_receipt(
            session,
            receipt=receipt,
            reason=f"กลับรายการรับชำระเงินกู้ {loan.loan_no}: {reason}",
            void_date=repayment.paid_on,
            voided_by=recorded_by,
            now=now,
            idempotency_key=f"loan-rp-rev:{entry.id}",
        )
    else:
        reverse_entry(
            session,
            entry=entry,
            reversal_date=repayment.paid_on,
            reason=f"กลับรายการรับชำระเงินกู้ {loan.loan_no}: {reason}",
            recorded_by=recorded_by,
            now=now,
            idempotency_key=f"loan-rp-rev:{entry.id}",
        )
    # The adjusting entries of earlier re-splits belong to this repayment too: without
    # reversing them, the difference they moved (e.g. interest ↔ principal) would stay in the
    # books after the repayment is gone. Oldest first: after each, what has been put back on the
    # loan equals the repayment's principal as split at that time (never negative), so no
    # balance dips below zero on the way.
    for adjustment in session.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.source == "loan.repayment.resplit",
            JournalEntry.source_id == repayment.id,
        )
        .order_by(JournalEntry.id)
    ).all():
        reverse_entry(
            session,
            entry=adjustment,
            reversal_date=repayment.paid_on,
            reason=f"กลับรายการรับชำระเงินกู้ {loan.loan_no}: {reason}",
            recorded_by=recorded_by,
            now=now,
            idempotency_key=f"loan-rp-rev:{adjustment.id}",
        )
    repayment.reversed_at = now
    repayment.reversed_by_id = recorded_by.id
    repayment.reversal_reason = reason[:500]
    session.flush()
    _replay(
        session,
        loan,
        later,
        before,
        recorded_by=recorded_by,
        now=now,
        why=f"กลับรายการรับชำระวันที่ {format_be_date(repayment.paid_on, 'long')}",
    )
    record_audit(
        session,
        actor=recorded_by,
        action="loan.repayment.reverse",
        entity="loan",
        entity_id=loan.id,
        details={
            "loan_no": loan.loan_no,
            "repayment_id": repayment.id,
            "reason": reason,
            "reapplied": [r.id for r in later],
        },
        at=now,
    )
    return repayment


# --------------------------------------------------------------------------- hardship


@_atomic
def reschedule_loan(
    session: Session,
    *,
    loan: Loan,
    effective_on: dt.date,
    reason: str,
    meeting_no: str,
    meeting_date: dt.date | None,
    resolution: str,
    recorded_by: User,
    now: dt.datetime,
    new_term_months: int | None = None,
    new_instalment_satang: int | None = None,
    freeze_interest: bool = False,
) -> Reschedule:
    """Replace the unpaid schedule (hardship), by a committee resolution.

    Either a new number of monthly instalments or a new instalment amount. Overdue interest and
    fees are carried into the first new instalment; future interest follows the new schedule,
    or stops entirely with ``freeze_interest``. No money moves, so nothing is posted.
    """
    _committee(recorded_by, "ปรับโครงสร้างหนี้", "reschedule loans")
    _lock_loan(session, loan)
    if loan.status is not LoanStatus.ACTIVE:
        raise Conflict(
            "ปรับโครงสร้างหนี้ได้เฉพาะสัญญาที่อยู่ระหว่างผ่อนชำระ",
            "Only a loan being repaid can be rescheduled.",
        )
    reason = _text(reason, field="reason", name_th="เหตุผล", name_en="reason")
    meeting_no, meeting_date, resolution = _resolution(meeting_no, meeting_date, resolution, now)
    if (new_term_months is None) == (new_instalment_satang is None):
        raise InvalidInput(
            "กรุณากำหนดจำนวนงวดใหม่ หรือค่างวดใหม่ อย่างใดอย่างหนึ่ง",
            "Give either a new number of instalments or a new instalment amount, not both.",
            field="new_term_months",
        )
    assert loan.disbursed_on is not None
    _not_future(effective_on, now, "effective_on")
    live = _live_repayments(session, loan)
    last_paid = live[-1].paid_on if live else loan.disbursed_on
    if effective_on < last_paid:
        raise InvalidInput(
            f"วันที่มีผลต้องไม่ก่อนการชำระครั้งล่าสุด ({format_be_date(last_paid, 'long')})",
            f"The reschedule can't take effect before the last payment ({last_paid.isoformat()}).",
            field="effective_on",
        )
    position = loan_position(session, loan)
    outstanding = position.outstanding_principal
    carried_interest = carried_fee = 0
    for row in position.rows:
        if row.unpaid == 0:
            continue
        if row.inst.due_date <= effective_on:
            carried_interest += row.unpaid_interest
            carried_fee += row.unpaid_fee
    rate = Decimal0 if freeze_interest else loan.rate_percent
    method = InterestMethod.ZERO if rate == 0 else loan.method
    kept = [row for row in position.rows if row.unpaid == 0]
    first_no = (max(row.inst.no for row in kept) + 1) if kept else 1
    if new_term_months is not None:
        rows = build_schedule(
            ScheduleTerms(
                principal_satang=outstanding,
                annual_rate_percent=rate,
                term_months=new_term_months,
                method=method,
                round_to_satang=loan.round_to_satang,
            ),
            effective_on,
            first_no=first_no,
        )
    else:
        assert new_instalment_satang is not None
        if new_instalment_satang <= 0:
            raise InvalidInput(
                "ค่างวดใหม่ต้องมากกว่าศูนย์",
                "The new instalment must be above zero.",
                field="new_instalment",
            )
        rows = build_schedule_with_instalment(
            principal_satang=outstanding,
            annual_rate_percent=rate,
            method=method,
            instalment_satang=new_instalment_satang,
            start=effective_on,
            first_no=first_no,
        )
    record = Reschedule(
        loan_id=loan.id,
        effective_on=effective_on,
        outstanding_satang=outstanding,
        carried_interest_satang=carried_interest,
        carried_fee_satang=carried_fee,
        new_term_months=len(rows),
        new_instalment_satang=new_instalment_satang,
        freeze_interest=freeze_interest,
        reason=reason,
        meeting_no=meeting_no,
        meeting_date=meeting_date,
        resolution=resolution,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
    )
    session.add(record)
    session.flush()
    for row in position.rows:
        if row.unpaid > 0:
            row.inst.superseded = True
            row.inst.superseded_by_reschedule_id = record.id
    session.flush()
    made = _add_rows(session, loan, rows, reschedule_id=record.id)
    if made:
        made[0].interest_satang += carried_interest
        made[0].fee_satang += carried_fee
    loan.interest_frozen = loan.interest_frozen or freeze_interest
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="loan.reschedule",
        entity="loan",
        entity_id=loan.id,
        details={
            "loan_no": loan.loan_no,
            "reschedule_id": record.id,
            "new_term_months": len(rows),
            "freeze_interest": freeze_interest,
            "meeting_no": meeting_no,
        },
        at=now,
    )
    return record


@_atomic
def write_off_loan(
    session: Session,
    *,
    loan: Loan,
    written_off_on: dt.date,
    reason: str,
    meeting_no: str,
    meeting_date: dt.date | None,
    resolution: str,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str,
) -> WriteOff:
    """Write off the principal left (debit 5040 / credit 1100), by a committee resolution."""
    key = _key(idempotency_key)
    existing = session.scalar(select(WriteOff).where(WriteOff.idempotency_key == key))
    if existing is not None:
        return existing
    _committee(recorded_by, "ตัดหนี้สูญ", "write off loans")
    _lock_loan(session, loan)
    if loan.status is not LoanStatus.ACTIVE:
        raise Conflict(
            "ตัดหนี้สูญได้เฉพาะสัญญาที่อยู่ระหว่างผ่อนชำระ",
            "Only a loan being repaid can be written off.",
        )
    reason = _text(reason, field="reason", name_th="เหตุผล", name_en="reason")
    meeting_no, meeting_date, resolution = _resolution(meeting_no, meeting_date, resolution, now)
    _not_future(written_off_on, now, "written_off_on")
    live = _live_repayments(session, loan)
    assert loan.disbursed_on is not None
    last = live[-1].paid_on if live else loan.disbursed_on
    if written_off_on < last:
        raise InvalidInput(
            f"วันที่ตัดหนี้สูญต้องไม่ก่อนการชำระครั้งล่าสุด ({format_be_date(last, 'long')})",
            f"The write-off can't be before the last payment ({last.isoformat()}).",
            field="written_off_on",
        )
    position = loan_position(session, loan)
    principal = position.outstanding_principal
    waived = sum(
        row.unpaid_interest + row.unpaid_fee
        for row in position.rows
        if row.inst.due_date <= written_off_on
    )
    member = session.get(Member, loan.member_id)
    assert member is not None
    entry = post_entry(
        session,
        entry_date=written_off_on,
        description=f"ตัดหนี้สูญเงินกู้สัญญาเลขที่ {loan.loan_no} ({member.full_name})",
        source="loan.write_off",
        source_id=loan.id,
        lines=[
            LineSpec(AccountCode.LOAN_WRITE_OFF, principal),
            LineSpec(
                AccountCode.LOANS_RECEIVABLE, -principal, member_id=member.id, loan_id=loan.id
            ),
        ],
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"loan-wo:{loan.id}",
    )
    record = WriteOff(
        loan_id=loan.id,
        written_off_on=written_off_on,
        principal_satang=principal,
        waived_interest_satang=waived,
        reason=reason,
        meeting_no=meeting_no,
        meeting_date=meeting_date,
        resolution=resolution,
        entry_id=entry.id,
        idempotency_key=key,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
    )
    session.add(record)
    loan.status = LoanStatus.WRITTEN_OFF
    loan.closed_on = written_off_on
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="loan.write_off",
        entity="loan",
        entity_id=loan.id,
        details={"loan_no": loan.loan_no, "principal_satang": principal, "meeting_no": meeting_no},
        at=now,
    )
    return record


# --------------------------------------------------------------------------- notes


def add_note(
    session: Session,
    *,
    loan: Loan,
    kind: NoteKind,
    text: str,
    noted_on: dt.date,
    recorded_by: User,
    now: dt.datetime,
    promised_on: dt.date | None = None,
) -> LoanNote:
    """Add to a loan's follow-up log (a call, a visit, a promise to pay)."""
    _committee(recorded_by, "บันทึกการติดตาม", "add follow-up notes")
    text = _text(text, field="text", name_th="ข้อความ", name_en="note")
    _not_future(noted_on, now, "noted_on")
    if kind is NoteKind.PROMISE and promised_on is None:
        raise InvalidInput(
            "กรุณากรอกวันที่สมาชิกสัญญาว่าจะชำระ",
            "Please enter the date the member promised to pay by.",
            field="promised_on",
        )
    if promised_on is not None and promised_on < noted_on:
        raise InvalidInput(
            "วันที่นัดชำระต้องไม่ก่อนวันที่บันทึก",
            "The promised date can't be before the note's date.",
            field="promised_on",
        )
    note = LoanNote(
        loan_id=loan.id,
        noted_on=noted_on,
        kind=kind,
        text=text,
        promised_on=promised_on,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
    )
    session.add(note)
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="loan.note",
        entity="loan",
        entity_id=loan.id,
        details={"loan_no": loan.loan_no, "kind": kind.value},
        at=now,
    )
    return note


Decimal0 = rate_percent(0)


# --------------------------------------------------------------------------- meeting day


@dataclass(frozen=True)
class MeetingPayment:
    """What one member actually paid at the meeting."""

    member_id: int
    savings_satang: int = 0
    #: loan id -> amount repaid on it
    repayments: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingResult:
    savings_count: int
    repayment_count: int
    total_satang: int
    receipt_ids: list[int]
    replayed: bool = False


@_atomic
def record_meeting_day(
    session: Session,
    *,
    held_on: dt.date,
    payments: list[MeetingPayment],
    channel: PayChannel,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str,
) -> MeetingResult:
    """Post a meeting's savings and repayments at once: all of them, or (on any error) none.

    Members are taken in member-number order, each member's saving first and then each loan,
    so the receipts are numbered in that order. A saving is the month's saving when that is not
    yet recorded, otherwise an extra deposit. Each posting has its own one-time key derived
    from ``idempotency_key``, so sending the sheet twice posts it once.
    """
    from fund.savings.services import record_deposit

    key = _key(idempotency_key)
    if len(key) > 40:
        raise InvalidInput("รหัสแบบฟอร์มยาวเกินไป", "The one-time form key is too long.")
    _committee(recorded_by, "บันทึกวันประชุม", "record a meeting day")
    _not_future(held_on, now, "held_on")
    members = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.id.in_([p.member_id for p in payments]))
        )
    }
    month = held_on.replace(day=1)
    from fund.loans.queries import _month_saved

    saved = _month_saved(session, list(members), month)
    savings = repaid = total = 0
    receipts: list[int] = []
    replayed = False
    ordered = sorted(
        (p for p in payments if p.member_id in members),
        key=lambda p: members[p.member_id].member_no,
    )
    # One read of the closed period and the settings for the whole sheet (fund/txn_cache.py);
    # no savepoint per deposit: this whole service runs in one (_atomic) and an error undoes all.
    with txn_cache.batch(session), all_or_nothing(session):
        for payment in ordered:
            member = members[payment.member_id]
            try:
                if payment.savings_satang < 0 or any(v < 0 for v in payment.repayments.values()):
                    raise InvalidInput(
                        "จำนวนเงินติดลบไม่ได้", "Amounts can't be negative.", field="amount"
                    )
                if payment.savings_satang > 0:
                    from fund.savings.models import SavingsKind

                    result = record_deposit(
                        session,
                        member=member,
                        amount_satang=payment.savings_satang,
                        txn_date=held_on,
                        kind=SavingsKind.EXTRA if member.id in saved else SavingsKind.MONTHLY,
                        for_month=month,
                        money_account=_money_account(channel).value,
                        recorded_by=recorded_by,
                        now=now,
                        idempotency_key=f"{key}:s:{member.id}",
                        note="วันประชุม",
                    )
                    replayed = replayed or result.replayed
                    savings += 1
                    total += payment.savings_satang
                    if result.receipt is not None:
                        receipts.append(result.receipt.id)
                for loan_id, amount in sorted(payment.repayments.items()):
                    if amount == 0:
                        continue
                    loan = session.get(Loan, loan_id)
                    if loan is None or loan.member_id != member.id:
                        raise InvalidInput("สัญญาเงินกู้ไม่ตรงกับสมาชิก", "The loan is not this member's.")
                    rp_key = f"{key}:r:{loan_id}"
                    earlier = session.scalar(
                        select(Repayment).where(Repayment.idempotency_key == rp_key)
                    )
                    repayment = earlier or record_repayment(
                        session,
                        loan=loan,
                        amount_satang=amount,
                        paid_on=held_on,
                        channel=channel,
                        recorded_by=recorded_by,
                        now=now,
                        idempotency_key=rp_key,
                        memo="วันประชุม",
                    )
                    replayed = replayed or earlier is not None
                    repaid += 1
                    total += amount
                    if repayment.receipt_id is not None:
                        receipts.append(repayment.receipt_id)
            except DomainError as err:
                raise type(err)(
                    f"{member.member_no} {member.full_name}: {err.message_th}",
                    f"{member.member_no} {member.full_name}: {err.message_en}",
                    field=f"member-{member.id}",
                ) from err
    record_audit(
        session,
        actor=recorded_by,
        action="loan.meeting_day",
        entity="meeting_day",
        entity_id=None,
        details={
            "held_on": held_on.isoformat(),
            "savings": savings,
            "repayments": repaid,
            "total_satang": total,
        },
        at=now,
    )
    return MeetingResult(
        savings_count=savings,
        repayment_count=repaid,
        total_satang=total,
        receipt_ids=receipts,
        replayed=replayed,
    )
