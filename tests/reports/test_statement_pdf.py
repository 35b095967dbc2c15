"""Member statement PDF from plain data: content, hard Thai, word breaks, large print, batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reports import statement
from reports.examples import HARD_TEXTS, LONG_DESCRIPTION, MEMBER_NAME, example_statement
from reports.model import PassbookRow, SavingsSection, StatementData
from reports.thai_text import page_label


@pytest.fixture(scope="module")
def normal_pdf() -> bytes:
    return statement.statement_pdf(example_statement(), invariant=True)


@pytest.fixture(scope="module")
def large_pdf() -> bytes:
    return statement.statement_pdf(example_statement(large_print=True), invariant=True)


def test_statement_has_letterhead_member_period_and_sections(pdfcheck, normal_pdf):
    data = example_statement()
    text = "\n".join(pdfcheck.pypdf_lines(normal_pdf))
    for expected in (
        "ชมรมคนพิการตำบลแจ้ซ้อน",
        "ตำบลแจ้ซ้อน อำเภอเมืองปาน จังหวัดลำปาง 52240",
        statement.TITLE,
        "CS-0007",
        MEMBER_NAME,
        "1 ตุลาคม 2568 ถึง 30 พฤศจิกายน 2568",
        "วันที่ รายการ ถอน ฝาก คงเหลือ".replace(" ", "\n"),
        "1. เงินออมสัจจะ",
        "2. เงินกู้",
        "2.1 สัญญาเงินกู้เลขที่ L-2569-0003",
        "2.2 สัญญาเงินกู้เลขที่ L-2568-0041",
        "3. สวัสดิการที่ได้รับ",
        "พิมพ์เมื่อ 1 ธันวาคม 2568",
    ):
        assert expected in text, expected
    assert not pdfcheck.CE_YEAR.search(text), "a Christian-era year is printed"
    assert data.address in text


def test_every_page_is_numbered_and_carries_the_member_and_print_date(pdfcheck, normal_pdf):
    pages = pdfcheck.pypdf_pages(normal_pdf)
    assert len(pages) >= 2
    for i, page in enumerate(pages, start=1):
        assert page_label(i, len(pages)) in page
        assert f"สมาชิกเลขที่ CS-0007 {MEMBER_NAME}" in page
        assert "พิมพ์เมื่อ 1 ธันวาคม 2568" in page


def test_summary_box_and_passbook_figures(pdfcheck, normal_pdf):
    data = example_statement()
    lines = pdfcheck.pypdf_lines(normal_pdf)
    pairs = statement.summary_pairs(data)
    assert pairs[0] == ("เงินออมคงเหลือ ณ 30 พ.ย. 2568", "11,400.00 บาท")
    for label, amount in pairs:
        i = lines.index(label)
        assert lines[i + 1] == amount
    opening = lines.index(statement.OPENING)
    assert lines[opening + 1] == "12,500.00"
    closing = lines.index(statement.CLOSING)
    # total withdrawals, deposits, closing balance
    assert lines[closing + 1 : closing + 4] == ["3,000.00", "1,900.00", "11,400.00"]
    assert (
        data.savings.opening_satang
        + data.savings.deposits_satang
        - (data.savings.withdrawals_satang)
        == data.savings.closing_satang
    )


def test_loans_show_terms_payments_outstanding_next_due_and_arrears(pdfcheck, normal_pdf):
    text = "\n".join(pdfcheck.pypdf_lines(normal_pdf))
    for expected in (
        "ร้อยละ 3 ต่อปี (ลดต้นลดดอก)",
        "ร้อยละ 0 ต่อปี (ไม่มีดอกเบี้ย)",
        "12 งวด (เดือน) งวดละ 1,694.00 บาท",
        "15 ต.ค. 2568\n2569/00012\n1,600.00\n40.00\n-\n1,640.00",
        "รวมชำระในงวดนี้\n3,210.00\n74.00\n20.00\n3,304.00",
        "เงินต้นคงค้าง ณ สิ้นงวด\n10,150.00 บาท",
        "15 ธันวาคม 2568 จำนวน 1,694.00 บาท",
        "1,000.00 บาท (เกินกำหนด 51 วัน)",
        "การชำระในงวดนี้: ไม่มีการชำระในงวดนี้",
    ):
        assert expected in text, expected


def test_welfare_and_repairs_sections(pdfcheck, normal_pdf):
    text = "\n".join(pdfcheck.pypdf_lines(normal_pdf))
    assert "ค่ารักษาพยาบาลที่โรงพยาบาลลำปาง (ผู้ป่วยใน 3 วัน)" in text
    assert "รวมสวัสดิการที่ได้รับ\n4,500.00" in text
    assert "28 ต.ค. 2568\nR-2569-0015" in text
    assert "30 พ.ย. 2568\nยอดคงเหลือ\n450.00\n300.00\n450.00" in text


@pytest.mark.parametrize("large", [False, True])
def test_hard_thai_extracts_exactly_and_its_glyphs_are_embedded(pdfcheck, large):
    data = example_statement(large_print=large)
    pdf = statement.statement_pdf(data, invariant=True)
    lines = pdfcheck.pypdf_lines(pdf)
    joined = "\n".join(lines)
    assert MEMBER_NAME in lines or f"สมาชิกเลขที่ CS-0007 {MEMBER_NAME}" in lines
    pdfcheck.find_wrapped(lines, "ถอนเงินเพื่อซื้อปั๊มน้ำที่บ้านปู่")  # may wrap in large print
    substituted = set()
    for text in (MEMBER_NAME, "ถอนเงินเพื่อซื้อปั๊มน้ำที่บ้านปู่", *HARD_TEXTS):
        assert text.replace(" ", "") in joined.replace(" ", "").replace("\n", "")
        substituted |= pdfcheck.assert_glyphs_embedded(pdf, text)
    assert {"uni0E48.small", "uni0E31.narrow", "uni0E4D0E49", "yoYingthai.less"} <= substituted
    assert not pdfcheck.PUA.search(joined)
    if pdfcheck.has_pdftotext:
        raw = pdfcheck.pdftotext_lines(pdf, "-raw")
        assert f"สมาชิกเลขที่ CS-0007 {MEMBER_NAME}" in raw
        flat = "".join(raw).replace(" ", "")
        for text in ("ถอนเงินเพื่อซื้อปั๊มน้ำที่บ้านปู่", data.address, *HARD_TEXTS):
            assert text.replace(" ", "") in flat, text
        assert not pdfcheck.PUA.search(flat)


@pytest.mark.parametrize("large", [False, True])
def test_long_unbroken_description_wraps_only_between_words(pdfcheck, large):
    pdf = statement.statement_pdf(example_statement(large_print=large), invariant=True)
    wrapped = pdfcheck.find_wrapped(pdfcheck.pypdf_lines(pdf), LONG_DESCRIPTION)
    assert len(wrapped) >= (5 if large else 3)
    pdfcheck.whole_tokens(wrapped, LONG_DESCRIPTION)


def test_large_print_is_at_least_16pt_and_has_more_pages(pdfcheck, normal_pdf, large_pdf):
    sizes = pdfcheck.font_sizes_of_thai_text(large_pdf)
    assert sizes and min(sizes) >= 16
    assert min(pdfcheck.font_sizes_of_thai_text(normal_pdf)) < 16  # control: the check bites
    assert pdfcheck.page_count(large_pdf) > pdfcheck.page_count(normal_pdf)
    # same content
    normal = "".join(pdfcheck.pypdf_lines(normal_pdf)).replace(" ", "")
    for text in (LONG_DESCRIPTION, MEMBER_NAME, "1,000.00บาท(เกินกำหนด51วัน)"):
        assert text.replace(" ", "") in normal
        large_text = "".join(pdfcheck.pypdf_lines(large_pdf)).replace(" ", "")
        assert text.replace(" ", "") in large_text


def test_large_print_argument_overrides_the_member_preference(pdfcheck):
    data = example_statement(large_print=True)
    forced_small = statement.statement_pdf(data, large_print=False, invariant=True)
    assert min(pdfcheck.font_sizes_of_thai_text(forced_small)) < 16
    forced_large = statement.statement_pdf(example_statement(), large_print=True, invariant=True)
    assert min(pdfcheck.font_sizes_of_thai_text(forced_large)) >= 16


def test_a_long_name_in_large_print_gets_its_own_header_line(pdfcheck):
    long_name = "นางสาวญาณิศาปั๊มน้ำ ปิ่นฐิติพันธุ์ทองคำเจริญสุขสวัสดิ์"
    data = dataclasses.replace(example_statement(large_print=True), member_name=long_name)
    pdf = statement.statement_pdf(data, invariant=True)
    for page in pdfcheck.pypdf_pages(pdf):
        assert f"สมาชิกเลขที่ CS-0007 {long_name}" in page


def test_statement_without_movements_loans_welfare_or_repairs(pdfcheck):
    data = StatementData(
        member_no="CS-0100",
        member_name="นายฐิติ ญาติดี",
        address="",
        period_start=dt.date(2025, 11, 1),
        period_end=dt.date(2025, 11, 30),
        printed_on=dt.date(2025, 12, 1),
        savings=SavingsSection(50_000, (), 50_000),
    )
    pdf = statement.statement_pdf(data, invariant=True)
    text = "\n".join(pdfcheck.pypdf_lines(pdf))
    assert "ไม่มีรายการเคลื่อนไหวในงวดนี้" in text
    assert "ไม่มีเงินกู้" in text
    assert "ไม่ได้รับสวัสดิการในงวดนี้" in text
    assert "4. ค่าซ่อมอุปกรณ์" not in text
    assert "ค่าซ่อมค้างชำระ" not in text and "เงินกู้คงค้าง" not in text
    assert page_label(1, 1) in text


def test_batch_numbers_pages_per_member_and_starts_each_on_a_new_page(pdfcheck):
    first = example_statement()
    second = dataclasses.replace(
        example_statement(), member_no="CS-0008", member_name="นายปู่ฟื้น ปิ่นทองคำ"
    )
    small = StatementData(
        member_no="CS-0009",
        member_name="นางน้ำฝน ฐานะดี",
        address="",
        period_start=first.period_start,
        period_end=first.period_end,
        printed_on=first.printed_on,
        savings=SavingsSection(0, (PassbookRow(dt.date(2025, 11, 5), "ฝาก", 0, 100, 100),), 100),
        large_print=True,
    )
    single = [
        pdfcheck.page_count(statement.statement_pdf(d, invariant=True))
        for d in (first, second, small)
    ]
    pdf = statement.statements_pdf([first, second, small], invariant=True)
    pages = pdfcheck.pypdf_pages(pdf)
    assert len(pages) == sum(single)
    expected = []
    for data, count in zip((first, second, small), single, strict=True):
        for i in range(1, count + 1):
            expected.append((data.member_no, page_label(i, count)))
    for page, (member_no, label) in zip(pages, expected, strict=True):
        assert f"สมาชิกเลขที่ {member_no}" in page
        assert label in page
    # the large-print member's pages are large, the others not
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1]
    sizes = []
    last.extract_text(
        visitor_text=lambda t, cm, tm, fd, fs: (
            sizes.append(fs * abs(tm[3])) if any("\u0e01" <= c <= "\u0e5b" for c in t) else None
        )
    )
    assert min(sizes) >= 16


def test_empty_batch_is_refused():
    with pytest.raises(ValueError):
        statement.statements_pdf([])
