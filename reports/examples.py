"""Example documents built from hand-made data that exercises the hard Thai cases.

Tone marks over upper vowels (ที่, ปิ่น, ปั๊ม), below vowels (ปู่, กตัญญู), ญ/ฐ that drop their
tails, SARA AM (น้ำ) and long unbroken Thai words in descriptions.  Used by tests and for
looking at the PDFs:

    python -c "from reports.examples import write_all; write_all('/tmp/pdfs')"
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reports.model import (
    AgingRow,
    AgreementInstalment,
    AmountRow,
    CommitteeReportData,
    JobTicketData,
    LoanAgreementData,
    LoanPayment,
    LoanSection,
    PassbookRow,
    ReceiptCopy,
    ReceiptData,
    ReceiptLine,
    RepairQueueRow,
    RepairRow,
    RepairSection,
    SavingsSection,
    StatementData,
    TrialBalanceRow,
    WelfarePayoutRow,
    WelfareRow,
)

D = dt.date
LONG_DESCRIPTION = (
    "ฝากเงินสัจจะสะสมประจำเดือนพร้อมเงินช่วยเหลือจากญาติผู้ดูแลที่มอบให้เพื่อเป็นทุนประกอบอาชีพ"
    "เลี้ยงไก่พื้นเมืองและปลูกผักปลอดสารพิษ"
)
MEMBER_NAME = "นางสาวญาณิศา ปิ่นฐิติพันธุ์"
HARD_TEXTS = ("ที่", "ปิ่น", "ปั๊ม", "น้ำ", "ญาติ", "ฐานะ", "กตัญญู", "ปู่")


def example_statement(*, large_print: bool = False, many_rows: int = 0) -> StatementData:
    opening = 1_250_000
    rows = []
    balance = opening
    movements = [
        (D(2025, 10, 5), "ฝากเงินสัจจะประจำเดือนตุลาคม", 0, 20_000),
        (D(2025, 10, 20), LONG_DESCRIPTION, 0, 150_000),
        (D(2025, 11, 3), "ถอนเงินเพื่อซื้อปั๊มน้ำที่บ้านปู่", 300_000, 0),
        (D(2025, 11, 5), "ฝากเงินสัจจะประจำเดือนพฤศจิกายน (ลูกกตัญญูฝากให้)", 0, 20_000),
    ]
    for i in range(many_rows):
        movements.append((D(2025, 11, 6 + i % 20), f"ฝากเงินสัจจะรายวันครั้งที่ {i + 1}", 0, 1_000))
    for on, text, out, in_ in movements:
        balance += in_ - out
        rows.append(PassbookRow(on, text, out, in_, balance))
    loan = LoanSection(
        loan_no="L-2569-0003",
        purpose="ทุนประกอบอาชีพเลี้ยงไก่พื้นเมืองของญาติผู้ดูแล",
        principal_satang=2_000_000,
        annual_rate_percent=Decimal("3.00"),
        term_months=12,
        method_label="ลดต้นลดดอก",
        disbursed_on=D(2025, 6, 15),
        instalment_satang=169_400,
        payments=(
            LoanPayment(D(2025, 10, 15), 160_000, 4_000, 0, "2569/00012"),
            LoanPayment(D(2025, 11, 17), 161_000, 3_400, 2_000, "2569/00031"),
        ),
        outstanding_satang=1_015_000,
        next_due_on=D(2025, 12, 15),
        next_due_satang=169_400,
        arrears_satang=0,
        status_label="ปกติ",
    )
    zero = LoanSection(
        loan_no="L-2568-0041",
        purpose="ซื้อรถเข็นวีลแชร์",
        principal_satang=500_000,
        annual_rate_percent=Decimal("0"),
        term_months=10,
        method_label="ไม่มีดอกเบี้ย",
        disbursed_on=D(2025, 1, 10),
        instalment_satang=50_000,
        payments=(),
        outstanding_satang=150_000,
        next_due_on=D(2025, 11, 10),
        next_due_satang=50_000,
        arrears_satang=100_000,
        days_overdue=51,
        status_label="ค้างชำระ",
    )
    return StatementData(
        member_no="CS-0007",
        member_name=MEMBER_NAME,
        address="12/3 หมู่ที่ 4 บ้านปั๊มน้ำ ตำบลแจ้ซ้อน อำเภอเมืองปาน จังหวัดลำปาง 52240",
        period_start=D(2025, 10, 1),
        period_end=D(2025, 11, 30),
        printed_on=D(2025, 12, 1),
        savings=SavingsSection(opening, tuple(rows), balance),
        loans=(loan, zero),
        welfare=(
            WelfareRow(D(2025, 10, 10), "เงินสงเคราะห์รายเดือน", 100_000),
            WelfareRow(D(2025, 11, 10), "เงินสงเคราะห์รายเดือน", 100_000, "ตามฐานะครอบครัว"),
            WelfareRow(D(2025, 11, 21), "ค่ารักษาพยาบาลที่โรงพยาบาลลำปาง", 250_000, "ผู้ป่วยใน 3 วัน"),
        ),
        repairs=RepairSection(
            opening_owed_satang=30_000,
            rows=(
                RepairRow(D(2025, 10, 28), "R-2569-0015", "เปลี่ยนยางล้อรถเข็นวีลแชร์และปั๊มลม", 45_000, 0),
                RepairRow(D(2025, 11, 17), "R-2568-0102", "ชำระค่าซ่อมค้าง", 0, 30_000),
            ),
            closing_owed_satang=45_000,
        ),
        large_print=large_print,
        village="บ้านปั๊มน้ำ",
        moo=4,
    )


def example_receipt(
    *, copy: ReceiptCopy = ReceiptCopy.ORIGINAL, voided: bool = False
) -> ReceiptData:
    return ReceiptData(
        receipt_no="2569/00031",
        issued_on=D(2025, 11, 17),
        payer_name=MEMBER_NAME,
        payer_member_no="CS-0007",
        purpose="ชำระเงินกู้ สัญญาเลขที่ L-2569-0003 งวดที่ 5 และค่าซ่อมรถเข็นที่ค้างชำระ",
        amount_satang=196_400,
        recorded_by="นายกฤษณ์ ปิ่นทองคำ",
        lines=(
            ReceiptLine("เงินต้น งวดที่ 5", 161_000),
            ReceiptLine("ดอกเบี้ย", 3_400),
            ReceiptLine("ค่าปรับชำระล่าช้า", 2_000),
            ReceiptLine("ค่าซ่อมรถเข็น งาน R-2568-0102", 30_000),
        ),
        copy=copy,
        voided=voided,
        voided_on=D(2025, 11, 18) if voided else None,
        void_reason="บันทึกจำนวนเงินผิด ออกใบใหม่เลขที่ 2569/00032" if voided else "",
        printed_on=D(2025, 11, 18),
    )


def example_agreement() -> LoanAgreementData:
    schedule = []
    balance = 2_000_000
    for n in range(1, 13):
        interest = balance * 3 // 1200
        principal = 2_000_000 // 12 if n < 12 else balance
        balance -= principal
        due = D(2025 + (6 + n - 1) // 12, (6 + n - 1) % 12 + 1, 15)
        schedule.append(AgreementInstalment(n, due, principal, interest, balance))
    return LoanAgreementData(
        loan_no="L-2569-0003",
        member_no="CS-0007",
        member_name=MEMBER_NAME,
        member_address="12/3 หมู่ที่ 4 บ้านปั๊มน้ำ ตำบลแจ้ซ้อน อำเภอเมืองปาน จังหวัดลำปาง 52240",
        purpose="ทุนประกอบอาชีพเลี้ยงไก่พื้นเมืองของญาติผู้ดูแล",
        principal_satang=2_000_000,
        annual_rate_percent=Decimal("3"),
        term_months=12,
        method_label="ลดต้นลดดอก",
        approved_on=D(2025, 6, 10),
        first_due_on=schedule[0].due_on,
        schedule=tuple(schedule),
        approved_by=("นายสมศักดิ์ ใจกว้าง", "นางบุญญาดา ฐานะดี"),
        guarantors=("นายปู่ฟื้น ปิ่นทองคำ",),
        printed_on=D(2025, 6, 10),
    )


def example_committee_report(kind: str) -> CommitteeReportData:
    return CommitteeReportData(
        kind=kind,
        period_start=D(2025, 10, 1),
        period_end=D(2025, 11, 30),
        printed_on=D(2025, 12, 1),
        trial_balance=(
            TrialBalanceRow("1010", "เงินสด", 1_523_000, 0),
            TrialBalanceRow("1020", "เงินฝากธนาคาร", 45_000_000, 0),
            TrialBalanceRow("1100", "ลูกหนี้เงินกู้", 12_500_000, 0),
            TrialBalanceRow("2010", "เงินออมสัจจะของสมาชิก", 0, 30_000_000),
            TrialBalanceRow("3900", "ส่วนเกินสะสม", 0, 27_000_000),
            TrialBalanceRow("4010", "รายได้ดอกเบี้ยเงินกู้", 0, 623_000),
            TrialBalanceRow("5010", "ค่าใช้จ่ายสวัสดิการ", 1_600_000, 0),
            TrialBalanceRow("5900", "ค่าใช้จ่ายดำเนินงาน", 0, 3_000_000),
        ),
        assets=(
            AmountRow("1010", "เงินสด", 1_523_000),
            AmountRow("1020", "เงินฝากธนาคาร", 45_000_000),
            AmountRow("1100", "ลูกหนี้เงินกู้", 12_500_000),
        ),
        liabilities=(AmountRow("2010", "เงินออมสัจจะของสมาชิก", 30_000_000),),
        equity=(
            AmountRow("3900", "ส่วนเกินสะสม", 27_000_000),
            AmountRow("", "ส่วนเกินรายได้สูงกว่าค่าใช้จ่ายงวดนี้", 2_023_000),
        ),
        income=(
            AmountRow("4010", "รายได้ดอกเบี้ยเงินกู้", 623_000),
            AmountRow("4100", "เงินอุดหนุนและเงินบริจาค", 3_000_000),
        ),
        expenses=(AmountRow("5010", "ค่าใช้จ่ายสวัสดิการ", 1_600_000),),
        aging=(
            AgingRow("CS-0007", MEMBER_NAME, "L-2568-0041", 150_000, (0, 50_000, 50_000, 0)),
            AgingRow("CS-0012", "นายปั๊ม น้ำใจดี", "L-2568-0019", 900_000, (30_000, 0, 0, 120_000)),
        ),
        welfare=(
            WelfarePayoutRow(
                D(2025, 10, 10), "CS-0007", MEMBER_NAME, "เงินสงเคราะห์รายเดือน", 100_000
            ),
            WelfarePayoutRow(D(2025, 11, 21), "CS-0012", "นายปั๊ม น้ำใจดี", "ค่ารักษาพยาบาล", 250_000),
        ),
        repairs=(
            RepairQueueRow(
                "R-2569-0015", D(2025, 10, 28), MEMBER_NAME, "รถเข็นวีลแชร์", "รออะไหล่", 34
            ),
            RepairQueueRow(
                "R-2569-0021", D(2025, 11, 20), "นายปั๊ม น้ำใจดี", "เครื่องช่วยฟัง", "กำลังซ่อม", 11
            ),
        ),
        repair_counts=(("รับเครื่อง", 3), ("กำลังซ่อม", 2), ("รออะไหล่", 1), ("ส่งคืนแล้ว", 14)),
    )


def example_job_ticket() -> JobTicketData:
    return JobTicketData(
        job_no="R-2569-0015",
        received_on=D(2025, 10, 28),
        member_no="CS-0007",
        member_name=MEMBER_NAME,
        device="รถเข็นวีลแชร์ (ล้อหลังซ้าย)",
        fault="ยางล้อรั่วและปั๊มลมที่ติดมากับรถเข็นไม่ทำงาน",
        state="รออะไหล่",
        phone="081-234-5678",
        promised_on=D(2025, 11, 10),
    )


def write_all(directory: str | Path) -> list[Path]:
    """Write one PDF of each kind into ``directory`` (for looking at them)."""
    from reports import agreement, committee, job_ticket, receipt, statement

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    docs = {
        "receipt.pdf": receipt.receipt_pdf(example_receipt()),
        "receipt-copy.pdf": receipt.receipt_pdf(example_receipt(copy=ReceiptCopy.COPY)),
        "receipt-void.pdf": receipt.receipt_pdf(example_receipt(voided=True)),
        "statement.pdf": statement.statement_pdf(example_statement()),
        "statement-large.pdf": statement.statement_pdf(example_statement(large_print=True)),
        "agreement.pdf": agreement.agreement_pdf(example_agreement()),
        "job-ticket.pdf": job_ticket.job_ticket_pdf(example_job_ticket()),
    }
    for kind in committee.REPORT_KINDS:
        docs[f"committee-{kind}.pdf"] = committee.committee_pdf(example_committee_report(kind))
    paths = []
    for name, pdf in docs.items():
        path = out / name
        path.write_bytes(pdf)
        paths.append(path)
    return paths
