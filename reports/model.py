"""The plain data the PDFs take: frozen dataclasses, no database, no web.

Money is integer satang, dates are ``datetime.date`` (shown in B.E. by the builders), text is
already in Thai.  ``web/statements/data.py`` assembles these from the areas' queries; tests
build them by hand.  Everything here pickles, so batches can be rendered in worker processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

FUND_NAME = "ชมรมคนพิการตำบลแจ้ซ้อน"
FUND_LONG_NAME = "กองทุนส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ ชมรมคนพิการตำบลแจ้ซ้อน"
FUND_ADDRESS = "ตำบลแจ้ซ้อน อำเภอเมืองปาน จังหวัดลำปาง 52240"


@dataclass(frozen=True)
class FundInfo:
    """The letterhead: who issues the document."""

    name: str = FUND_NAME
    address: str = FUND_ADDRESS
    phone: str = ""


# --------------------------------------------------------------------------- receipts


class ReceiptCopy(StrEnum):
    """Which print of a receipt this is."""

    ORIGINAL = "original"  #: first print, handed to the payer
    COPY = "copy"  #: a reprint: marked "สำเนา"


@dataclass(frozen=True)
class ReceiptLine:
    """One item on a receipt (a payment may cover several, e.g. principal + interest)."""

    description: str
    amount_satang: int


@dataclass(frozen=True)
class ReceiptData:
    receipt_no: str  #: e.g. "2569/00012" (per fiscal year)
    issued_on: dt.date
    payer_name: str
    purpose: str  #: what the money is for, e.g. "ชำระเงินกู้ สัญญาเลขที่ L-2569-0003 งวดที่ 2"
    amount_satang: int
    recorded_by: str  #: the receiver's name, printed under the signature line
    payer_member_no: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    copy: ReceiptCopy = ReceiptCopy.ORIGINAL
    voided: bool = False
    voided_on: dt.date | None = None
    void_reason: str = ""
    printed_on: dt.date | None = None
    fund: FundInfo = field(default_factory=FundInfo)


# --------------------------------------------------------------------------- member statement


@dataclass(frozen=True)
class PassbookRow:
    """A savings movement as a passbook prints it."""

    on: dt.date
    description: str
    withdrawal_satang: int  #: 0 when a deposit
    deposit_satang: int  #: 0 when a withdrawal
    balance_satang: int  #: after this movement


@dataclass(frozen=True)
class SavingsSection:
    opening_satang: int
    rows: tuple[PassbookRow, ...]
    closing_satang: int
    account_label: str = "เงินออมสัจจะ"

    @property
    def deposits_satang(self) -> int:
        return sum(r.deposit_satang for r in self.rows)

    @property
    def withdrawals_satang(self) -> int:
        return sum(r.withdrawal_satang for r in self.rows)


@dataclass(frozen=True)
class LoanPayment:
    """A repayment received within the statement period."""

    on: dt.date
    principal_satang: int
    interest_satang: int
    fee_satang: int = 0
    receipt_no: str = ""

    @property
    def total_satang(self) -> int:
        return self.principal_satang + self.interest_satang + self.fee_satang


@dataclass(frozen=True)
class LoanSection:
    loan_no: str
    purpose: str
    principal_satang: int
    annual_rate_percent: Decimal
    term_months: int
    method_label: str  #: e.g. "ไม่มีดอกเบี้ย", "ลดต้นลดดอก"
    disbursed_on: dt.date | None
    instalment_satang: int  #: the usual monthly instalment
    payments: tuple[LoanPayment, ...]
    outstanding_satang: int  #: principal still owed at the end of the period
    next_due_on: dt.date | None
    next_due_satang: int
    arrears_satang: int  #: overdue and unpaid at the end of the period
    days_overdue: int = 0
    status_label: str = ""

    @property
    def paid_in_period_satang(self) -> int:
        return sum(p.total_satang for p in self.payments)


@dataclass(frozen=True)
class WelfareRow:
    on: dt.date
    benefit: str
    amount_satang: int
    note: str = ""


@dataclass(frozen=True)
class RepairRow:
    """A repair charge billed to the member, or a payment of one."""

    on: dt.date
    job_no: str
    description: str
    charged_satang: int
    paid_satang: int


@dataclass(frozen=True)
class RepairSection:
    opening_owed_satang: int
    rows: tuple[RepairRow, ...]
    closing_owed_satang: int

    @property
    def charged_satang(self) -> int:
        return sum(r.charged_satang for r in self.rows)

    @property
    def paid_satang(self) -> int:
        return sum(r.paid_satang for r in self.rows)


@dataclass(frozen=True)
class StatementData:
    member_no: str
    member_name: str
    address: str
    period_start: dt.date
    period_end: dt.date
    printed_on: dt.date
    savings: SavingsSection
    loans: tuple[LoanSection, ...] = ()
    welfare: tuple[WelfareRow, ...] = ()
    repairs: RepairSection | None = None
    large_print: bool = False
    village: str = ""
    moo: int | None = None
    fund: FundInfo = field(default_factory=FundInfo)

    @property
    def loans_outstanding_satang(self) -> int:
        return sum(loan.outstanding_satang for loan in self.loans)

    @property
    def arrears_satang(self) -> int:
        return sum(loan.arrears_satang for loan in self.loans)

    @property
    def welfare_satang(self) -> int:
        return sum(row.amount_satang for row in self.welfare)

    @property
    def repair_owed_satang(self) -> int:
        return self.repairs.closing_owed_satang if self.repairs else 0


# --------------------------------------------------------------------------- loan agreement


@dataclass(frozen=True)
class AgreementInstalment:
    no: int
    due_on: dt.date
    principal_satang: int
    interest_satang: int
    balance_satang: int

    @property
    def total_satang(self) -> int:
        return self.principal_satang + self.interest_satang


@dataclass(frozen=True)
class LoanAgreementData:
    loan_no: str
    member_no: str
    member_name: str
    member_address: str
    purpose: str
    principal_satang: int
    annual_rate_percent: Decimal
    term_months: int
    method_label: str
    approved_on: dt.date
    first_due_on: dt.date | None
    schedule: tuple[AgreementInstalment, ...]
    approved_by: tuple[str, ...] = ()  #: committee members who approved
    guarantors: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()  #: extra clauses, one paragraph each
    printed_on: dt.date | None = None
    fund: FundInfo = field(default_factory=FundInfo)

    @property
    def total_interest_satang(self) -> int:
        return sum(i.interest_satang for i in self.schedule)


# --------------------------------------------------------------------------- committee reports


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    debit_satang: int
    credit_satang: int


@dataclass(frozen=True)
class AmountRow:
    """A labelled amount (balance sheet, income & expenditure lines)."""

    code: str
    name: str
    amount_satang: int


@dataclass(frozen=True)
class AgingRow:
    member_no: str
    member_name: str
    loan_no: str
    outstanding_satang: int
    #: overdue amounts by bucket: 1-30, 31-60, 61-90, over 90 days
    buckets_satang: tuple[int, int, int, int]

    @property
    def overdue_satang(self) -> int:
        return sum(self.buckets_satang)


@dataclass(frozen=True)
class WelfarePayoutRow:
    paid_on: dt.date
    member_no: str
    member_name: str
    benefit: str
    amount_satang: int


@dataclass(frozen=True)
class RepairQueueRow:
    job_no: str
    received_on: dt.date
    member_name: str
    device: str
    state: str
    days_open: int


@dataclass(frozen=True)
class CommitteeReportData:
    """One committee report: which one it is (`kind`) decides which fields are used."""

    kind: str  #: trial_balance, balance_sheet, income_expenditure, arrears, welfare, repairs
    period_start: dt.date
    period_end: dt.date
    printed_on: dt.date
    trial_balance: tuple[TrialBalanceRow, ...] = ()
    assets: tuple[AmountRow, ...] = ()
    liabilities: tuple[AmountRow, ...] = ()
    equity: tuple[AmountRow, ...] = ()
    income: tuple[AmountRow, ...] = ()
    expenses: tuple[AmountRow, ...] = ()
    aging: tuple[AgingRow, ...] = ()
    welfare: tuple[WelfarePayoutRow, ...] = ()
    repairs: tuple[RepairQueueRow, ...] = ()
    #: repair queue counts by state label, in display order
    repair_counts: tuple[tuple[str, int], ...] = ()
    fund: FundInfo = field(default_factory=FundInfo)


# --------------------------------------------------------------------------- job ticket


@dataclass(frozen=True)
class JobTicketData:
    job_no: str
    received_on: dt.date
    member_no: str
    member_name: str
    device: str
    fault: str
    state: str
    phone: str = ""
    promised_on: dt.date | None = None
    qr_payload: str = ""  #: what the QR code holds; the job number when empty
    fund: FundInfo = field(default_factory=FundInfo)
