"""Assemble the plain data the PDFs take (``reports.model``) from the areas' queries.

Money figures come from the ledger (``fund.ledger.queries``) wherever a balance is printed, so
the statement's totals are the books' totals: savings from the member's lines of account 2010,
loan balances from 1100 per loan, repair charges from 1200 per member.  The loans and welfare
sections read those areas' records for the details (terms, instalments, benefit names).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.errors import InvalidInput, NotFound
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry, JournalLine, Receipt
from fund.ledger.queries import loan_balance, member_receivable_balance, member_savings_balance
from fund.ledger.services import get_account
from fund.members.models import Member, MemberStatus
from fund.money import normalise_digits
from reports.model import (
    FundInfo,
    LoanPayment,
    LoanSection,
    PassbookRow,
    ReceiptCopy,
    ReceiptData,
    ReceiptLine,
    RepairRow,
    RepairSection,
    SavingsSection,
    StatementData,
    WelfareRow,
)

ORDERS = ("number", "village")

METHOD_LABELS = {
    "zero": "ไม่มีดอกเบี้ย",
    "flat": "ดอกเบี้ยคงที่",
    "declining": "ลดต้นลดดอก ค่างวดเท่ากัน",
    "equal-principal": "ลดต้นลดดอก เงินต้นเท่ากันทุกงวด",
}
LOAN_STATUS_LABELS = {
    "approved": "อนุมัติแล้ว ยังไม่จ่ายเงิน",
    "active": "กำลังผ่อนชำระ",
    "repaid": "ชำระครบแล้ว",
    "written-off": "ตัดเป็นหนี้สูญ",
}

_PERIOD = re.compile(r"([0-9]{4})-([0-9]{1,2})")


# --------------------------------------------------------------------------- periods


def month_bounds(text: str) -> tuple[dt.date, dt.date]:
    """``"2025-11"`` (or a B.E. year, ``"2568-11"``) -> first and last day of that month."""
    match = _PERIOD.fullmatch(normalise_digits(text or ""))
    if match is None:
        raise InvalidInput(
            "กรุณาระบุงวดเป็น ปี-เดือน เช่น 2568-11 หรือ 2025-11",
            "Give the period as year-month, e.g. 2025-11 (or 2568-11 in B.E.).",
            field="period",
        )
    year, month = int(match[1]), int(match[2])
    if year >= 2400:
        year -= 543
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise InvalidInput(
            "เดือนต้องอยู่ระหว่าง 1 ถึง 12 และปีต้องเป็นปีที่ถูกต้อง เช่น 2568-11",
            "The month must be 1 to 12 and the year a real year, e.g. 2025-11.",
            field="period",
        )
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise InvalidInput(
            "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น",
            "The end date must not be before the start date.",
            field="end",
        )


# --------------------------------------------------------------------------- members


def member_address(member: Member) -> str:
    """The postal address in Thai order: house no., หมู่ที่, village, ตำบล, อำเภอ, จังหวัด."""
    parts = []
    if member.house_no:
        parts.append(member.house_no)
    if member.moo:
        parts.append(f"หมู่ที่ {member.moo}")
    if member.village:
        parts.append(member.village if member.village.startswith("บ้าน") else f"บ้าน{member.village}")
    if member.tambon:
        parts.append(f"ตำบล{member.tambon}")
    if member.amphoe:
        parts.append(f"อำเภอ{member.amphoe}")
    if member.province:
        parts.append(f"จังหวัด{member.province}")
    if member.postcode:
        parts.append(member.postcode)
    return " ".join(parts)


def get_member_by_no(session: Session, member_no: str) -> Member:
    no = normalise_digits(member_no or "").upper()
    member = session.scalar(select(Member).where(Member.member_no == no))
    if member is None:
        raise NotFound(
            f"ไม่พบสมาชิกเลขที่ {member_no}",
            f"There is no member number {member_no}.",
            field="member_no",
        )
    return member


def active_members(session: Session, *, order: str = "number") -> list[Member]:
    """Active members in member-number order, or by หมู่ then village then number."""
    if order not in ORDERS:
        raise InvalidInput(
            "ลำดับต้องเป็น number หรือ village",
            "The order must be 'number' or 'village'.",
            field="order",
        )
    members = list(session.scalars(select(Member).where(Member.status == MemberStatus.ACTIVE)))
    if order == "village":
        members.sort(key=lambda m: (m.moo if m.moo is not None else 999, m.village, m.member_no))
    else:
        members.sort(key=lambda m: m.member_no)
    return members


# --------------------------------------------------------------------------- sections


def _passbook_text(description: str, member: Member, note: str) -> str:
    """The journal's description without the member's own number and name (the statement is
    theirs), with the note written when the money was taken in."""
    for suffix in (f" {member.member_no} {member.full_name}", f" {member.member_no}"):
        if description.endswith(suffix):
            description = description[: -len(suffix)]
            break
    return f"{description} ({note})" if note else description


def savings_section(
    session: Session, member: Member, start: dt.date, end: dt.date
) -> SavingsSection:
    """The member's savings lines (account 2010) in the period, as the passbook prints them.

    Two queries whatever the history: the opening balance from the ledger's balance query,
    and the period's lines as plain columns (with the note of the savings transaction behind
    each, if any).  Loading journal entries as objects would also load every line of every
    entry.
    """
    from fund.savings.models import SavingsTransaction

    account = get_account(session, AccountCode.MEMBER_SAVINGS)
    opening = member_savings_balance(session, member.id, as_of=start - dt.timedelta(days=1))
    lines = session.execute(
        select(
            JournalLine.entry_date,
            JournalEntry.description,
            JournalLine.amount_satang,
            SavingsTransaction.note,
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .outerjoin(SavingsTransaction, SavingsTransaction.journal_entry_id == JournalLine.entry_id)
        .where(JournalLine.account_id == account.id, JournalLine.member_id == member.id)
        .where(JournalLine.entry_date >= start, JournalLine.entry_date <= end)
        .order_by(JournalLine.entry_date, JournalLine.entry_id, JournalLine.line_no)
    ).all()
    rows = []
    balance = opening
    for on, description, amount, note in lines:
        balance -= amount  # a liability: a credit (negative line) is a deposit
        rows.append(
            PassbookRow(
                on=on,
                description=_passbook_text(description, member, note or ""),
                withdrawal_satang=amount if amount > 0 else 0,
                deposit_satang=-amount if amount < 0 else 0,
                balance_satang=balance,
            )
        )
    return SavingsSection(opening, tuple(rows), balance)


def _receipt_numbers(session: Session, receipt_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in receipt_ids if i is not None]
    if not ids:
        return {}
    return {r.id: r.receipt_no for r in session.scalars(select(Receipt).where(Receipt.id.in_(ids)))}


def loan_position_as_of(session: Session, loan, end: dt.date):
    """The loan's schedule with what repayments received by ``end`` paid on each row.

    Like ``fund.loans.state.loan_position`` but blind to repayments after ``end``, so a
    statement for an earlier month shows the arrears and next instalment of that month.
    (Reschedules made after ``end`` are not undone: the current schedule is used.)
    """
    from sqlalchemy import func

    from fund.loans.models import Repayment, RepaymentAllocation
    from fund.loans.state import LoanPosition, RowState, current_instalments

    rows = [RowState(inst) for inst in current_instalments(session, loan)]
    by_id = {row.inst.id: row for row in rows}
    received = select(Repayment.id).where(
        Repayment.loan_id == loan.id, Repayment.reversed_at.is_(None), Repayment.paid_on <= end
    )
    allocations = session.execute(
        select(
            RepaymentAllocation.instalment_id,
            func.sum(RepaymentAllocation.fee_satang),
            func.sum(RepaymentAllocation.interest_satang),
            func.sum(RepaymentAllocation.principal_satang),
        )
        .where(RepaymentAllocation.repayment_id.in_(received))
        .group_by(RepaymentAllocation.instalment_id)
    ).all()
    principal = interest = fees = 0
    for instalment_id, fee, inter, princ in allocations:
        fee, inter, princ = int(fee or 0), int(inter or 0), int(princ or 0)
        principal, interest, fees = principal + princ, interest + inter, fees + fee
        row = by_id.get(instalment_id) if instalment_id is not None else None
        if row is not None:
            row.paid_fee, row.paid_interest, row.paid_principal = fee, inter, princ
    return LoanPosition(
        loan=loan, rows=rows, principal_repaid=principal, interest_paid=interest, fees_paid=fees
    )


def _status_as_of(loan, outstanding: int, end: dt.date, statuses) -> str:
    if loan.status is statuses.WRITTEN_OFF and loan.closed_on is not None and loan.closed_on <= end:
        return LOAN_STATUS_LABELS["written-off"]
    if outstanding == 0:
        return LOAN_STATUS_LABELS["repaid"]
    return LOAN_STATUS_LABELS["active"]


def loan_sections(
    session: Session, member: Member, start: dt.date, end: dt.date
) -> tuple[LoanSection, ...]:
    """Loans disbursed by ``end`` and not closed before ``start``.

    Outstanding principal is the ledger's balance of the loan on ``end``.  Arrears and the next
    instalment come from the loan's schedule and the repayments applied to it.
    """
    try:
        from fund.loans.models import Loan, LoanStatus, Repayment
    except ModuleNotFoundError as err:  # pragma: no cover - before the loans area is installed
        if not (err.name or "").startswith("fund.loans"):
            raise
        return ()

    loans = session.scalars(
        select(Loan)
        .where(Loan.member_id == member.id, Loan.disbursed_on.is_not(None))
        .where(Loan.disbursed_on <= end)
        .order_by(Loan.disbursed_on, Loan.id)
    )
    sections = []
    for loan in loans:
        if loan.closed_on is not None and loan.closed_on < start:
            continue
        payments = list(
            session.scalars(
                select(Repayment)
                .where(
                    Repayment.loan_id == loan.id,
                    Repayment.paid_on >= start,
                    Repayment.paid_on <= end,
                    Repayment.reversed_at.is_(None),
                )
                .order_by(Repayment.paid_on, Repayment.id)
            )
        )
        receipts = _receipt_numbers(session, (p.receipt_id for p in payments))
        position = loan_position_as_of(session, loan, end)
        day_after = end + dt.timedelta(days=1)
        upcoming = next(
            (row for row in position.rows if row.unpaid > 0 and row.inst.due_date > end), None
        )
        instalment = position.rows[0].inst.total_satang if position.rows else 0
        outstanding = loan_balance(session, loan.id, as_of=end)
        sections.append(
            LoanSection(
                loan_no=loan.loan_no,
                purpose=loan.purpose,
                principal_satang=loan.principal_satang,
                annual_rate_percent=loan.rate_percent,
                term_months=loan.term_months,
                method_label=METHOD_LABELS.get(str(loan.method), str(loan.method)),
                disbursed_on=loan.disbursed_on,
                instalment_satang=instalment,
                payments=tuple(
                    LoanPayment(
                        on=p.paid_on,
                        principal_satang=p.principal_satang,
                        interest_satang=p.interest_satang,
                        fee_satang=p.fee_satang,
                        receipt_no=receipts.get(p.receipt_id, "") if p.receipt_id else "",
                    )
                    for p in payments
                ),
                outstanding_satang=outstanding,
                next_due_on=upcoming.inst.due_date if upcoming and outstanding else None,
                next_due_satang=upcoming.unpaid if upcoming and outstanding else 0,
                arrears_satang=position.overdue_on(day_after) if outstanding else 0,
                days_overdue=position.days_overdue(day_after) if outstanding else 0,
                status_label=_status_as_of(loan, outstanding, end, LoanStatus),
            )
        )
    return tuple(sections)


def welfare_rows(
    session: Session, member: Member, start: dt.date, end: dt.date
) -> tuple[WelfareRow, ...]:
    """Welfare paid to the member in the period (reversed payouts left out)."""
    from fund.welfare.models import ClaimStatus, WelfareBenefitVersion, WelfareClaim

    # The status is checked here rather than in SQL: with it in the WHERE clause SQLite reads
    # every paid claim of the fund by the status index instead of the member's own claims.
    claims = session.execute(
        select(
            WelfareClaim.paid_on,
            WelfareBenefitVersion.name,
            WelfareClaim.amount_satang,
            WelfareClaim.status,
        )
        .join(WelfareBenefitVersion, WelfareBenefitVersion.id == WelfareClaim.version_id)
        .where(
            WelfareClaim.member_id == member.id,
            WelfareClaim.paid_on >= start,
            WelfareClaim.paid_on <= end,
        )
        .order_by(WelfareClaim.paid_on, WelfareClaim.id)
    ).all()
    return tuple(
        WelfareRow(on=paid_on, benefit=name, amount_satang=amount)
        for paid_on, name, amount, status in claims
        if status == ClaimStatus.PAID
    )


def repair_section(
    session: Session, member: Member, start: dt.date, end: dt.date
) -> RepairSection | None:
    """Repair charges billed to the member and payments of them (account 1200), or None when
    the member has never had one."""
    account = get_account(session, AccountCode.MEMBER_RECEIVABLES)
    lines = session.execute(
        select(
            JournalLine.entry_date,
            JournalEntry.source,
            JournalEntry.description,
            JournalLine.memo,
            JournalLine.amount_satang,
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == account.id, JournalLine.member_id == member.id)
        .where(JournalLine.entry_date >= start, JournalLine.entry_date <= end)
        .order_by(JournalLine.entry_date, JournalLine.entry_id, JournalLine.line_no)
    ).all()
    opening = member_receivable_balance(session, member.id, as_of=start - dt.timedelta(days=1))
    closing = member_receivable_balance(session, member.id, as_of=end)
    if not lines and opening == 0 and closing == 0:
        return None
    rows = tuple(
        RepairRow(
            on=on,
            job_no=memo if source.startswith("repair.") else "",
            description=description,
            charged_satang=amount if amount > 0 else 0,
            paid_satang=-amount if amount < 0 else 0,
        )
        for on, source, description, memo, amount in lines
    )
    return RepairSection(opening, rows, closing)


def statement_for(
    session: Session,
    member: Member,
    *,
    start: dt.date,
    end: dt.date,
    printed_on: dt.date,
    fund: FundInfo | None = None,
) -> StatementData:
    """One member's statement for the days ``start`` to ``end`` inclusive."""
    check_period(start, end)
    savings = savings_section(session, member, start, end)
    # the passbook is built from the same journal lines; say so loudly if they ever differ
    ledger_closing = member_savings_balance(session, member.id, as_of=end)
    if savings.closing_satang != ledger_closing:  # pragma: no cover - a broken invariant
        raise RuntimeError(
            f"passbook {savings.closing_satang} != ledger {ledger_closing} for {member.member_no}"
        )
    return StatementData(
        member_no=member.member_no,
        member_name=member.full_name,
        address=member_address(member),
        period_start=start,
        period_end=end,
        printed_on=printed_on,
        savings=savings,
        loans=loan_sections(session, member, start, end),
        welfare=welfare_rows(session, member, start, end),
        repairs=repair_section(session, member, start, end),
        large_print=member.large_print,
        village=member.village,
        moo=member.moo,
        fund=fund or FundInfo(),
    )


