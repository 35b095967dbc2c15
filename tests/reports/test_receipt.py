"""Receipt PDF (A5): content, amount in words, copy and void marks, text layer."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from reportlab.lib.pagesizes import A5

from fund.money import satang_bahttext
from reports.examples import MEMBER_NAME, example_receipt
from reports.model import ReceiptCopy, ReceiptData
from reports.receipt import COPY_MARK, VOID_MARK, amount_line, receipt_marks, receipt_pdf


def _page_size(pdf: bytes) -> tuple[float, float]:
    import io

    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def test_receipt_is_one_a5_page_with_number_date_payer_purpose_and_recorder(pdfcheck):
    data = example_receipt()
    pdf = receipt_pdf(data, invariant=True)
    assert pdfcheck.page_count(pdf) == 1
    assert _page_size(pdf) == pytest.approx(A5)
    text = "\n".join(pdfcheck.pypdf_lines(pdf))
    assert data.receipt_no in text
    assert "17 พฤศจิกายน 2568" in text  # B.E. date
    assert not pdfcheck.CE_YEAR.search(text), "a Christian-era year is printed"
    assert f"{MEMBER_NAME} (สมาชิกเลขที่ CS-0007)" in text
    assert "ชำระเงินกู้ สัญญาเลขที่ L-2569-0003" in text
    assert f"( {data.recorded_by} )" in text
    assert "ผู้รับเงิน" in text
    assert COPY_MARK not in text and VOID_MARK not in text
    for line in data.lines:
        assert line.description in text
    assert pdfcheck.metadata(pdf).title == f"ใบเสร็จรับเงิน เลขที่ {data.receipt_no}"


def test_amount_in_figures_and_in_words_extracts_exactly(pdfcheck):
    data = example_receipt()
    pdf = receipt_pdf(data, invariant=True)
    words = satang_bahttext(data.amount_satang)
    assert words == "หนึ่งพันเก้าร้อยหกสิบสี่บาทถ้วน"
    expected = f"จำนวนเงิน 1,964.00 บาท ({words})"
    lines = pdfcheck.pypdf_lines(pdf)
    assert expected in lines
    if pdfcheck.has_pdftotext:
        assert expected in pdfcheck.pdftotext_lines(pdf)
    assert "รวมเป็นเงิน" in lines and "1,964.00" in lines


def test_amount_line_uses_one_satang_not_ed():
    assert amount_line(101) == "1.01 บาท (หนึ่งบาทหนึ่งสตางค์)"
    assert amount_line(2_100) == "21.00 บาท (ยี่สิบเอ็ดบาทถ้วน)"


def test_sum_of_lines_matching_the_total_is_printed_once_per_line(pdfcheck):
    data = example_receipt()
    assert sum(line.amount_satang for line in data.lines) == data.amount_satang
    lines = pdfcheck.pypdf_lines(receipt_pdf(data, invariant=True))
    assert lines.count("1,610.00") == 1 and lines.count("300.00") == 1


def test_receipt_without_lines_prints_the_purpose_as_its_one_line(pdfcheck):
    data = dataclasses.replace(example_receipt(), lines=(), purpose="ฝากเงินสัจจะประจำเดือน")
    lines = pdfcheck.pypdf_lines(receipt_pdf(data, invariant=True))
    assert lines.count("ฝากเงินสัจจะประจำเดือน") == 2  # "เพื่อชำระ" and the item line
    assert lines.count("1,964.00") == 2  # the item and the total


def test_reprint_is_marked_copy(pdfcheck):
    data = example_receipt(copy=ReceiptCopy.COPY)
    assert receipt_marks(data) == [COPY_MARK]
    pdf = receipt_pdf(data, invariant=True)
    text = pdfcheck.pypdf_pages(pdf)[0]
    assert text.count(COPY_MARK) >= 2  # the box beside the title and the stamp
    assert VOID_MARK not in text
    assert pdfcheck.metadata(pdf).title.endswith(f"({COPY_MARK})")


def test_voided_receipt_is_marked_void_with_date_and_reason(pdfcheck):
    data = example_receipt(voided=True)
    assert receipt_marks(data) == [VOID_MARK]
    pdf = receipt_pdf(data, invariant=True)
    lines = pdfcheck.pypdf_lines(pdf)
    text = "\n".join(lines)
    assert text.count(VOID_MARK) >= 2
    reason = "ใบเสร็จนี้ยกเลิกแล้ว เมื่อ 18 พฤศจิกายน 2568 เหตุผล: " + data.void_reason
    assert reason.replace(" ", "") in "".join(lines).replace(" ", "")
    assert pdfcheck.metadata(pdf).title.endswith(f"({VOID_MARK})")


def test_voided_reprint_carries_both_marks(pdfcheck):
    data = dataclasses.replace(example_receipt(voided=True), copy=ReceiptCopy.COPY)
    assert receipt_marks(data) == [VOID_MARK, COPY_MARK]
    text = pdfcheck.pypdf_pages(receipt_pdf(data, invariant=True))[0]
    assert VOID_MARK in text and COPY_MARK in text


@pytest.mark.parametrize("copy", list(ReceiptCopy))
def test_hard_thai_in_names_is_shaped_and_extracts(pdfcheck, copy):
    data = ReceiptData(
        receipt_no="2569/00001",
        issued_on=dt.date(2025, 10, 1),
        payer_name="นางปั๊มมี่ กตัญญูฐิติ",
        purpose="ค่าน้ำมันรถเข็นที่ปิ่นเกล้า",
        amount_satang=1,
        recorded_by="นายฐานะ ญาติดี",
        copy=copy,
    )
    pdf = receipt_pdf(data, invariant=True)
    lines = pdfcheck.pypdf_lines(pdf)
    substituted = set()
    for text in (data.payer_name, data.purpose, f"( {data.recorded_by} )"):
        assert any(text in line for line in lines), text
        substituted |= pdfcheck.assert_glyphs_embedded(pdf, text)
    assert {"uni0E48.small", "uni0E31.narrow", "yoYingthai.less"} <= substituted
    assert "จำนวนเงิน 0.01 บาท (หนึ่งสตางค์)" in lines
    joined = "\n".join(lines)
    assert not pdfcheck.PUA.search(joined)
    if pdfcheck.has_pdftotext:
        assert "จำนวนเงิน 0.01 บาท (หนึ่งสตางค์)" in pdfcheck.pdftotext_lines(pdf)


def test_receipt_output_is_deterministic_in_invariant_mode():
    data = example_receipt()
    assert receipt_pdf(data, invariant=True) == receipt_pdf(data, invariant=True)
