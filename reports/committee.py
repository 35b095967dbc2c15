"""Committee reports on A4: trial balance, balance sheet, income and expenditure, arrears aging,
welfare payouts and the repair queue summary, for a chosen period."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from reports.common import (
    baht,
    be,
    chain,
    data_table,
    letterhead,
    period_text,
    print_date_footer,
    spacer,
)
from reports.model import AmountRow, CommitteeReportData
from reports.thai_text import build_pdf, text_width, thai_paragraph, thai_styles

MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN - 12

REPORT_TITLES = {
    "trial_balance": "งบทดลอง",
    "balance_sheet": "งบแสดงฐานะการเงิน",
    "income_expenditure": "งบรายได้และค่าใช้จ่าย",
    "arrears": "รายงานอายุลูกหนี้เงินกู้ค้างชำระ",
    "welfare": "รายงานการจ่ายเงินสวัสดิการ",
    "repairs": "สรุปงานซ่อมค้างอยู่ในศูนย์ซ่อม",
}
REPORT_KINDS = tuple(REPORT_TITLES)
#: reports of balances on one day (the period's end); the others cover the whole period
AS_OF_KINDS = frozenset({"trial_balance", "balance_sheet", "arrears", "repairs"})
AGING_BUCKETS = ("1-30 วัน", "31-60 วัน", "61-90 วัน", "เกิน 90 วัน")


def report_title(kind: str) -> str:
    try:
        return REPORT_TITLES[kind]
    except KeyError:
        raise ValueError(f"unknown committee report {kind!r}; one of {REPORT_KINDS}") from None


def period_line(data: CommitteeReportData) -> str:
    """ "ณ วันที่ 30 พฤศจิกายน 2568" for balances, else the period from/to."""
    if data.kind in AS_OF_KINDS:
        return f"ณ วันที่ {be(data.period_end, 'long')}"
    return f"ระหว่างวันที่ {period_text(data.period_start, data.period_end)}"


class _Report:
    def __init__(self, data: CommitteeReportData):
        self.data = data
        self.st = thai_styles(11)
        self.right_header = self.st["table_header"].clone("th_right", alignment=2)

    def p(self, text: str, style: str = "table"):
        return thai_paragraph(text, self.st[style])

    def money(self, satang: int, bold: bool = False):
        style = self.st["table_right"]
        if bold:
            style = style.clone("money_bold", fontName=self.st["table_header"].fontName)
        return thai_paragraph(baht(satang), style)

    def head(self, texts: Sequence[str], amounts_from: int) -> list:
        return [
            thai_paragraph(t, self.right_header if i >= amounts_from else self.st["table_header"])
            for i, t in enumerate(texts)
        ]

    def width_of(self, texts: Sequence[str], style: str = "table") -> float:
        s = self.st[style]
        return max((text_width(t, s.fontName, s.fontSize) for t in texts), default=0) + 14

    # ------------------------------------------------------------------ reports

    def trial_balance(self) -> list[Flowable]:
        rows = [self.head(("รหัส", "ชื่อบัญชี", "เดบิต", "เครดิต"), 2)]
        for r in self.data.trial_balance:
            rows.append(
                [
                    self.p(r.code),
                    self.p(r.name),
                    self.money(r.debit_satang) if r.debit_satang else "",
                    self.money(r.credit_satang) if r.credit_satang else "",
                ]
            )
        debit = sum(r.debit_satang for r in self.data.trial_balance)
        credit = sum(r.credit_satang for r in self.data.trial_balance)
        rows.append(
            ["", self.p("รวม", "table_header"), self.money(debit, True), self.money(credit, True)]
        )
        money_w = max(self.width_of([baht(debit), baht(credit)]), 30 * mm)
        table = data_table(
            rows, [18 * mm, CONTENT_WIDTH - 18 * mm - 2 * money_w, money_w, money_w], total_rows=1
        )
        story: list[Flowable] = [table]
        if debit != credit:
            story.append(self.p(f"ยอดไม่เท่ากัน ผลต่าง {baht(debit - credit)} บาท", "heading"))
        return story

    def _amount_section(
        self, title: str, rows_in: Sequence[AmountRow], total_label: str
    ) -> tuple[list, int]:
        rows = [[self.p(title, "table_header"), "", ""]]
        for r in rows_in:
            rows.append([self.p(r.code), self.p(r.name), self.money(r.amount_satang)])
        total = sum(r.amount_satang for r in rows_in)
        rows.append(["", self.p(total_label, "table_header"), self.money(total, True)])
        return rows, total

    def _amount_table(
        self,
        sections: Sequence[tuple[str, Sequence[AmountRow], str]],
        final: tuple[str, int] | None,
    ) -> list[Flowable]:
        rows: list[list] = [self.head(("รหัส", "รายการ", "จำนวนเงิน (บาท)"), 2)]
        extra = []
        totals = []
        for title, items, total_label in sections:
            start = len(rows)
            section_rows, total = self._amount_section(title, items, total_label)
            rows += section_rows
            totals.append(total)
            extra.append(("SPAN", (0, start), (-1, start)))
            extra.append(("BACKGROUND", (0, start), (-1, start), "#f3f6fa"))
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), "#f3f6fa"))
        if final is not None:
            rows.append(["", self.p(final[0], "table_header"), self.money(final[1], True)])
        money_w = 34 * mm
        table = data_table(
            rows,
            [18 * mm, CONTENT_WIDTH - 18 * mm - money_w, money_w],
            total_rows=1 if final else 0,
            extra=extra,
        )
        return [table]

    def balance_sheet(self) -> list[Flowable]:
        d = self.data
        assets = sum(r.amount_satang for r in d.assets)
        liabilities = sum(r.amount_satang for r in d.liabilities)
        equity = sum(r.amount_satang for r in d.equity)
        story = self._amount_table(
            [
                ("สินทรัพย์", d.assets, "รวมสินทรัพย์"),
                ("หนี้สิน", d.liabilities, "รวมหนี้สิน"),
                ("ทุนและส่วนของกองทุน", d.equity, "รวมทุน"),
            ],
            ("รวมหนี้สินและทุน", liabilities + equity),
        )
        if assets != liabilities + equity:
            story.append(
                self.p(f"งบไม่สมดุล ผลต่าง {baht(assets - liabilities - equity)} บาท", "heading")
            )
        return story

    def income_expenditure(self) -> list[Flowable]:
        d = self.data
        income = sum(r.amount_satang for r in d.income)
        expenses = sum(r.amount_satang for r in d.expenses)
        surplus = income - expenses
        label = "รายได้สูงกว่าค่าใช้จ่าย" if surplus >= 0 else "ค่าใช้จ่ายสูงกว่ารายได้"
        return self._amount_table(
            [("รายได้", d.income, "รวมรายได้"), ("ค่าใช้จ่าย", d.expenses, "รวมค่าใช้จ่าย")],
            (label, abs(surplus)),
        )

    def arrears(self) -> list[Flowable]:
        aging = self.data.aging
        if not aging:
            return [self.p("ไม่มีลูกหนี้ค้างชำระ", "body")]
        rows: list[list] = [
            self.head(("สมาชิก / สัญญา", "เงินต้นคงค้าง", *AGING_BUCKETS, "รวมค้างชำระ"), 1)
        ]
        for r in aging:
            rows.append(
                [
                    self.p(f"{r.member_no} {r.member_name} สัญญา {r.loan_no}"),
                    self.money(r.outstanding_satang),
                    *[self.money(b) if b else "" for b in r.buckets_satang],
                    self.money(r.overdue_satang),
                ]
            )
        outstanding = sum(r.outstanding_satang for r in aging)
        buckets = [sum(r.buckets_satang[i] for r in aging) for i in range(4)]
        totals = [outstanding, *buckets, sum(buckets)]
        rows.append([self.p("รวม", "table_header")] + [self.money(t, True) for t in totals])
        money_w = max(self.width_of([baht(t) for t in totals], "table_header"), 20 * mm)
        name_w = CONTENT_WIDTH - 6 * money_w
        return [data_table(rows, [name_w] + [money_w] * 6, total_rows=1)]

    def welfare(self) -> list[Flowable]:
        if not self.data.welfare:
            return [self.p("ไม่มีการจ่ายเงินสวัสดิการในช่วงนี้", "body")]
        rows: list[list] = [self.head(("วันที่จ่าย", "สมาชิก", "ประเภทสวัสดิการ", "จำนวนเงิน"), 3)]
        for r in self.data.welfare:
            rows.append(
                [
                    self.p(be(r.paid_on)),
                    self.p(f"{r.member_no} {r.member_name}"),
                    self.p(r.benefit),
                    self.money(r.amount_satang),
                ]
            )
        total = sum(r.amount_satang for r in self.data.welfare)
        rows.append(
            [
                "",
                self.p(f"รวม {len(self.data.welfare)} รายการ", "table_header"),
                "",
                self.money(total, True),
            ]
        )
        date_w = self.width_of([be(r.paid_on) for r in self.data.welfare] + ["วันที่จ่าย"])
        money_w = max(self.width_of([baht(total)]), 26 * mm)
        rest = CONTENT_WIDTH - date_w - money_w
        story: list[Flowable] = [
            data_table(rows, [date_w, rest * 0.55, rest * 0.45, money_w], total_rows=1)
        ]
        by_benefit: dict[str, tuple[int, int]] = {}
        for r in self.data.welfare:
            count, amount = by_benefit.get(r.benefit, (0, 0))
            by_benefit[r.benefit] = (count + 1, amount + r.amount_satang)
        summary = [self.head(("ประเภทสวัสดิการ", "จำนวนราย", "จำนวนเงิน"), 1)]
        for benefit, (count, amount) in by_benefit.items():
            summary.append([self.p(benefit), self.p(str(count), "table_right"), self.money(amount)])
        story += [
            spacer(4),
            KeepTogether(
                [
                    self.p("สรุปตามประเภท", "heading"),
                    data_table(summary, [CONTENT_WIDTH - 60 * mm, 26 * mm, 34 * mm]),
                ]
            ),
        ]
        return story

    def repairs(self) -> list[Flowable]:
        story: list[Flowable] = []
        if self.data.repair_counts:
            rows = [self.head(("สถานะงาน", "จำนวนงาน"), 1)]
            rows += [
                [self.p(state), self.p(str(count), "table_right")]
                for state, count in self.data.repair_counts
            ]
            total = sum(count for _, count in self.data.repair_counts)
            rows.append([self.p("รวม", "table_header"), self.p(str(total), "table_right")])
            table = data_table(rows, [70 * mm, 30 * mm], total_rows=1)
            table.hAlign = "LEFT"
            story += [table, spacer(4)]
        if not self.data.repairs:
            return [*story, self.p("ไม่มีงานซ่อมค้างอยู่", "body")]
        rows = [self.head(("เลขที่งาน", "รับเมื่อ", "สมาชิก", "อุปกรณ์", "สถานะ", "ค้างมา (วัน)"), 5)]
        for r in self.data.repairs:
            rows.append(
                [
                    self.p(r.job_no),
                    self.p(be(r.received_on)),
                    self.p(r.member_name),
                    self.p(r.device),
                    self.p(r.state),
                    self.p(str(r.days_open), "table_right"),
                ]
            )
        job_w = self.width_of([r.job_no for r in self.data.repairs] + ["เลขที่งาน"])
        date_w = self.width_of([be(r.received_on) for r in self.data.repairs] + ["รับเมื่อ"])
        days_w = 22 * mm
        state_w = self.width_of([r.state for r in self.data.repairs] + ["สถานะ"])
        rest = CONTENT_WIDTH - job_w - date_w - days_w - state_w
        story.append(data_table(rows, [job_w, date_w, rest * 0.5, rest * 0.5, state_w, days_w]))
        return story

    def story(self) -> list[Flowable]:
        d = self.data
        header = [
            self.p(report_title(d.kind), "title"),
            self.p(period_line(d), "table_center"),
            spacer(4),
        ]
        return header + getattr(self, d.kind)()


def committee_flowables(data: CommitteeReportData) -> list[Flowable]:
    report_title(data.kind)  # refuses an unknown kind
    return _Report(data).story()


def committee_pdf(data: CommitteeReportData, *, invariant: bool | None = None) -> bytes:
    """One committee report as A4 PDF bytes."""
    title = report_title(data.kind)
    hooks = chain(
        letterhead(data.fund, title, 11),
        print_date_footer(f"พิมพ์เมื่อ {be(data.printed_on, 'long')}", 9),
    )
    return build_pdf(
        committee_flowables(data),
        pagesize=A4,
        title=f"{title} {period_line(data)}",
        author=data.fund.name,
        subject=title,
        on_page=hooks,
        margins=(MARGIN, MARGIN, 30 * mm, 22 * mm),
        invariant=invariant,
    )