def statements_for(
    session: Session,
    members: Iterable[Member],
    *,
    start: dt.date,
    end: dt.date,
    printed_on: dt.date,
    progress=None,
) -> list[StatementData]:
    """Statements of ``members`` (in that order); ``progress(done, total)`` after each."""
    members = list(members)
    result = []
    for i, member in enumerate(members, start=1):
        result.append(statement_for(session, member, start=start, end=end, printed_on=printed_on))
        if progress is not None:
            progress(i, len(members))
    return result


# --------------------------------------------------------------------------- receipts


def receipt_data(
    session: Session, receipt: Receipt, *, copy: bool, printed_on: dt.date | None = None
) -> ReceiptData:
    """A ledger receipt as the receipt PDF's data (a reprint when ``copy``)."""
    from fund.users.models import User

    recorder = session.get(User, receipt.recorded_by_id)
    member = session.get(Member, receipt.payer_member_id) if receipt.payer_member_id else None
    lines: tuple[ReceiptLine, ...] = ()
    try:
        from fund.loans.models import Repayment
    except ModuleNotFoundError:  # pragma: no cover - loans not installed
        Repayment = None
    if Repayment is not None:
        repayment = session.scalar(select(Repayment).where(Repayment.receipt_id == receipt.id))
        if repayment is not None:
            parts = [
                ("เงินต้น", repayment.principal_satang),
                ("ดอกเบี้ย", repayment.interest_satang),
                ("ค่าปรับชำระล่าช้า", repayment.fee_satang),
            ]
            if sum(a for _, a in parts) == receipt.amount_satang:
                lines = tuple(ReceiptLine(name, amount) for name, amount in parts if amount)
    voided_on = None
    if receipt.void_entry is not None:
        voided_on = receipt.void_entry.entry_date
    return ReceiptData(
        receipt_no=receipt.receipt_no,
        issued_on=receipt.issued_on,
        payer_name=receipt.payer_name,
        payer_member_no=member.member_no if member is not None else "",
        purpose=receipt.purpose,
        amount_satang=receipt.amount_satang,
        recorded_by=recorder.display_name if recorder is not None else "",
        lines=lines,
        copy=ReceiptCopy.COPY if copy else ReceiptCopy.ORIGINAL,
        voided=receipt.is_void,
        voided_on=voided_on,
        void_reason=receipt.void_reason,
        printed_on=printed_on,
    )


