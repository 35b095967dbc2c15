"""Loan agreement, committee reports and repair job ticket PDFs from plain data."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A6

from fund.money import satang_bahttext
from reports import agreement, committee, job_ticket
from reports.examples import (
    MEMBER_NAME,
    example_agreement,
    example_committee_report,
    example_job_ticket,
)
from reports.model import AmountRow, TrialBalanceRow

# --------------------------------------------------------------------------- agreement


@pytest.fixture(scope="module")
def agreement_pdf() -> bytes:
    return agreement.agreement_pdf(example_agreement(), invariant=True)


def test_agreement_states_terms_in_figures_and_words(pdfcheck, agreement_pdf):
    data = example_agreement()
    lines = pdfcheck.pypdf_lines(agreement_pdf)
    flat = "".join(lines).replace(" ", "")
    assert agreement.agreement_intro(data).replace(" ", "") in flat
    assert satang_bahttext(2_000_000) == "สองหมื่นบาทถ้วน"
    text = "\n".join(lines)
    for expected in (
        agreement.TITLE,
        "สัญญาเลขที่ L-2569-0003",
        "ทำที่ ชมรมคนพิการตำบลแจ้ซ้อน วันที่ 10 มิถุนายน 2568",
        "20,000.00 บาท (สองหมื่นบาทถ้วน)",
        "ร้อยละ 3 ต่อปี (ลดต้นลดดอก)",
        "12 งวด (เดือน)",
        "15 กรกฎาคม 2568",
    ):
        assert expected in text, expected
    assert not pdfcheck.CE_YEAR.search(text)


def test_agreement_schedule_rows_and_totals(pdfcheck, agreement_pdf):
    data = example_agreement()
    text = "\n".join(pdfcheck.pypdf_lines(agreement_pdf))
    for inst in data.schedule:
        assert f"{inst.no}\n" in text
    last = data.schedule[-1]
    assert "12\n15 มิ.ย. 2569\n1,666.74\n4.16\n1,670.90\n0.00" in text
    principal = sum(i.principal_satang for i in data.schedule)
    assert principal == data.principal_satang
    interest = data.total_interest_satang
    assert f"รวม\n20,000.00\n{interest // 100}.{interest % 100:02d}" in text
    assert last.balance_satang == 0


def test_agreement_has_borrower_thumbprint_two_witnesses_committee_and_guarantor(
    pdfcheck, agreement_pdf
):
    pages = pdfcheck.pypdf_pages(agreement_pdf)
    last = pages[-1]
    assert "ผู้กู้" in last and f"( {MEMBER_NAME} )" in last
    assert "ลายพิมพ์นิ้วหัวแม่มือซ้าย" in last
    assert last.count("พยาน") >= 3  # two witness lines and the sentence that asks for them
    assert "( นายสมศักดิ์ ใจกว้าง )" in last and "( นางบุญญาดา ฐานะดี )" in last
    assert "ผู้ค้ำประกัน" in last and "( นายปู่ฟื้น ปิ่นทองคำ )" in last
    for i, page in enumerate(pages, start=1):
        assert f"หน้า {i}/{len(pages)}" in page


def test_agreement_without_named_committee_leaves_blank_name_lines(pdfcheck):
    data = dataclasses.replace(example_agreement(), approved_by=(), guarantors=())
    last = pdfcheck.pypdf_pages(agreement.agreement_pdf(data, invariant=True))[-1]
    assert last.count("กรรมการ") == 2
    assert "ผู้ค้ำประกัน" not in last


# --------------------------------------------------------------------------- committee


@pytest.mark.parametrize("kind", committee.REPORT_KINDS)
def test_each_committee_report_renders_with_title_period_and_extracts(pdfcheck, kind):
    data = example_committee_report(kind)
    pdf = committee.committee_pdf(data, invariant=True)
    text = "\n".join(pdfcheck.pypdf_lines(pdf))
    assert committee.report_title(kind) in text
    assert committee.period_line(data) in text
    assert "พิมพ์เมื่อ 1 ธันวาคม 2568" in text
    assert not pdfcheck.CE_YEAR.search(text)
    assert not pdfcheck.PUA.search(text)
    if pdfcheck.has_pdftotext:
        raw = "\n".join(pdfcheck.pdftotext_lines(pdf, "-raw"))
        assert committee.report_title(kind) in raw


def test_unknown_committee_report_is_refused():
    data = dataclasses.replace(example_committee_report("welfare"), kind="gossip")
    with pytest.raises(ValueError, match="gossip"):
        committee.committee_pdf(data)


def test_trial_balance_totals_and_imbalance_warning(pdfcheck):
    data = example_committee_report("trial_balance")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(data, invariant=True)))
    assert "รวม\n606,230.00\n606,230.00" in text
    assert "ยอดไม่เท่ากัน" not in text
    broken = dataclasses.replace(
        data, trial_balance=(*data.trial_balance, TrialBalanceRow("1300", "วัสดุ", 100, 0))
    )
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(broken, invariant=True)))
    assert "ยอดไม่เท่ากัน ผลต่าง 1.00 บาท" in text


def test_balance_sheet_balances_and_says_so_when_not(pdfcheck):
    data = example_committee_report("balance_sheet")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(data, invariant=True)))
    assert "รวมสินทรัพย์\n590,230.00" in text
    assert "รวมหนี้สินและทุน\n590,230.00" in text
    assert "งบไม่สมดุล" not in text
    off = dataclasses.replace(data, equity=(AmountRow("3900", "ส่วนเกินสะสม", 1),))
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(off, invariant=True)))
    assert "งบไม่สมดุล" in text


def test_income_expenditure_surplus_and_deficit(pdfcheck):
    data = example_committee_report("income_expenditure")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(data, invariant=True)))
    assert "รายได้สูงกว่าค่าใช้จ่าย\n20,230.00" in text
    loss = dataclasses.replace(data, expenses=(AmountRow("5010", "สวัสดิการ", 5_000_000),))
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(loss, invariant=True)))
    assert "ค่าใช้จ่ายสูงกว่ารายได้\n13,770.00" in text


def test_arrears_aging_buckets_total(pdfcheck):
    data = example_committee_report("arrears")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(data, invariant=True)))
    assert "รวม\n10,500.00\n300.00\n500.00\n500.00\n1,200.00\n2,500.00" in text
    empty = dataclasses.replace(data, aging=())
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(empty, invariant=True)))
    assert "ไม่มีลูกหนี้ค้างชำระ" in text


def test_welfare_and_repair_summaries(pdfcheck):
    welfare = example_committee_report("welfare")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(welfare, invariant=True)))
    assert "รวม 2 รายการ\n3,500.00" in text
    assert "สรุปตามประเภท" in text
    repairs = example_committee_report("repairs")
    text = "\n".join(pdfcheck.pypdf_lines(committee.committee_pdf(repairs, invariant=True)))
    assert "รวม\n20" in text and "R-2569-0015" in text and "รออะไหล่" in text


# --------------------------------------------------------------------------- job ticket


def test_job_ticket_is_one_a6_page_with_job_number_text_and_member(pdfcheck):
    data = example_job_ticket()
    pdf = job_ticket.job_ticket_pdf(data, invariant=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A6)
    text = "\n".join(pdfcheck.pypdf_lines(pdf))
    for expected in (
        data.job_no,
        f"{MEMBER_NAME} (CS-0007)",
        data.device,
        data.fault,
        data.state,
        "รับเมื่อ 28 ตุลาคม 2568",
        "10 พฤศจิกายน 2568",
    ):
        assert expected in text, expected
    pdfcheck.assert_glyphs_embedded(pdf, data.fault)


def test_job_ticket_qr_code_holds_the_job_number():
    data = example_job_ticket()
    assert job_ticket.qr_payload(data) == "R-2569-0015"
    drawing = job_ticket.qr_drawing(job_ticket.qr_payload(data))
    widget = drawing.contents[0]
    assert isinstance(widget, QrCodeWidget)
    assert widget.value == "R-2569-0015"
    custom = dataclasses.replace(data, qr_payload="https://fund.example/repair/jobs/15")
    assert job_ticket.qr_payload(custom) == custom.qr_payload


def test_job_ticket_draws_the_qr_modules(pdfcheck):
    """The page carries many filled rectangles (the QR modules), not just text."""
    data = example_job_ticket()
    pdf = job_ticket.job_ticket_pdf(data, invariant=True)
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    assert content.count(" re") > 50
