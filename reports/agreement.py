"""Loan agreement (สัญญากู้ยืมเงิน) on A4: the approved terms, the repayment schedule, signature
lines for the borrower and the committee, and a thumbprint box with two witness lines for a
borrower who cannot sign (a thumbprint counts as a signature when two witnesses sign)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Table, TableStyle

from fund.money import satang_bahttext
from reports.common import (
    ThumbprintBox,
    baht,
    be,
    chain,
    data_table,
    label_value_table,
    letterhead,
    print_date_footer,
    rate_text,
    signature_block,
    spacer,
)
from reports.model import LoanAgreementData
from reports.thai_text import build_pdf, text_width, thai_paragraph, thai_styles

TITLE = "สัญญากู้ยืมเงิน"
MARGIN = 20 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN - 12
SCHEDULE_HEADERS = ("งวดที่", "วันครบกำหนด", "เงินต้น", "ดอกเบี้ย", "รวมชำระ", "คงเหลือ")

STANDARD_CLAUSES = (
    "ผู้กู้จะชำระเงินต้นและดอกเบี้ยตามตารางการชำระเงินท้ายสัญญานี้ทุกงวด "
    "ณ ที่ทำการชมรม หรือตามที่คณะกรรมการกำหนด และจะได้รับใบเสร็จรับเงินทุกครั้ง",
    "หากผู้กู้ผิดนัดชำระงวดใด คณะกรรมการอาจเรียกค่าปรับตามระเบียบของกองทุน "
    "และผู้กู้ยินยอมให้หักเงินออมสัจจะของผู้กู้ชำระหนี้ที่ค้างได้ตามระเบียบ",
    "ผู้กู้จะใช้เงินกู้ตามวัตถุประสงค์ที่ระบุในสัญญานี้เท่านั้น",
)


def agreement_intro(data: LoanAgreementData) -> str:
    """The opening paragraph: who borrows how much, in figures and words, for what."""
    return (
        f"ข้าพเจ้า {data.member_name} สมาชิกเลขที่ {data.member_no} "
        f"อยู่บ้านเลขที่ {data.member_address} ได้กู้ยืมเงินจากกองทุน{data.fund.name} "
        f"เป็นจำนวนเงิน {baht(data.principal_satang)} บาท "
        f"({satang_bahttext(data.principal_satang)}) "
        f"เพื่อ{data.purpose} และตกลงปฏิบัติตามเงื่อนไขดังต่อไปนี้"
    )


def _schedule_table(data: LoanAgreementData, st) -> Table:
    right = st["table_header"].clone("th_right", alignment=2)
    rows: list[list] = [
        [
            thai_paragraph(h, right if i >= 2 else st["table_header"])
            for i, h in enumerate(SCHEDULE_HEADERS)
        ]
    ]
    for inst in data.schedule:
        rows.append(
            [
                thai_paragraph(str(inst.no), st["table_center"]),
                thai_paragraph(be(inst.due_on), st["table"]),
                thai_paragraph(baht(inst.principal_satang), st["table_right"]),
                thai_paragraph(baht(inst.interest_satang), st["table_right"]),
                thai_paragraph(baht(inst.total_satang), st["table_right"]),
                thai_paragraph(baht(inst.balance_satang), st["table_right"]),
            ]
        )
    principal = sum(i.principal_satang for i in data.schedule)
    interest = data.total_interest_satang
    rows.append(
        [
            thai_paragraph("รวม", st["table_header"]),
            "",
            thai_paragraph(baht(principal), st["table_right"]),
            thai_paragraph(baht(interest), st["table_right"]),
            thai_paragraph(baht(principal + interest), st["table_right"]),
            "",
        ]
    )
    no_w = 16 * mm
    date_w = 30 * mm
    money_w = (CONTENT_WIDTH - no_w - date_w) / 4
    return data_table(
        rows,
        [no_w, date_w] + [money_w] * 4,
        total_rows=1,
        extra=[("SPAN", (0, -1), (1, -1))],
    )


def _signatures(data: LoanAgreementData, st) -> list:
    half = CONTENT_WIDTH / 2
    story: list = [
        thai_paragraph(
            "คู่สัญญาได้อ่านและเข้าใจข้อความในสัญญานี้โดยตลอดแล้ว จึงลงลายมือชื่อหรือพิมพ์ลายนิ้วมือไว้เป็นสำคัญต่อหน้าพยาน",
            st["body"],
        )
    ]
    borrower = signature_block("ผู้กู้", data.member_name, st, half)
    thumb = ThumbprintBox(30 * mm)
    thumb_note = thai_paragraph(
        "กรณีผู้กู้ลงลายมือชื่อไม่ได้ ให้พิมพ์ลายนิ้วมือในช่องนี้ และมีพยานลงชื่อสองคน",
        st["small"],
    )
    grid = Table(
        [[borrower, [thumb, thumb_note]]],
        colWidths=[half, half],
    )
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(grid)
    witnesses = Table(
        [[signature_block("พยาน", "", st, half), signature_block("พยาน", "", st, half)]],
        colWidths=[half, half],
    )
    story.append(witnesses)
    committee = list(data.approved_by) or ["", ""]
    if len(committee) % 2:
        committee.append("")
    rows = [
        [
            signature_block("กรรมการ", committee[i], st, half),
            signature_block("กรรมการ", committee[i + 1], st, half),
        ]
        for i in range(0, len(committee), 2)
    ]
    story.append(Table(rows, colWidths=[half, half]))
    if data.guarantors:
        guarantors = list(data.guarantors)
        if len(guarantors) % 2:
            guarantors.append(None)
        rows = [
            [
                signature_block("ผู้ค้ำประกัน", g, st, half) if g is not None else ""
                for g in guarantors[i : i + 2]
            ]
            for i in range(0, len(guarantors), 2)
        ]
        story.append(Table(rows, colWidths=[half, half]))
    return story


def agreement_flowables(data: LoanAgreementData) -> list:
    st = thai_styles(12)
    story: list = [
        thai_paragraph(TITLE, st["title"]),
        thai_paragraph(f"สัญญาเลขที่ {data.loan_no}", st["table_center"]),
        thai_paragraph(
            f"ทำที่ {data.fund.name} วันที่ {be(data.approved_on, 'long')}", st["table_center"]
        ),
        spacer(4),
        thai_paragraph(agreement_intro(data), st["body"]),
    ]
    terms = [
        ("วงเงินกู้", f"{baht(data.principal_satang)} บาท ({satang_bahttext(data.principal_satang)})"),
        ("อัตราดอกเบี้ย", f"ร้อยละ {rate_text(data.annual_rate_percent)} ต่อปี ({data.method_label})"),
        ("ระยะเวลา", f"{data.term_months} งวด (เดือน)"),
        ("ชำระงวดแรก", be(data.first_due_on, "long")),
        ("ดอกเบี้ยตลอดสัญญา", f"{baht(data.total_interest_satang)} บาท"),
    ]
    if data.guarantors:
        terms.append(("ผู้ค้ำประกัน", ", ".join(data.guarantors)))
    label = max(
        text_width(t[0], st["table_header"].fontName, st["table_header"].fontSize) for t in terms
    )
    story.append(label_value_table(terms, st, [label + 12, CONTENT_WIDTH - label - 12], boxed=True))
    story.append(spacer(3))
    clauses = list(STANDARD_CLAUSES) + list(data.conditions)
    for i, clause in enumerate(clauses, start=1):
        story.append(thai_paragraph(f"ข้อ {i} {clause}", st["body"]))
    story.append(CondPageBreak(70 * mm))
    story.append(thai_paragraph("ตารางการชำระเงิน", st["heading"]))
    story.append(_schedule_table(data, st))
    story.append(spacer(4))
    story.append(KeepTogether(_signatures(data, st)))
    return story


def agreement_pdf(data: LoanAgreementData, *, invariant: bool | None = None) -> bytes:
    """The loan agreement as A4 PDF bytes."""
    hooks = [letterhead(data.fund, f"สัญญาเลขที่ {data.loan_no}", 11)]
    if data.printed_on is not None:
        hooks.append(print_date_footer(f"พิมพ์เมื่อ {be(data.printed_on, 'long')}", 9))
    return build_pdf(
        agreement_flowables(data),
        pagesize=A4,
        title=f"{TITLE} {data.loan_no} {data.member_name}",
        author=data.fund.name,
        subject=TITLE,
        on_page=chain(*hooks),
        margins=(MARGIN, MARGIN, 30 * mm, 22 * mm),
        invariant=invariant,
    )