# --------------------------------------------------------------------------- loan agreement


def agreement_data(session: Session, loan, *, printed_on: dt.date | None = None):
    """The loan agreement PDF's data: the approved terms and the loan's current schedule."""
    from fund.loans.models import LoanAgreement
    from fund.loans.state import current_instalments
    from fund.users.models import User
    from reports.model import AgreementInstalment, LoanAgreementData

    member = session.get(Member, loan.member_id)
    agreement = session.scalar(select(LoanAgreement).where(LoanAgreement.loan_id == loan.id))
    approver = session.get(User, agreement.approved_by_id) if agreement is not None else None
    schedule = []
    balance = loan.principal_satang
    for inst in current_instalments(session, loan):
        balance -= inst.principal_satang
        schedule.append(
            AgreementInstalment(
                no=inst.no,
                due_on=inst.due_date,
                principal_satang=inst.principal_satang,
                interest_satang=inst.interest_satang,
                balance_satang=max(balance, 0),
            )
        )
    return LoanAgreementData(
        loan_no=agreement.agreement_no if agreement is not None else loan.loan_no,
        member_no=member.member_no,
        member_name=agreement.member_name if agreement is not None else member.full_name,
        member_address=member_address(member),
        purpose=loan.purpose,
        principal_satang=loan.principal_satang,
        annual_rate_percent=loan.rate_percent,
        term_months=loan.term_months,
        method_label=METHOD_LABELS.get(str(loan.method), str(loan.method)),
        approved_on=agreement.meeting_date if agreement is not None else loan.approved_on,
        first_due_on=schedule[0].due_on if schedule else None,
        schedule=tuple(schedule),
        approved_by=(approver.display_name,) if approver is not None else (),
        conditions=(
            (f"คณะกรรมการอนุมัติในการประชุมครั้งที่ {agreement.meeting_no}: {agreement.resolution}",)
            if agreement is not None and agreement.resolution
            else ()
        ),
        printed_on=printed_on,
    )


