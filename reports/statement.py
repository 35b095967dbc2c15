"""Member statement (รายงานสถานะบัญชีสมาชิก) on A4, normal or large print.

Sections: member and period, a summary box, savings in passbook columns (วันที่ | รายการ | ถอน |
ฝาก | คงเหลือ) from the opening to the closing balance, each loan (terms, repayments in the
period, outstanding, next due, arrears), welfare received, repair charges owed and paid.
Every page carries the letterhead, the member's number and name, the print date and
"หน้า i/n" counted within the member's statement (also in a batch of many members).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from reports.common import (
    baht,
    baht_or_dash,
    be,
    data_table,
    label_value_table,
    period_text,
    rate_text,
    spacer,
)
from reports.document import GroupInfo, build_grouped_pdf
from reports.model import LoanSection, StatementData
from reports.thai_text import break_units, text_width, thai_paragraph, thai_styles

TITLE = "รายงานสถานะบัญชีสมาชิก"
PASSBOOK_HEADERS = ("วันที่", "รายการ", "ถอน", "ฝาก", "คงเหลือ")
OPENING = "ยอดยกมา"
CLOSING = "ยอดคงเหลือ"
CONTACT_NOTE = "หากรายการใดไม่ถูกต้อง กรุณาแจ้งคณะกรรมการกองทุนภายในสามสิบวันนับแต่วันที่ได้รับรายงานนี้"

LEFT_RIGHT_MARGIN = 20 * mm
#: ReportLab's frame pads 6 pt on each side
CONTENT_WIDTH = A4[0] - 2 * LEFT_RIGHT_MARGIN - 12
#: start a section on a new page when less than this remains (no heading left alone)
SECTION_MIN_SPACE = 55 * mm
#: the same for a section that is only a heading and one line ("ไม่มีเงินกู้")
SHORT_SECTION_SPACE = 22 * mm
BASE_SIZE = 11
LARGE_SIZE = 16


def statement_styles(large_print: bool):
    return thai_styles(BASE_SIZE, large_print=large_print)


def member_heading(data: StatementData) -> str:
    """Running header text: "สมาชิกเลขที่ CS-0001 นายกฤษณ์ ปิ่นทองคำ"."""
    return f"สมาชิกเลขที่ {data.member_no} {data.member_name}"


def summary_pairs(data: StatementData) -> list[tuple[str, str]]:
    """The summary box's lines (label, amount in baht), in print order."""
    end = be(data.period_end)
    pairs = [(f"เงินออมคงเหลือ ณ {end}", f"{baht(data.savings.closing_satang)} บาท")]
    if data.loans:
        pairs.append(("เงินกู้คงค้าง", f"{baht(data.loans_outstanding_satang)} บาท"))
        pairs.append(("ค้างชำระเงินกู้", f"{baht(data.arrears_satang)} บาท"))
    pairs.append(("สวัสดิการที่ได้รับในงวดนี้", f"{baht(data.welfare_satang)} บาท"))
    if data.repairs is not None:
        pairs.append(("ค่าซ่อมค้างชำระ", f"{baht(data.repair_owed_satang)} บาท"))
    return pairs


def _fit(texts: Sequence[str], style, minimum: float = 0) -> float:
    """Column width that fits the widest of ``texts`` in ``style`` (plus cell padding)."""
    widest = max((text_width(t, style.fontName, style.fontSize) for t in texts), default=0)
    return max(widest + 14, minimum)  # cell padding 4 + 6, and a little air


def _heading_width(text: str, style) -> float:
    """Width a column heading needs: all of it when short, else its widest word (a long
    heading wraps between words)."""
    whole = text_width(text, style.fontName, style.fontSize) + 14
    if whole <= 30 * mm:
        return whole
    units = [u for u, _ in break_units(text)] or [""]
    return max(text_width(u, style.fontName, style.fontSize) for u in units) + 14


