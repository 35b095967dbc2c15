"""A one-page A4 sample of hard Thai typesetting, for looking at (and for tests).

python -c "from reports.samples import sample_pdf; open('s.pdf','wb').write(sample_pdf())"
pdftoppm -png -r 100 s.pdf s
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from reports.fonts import BOLD
from reports.thai_text import build_pdf, draw_thai_string, thai_paragraph, thai_styles

TITLE = "ตัวอย่างการพิมพ์ภาษาไทย"
LETTERHEAD = "กองทุนส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ"

# tone marks over upper vowels, below vowels, ญ/ฐ that lose their tails, SARA AM with tone
HARD_WORDS = [
    "ที่",
    "ปิ่น",
    "ปั๊ม",
    "น้ำ",
    "ญาติ",
    "ฐานะ",
    "กฤษณ์",
    "สมาชิกผู้พิการ",
    "กตัญญู",
    "ฐุ",
    "ก๋วยเตี๋ยว",
    "ป่ำ",
]

NAMES = [
    "นายกฤษณ์ ปิ่นทองคำ",
    "นางสาวญาณิศา ฐิติพันธุ์",
    "นางปั๊มมี่ น้ำใจดี",
    "เด็กชายฟ้าใส ปู่ฟื้น",
]

LONG_PARAGRAPH = (
    "สมาชิกผู้พิการที่ได้รับเงินสงเคราะห์จากกองทุนส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ"
    "จะต้องแจ้งการเปลี่ยนแปลงที่อยู่และฐานะของครอบครัวให้เจ้าหน้าที่ทราบภายในสามสิบวัน"
    "นับแต่วันที่มีการเปลี่ยนแปลงเพื่อให้การจ่ายเงินแก่ผู้มีสิทธิ์เป็นไปอย่างถูกต้องและต่อเนื่อง"
    "หากญาติหรือผู้ดูแลเป็นผู้รับเงินแทนให้นำหลักฐานการมอบอำนาจมาแสดงทุกครั้ง"
)

TABLE_ROWS = [
    ("ค่าสงเคราะห์รายเดือน", "15 ม.ค. 2568", "1,000.00"),
    ("ค่าอุปกรณ์เครื่องช่วยความพิการ (รถเข็น)", "3 ก.พ. 2568", "12,500.00"),
    ("เงินกู้ยืมเพื่อประกอบอาชีพ งวดที่ 1", "28 มี.ค. 2568", "2,083.34"),
]


def sample_texts() -> list[str]:
    """Every string the sample puts on the page through `thai_paragraph`, in order."""
    texts = [TITLE, "คำที่พิมพ์ยาก"]
    texts.append(" ".join(HARD_WORDS))
    texts.append("รายชื่อ")
    texts.extend(NAMES)
    texts.append("ย่อหน้ายาวที่ไม่มีช่องว่าง")
    texts.append(LONG_PARAGRAPH)
    return texts


def _letterhead(size: float):
    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        base = height - 14 * mm
        draw_thai_string(canvas, doc.leftMargin, base, LETTERHEAD, BOLD, size)
        right = width - doc.rightMargin
        draw_thai_string(canvas, right, base, "ที่ พก ๐๑/๒๕๖๘", size=size, align="right")
        canvas.setStrokeColor(colors.grey)
        canvas.line(doc.leftMargin, base - 2.5 * mm, right, base - 2.5 * mm)

    return draw


def sample_flowables(large_print: bool = False) -> list:
    st = thai_styles(12, large_print=large_print)
    texts = sample_texts()
    story = [
        thai_paragraph(texts[0], st["title"]),
        thai_paragraph(texts[1], st["heading"]),
        thai_paragraph(texts[2], st["body"]),
        thai_paragraph(texts[3], st["heading"]),
    ]
    story += [thai_paragraph(name, st["body"]) for name in NAMES]
    story += [
        thai_paragraph(texts[-2], st["heading"]),
        thai_paragraph(texts[-1], st["body"]),
        Spacer(1, 3 * mm),
    ]
    data = [
        [
            thai_paragraph("รายการ", st["table_header"]),
            thai_paragraph("วันที่", st["table_header"]),
            thai_paragraph("จำนวนเงิน (บาท)", st["table_header"]),
        ]
    ]
    data += [
        [
            thai_paragraph(a, st["table"]),
            thai_paragraph(d, st["table"]),
            thai_paragraph(m, st["table_right"]),
        ]
        for a, d, m in TABLE_ROWS
    ]
    data.append(
        [
            thai_paragraph("รวมทั้งสิ้น (หนึ่งหมื่นห้าพันห้าร้อยแปดสิบสามบาทสามสิบสี่สตางค์)", st["table_header"]),
            "",
            thai_paragraph("15,583.34", st["table_right"]),
        ]
    )
    table = Table(data, colWidths=[95 * mm, 32 * mm, 38 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (0, -1), (1, -1)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)
    return story


def sample_pdf(large_print: bool = False, invariant: bool | None = None) -> bytes:
    """The sample page as PDF bytes."""
    return build_pdf(
        sample_flowables(large_print),
        pagesize=A4,
        title=TITLE,
        author="chaeson",
        subject="Thai typesetting check",
        on_page=_letterhead(16 if large_print else 11),
        footer_size=16 if large_print else 10,
        margins=(20 * mm, 20 * mm, (26 if large_print else 22) * mm, 22 * mm),
        invariant=invariant,
    )