# --------------------------------------------------------------------------- committee reports


def _aging_buckets(days: int, amount: int) -> tuple[int, int, int, int]:
    buckets = [0, 0, 0, 0]
    index = 0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3
    buckets[index] = amount
    return (buckets[0], buckets[1], buckets[2], buckets[3])


def committee_data(
    session: Session,
    kind: str,
    *,
    start: dt.date,
    end: dt.date,
    printed_on: dt.date,
    now: dt.datetime | None = None,
):
    """One committee report's data for the period (balances as of ``end``)."""
    from fund.ledger.queries import balance_sheet, income_statement, trial_balance
    from reports.committee import report_title
    from reports.model import (
        AgingRow,
        AmountRow,
        CommitteeReportData,
        RepairQueueRow,
        TrialBalanceRow,
        WelfarePayoutRow,
    )

    report_title(kind)
    check_period(start, end)
    fields: dict = {}
    if kind == "trial_balance":
        tb = trial_balance(session, as_of=end)
        fields["trial_balance"] = tuple(
            TrialBalanceRow(r.code, r.name_th, r.debit_satang, r.credit_satang) for r in tb.rows
        )
    elif kind == "balance_sheet":
        bs = balance_sheet(session, as_of=end)

        def amounts(rows):
            return tuple(AmountRow(r.code, r.name_th, r.natural_satang) for r in rows)

        fields["assets"] = amounts(bs.assets)
        fields["liabilities"] = amounts(bs.liabilities)
        equity = amounts(bs.equity)
        if bs.current_surplus_satang:
            equity += (
                AmountRow("", "รายได้สูงกว่า (ต่ำกว่า) ค่าใช้จ่ายที่ยังไม่ปิดบัญชี", bs.current_surplus_satang),
            )
        fields["equity"] = equity
    elif kind == "income_expenditure":
        ie = income_statement(session, start=start, end=end)
        fields["income"] = tuple(
            AmountRow(r.code, r.name_th, r.natural_satang) for r in ie.income if r.balance_satang
        )
        fields["expenses"] = tuple(
            AmountRow(r.code, r.name_th, r.natural_satang) for r in ie.expenses if r.balance_satang
        )
    elif kind == "arrears":
        from fund.loans.arrears import arrears_rows

        rows = [r for r in arrears_rows(session, as_of=end) if r.days_overdue > 0]
        rows.sort(key=lambda r: (-r.days_overdue, r.member_no, r.loan_no))
        fields["aging"] = tuple(
            AgingRow(
                r.member_no,
                r.member_name,
                r.loan_no,
                r.outstanding_principal_satang,
                _aging_buckets(r.days_overdue, r.overdue_satang),
            )
            for r in rows
        )
    elif kind == "welfare":
        from fund.welfare.models import ClaimStatus, WelfareClaim

        claims = session.execute(
            select(WelfareClaim, Member)
            .join(Member, Member.id == WelfareClaim.member_id)
            .where(
                WelfareClaim.paid_on >= start,
                WelfareClaim.paid_on <= end,
                WelfareClaim.status == ClaimStatus.PAID,
            )
            .order_by(WelfareClaim.paid_on, WelfareClaim.id)
        ).all()
        fields["welfare"] = tuple(
            WelfarePayoutRow(c.paid_on, m.member_no, m.full_name, c.version.name, c.amount_satang)
            for c, m in claims
        )
    elif kind == "repairs":
        from repair_center.jobs.queries import list_queue
        from repair_center.jobs.states import STATE_LABELS_TH

        moment = now or dt.datetime.combine(end, dt.time(23, 59), tzinfo=dt.UTC)
        queue = list_queue(session, now=moment, today=end)
        counts: dict[str, int] = {}
        for row in queue:
            label = STATE_LABELS_TH.get(row.state, str(row.state))
            counts[label] = counts.get(label, 0) + 1
        fields["repair_counts"] = tuple(counts.items())
        fields["repairs"] = tuple(
            RepairQueueRow(
                row.job_no,
                row.received_on,
                row.member_name or "-",
                row.device_type,
                STATE_LABELS_TH.get(row.state, str(row.state)),
                row.age_days,
            )
            for row in queue
        )
    return CommitteeReportData(
        kind=kind, period_start=start, period_end=end, printed_on=printed_on, **fields
    )


# --------------------------------------------------------------------------- job ticket


def job_ticket_data(session: Session, job_id: int, *, qr_payload: str = ""):
    from repair_center.jobs.states import STATE_LABELS_TH
    from repair_center.queries import job_ticket
    from reports.model import JobTicketData

    ticket = job_ticket(session, job_id)
    device = " ".join(p for p in (ticket.device_type_th, ticket.device_make_model) if p)
    if ticket.device_tag:
        device += f" (ป้าย {ticket.device_tag})"
    return JobTicketData(
        job_no=ticket.job_no,
        received_on=ticket.received_on,
        member_no=ticket.member_no or "",
        member_name=ticket.member_name or "อุปกรณ์ของศูนย์ซ่อม",
        device=device,
        fault=ticket.fault,
        state=STATE_LABELS_TH.get(ticket.state, str(ticket.state)),
        phone=ticket.member_phone or "",
        qr_payload=qr_payload,
    )
