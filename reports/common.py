"""Pieces every fund document shares: formatting, letterheads, tables, stamps, signatures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from fund.money import format_baht
from fund.thaidate import format_be_date
from reports.fonts import BOLD, REGULAR
from reports.model import FundInfo
from reports.thai_text import draw_thai_string, thai_paragraph

GRID = colors.HexColor("#777777")
HEADER_BG = colors.HexColor("#e6ecf5")
BOX_BG = colors.HexColor("#f3f6fa")
STAMP_RED = colors.HexColor("#c0182a")
STAMP_GREY = colors.HexColor("#555555")


def baht(satang: int) -> str:
    """Amount for a table cell: "1,234.50" (no symbol, the column says บาท)."""
    return format_baht(satang, symbol=False)


def baht_or_dash(satang: int) -> str:
    return baht(satang) if satang else "-"


def be(d: dt.date | None, style: str = "short") -> str:
    return format_be_date(d, style) if d is not None else "-"


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{format_be_date(start, 'long')} ถึง {format_be_date(end, 'long')}"


def rate_text(rate: Decimal) -> str:
    """Percent without trailing zeros: Decimal("12.50") -> "12.5", Decimal("0.00") -> "0"."""
    text = format(rate, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def letterhead(fund: FundInfo, right_text: str, size: float, rule: bool = True):
    """``on_page`` hook: fund name and address on the left, ``right_text`` on the right."""

    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        left = doc.leftMargin
        right = width - doc.rightMargin
        top = height - doc.topMargin + size * 2.9
        draw_thai_string(canvas, left, top, fund.name, BOLD, size)
        draw_thai_string(canvas, left, top - size * 1.45, fund.address, REGULAR, size * 0.85)
        if right_text:
            draw_thai_string(canvas, right, top, right_text, REGULAR, size * 0.85, align="right")
        if rule:
            canvas.saveState()
            canvas.setStrokeColor(GRID)
            canvas.setLineWidth(0.6)
            y = top - size * 2.1
            canvas.line(left, y, right, y)
            canvas.restoreState()

    return draw


def print_date_footer(text: str, size: float):
    """``on_page`` hook drawing ``text`` (e.g. "พิมพ์เมื่อ 5 ม.ค. 2568") at the bottom left."""

    def draw(canvas, doc) -> None:
        draw_thai_string(canvas, doc.leftMargin, doc.bottomMargin / 2, text, REGULAR, size)

    return draw


def chain(*hooks):
    def draw(canvas, doc) -> None:
        for hook in hooks:
            if hook is not None:
                hook(canvas, doc)

    return draw


def data_table(
    rows: Sequence[Sequence[Flowable | str]],
    col_widths: Sequence[float],
    *,
    header_rows: int = 1,
    total_rows: int = 0,
    extra: Sequence[tuple] = (),
) -> Table:
    """A gridded table with a shaded header row repeated on every page."""
    table = Table(list(rows), colWidths=list(col_widths), repeatRows=header_rows)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG))
    if total_rows:
        style.append(("BACKGROUND", (0, -total_rows), (-1, -1), BOX_BG))
    table.setStyle(TableStyle(style + list(extra)))
    return table


def label_value_table(
    pairs: Sequence[tuple[str, str]],
    styles: dict[str, ParagraphStyle],
    col_widths: Sequence[float],
    *,
    boxed: bool = False,
    value_style: str = "table",
) -> Table:
    """Two (or four, when ``col_widths`` has four entries) columns of label: value."""
    per_row = len(col_widths) // 2
    cells = [
        [thai_paragraph(label, styles["table_header"]), thai_paragraph(value, styles[value_style])]
        for label, value in pairs
    ]
    rows = []
    for i in range(0, len(cells), per_row):
        row = [c for cell in cells[i : i + per_row] for c in cell]
        row += [""] * (len(col_widths) - len(row))
        rows.append(row)
    table = Table(rows, colWidths=list(col_widths))
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ]
    if boxed:
        style += [("BOX", (0, 0), (-1, -1), 0.8, GRID), ("BACKGROUND", (0, 0), (-1, -1), BOX_BG)]
    table.setStyle(TableStyle(style))
    return table


def signature_block(
    role: str,
    name: str,
    styles: dict[str, ParagraphStyle],
    width: float,
) -> Table:
    """ "ลงชื่อ ...................... <role>" with "(name)" below, centred in ``width``."""
    st = styles["table_center"]
    dots = "." * 40
    rows = [
        [thai_paragraph(f"ลงชื่อ {dots} {role}", st)],
        [thai_paragraph(f"( {name} )" if name else f"( {dots} )", st)],
    ]
    table = Table(rows, colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (0, 0), 16),
            ]
        )
    )
    return table


class ThumbprintBox(Flowable):
    """An empty box for a thumbprint, with a caption under it."""

    def __init__(self, size: float = 28 * mm, caption: str = "ลายพิมพ์นิ้วหัวแม่มือซ้าย"):
        super().__init__()
        self.size = size
        self.caption = caption
        self.caption_size = 10.0

    def wrap(self, availWidth, availHeight):
        self.width = max(self.size, 0)
        return self.size, self.size + self.caption_size * 2.4

    def draw(self) -> None:
        c = self.canv
        top = self.caption_size * 2.4
        c.saveState()
        c.setStrokeColor(GRID)
        c.setDash(3, 2)
        c.rect(0, top, self.size, self.size)
        c.restoreState()
        draw_thai_string(
            c,
            self.size / 2,
            self.caption_size,
            self.caption,
            REGULAR,
            self.caption_size,
            align="center",
        )


def stamp(text: str, color, size: float):
    """``on_page`` hook: a large rotated stamp across the page (e.g. "สำเนา", "ยกเลิก")."""

    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(30)
        canvas.setFillColor(color)
        canvas.setFillAlpha(0.22)
        draw_thai_string(canvas, 0, -size / 3, text, BOLD, size, align="center")
        canvas.restoreState()

    return draw


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))
