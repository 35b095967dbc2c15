"""Repair job ticket (ใบรับงานซ่อม) on A6: the job number as text and as a QR code, the member,
the device, the fault and the state.  Taped to the device; the member keeps a copy."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from reports.common import GRID, be, label_value_table, signature_block, spacer
from reports.fonts import BOLD, REGULAR
from reports.model import JobTicketData
from reports.thai_text import build_pdf, draw_thai_string, text_width, thai_paragraph, thai_styles

TITLE = "ใบรับงานซ่อม"
MARGIN = 7 * mm
PAGE = A6
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN - 12
QR_SIZE = 30 * mm


def qr_payload(data: JobTicketData) -> str:
    """What the QR code holds: ``qr_payload`` when given, else the job number."""
    return data.qr_payload or data.job_no


def qr_drawing(payload: str, size: float = QR_SIZE) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    width, height = x1 - x0, y1 - y0
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.add(widget)
    return drawing


def job_ticket_flowables(data: JobTicketData) -> list:
    st = thai_styles(9)
    number_style = st["title"].clone("job_no", fontSize=15, leading=24, alignment=0, spaceAfter=0)
    left = [
        thai_paragraph(TITLE, st["heading"].clone("t", spaceBefore=0)),
        thai_paragraph(data.job_no, number_style),
        thai_paragraph(f"รับเมื่อ {be(data.received_on, 'long')}", st["table"]),
    ]
    head = Table(
        [[left, qr_drawing(qr_payload(data))]],
        colWidths=[CONTENT_WIDTH - QR_SIZE - 4, QR_SIZE + 4],
    )
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    member = f"{data.member_name} ({data.member_no})" if data.member_no else data.member_name
    pairs = [("สมาชิก", member)]
    if data.phone:
        pairs.append(("โทร", data.phone))
    pairs += [("อุปกรณ์", data.device), ("อาการเสีย", data.fault), ("สถานะ", data.state)]
    if data.promised_on is not None:
        pairs.append(("นัดรับ", be(data.promised_on, "long")))
    hs = st["table_header"]
    label = max(text_width(p[0], hs.fontName, hs.fontSize) for p in pairs) + 14
    details = label_value_table(pairs, st, [label, CONTENT_WIDTH - label])
    details.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.5, GRID)]))
    return [
        head,
        details,
        spacer(3),
        signature_block("ผู้รับเครื่อง", "", st, CONTENT_WIDTH),
        signature_block("เจ้าของเครื่อง", "", st, CONTENT_WIDTH),
    ]


def _fund_line(data: JobTicketData):
    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        y = height - 6 * mm
        draw_thai_string(canvas, doc.leftMargin + 6, y, data.fund.name, BOLD, 8)
        draw_thai_string(
            canvas,
            width - doc.rightMargin - 6,
            y,
            "ศูนย์ซ่อมอุปกรณ์คนพิการ",
            REGULAR,
            8,
            align="right",
        )

    return draw


def job_ticket_pdf(data: JobTicketData, *, invariant: bool | None = None) -> bytes:
    """The job ticket as A6 PDF bytes."""
    return build_pdf(
        job_ticket_flowables(data),
        pagesize=PAGE,
        title=f"{TITLE} {data.job_no}",
        author=data.fund.name,
        subject=TITLE,
        on_page=_fund_line(data),
        page_numbers=False,
        margins=(MARGIN, MARGIN, 9 * mm, 6 * mm),
        invariant=invariant,
    )
