"""Statements assembled from real records: the totals on the statement equal the ledger."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from fund.errors import InvalidInput, NotFound
from fund.ledger.queries import loan_balance, member_receivable_balance, member_savings_balance
from fund.money import format_baht
from fund.savings.queries import passbook
from reports.statement import statement_pdf, summary_pairs
from tests.web.statements.conftest import END, LONG_NOTE, START
from web.statements.data import (
    active_members,
    get_member_by_no,
    member_address,
    month_bounds,
    statement_for,
)

PRINTED = dt.date(2025, 11, 20)


def _statement(db, member, start=START, end=END):
    return statement_for(db, member, start=start, end=end, printed_on=PRINTED)


def test_savings_opening_closing_and_movements_equal_the_ledger(db, history):
    data = _statement(db, history.member)
    member_id = history.member.id
    assert data.savings.opening_satang == member_savings_balance(
        db, member_id, as_of=START - dt.timedelta(days=1)
    )
    assert data.savings.opening_satang == 200_00
    assert data.savings.closing_satang == member_savings_balance(db, member_id, as_of=END)
    assert data.savings.closing_satang == 200_00 + 200_00 + 1_500_00 - 100_00
    assert data.savings.deposits_satang == 1_700_00
    assert data.savings.withdrawals_satang == 100_00
    running = data.savings.opening_satang
    for row in data.savings.rows:
        running += row.deposit_satang - row.withdrawal_satang
        assert row.balance_satang == running
        assert START <= row.on <= END


def test_loan_section_equals_the_loan_records_and_the_ledger(db, history):
    data = _statement(db, history.member)
    (loan,) = data.loans
    assert loan.loan_no == history.loan.loan_no
    assert loan.outstanding_satang == loan_balance(db, history.loan.id, as_of=END)
    assert loan.outstanding_satang == 5_000_00 - 4 * 500_00
    # only the November repayment falls in the period
    assert [p.on for p in loan.payments] == [dt.date(2025, 11, 10)]
    assert loan.paid_in_period_satang == 500_00
    assert loan.payments[0].receipt_no  # every repayment has its receipt
    # July..November due (5 x 500), four paid: the November instalment is overdue at month end
    assert loan.arrears_satang == 500_00
    assert loan.days_overdue == (END + dt.timedelta(days=1) - dt.date(2025, 11, 15)).days
    assert loan.next_due_on == dt.date(2025, 12, 15)
    assert loan.next_due_satang == 500_00
    assert loan.method_label == "ไม่มีดอกเบี้ย"


def test_loan_payments_outside_the_period_are_left_out(db, history):
    data = _statement(db, history.member, start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))
    (loan,) = data.loans
    assert [p.on.month for p in loan.payments] == [7, 8, 9]
    assert loan.outstanding_satang == loan_balance(db, history.loan.id, as_of=dt.date(2025, 9, 30))
    assert loan.outstanding_satang == 3_500_00
    # as it stood on 30 September: October not yet paid (the November payment is not counted)
    assert loan.next_due_on == dt.date(2025, 10, 15)
    assert loan.arrears_satang == 0 and loan.days_overdue == 0
    october = _statement(db, history.member, start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31))
    (loan,) = october.loans
    assert loan.payments == ()
    assert loan.arrears_satang == 500_00  # October's instalment unpaid at the end of October
    assert loan.days_overdue == 17
    assert loan.status_label == "กำลังผ่อนชำระ"


def test_welfare_and_repairs_equal_the_records(db, history):
    data = _statement(db, history.member)
    assert [(w.on, w.amount_satang) for w in data.welfare] == [
        (history.claim.paid_on, history.claim.amount_satang)
    ]
    assert data.welfare_satang == 600_00
    assert data.welfare[0].benefit == "ค่าชดเชยนอนโรงพยาบาล"
    repairs = data.repairs
    assert repairs is not None
    assert repairs.opening_owed_satang == 0
    assert repairs.charged_satang == 450_00 and repairs.paid_satang == 200_00
    assert repairs.closing_owed_satang == member_receivable_balance(
        db, history.member.id, as_of=END
    )
    assert repairs.closing_owed_satang == 250_00
    assert {r.job_no for r in repairs.rows} == {"R-2569-0015"}


def test_member_without_loans_welfare_or_repairs_gets_empty_sections(db, history):
    data = _statement(db, history.other)
    assert data.loans == () and data.welfare == () and data.repairs is None
    assert data.savings.closing_satang == 300_00


def test_summary_box_on_the_pdf_shows_the_ledger_figures(db, history, pdfcheck):
    data = _statement(db, history.member)
    pdf = statement_pdf(data, invariant=True)
    lines = pdfcheck.pypdf_lines(pdf)
    expected = {
        "เงินออมคงเหลือ ณ 30 พ.ย. 2568": member_savings_balance(db, history.member.id, as_of=END),
        "เงินกู้คงค้าง": loan_balance(db, history.loan.id, as_of=END),
        "ค่าซ่อมค้างชำระ": member_receivable_balance(db, history.member.id, as_of=END),
        "สวัสดิการที่ได้รับในงวดนี้": history.claim.amount_satang,
    }
    assert {label for label, _ in summary_pairs(data)} >= set(expected)
    for label, satang in expected.items():
        i = lines.index(label)
        assert lines[i + 1] == f"{format_baht(satang, symbol=False)} บาท", label
    assert "นางสาวญาณิศา ปิ่นฐิติพันธุ์" in "\n".join(lines)
    # the long unbroken note wraps inside its cell, only between words
    text = f"เงินฝากสัจจะเพิ่ม ({LONG_NOTE})"
    wrapped = pdfcheck.find_wrapped(lines, text)
    assert len(wrapped) >= 2
    pdfcheck.whole_tokens(wrapped, text)


def test_passbook_descriptions_come_from_the_journal_without_the_members_own_name(db, history):
    data = _statement(db, history.member)
    book = passbook(db, history.member, start=START, end=END)
    assert len(data.savings.rows) == len(book.lines) == 3
    for row, line in zip(data.savings.rows, book.lines, strict=True):
        assert line.description.startswith(row.description.split(" (")[0])
        assert history.member.member_no not in row.description
    assert data.savings.rows[0].description == "เงินสัจจะประจำเดือนพฤศจิกายน 2568"
    assert data.savings.rows[1].description == f"เงินฝากสัจจะเพิ่ม ({LONG_NOTE})"
    assert data.savings.rows[2].description == "ถอนเงินสัจจะ (ถอนซื้อยา)"


def test_pdf_of_real_data_extracts_the_hard_name_and_shapes_it(db, history, pdfcheck):
    pdf = statement_pdf(_statement(db, history.member), invariant=True)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "สมาชิกเลขที่ CS-0701 นางสาวญาณิศา ปิ่นฐิติพันธุ์" in text
    assert "12/3 หมู่ที่ 4 บ้านปั๊มน้ำ ตำบลแจ้ซ้อน อำเภอเมืองปาน จังหวัดลำปาง 52240" in text
    pdfcheck.assert_glyphs_embedded(pdf, "ปิ่นฐิติพันธุ์ ปั๊มน้ำ")


def test_active_members_in_number_and_village_order(db, history):
    by_number = [m.member_no for m in active_members(db)]
    assert by_number.index("CS-0701") < by_number.index("CS-0702")
    by_village = [m.member_no for m in active_members(db, order="village")]
    assert by_village.index("CS-0702") < by_village.index("CS-0701")  # หมู่ 2 before หมู่ 4
    with pytest.raises(InvalidInput):
        active_members(db, order="age")


def test_member_lookup_and_address(db, history):
    assert get_member_by_no(db, "cs-0701").id == history.member.id
    with pytest.raises(NotFound):
        get_member_by_no(db, "CS-9999")
    assert member_address(history.member).startswith("12/3 หมู่ที่ 4 บ้านปั๊มน้ำ")


def test_reversed_period_is_refused(db, history):
    with pytest.raises(InvalidInput):
        _statement(db, history.member, start=END, end=START)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2025-11", (dt.date(2025, 11, 1), dt.date(2025, 11, 30))),
        ("2568-02", (dt.date(2025, 2, 1), dt.date(2025, 2, 28))),
        ("๒๕๖๗-๐๒", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ],
)
def test_month_bounds(text, expected):
    assert month_bounds(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2025", "2025-13", "2025-00", "11-2025", "2025/11", "1800-01"]
)
def test_month_bounds_refuses_bad_periods(text):
    with pytest.raises(InvalidInput):
        month_bounds(text)
