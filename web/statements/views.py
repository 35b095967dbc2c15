"""Printed documents: member statements (PDF, large print, accessible HTML), batch printing,
receipts, loan agreements, committee reports and repair job tickets."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError, InvalidInput
from fund.ledger.models import Receipt
from fund.members.models import Member
from fund.thaidate import month_name, parse_be_date, parse_iso_or_be
from fund.users.models import Role
from reports.agreement import agreement_pdf
from reports.committee import REPORT_KINDS, REPORT_TITLES, committee_pdf
from reports.job_ticket import job_ticket_pdf
from reports.receipt import receipt_pdf
from reports.statement import statement_pdf, summary_pairs
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.members.sections import add_member_section
from web.navigation import register_nav
from web.statements import jobs
from web.statements.data import (
    ORDERS,
    agreement_data,
    committee_data,
    job_ticket_data,
    receipt_data,
    statement_for,
)
from web.statements.services import print_receipt, set_large_print

bp = Blueprint("statements", __name__, url_prefix="/statements", template_folder="templates")

register_nav("statements.batch", _l("พิมพ์รายงานสมาชิก"), FUND_READERS, order=70)
register_nav("statements.committee", _l("รายงานคณะกรรมการ"), FUND_READERS, order=71)

REPAIR_PRINTERS = (Role.REPAIR, Role.COMMITTEE, Role.ADMIN)


def _member_section(db, member: Member) -> dict:
    return {"member": member}


add_member_section("statements/_member_section.html", _member_section, roles=FUND_READERS, order=95)


# --------------------------------------------------------------------------- helpers


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _member_or_404(member_id: int) -> Member:
    member = get_db().get(Member, member_id)
    if member is None:
        abort(404)
    return member


def parse_date_arg(text: str, field: str) -> dt.date:
    """A date typed as "1/11/2568" (day/month/B.E. year) or given as ISO "2025-11-01"."""
    text = text.strip()
    if "/" in text:
        parts = text.split("/")
        if len(parts) != 3:
            raise InvalidInput(
                "กรุณาพิมพ์วันที่แบบ วัน/เดือน/ปี พ.ศ. เช่น 1/11/2568",
                "Type the date as day/month/B.E. year, e.g. 1/11/2568.",
                field=field,
            )
        return parse_be_date(*parts, field=field)
    return parse_iso_or_be(text, field=field)


def _period_from_args() -> tuple[dt.date, dt.date, list[str]]:
    """``?start=…&end=…`` (ISO or B.E. dates); default: this month up to today."""
    errors = []
    end = today()
    start = end.replace(day=1)
    try:
        if request.args.get("end"):
            end = parse_date_arg(request.args["end"], "end")
        if request.args.get("start"):
            start = parse_date_arg(request.args["start"], "start")
        elif request.args.get("end"):
            start = end.replace(day=1)
    except DomainError as err:
        errors.append(err.message(g.locale))
    if end < start:
        errors.append(
            InvalidInput(
                "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น", "The end date must not be before the start date."
            ).message(g.locale)
        )
        start = end.replace(day=1)
    return start, end, errors


def _large(member: Member) -> bool:
    size = request.args.get("size")
    if size == "large":
        return True
    if size == "normal":
        return False
    return member.large_print


# --------------------------------------------------------------------------- member statement


@bp.get("/members/<int:member_id>")
@roles(*FUND_READERS)
def member(member_id: int):
    """The accessible HTML statement, with links to the PDF and the large-print choice."""
    member = _member_or_404(member_id)
    start, end, errors = _period_from_args()
    data = statement_for(get_db(), member, start=start, end=end, printed_on=today())
    return render_template(
        "statements/member.html",
        member=member,
        data=data,
        summary=summary_pairs(data),
        errors=errors,
        start=start,
        end=end,
        toggle=LargePrintForm(large_print=member.large_print),
    )


@bp.get("/members/<int:member_id>/statement.pdf")
@roles(*FUND_READERS)
def member_pdf(member_id: int):
    member = _member_or_404(member_id)
    start, end, errors = _period_from_args()
    if errors:
        abort(400)
    data = statement_for(get_db(), member, start=start, end=end, printed_on=today())
    pdf = statement_pdf(data, large_print=_large(member))
    return _pdf(pdf, f"statement-{member.member_no}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


class LargePrintForm(FlaskForm):
    large_print = BooleanField(_l("พิมพ์รายงานของสมาชิกคนนี้เป็นตัวพิมพ์ใหญ่ (16 พอยต์ขึ้นไป)"))


@bp.post("/members/<int:member_id>/large-print")
@roles(Role.COMMITTEE)
def large_print(member_id: int):
    db = get_db()
    member = _member_or_404(member_id)
    form = LargePrintForm()
    if form.validate_on_submit():
        try:
            set_large_print(
                db, member=member, large_print=bool(form.large_print.data), by=g.user, now=now()
            )
        except DomainError as err:
            db.rollback()
            flash(err.message(g.locale), "error")
        else:
            db.commit()
            flash(
                _("จะพิมพ์รายงานเป็นตัวพิมพ์ใหญ่") if member.large_print else _("จะพิมพ์รายงานเป็นตัวพิมพ์ปกติ"),
                "success",
            )
    return redirect(url_for("statements.member", member_id=member_id))


# --------------------------------------------------------------------------- batch


def _month_choices() -> list[SelectChoice]:
    """This month and the 23 before it, newest first, labelled in B.E."""
    d = today().replace(day=1)
    choices = []
    for _i in range(24):
        choices.append(
            SelectChoice(f"{d.year:04d}-{d.month:02d}", f"{month_name(d.month)} {d.year + 543}")
        )
        d = (d - dt.timedelta(days=1)).replace(day=1)
    return choices


class BatchForm(FlaskForm):
    period = SelectField(_l("งวด (เดือน)"))
    order = RadioField(
        _l("เรียงลำดับ"),
        choices=[
            SelectChoice("number", _l("ตามเลขที่สมาชิก")),
            SelectChoice("village", _l("ตามหมู่บ้าน")),
        ],
        default="number",
    )
    mode = RadioField(
        _l("รูปแบบไฟล์"),
        choices=[
            SelectChoice("single", _l("ไฟล์เดียวพร้อมพิมพ์ (ทุกคนต่อกัน)")),
            SelectChoice("each", _l("แยกไฟล์ละคน (รวมใน zip)")),
        ],
        default="single",
    )
    large_print = BooleanField(_l("พิมพ์ตัวพิมพ์ใหญ่ทุกคน (ปกติใช้ตามที่สมาชิกแต่ละคนเลือก)"))


@bp.route("/batch", methods=["GET", "POST"])
@roles(*FUND_READERS)
def batch():
    form = BatchForm()
    form.period.choices = _month_choices()
    if request.method == "POST":
        if g.user.role is Role.AUDITOR:
            abort(403)
        if form.validate_on_submit() and form.order.data in ORDERS:
            status = jobs.start_batch(
                period=form.period.data,
                order=form.order.data,
                mode=form.mode.data,
                large_print=bool(form.large_print.data),
                requested_by=g.user.display_name,
                now=now(),
                printed_on=today(),
            )
            return redirect(url_for("statements.batch_status", job_id=status.id))
    return render_template(
        "statements/batch.html",
        form=form,
        jobs=jobs.recent_jobs(),
        can_start=g.user.role is not Role.AUDITOR,
    ), (422 if form.errors else 200)


@bp.get("/batch/<job_id>")
@roles(*FUND_READERS)
def batch_status(job_id: str):
    status = jobs.load_status(job_id)
    if status is None:
        abort(404)
    auto = request.args.get("refresh", "1") != "0"
    return render_template("statements/batch_status.html", status=status, auto=auto)


@bp.get("/batch/<job_id>/<name>")
@roles(*FUND_READERS)
def batch_file(job_id: str, name: str):
    status = jobs.load_status(job_id)
    if status is None or name not in status.files:
        abort(404)
    path = jobs.job_dir(job_id) / name
    mimetype = "application/pdf" if name.endswith(".pdf") else "application/zip"
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- receipts


def _receipt_or_404(receipt_id: int) -> Receipt:
    receipt = get_db().get(Receipt, receipt_id)
    if receipt is None:
        abort(404)
    return receipt


@bp.get("/receipts/<int:receipt_id>/copy.pdf")
@roles(*FUND_READERS)
def receipt_copy(receipt_id: int):
    """A view of the receipt, always marked "สำเนา" (viewing is not printing the original)."""
    receipt = _receipt_or_404(receipt_id)
    data = receipt_data(get_db(), receipt, copy=True, printed_on=today())
    return _pdf(receipt_pdf(data), f"receipt-{receipt.fiscal_year}-{receipt.number:05d}-copy.pdf")


@bp.post("/receipts/<int:receipt_id>/print")
@roles(Role.COMMITTEE)
def receipt_print(receipt_id: int):
    """Print the receipt: the first print is the original, every later one a counted copy."""
    db = get_db()
    receipt = _receipt_or_404(receipt_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    copy = print_receipt(db, receipt=receipt, by=g.user, now=now())
    data = receipt_data(db, receipt, copy=copy, printed_on=today())
    db.commit()
    suffix = "-copy" if copy else ""
    return _pdf(
        receipt_pdf(data), f"receipt-{receipt.fiscal_year}-{receipt.number:05d}{suffix}.pdf"
    )


# --------------------------------------------------------------------------- loan agreement


@bp.get("/loans/<int:loan_id>/agreement.pdf")
@roles(*FUND_READERS)
def loan_agreement(loan_id: int):
    from fund.loans.models import Loan

    loan = get_db().get(Loan, loan_id)
    if loan is None:
        abort(404)
    data = agreement_data(get_db(), loan, printed_on=today())
    return _pdf(agreement_pdf(data), f"agreement-{loan.loan_no}.pdf")


# --------------------------------------------------------------------------- committee reports


@bp.get("/committee")
@roles(*FUND_READERS)
def committee():
    start, end, errors = _period_from_args()
    return render_template(
        "statements/committee.html",
        kinds=[(k, REPORT_TITLES[k]) for k in REPORT_KINDS],
        start=start,
        end=end,
        errors=errors,
    )


@bp.get("/committee/<kind>.pdf")
@roles(*FUND_READERS)
def committee_report(kind: str):
    if kind not in REPORT_KINDS:
        abort(404)
    start, end, errors = _period_from_args()
    if errors:
        abort(400)
    data = committee_data(get_db(), kind, start=start, end=end, printed_on=today(), now=now())
    return _pdf(committee_pdf(data), f"{kind}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


# --------------------------------------------------------------------------- repair job ticket


@bp.get("/repair/jobs/<int:job_id>/ticket.pdf")
@roles(*REPAIR_PRINTERS)
def job_ticket(job_id: int):
    try:
        data = job_ticket_data(get_db(), job_id)
    except DomainError:
        abort(404)
    return _pdf(job_ticket_pdf(data), f"job-{data.job_no}.pdf")