class _Builder:
    def __init__(self, data: StatementData, large_print: bool):
        self.data = data
        self.st = statement_styles(large_print)
        self.large = large_print

    def p(self, text: str, style: str = "table"):
        return thai_paragraph(text, self.st[style])

    def d(self, on) -> str:
        """A date in a table cell: "5 ม.ค. 2568", or "5 ม.ค. 68" in large print (space)."""
        return be(on, "tight" if self.large else "short")

    def heading(self, text: str):
        return self.p(text, "heading")

    def col(self, texts: Sequence[str], header: str, minimum: float = 0) -> float:
        """Width for a column holding ``texts`` (unbroken) under ``header`` (may wrap)."""
        return max(
            _fit(texts, self.st["table"], minimum),
            _heading_width(header, self.st["table_header"]),
        )

    def header_row(self, texts: Sequence[str], amounts_from: int) -> list:
        """Column headings, right-aligned over the amount columns (index >= amounts_from)."""
        right = self.st["table_header"].clone("table_header_right", alignment=2)
        return [
            thai_paragraph(t, right) if i >= amounts_from else self.p(t, "table_header")
            for i, t in enumerate(texts)
        ]

    # ------------------------------------------------------------------ sections

    def header(self) -> list[Flowable]:
        d = self.data
        st = self.st
        pairs = [
            ("เลขที่สมาชิก", d.member_no),
            ("ชื่อ-สกุล", d.member_name),
            ("ที่อยู่", d.address or "-"),
            ("งวดรายงาน", period_text(d.period_start, d.period_end)),
        ]
        label = _fit([p[0] for p in pairs], st["table_header"])
        story: list[Flowable] = [self.p(TITLE, "title")]
        story.append(label_value_table(pairs, st, [label, CONTENT_WIDTH - label]))
        story.append(spacer(3))
        summary = summary_pairs(d)
        label = _fit([p[0] for p in summary], st["table_header"])
        value = _fit([p[1] for p in summary], st["table_right"])
        box = label_value_table(summary, st, [label, value], boxed=True, value_style="table_right")
        box.hAlign = "LEFT"
        story.append(KeepTogether([self.heading("สรุปยอด"), box]))
        return story

    def savings(self) -> list[Flowable]:
        s = self.data.savings
        amounts = [baht(s.opening_satang), baht(s.closing_satang)]
        amounts += [baht(r.withdrawal_satang) for r in s.rows]
        amounts += [baht(r.deposit_satang) for r in s.rows]
        amounts += [baht(r.balance_satang) for r in s.rows]
        amounts += [baht(s.deposits_satang), baht(s.withdrawals_satang)]
        dates = [self.d(r.on) for r in s.rows] + [
            self.d(self.data.period_start),
            self.d(self.data.period_end),
        ]
        date_w = self.col(dates, "วันที่")
        money_w = self.col(amounts, "คงเหลือ", 22 * mm)
        desc_w = CONTENT_WIDTH - date_w - 3 * money_w
        rows: list[list] = [self.header_row(PASSBOOK_HEADERS, amounts_from=2)]
        rows.append(
            [
                self.p(self.d(self.data.period_start)),
                self.p(OPENING),
                "",
                "",
                self.p(baht(s.opening_satang), "table_right"),
            ]
        )
        for r in s.rows:
            rows.append(
                [
                    self.p(self.d(r.on)),
                    self.p(r.description),
                    self.p(baht_or_dash(r.withdrawal_satang), "table_right"),
                    self.p(baht_or_dash(r.deposit_satang), "table_right"),
                    self.p(baht(r.balance_satang), "table_right"),
                ]
            )
        rows.append(
            [
                self.p(self.d(self.data.period_end)),
                self.p(CLOSING, "table_header"),
                self.p(baht(s.withdrawals_satang), "table_right"),
                self.p(baht(s.deposits_satang), "table_right"),
                self.p(baht(s.closing_satang), "table_right"),
            ]
        )
        table = data_table(rows, [date_w, desc_w, money_w, money_w, money_w], total_rows=1)
        story: list[Flowable] = [
            CondPageBreak(SECTION_MIN_SPACE if s.rows else SHORT_SECTION_SPACE)
        ]
        story.append(self.heading(f"1. {s.account_label}"))
        if not s.rows:
            story.append(self.p("ไม่มีรายการเคลื่อนไหวในงวดนี้", "body"))
        story.append(table)
        return story

    def loan(self, index: int, loan: LoanSection) -> list[Flowable]:
        st = self.st
        terms = [
            ("วัตถุประสงค์", loan.purpose),
            ("วงเงินกู้", f"{baht(loan.principal_satang)} บาท"),
            (
                "อัตราดอกเบี้ย",
                f"ร้อยละ {rate_text(loan.annual_rate_percent)} ต่อปี ({loan.method_label})",
            ),
            ("ระยะเวลา", f"{loan.term_months} งวด (เดือน) งวดละ {baht(loan.instalment_satang)} บาท"),
            ("วันที่รับเงินกู้", be(loan.disbursed_on, "long")),
        ]
        if loan.status_label:
            terms.append(("สถานะ", loan.status_label))
        label = _fit([t[0] for t in terms], st["table_header"])
        story: list[Flowable] = [
            CondPageBreak(SECTION_MIN_SPACE),
            self.p(f"2.{index} สัญญาเงินกู้เลขที่ {loan.loan_no}", "heading"),
            label_value_table(terms, st, [label, CONTENT_WIDTH - label]),
            spacer(2),
        ]
        head = ["วันที่ชำระ", "เลขที่ใบเสร็จ", "เงินต้น", "ดอกเบี้ย", "ค่าปรับ", "รวม"]
        rows: list[list] = [self.header_row(head, amounts_from=2)]
        for pay in loan.payments:
            rows.append(
                [
                    self.p(self.d(pay.on)),
                    self.p(pay.receipt_no or "-"),
                    self.p(baht(pay.principal_satang), "table_right"),
                    self.p(baht(pay.interest_satang), "table_right"),
                    self.p(baht_or_dash(pay.fee_satang), "table_right"),
                    self.p(baht(pay.total_satang), "table_right"),
                ]
            )
        totals = [
            sum(p.principal_satang for p in loan.payments),
            sum(p.interest_satang for p in loan.payments),
            sum(p.fee_satang for p in loan.payments),
            loan.paid_in_period_satang,
        ]
        rows.append(
            [self.p("รวมชำระในงวดนี้", "table_header"), ""]
            + [self.p(baht(t), "table_right") for t in totals]
        )
        amounts = [baht(t) for t in totals] + ["ดอกเบี้ย"]
        money_w = self.col(amounts, "ดอกเบี้ย", 20 * mm)
        date_w = self.col([self.d(p.on) for p in loan.payments], "วันที่ชำระ")
        receipt_w = CONTENT_WIDTH - date_w - 4 * money_w
        table = data_table(
            rows,
            [date_w, receipt_w] + [money_w] * 4,
            total_rows=1,
            extra=[("SPAN", (0, -1), (1, -1))],
        )
        if loan.payments:
            story.append(KeepTogether([self.p("การชำระในงวดนี้", "table_header"), table]))
        else:
            story.append(self.p("การชำระในงวดนี้: ไม่มีการชำระในงวดนี้", "table_header"))
        story.append(spacer(2))
        status = [
            ("เงินต้นคงค้าง ณ สิ้นงวด", f"{baht(loan.outstanding_satang)} บาท"),
            (
                "งวดถัดไป",
                f"{be(loan.next_due_on, 'long')} จำนวน {baht(loan.next_due_satang)} บาท"
                if loan.next_due_on
                else "-",
            ),
            (
                "ค้างชำระ",
                f"{baht(loan.arrears_satang)} บาท"
                + (f" (เกินกำหนด {loan.days_overdue} วัน)" if loan.days_overdue else ""),
            ),
        ]
        label = _fit([s[0] for s in status], st["table_header"])
        box = label_value_table(status, st, [label, CONTENT_WIDTH - label], boxed=True)
        story.append(KeepTogether([box]))
        return story

    def loans(self) -> list[Flowable]:
        story: list[Flowable] = [
            CondPageBreak(SECTION_MIN_SPACE if self.data.loans else SHORT_SECTION_SPACE),
            self.heading("2. เงินกู้"),
        ]
        if not self.data.loans:
            return [*story, self.p("ไม่มีเงินกู้", "body")]
        for i, loan in enumerate(self.data.loans, start=1):
            story.extend(self.loan(i, loan))
            story.append(spacer(3))
        return story

    def welfare(self) -> list[Flowable]:
        rows_data = self.data.welfare
        rows: list[list] = [self.header_row(("วันที่", "รายการสวัสดิการ", "จำนวนเงิน"), 2)]
        for r in rows_data:
            text = r.benefit + (f" ({r.note})" if r.note else "")
            rows.append(
                [self.p(self.d(r.on)), self.p(text), self.p(baht(r.amount_satang), "table_right")]
            )
        rows.append(
            [
                "",
                self.p("รวมสวัสดิการที่ได้รับ", "table_header"),
                self.p(baht(self.data.welfare_satang), "table_right"),
            ]
        )
        date_w = self.col([self.d(r.on) for r in rows_data], "วันที่")
        amounts = [baht(r.amount_satang) for r in rows_data] + [baht(self.data.welfare_satang)]
        money_w = self.col(amounts, "จำนวนเงิน", 24 * mm)
        table = data_table(rows, [date_w, CONTENT_WIDTH - date_w - money_w, money_w], total_rows=1)
        story: list[Flowable] = [
            CondPageBreak(SECTION_MIN_SPACE if rows_data else SHORT_SECTION_SPACE)
        ]
        story.append(self.heading("3. สวัสดิการที่ได้รับ"))
        if not rows_data:
            return [*story, self.p("ไม่ได้รับสวัสดิการในงวดนี้", "body")]
        return [*story, table]

    def repairs(self) -> list[Flowable]:
        rep = self.data.repairs
        if rep is None:
            return []
        owed = rep.opening_owed_satang
        running = []
        for r in rep.rows:
            owed += r.charged_satang - r.paid_satang
            running.append(owed)
        amounts = [baht(rep.opening_owed_satang), baht(rep.charged_satang)]
        amounts += [baht(rep.paid_satang), baht(rep.closing_owed_satang)]
        amounts += [baht(v) for v in running]
        money_w = self.col(amounts, "ค้างชำระ", 20 * mm)
        start, end = self.data.period_start, self.data.period_end
        date_w = self.col([self.d(r.on) for r in rep.rows] + [self.d(start), self.d(end)], "วันที่")
        job_w = self.col([r.job_no for r in rep.rows], "เลขที่งาน")
        desc_w = CONTENT_WIDTH - date_w - job_w - 3 * money_w
        # large print: too narrow for a separate job-number column; put it in the description
        separate_job = desc_w >= 45 * mm

        def row(on, job, text, charged, paid, balance, bold=False):
            cells = [self.p(on)]
            if separate_job:
                cells += [self.p(job), self.p(text, "table_header" if bold else "table")]
            else:
                joined = f"{job} {text}" if job else text
                cells.append(self.p(joined, "table_header" if bold else "table"))
            return cells + [self.p(v, "table_right") for v in (charged, paid, balance)]

        head = ["วันที่", "เลขที่งาน", "รายการ", "ค่าซ่อม", "ชำระ", "ค้างชำระ"]
        if not separate_job:
            head.pop(1)
        rows: list[list] = [self.header_row(head, amounts_from=len(head) - 3)]
        rows.append(row(self.d(start), "", OPENING, "", "", baht(rep.opening_owed_satang)))
        for r, balance in zip(rep.rows, running, strict=True):
            rows.append(
                row(
                    self.d(r.on),
                    r.job_no,
                    r.description,
                    baht_or_dash(r.charged_satang),
                    baht_or_dash(r.paid_satang),
                    baht(balance),
                )
            )
        rows.append(
            row(
                self.d(end),
                "",
                CLOSING,
                baht(rep.charged_satang),
                baht(rep.paid_satang),
                baht(rep.closing_owed_satang),
                bold=True,
            )
        )
        widths = [date_w, job_w, desc_w] if separate_job else [date_w, desc_w + job_w]
        table = data_table(rows, widths + [money_w] * 3, total_rows=1)
        return [
            CondPageBreak(SECTION_MIN_SPACE),
            self.heading("4. ค่าซ่อมอุปกรณ์ (ค่าซ่อมที่ต้องชำระและที่ชำระแล้ว)"),
            table,
        ]

    def story(self) -> list[Flowable]:
        story = self.header()
        story.append(spacer(2))
        story += self.savings()
        story.append(spacer(2))
        story += self.loans()
        story += self.welfare()
        story.append(spacer(2))
        story += self.repairs()
        story.append(spacer(4))
        story.append(self.p(CONTACT_NOTE, "small"))
        return story


