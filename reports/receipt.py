"""Receipt (ใบเสร็จรับเงิน) on A5: number, B.E. date, payer, purpose, amount in figures and words.

A reprint says "สำเนา" (a box at the top and a stamp across the page); a voided receipt says
"ยกเลิก" in red the same way, with the date and reason of voiding.  Voided receipts are printed,
never hidden: the receipt book must account for every number.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from fund.money import satang_bahttext
from reports.common import (
    STAMP_GREY,
    STAMP_RED,
    baht,
    be,
    chain,
    data_table,
    label_value_table,
    letterhead,
    print_date_footer,
    signature_block,
    spacer,
    stamp,
)
from reports.model import ReceiptCopy, ReceiptData
from reports.thai_text import build_pdf, thai_paragraph, thai_styles

TITLE = "ใบเสร็จรับเงิน"
COPY_MARK = "สำเนา"
VOID_MARK = "ยกเลิก"

MARGIN = 14 * mm
#: ReportLab's frame pads 6 pt on each side
CONTENT_WIDTH = A5[0] - 2 * MARGIN - 12


def amount_line(amount_satang: int) -> str:
    """ "1,234.50 บาท (หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์)"."""
    return f"{baht(amount_satang)} บาท ({satang_bahttext(amount_satang)})"


def receipt_marks(data: ReceiptData) -> list[str]:
    """The marks the receipt carries, in the order printed ("ยกเลิก", "สำเนา")."""
    marks = []
    if data.voided:
        marks.append(VOID_MARK)
    if data.copy is ReceiptCopy.COPY:
        marks.append(COPY_MARK)
    return marks


def _mark_box(text: str, color, styles) -> Table:
    st = styles["heading"].clone("mark", textColor=color, alignment=1, spaceBefore=0)
    box = Table([[thai_paragraph(text, st)]], colWidths=[32 * mm])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, color)]))
    return box


def receipt_flowables(data: ReceiptData) -> list:
    st = thai_styles(11)
    story: list = []
    marks = receipt_marks(data)
    title = thai_paragraph(TITLE, st["title"])
    if marks:
        boxes = [_mark_box(m, STAMP_RED if m == VOID_MARK else STAMP_GREY, st) for m in marks]
        head = Table(
            [[title, *boxes]],
            colWidths=[CONTENT_WIDTH - 34 * mm * len(boxes)] + [34 * mm] * len(boxes),
        )
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(head)
    else:
        story.append(title)

    pairs = [("เลขที่", data.receipt_no), ("วันที่", be(data.issued_on, "long"))]
    story.append(label_value_table(pairs, st, [14 * mm, 40 * mm, 14 * mm, 52 * mm]))
    story.append(spacer(2))
    payer = data.payer_name
    if data.payer_member_no:
        payer += f" (สมาชิกเลขที่ {data.payer_member_no})"
    story.append(
        label_value_table(
            [("ได้รับเงินจาก", payer), ("เพื่อชำระ", data.purpose)],
            st,
            [26 * mm, CONTENT_WIDTH - 26 * mm],
        )
    )
    story.append(spacer(3))

    lines = data.lines or ()
    rows = [
        [
            thai_paragraph("รายการ", st["table_header"]),
            thai_paragraph("จำนวนเงิน (บาท)", st["table_header"]),
        ]
    ]
    for line in lines:
        rows.append(
            [
                thai_paragraph(line.description, st["table"]),
                thai_paragraph(baht(line.amount_satang), st["table_right"]),
            ]
        )
    if not lines:
        rows.append(
            [
                thai_paragraph(data.purpose, st["table"]),
                thai_paragraph(baht(data.amount_satang), st["table_right"]),
            ]
        )
    rows.append(
        [
            thai_paragraph("รวมเป็นเงิน", st["table_header"]),
            thai_paragraph(
                baht(data.amount_satang),
                st["table_right"].clone("tot", fontName=st["table_header"].fontName),
            ),
        ]
    )
    story.append(data_table(rows, [CONTENT_WIDTH - 38 * mm, 38 * mm], total_rows=1))
    story.append(spacer(2))
    story.append(thai_paragraph(f"จำนวนเงิน {amount_line(data.amount_satang)}", st["body"]))

    if data.voided:
        reason = f"ใบเสร็จนี้ยกเลิกแล้ว เมื่อ {be(data.voided_on, 'long')}"
        if data.void_reason:
            reason += f" เหตุผล: {data.void_reason}"
        void_st = st["body"].clone("void", textColor=STAMP_RED)
        story.append(thai_paragraph(reason, void_st))

    story.append(spacer(4))
    story.append(signature_block("ผู้รับเงิน", data.recorded_by, st, CONTENT_WIDTH))
    return story


def receipt_pdf(data: ReceiptData, *, invariant: bool | None = None) -> bytes:
    """The receipt as A5 PDF bytes."""
    hooks = [letterhead(data.fund, "", 12)]
    if data.voided:
        hooks.append(stamp(VOID_MARK, STAMP_RED, 90))
    elif data.copy is ReceiptCopy.COPY:
        hooks.append(stamp(COPY_MARK, colors.grey, 90))
    if data.printed_on is not None:
        hooks.append(print_date_footer(f"พิมพ์เมื่อ {be(data.printed_on)}", 8))
    title = f"{TITLE} เลขที่ {data.receipt_no}"
    if data.voided:
        title += f" ({VOID_MARK})"
    elif data.copy is ReceiptCopy.COPY:
        title += f" ({COPY_MARK})"
    return build_pdf(
        receipt_flowables(data),
        pagesize=A5,
        title=title,
        author=data.fund.name,
        subject=TITLE,
        on_page=chain(*hooks),
        page_numbers=False,
        margins=(MARGIN, MARGIN, 28 * mm, 16 * mm),
        invariant=invariant,
    )
