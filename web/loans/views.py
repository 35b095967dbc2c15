"""Loan screens: products, applications and decisions, the loan page, repayments, hardship,
arrears and the meeting day."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fund.errors import DomainError, InvalidInput
from fund.loans.arrears import follow_up_list, portfolio_at_risk
from fund.loans.models import (
    ApplicationStatus,
    LatePolicy,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanPurpose,
    LoanStatus,
    NoteKind,
    PayChannel,
    PrepaymentMode,
    Repayment,
)
from fund.loans.queries import (
    count_meeting_members,
    list_applications,
    list_loans,
    list_products,
    loan_for_application,
    loan_page,
    meeting_day_sheet,
    meeting_villages,
)
from fund.loans.schedule import InterestMethod, parse_rate_percent
from fund.loans.services import (
    MeetingPayment,
    add_note,
    approve_application,
    create_product,
    disburse_loan,
    product_schedule,
    record_application,
    record_meeting_day,
    record_repayment,
    reject_application,
    reschedule_loan,
    reverse_repayment,
    set_product_active,
    write_off_loan,
)
from fund.members.models import Member
from fund.money import normalise_digits, parse_baht
from fund.users.models import Role
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.ledger.common import attach_error
from web.loans.forms import (
    CHANNEL_LABELS,
    KIND_LABELS,
    METHOD_LABELS,
    NOTE_LABELS,
    PURPOSE_LABELS,
    REGULAR,
    ApplicationForm,
    DecisionForm,
    DisburseForm,
    MeetingForm,
    NoteForm,
    ProductForm,
    RepaymentForm,
    RescheduleForm,
    ReverseForm,
    WriteOffForm,
)
from web.navigation import register_nav

bp = Blueprint("loans", __name__, url_prefix="/loans", template_folder="templates")

register_nav("loans.index", _l("เงินกู้"), FUND_READERS, order=30)
register_nav("loans.meeting", _l("วันประชุม"), (Role.COMMITTEE,), order=31)

STATUS_LABELS = {
    LoanStatus.APPROVED: _l("อนุมัติแล้ว รอจ่ายเงิน"),
    LoanStatus.ACTIVE: _l("กำลังผ่อนชำระ"),
    LoanStatus.REPAID: _l("ชำระครบแล้ว"),
    LoanStatus.WRITTEN_OFF: _l("ตัดหนี้สูญ"),
}
APP_STATUS_LABELS = {
    ApplicationStatus.PENDING: _l("รอพิจารณา"),
    ApplicationStatus.APPROVED: _l("อนุมัติ"),
    ApplicationStatus.REJECTED: _l("ไม่อนุมัติ"),
}


@bp.context_processor
def _labels():
    return {
        "status_labels": STATUS_LABELS,
        "app_status_labels": APP_STATUS_LABELS,
        "method_labels": METHOD_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "note_labels": NOTE_LABELS,
        "kind_labels": KIND_LABELS,
        "is_committee": g.get("user") is not None and g.user.role is Role.COMMITTEE,
    }


def _get(model, ident: int):
    obj = get_db().get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _status(form) -> int:
    return 422 if request.method == "POST" else 200


# --------------------------------------------------------------------------- lists


@bp.get("/")
@roles(*FUND_READERS)
def index():
    db = get_db()
    return render_template(
        "loans/index.html",
        rows=list_loans(db, as_of=today()),
        pending=list_applications(db, status=ApplicationStatus.PENDING),
    )


@bp.get("/products")
@roles(*FUND_READERS)
def products():
    return render_template(
        "loans/products.html", products=list_products(get_db()), form=ProductForm()
    )


@bp.post("/products")
@roles(Role.COMMITTEE)
def product_create():
    db = get_db()
    form = ProductForm()
    if form.validate_on_submit():
        try:
            rate = parse_rate_percent(form.rate.data or "")
            create_product(
                db,
                name=form.name.data,
                purpose=LoanPurpose(form.purpose.data),
                max_amount_satang=form.max_amount.data,
                max_term_months=form.max_term.data,
                method=InterestMethod(form.method.data),
                annual_rate_bp=int(rate * 100),
                round_to_satang=form.round_to.data or 1,
                grace_months=form.grace.data,
                late_policy=LatePolicy.FIXED_FEE if form.late_fee.data else LatePolicy.NONE,
                late_fee_satang=form.late_fee.data or 0,
                late_fee_after_days=form.late_days.data,
                created_by=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err, {"rate": "rate", "term": "max_term", "late_fee": "late_fee"})
        else:
            db.commit()
            flash(_("เพิ่มประเภทเงินกู้แล้ว"), "success")
            return redirect(url_for("loans.products"))
    return render_template("loans/products.html", products=list_products(db), form=form), 422


@bp.post("/products/<int:product_id>/active")
@roles(Role.COMMITTEE)
def product_active(product_id: int):
    db = get_db()
    product = _get(LoanProduct, product_id)
    set_product_active(
        db, product=product, active=not product.is_active, changed_by=g.user, now=now()
    )
    db.commit()
    return redirect(url_for("loans.products"))


# --------------------------------------------------------------------------- applications


@bp.get("/applications")
@roles(*FUND_READERS)
def applications():
    return render_template("loans/applications.html", apps=list_applications(get_db()))


@bp.route("/applications/new", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def application_new():
    db = get_db()
    form = ApplicationForm()
    offered = list_products(db, active_only=True)
    from wtforms.fields.choices import SelectChoice

    form.product.choices = [SelectChoice(str(p.id), p.name) for p in offered]
    if request.method == "GET":
        form.applied_on.process(None, today())
        if request.args.get("member_no"):
            form.member_no.data = request.args["member_no"]
    if form.validate_on_submit():
        member = db.scalar(
            select(Member).where(Member.member_no == normalise_digits(form.member_no.data).upper())
        )
        product = db.get(LoanProduct, int(form.product.data or 0))
        if member is None:
            form.member_no.errors.append(_("ไม่พบสมาชิกเลขนี้"))
        elif product is None:
            form.product.errors = [_("กรุณาเลือกประเภทเงินกู้")]
        else:
            try:
                app = record_application(
                    db,
                    member=member,
                    product=product,
                    amount_satang=form.amount.data,
                    term_months=form.term.data,
                    purpose=form.purpose.data,
                    livelihood_plan=form.livelihood_plan.data,
                    member_situation=form.member_situation.data or "",
                    applied_on=form.applied_on.data,
                    recorded_by=g.user,
                    now=now(),
                )
            except DomainError as err:
                db.rollback()
                attach_error(form, err, {"member": "member_no", "term": "term"})
            else:
                db.commit()
                flash(_("บันทึกคำขอกู้แล้ว รอกรรมการอีกท่านพิจารณา"), "success")
                return redirect(url_for("loans.application", app_id=app.id))
    return render_template("loans/application_new.html", form=form, products=offered), _status(form)


def _application_page(app: LoanApplication, form: DecisionForm, status: int = 200):
    db = get_db()
    try:
        schedule = product_schedule(
            app.product,
            amount_satang=app.amount_satang,
            term_months=app.term_months,
            start=app.meeting_date or today(),
        )
    except DomainError:
        schedule = []
    return render_template(
        "loans/application.html",
        app=app,
        form=form,
        schedule=schedule,
        loan=loan_for_application(db, app.id),
        recorder=db.get(type(g.user), app.recorded_by_id),
        decider=db.get(type(g.user), app.decided_by_id) if app.decided_by_id else None,
    ), status


@bp.get("/applications/<int:app_id>")
@roles(*FUND_READERS)
def application(app_id: int):
    form = DecisionForm()
    form.meeting_date.process(None, today())
    return _application_page(_get(LoanApplication, app_id), form)


@bp.post("/applications/<int:app_id>")
@roles(Role.COMMITTEE)
def decide(app_id: int):
    db = get_db()
    app = _get(LoanApplication, app_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            common = {
                "application": app,
                "decided_by": g.user,
                "meeting_no": form.meeting_no.data,
                "meeting_date": form.meeting_date.data,
                "resolution": form.resolution.data,
                "now": now(),
            }
            if form.decision.data == "approve":
                loan = approve_application(
                    db,
                    approved_amount_satang=form.approved_amount.data or None,
                    approved_term_months=form.approved_term.data or None,
                    override_open_loan=form.override_open_loan.data,
                    **common,
                )
            else:
                reject_application(db, **common)
                loan = None
        except DomainError as err:
            db.rollback()
            attach_error(form, err, {"amount": "approved_amount", "term": "approved_term"})
        else:
            db.commit()
            if loan is not None:
                flash(_("อนุมัติแล้ว สัญญาเลขที่ %(no)s", no=loan.loan_no), "success")
                return redirect(url_for("loans.loan", loan_id=loan.id))
            flash(_("บันทึกผลไม่อนุมัติแล้ว"), "success")
            return redirect(url_for("loans.application", app_id=app.id))
    return _application_page(app, form, 422)


# --------------------------------------------------------------------------- the loan


def _loan_page(loan: Loan, status: int = 200, **forms):
    db = get_db()
    if "disburse_form" not in forms:
        forms["disburse_form"] = DisburseForm(formdata=None)
        forms["disburse_form"].disbursed_on.process(None, today())
    if "note_form" not in forms:
        forms["note_form"] = NoteForm(formdata=None)
        forms["note_form"].noted_on.process(None, today())
    return render_template(
        "loans/loan.html", page=loan_page(db, loan, as_of=today()), **forms
    ), status


@bp.get("/<int:loan_id>")
@roles(*FUND_READERS)
def loan(loan_id: int):
    return _loan_page(_get(Loan, loan_id))


@bp.post("/<int:loan_id>/disburse")
@roles(Role.COMMITTEE)
def disburse(loan_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    form = DisburseForm()
    if form.validate_on_submit():
        try:
            disburse_loan(
                db,
                loan=loan,
                disbursed_on=form.disbursed_on.data,
                channel=PayChannel(form.channel.data),
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("จ่ายเงินกู้และบันทึกบัญชีแล้ว"), "success")
            return redirect(url_for("loans.loan", loan_id=loan.id))
    return _loan_page(loan, 422, disburse_form=form)


@bp.post("/<int:loan_id>/notes")
@roles(Role.COMMITTEE)
def note(loan_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            add_note(
                db,
                loan=loan,
                kind=NoteKind(form.kind.data),
                text=form.text.data,
                noted_on=form.noted_on.data,
                promised_on=form.promised_on.data,
                recorded_by=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกการติดตามแล้ว"), "success")
            return redirect(url_for("loans.loan", loan_id=loan.id) + "#notes")
    return _loan_page(loan, 422, note_form=form)


@bp.route("/<int:loan_id>/repay", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def repay(loan_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    form = RepaymentForm()
    if request.method == "GET":
        form.paid_on.process(None, today())
    if form.validate_on_submit():
        mode = None if form.kind.data == REGULAR else PrepaymentMode(form.kind.data)
        try:
            repayment = record_repayment(
                db,
                loan=loan,
                amount_satang=form.amount.data,
                paid_on=form.paid_on.data,
                channel=PayChannel(form.channel.data),
                prepayment_mode=mode,
                memo=form.memo.data or "",
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(
                _(
                    "รับชำระแล้ว: ค่าปรับ %(f)s ดอกเบี้ย %(i)s เงินต้น %(p)s",
                    f=_money(repayment.fee_satang),
                    i=_money(repayment.interest_satang),
                    p=_money(repayment.principal_satang),
                ),
                "success",
            )
            return redirect(url_for("loans.loan", loan_id=loan.id))
    page = loan_page(db, loan, as_of=today())
    return render_template("loans/repay.html", form=form, page=page), _status(form)


def _money(satang: int) -> str:
    from fund.money import format_baht

    return format_baht(satang)


@bp.route("/<int:loan_id>/repayments/<int:repayment_id>/reverse", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def reverse(loan_id: int, repayment_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    repayment = _get(Repayment, repayment_id)
    if repayment.loan_id != loan.id:
        abort(404)
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            reverse_repayment(
                db, repayment=repayment, reason=form.reason.data, recorded_by=g.user, now=now()
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("กลับรายการแล้ว และแบ่งยอดรายการหลังจากนั้นใหม่"), "success")
            return redirect(url_for("loans.loan", loan_id=loan.id))
    return render_template(
        "loans/reverse.html", form=form, loan=loan, repayment=repayment
    ), _status(form)


@bp.route("/<int:loan_id>/reschedule", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def reschedule(loan_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    form = RescheduleForm()
    if request.method == "GET":
        form.effective_on.process(None, today())
        form.meeting_date.process(None, today())
    if form.validate_on_submit():
        try:
            reschedule_loan(
                db,
                loan=loan,
                effective_on=form.effective_on.data,
                new_term_months=form.new_term.data,
                new_instalment_satang=form.new_instalment.data,
                freeze_interest=form.freeze_interest.data,
                reason=form.reason.data,
                meeting_no=form.meeting_no.data,
                meeting_date=form.meeting_date.data,
                resolution=form.resolution.data,
                recorded_by=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            attach_error(
                form, err, {"new_term_months": "new_term", "new_instalment": "new_instalment"}
            )
        else:
            db.commit()
            flash(_("ปรับโครงสร้างหนี้แล้ว"), "success")
            return redirect(url_for("loans.loan", loan_id=loan.id))
    page = loan_page(db, loan, as_of=today())
    return render_template("loans/reschedule.html", form=form, page=page), _status(form)


@bp.route("/<int:loan_id>/write-off", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def write_off(loan_id: int):
    db = get_db()
    loan = _get(Loan, loan_id)
    form = WriteOffForm()
    if request.method == "GET":
        form.written_off_on.process(None, today())
        form.meeting_date.process(None, today())
    if form.validate_on_submit():
        try:
            write_off_loan(
                db,
                loan=loan,
                written_off_on=form.written_off_on.data,
                reason=form.reason.data,
                meeting_no=form.meeting_no.data,
                meeting_date=form.meeting_date.data,
                resolution=form.resolution.data,
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once.data,
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("ตัดหนี้สูญแล้ว"), "success")
            return redirect(url_for("loans.loan", loan_id=loan.id))
    page = loan_page(db, loan, as_of=today())
    return render_template("loans/write_off.html", form=form, page=page), _status(form)


# --------------------------------------------------------------------------- arrears


@bp.get("/arrears")
@roles(*FUND_READERS)
def arrears():
    db = get_db()
    on = today()
    return render_template(
        "loans/arrears.html",
        par=portfolio_at_risk(db, as_of=on),
        rows=follow_up_list(db, as_of=on),
        on=on,
    )


# --------------------------------------------------------------------------- meeting day


def _amount(name: str, errors: dict[str, str]) -> int:
    raw = request.form.get(name, "")
    if not raw.strip():
        return 0
    try:
        return parse_baht(raw, allow_zero=True)
    except InvalidInput as err:
        errors[name] = err.message(g.locale)
        return 0


#: members per meeting-day page; the committee can show more (a whole village at once)
MEETING_PAGE_SIZES = (25, 50, 100, 500)
MEETING_DEFAULT_SIZE = 50
_MAX_SHEET_MEMBERS = max(MEETING_PAGE_SIZES)


def _int_arg(name: str, default: int | None) -> int | None:
    raw = normalise_digits(request.args.get(name, "")).strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else default


def _sheet_view() -> dict:
    """Which members the sheet shows: ``moo`` (village), ``page`` and ``size`` from the URL."""
    size = _int_arg("size", MEETING_DEFAULT_SIZE)
    if size not in MEETING_PAGE_SIZES:
        size = MEETING_DEFAULT_SIZE
    return {"moo": _int_arg("moo", None), "page": max(1, _int_arg("page", 1)), "size": size}


def _posted_members() -> list[int] | None:
    """The member ids the submitted sheet showed (a hidden field), or None when missing or
    tampered with: a sheet posts exactly the members its sender saw, never others."""
    raw = request.form.get("members", "")
    parts = [p for p in raw.split(",") if p]
    if not parts or len(parts) > _MAX_SHEET_MEMBERS:
        return None
    if not all(p.isascii() and p.isdigit() and len(p) < 12 for p in parts):
        return None
    return [int(p) for p in parts]


@bp.route("/meeting", methods=["GET", "POST"])
@roles(Role.COMMITTEE)
def meeting():
    db = get_db()
    form = MeetingForm()
    if request.method == "GET":
        form.held_on.process(None, today())
    on = form.held_on.data or today()
    view = _sheet_view()
    total = count_meeting_members(db, moo=view["moo"])
    pages = max(1, -(-total // view["size"]))
    view["page"] = min(view["page"], pages)
    errors: dict[str, str] = {}
    if request.method == "POST":
        shown = _posted_members()
        if shown is None:
            form.form_errors.append(_("แบบฟอร์มไม่ครบ กรุณาเปิดหน้าวันประชุมใหม่แล้วกรอกอีกครั้ง"))
            sheet = []
        else:
            sheet = meeting_day_sheet(db, on=on, member_ids=shown)
    else:
        sheet = meeting_day_sheet(
            db,
            on=on,
            moo=view["moo"],
            offset=(view["page"] - 1) * view["size"],
            limit=view["size"],
        )
    if sheet and form.validate_on_submit():
        payments = [
            MeetingPayment(
                member_id=line.member_id,
                savings_satang=_amount(f"s-{line.member_id}", errors),
                repayments={ln.loan_id: _amount(f"r-{ln.loan_id}", errors) for ln in line.loans},
            )
            for line in sheet
        ]
        if not errors:
            try:
                result = record_meeting_day(
                    db,
                    held_on=form.held_on.data,
                    payments=payments,
                    channel=PayChannel(form.channel.data),
                    recorded_by=g.user,
                    now=now(),
                    idempotency_key=form.once.data[:40],
                )
            except DomainError as err:
                db.rollback()
                form.form_errors.append(err.message(g.locale))
                if err.field:
                    errors[err.field] = err.message(g.locale)
            else:
                db.commit()
                flash(
                    _(
                        "บันทึกแล้ว: เงินสัจจะ %(s)d ราย ชำระเงินกู้ %(r)d ราย รวม %(t)s",
                        s=result.savings_count,
                        r=result.repayment_count,
                        t=_money(result.total_satang),
                    ),
                    "success",
                )
                return redirect(url_for("loans.meeting", **_view_args(view)))
    values = dict(request.form) if request.method == "POST" else {}
    return render_template(
        "loans/meeting.html",
        form=form,
        sheet=sheet,
        errors=errors,
        values=values,
        view=view,
        view_args=_view_args(view),
        total=total,
        pages=pages,
        first_no=(view["page"] - 1) * view["size"] + 1,
        villages=meeting_villages(db),
        sizes=MEETING_PAGE_SIZES,
    ), (422 if request.method == "POST" else 200)


def _view_args(view: dict) -> dict:
    """The sheet's URL arguments, leaving out the defaults."""
    args = {}
    if view["moo"] is not None:
        args["moo"] = view["moo"]
    if view["page"] > 1:
        args["page"] = view["page"]
    if view["size"] != MEETING_DEFAULT_SIZE:
        args["size"] = view["size"]
    return args