def statement_flowables(data: StatementData, *, large_print: bool | None = None) -> list[Flowable]:
    """The statement's flowables; ``large_print`` None means the member's own preference."""
    large = data.large_print if large_print is None else large_print
    return _Builder(data, large).story()


def statement_part(
    data: StatementData, *, large_print: bool | None = None
) -> tuple[GroupInfo, list[Flowable]]:
    """One member's statement as a part of a (batch) document."""
    large = data.large_print if large_print is None else large_print
    info = GroupInfo(
        title=data.fund.name,
        subtitle=data.fund.address,
        header_right=member_heading(data),
        footer_left=f"พิมพ์เมื่อ {be(data.printed_on, 'long')}",
        size=LARGE_SIZE if large else BASE_SIZE,
    )
    return info, statement_flowables(data, large_print=large)


def statement_pdf(
    data: StatementData, *, large_print: bool | None = None, invariant: bool | None = None
) -> bytes:
    """One member's statement as A4 PDF bytes."""
    return statements_pdf([data], large_print=large_print, invariant=invariant)


def statements_pdf(
    statements: Sequence[StatementData],
    *,
    large_print: bool | None = None,
    invariant: bool | None = None,
) -> bytes:
    """Several members' statements in one PDF, each starting on a new page and numbered on
    its own ("หน้า 1/2" ... per member).  ``large_print`` True/False forces the size for all;
    None uses each member's preference."""
    if not statements:
        raise ValueError("no statements to print")
    parts = [statement_part(d, large_print=large_print) for d in statements]
    first = statements[0]
    title = (
        f"{TITLE} {first.member_no} {first.member_name}"
        if len(statements) == 1
        else f"{TITLE} {len(statements)} ราย"
    )
    return build_grouped_pdf(
        parts,
        pagesize=A4,
        title=title,
        author=first.fund.name,
        subject=period_text(first.period_start, first.period_end),
        invariant=invariant,
    )
