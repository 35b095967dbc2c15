"""Member screens: list and search, member page, add/edit with review-and-confirm, status,
consents, history, subject-access export and anonymising, and the import upload."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fund.errors import DomainError, NotFound
from fund.members.holdings import money_held
from fund.members.importing import apply_import, members_csv, plan_import, template_csv
from fund.members.models import Member, MemberStatus
from fund.members.policy import SensitiveField, can_view_sensitive
from fund.members.queries import (
    consents_for,
    get_consent,
    get_member,
    history_for,
    list_members,
    read_sensitive,
)
from fund.members.sensitive import ConsentGivenBy, LegalBasis
from fund.members.services import (
    MemberDetails,
    SensitiveDetails,
    anonymise_member,
    change_status,
    check_member_input,
    export_member_data,
    record_consent,
    register_member,
    update_member,
    withdraw_consent,
)
from fund.money import format_baht
from fund.users.models import Role
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.form_errors import attach_domain_error
from web.members.forms import (
    BASIS_LABELS,
    DISABILITY_LABELS,
    GIVEN_BY_LABELS,
    PURPOSE_LABELS,
    SEX_LABELS,
    STATUS_LABELS,
    ConfirmForm,
    ConsentForm,
    ImportForm,
    MemberForm,
    StatusForm,
    WithdrawConsentForm,
)
from web.members.sections import sections_for
from web.navigation import register_nav

bp = Blueprint("members", __name__, url_prefix="/members", template_folder="templates")

#: who may open the member list and page: the committee and readers of the books, and the
#: repair center (names, contact and disability type for their work)
MEMBER_READERS = (*FUND_READERS, Role.REPAIR)
COMMITTEE = (Role.COMMITTEE,)

register_nav("members.index", _l("สมาชิก"), MEMBER_READERS, order=10)

TITLE_OPTIONS = ("นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง")
ACTION_LABELS = {
    "member.create": _l("ลงทะเบียนสมาชิก"),
    "member.import": _l("นำเข้าจากทะเบียนเดิม"),
    "member.update": _l("แก้ไขข้อมูล"),
    "member.status": _l("เปลี่ยนสถานะ"),
    "member.export": _l("ส่งออกข้อมูลให้เจ้าของข้อมูล"),
    "member.anonymise": _l("ลบข้อมูลส่วนบุคคล"),
    "sensitive.view": _l("เปิดดูข้อมูลอ่อนไหว"),
    "consent.record": _l("บันทึกความยินยอม"),
    "consent.withdraw": _l("ถอนความยินยอม"),
}
FIELD_LABELS = {
    name: field.args[0]
    for name, field in MemberForm.__dict__.items()
    if hasattr(field, "args") and field.args
}
FIELD_LABELS.update(
    {
        "national_id": _l("เลขประจำตัวประชาชน"),
        "disability": _l("ความพิการ"),
        "health": _l("บันทึกสุขภาพ"),
        "reason": _l("เหตุผล"),
    }
)


@bp.context_processor
def _labels():
    return {
        "status_labels": STATUS_LABELS,
        "sex_labels": SEX_LABELS,
        "disability_labels": DISABILITY_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "basis_labels": BASIS_LABELS,
        "given_by_labels": GIVEN_BY_LABELS,
        "action_labels": ACTION_LABELS,
        "field_labels": FIELD_LABELS,
        "title_options": TITLE_OPTIONS,
        "is_committee": g.get("user") is not None and g.user.role is Role.COMMITTEE,
    }


def _write_db() -> Session:
    """A write session for this request: reading sensitive data writes its audit row."""
    if "db" not in g:
        g.db = current_app.extensions["chaeson_sessions"](write=True)
        g.db.info["channel"] = "web"
    return g.db


def _member_or_404(db: Session, member_id: int) -> Member:
    try:
        return get_member(db, member_id)
    except NotFound:
        abort(404)


_put_error = attach_domain_error


# --- list and page ------------------------------------------------------------------------


@bp.get("/")
@roles(*MEMBER_READERS)
def index():
    try:
        page_no = int(request.args.get("page", "1"))
    except ValueError:
        page_no = 1
    page = list_members(get_db(), search=request.args.get("q", ""), page=page_no)
    return render_template("members/index.html", page=page)


@bp.get("/members.csv")
@roles(*FUND_READERS)
def export_list():
    """The member list for a spreadsheet (names and addresses; no sensitive data)."""
    return Response(
        members_csv(get_db()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="members.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<int:member_id>")
@roles(*MEMBER_READERS)
def show(member_id: int):
    db = _write_db()
    member = _member_or_404(db, member_id)
    sensitive = read_sensitive(db, member=member, viewer=g.user, now=now())
    db.commit()  # the view is logged even if rendering fails later
    balances = money_held(db, member, include_zero=True) if g.user.role in FUND_READERS else None
    return render_template(
        "members/show.html",
        member=member,
        sensitive=sensitive,
        balances=balances,
        sections=sections_for(db, member, g.user.role),
        can_see_disability=can_view_sensitive(g.user.role, SensitiveField.DISABILITY),
    )


@bp.get("/<int:member_id>/history")
@roles(*FUND_READERS)
def history(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    return render_template("members/history.html", member=member, items=history_for(db, member))


# --- add and edit (form -> review -> confirm) ---------------------------------------------


def _details(form: MemberForm) -> MemberDetails:
    return MemberDetails(
        title=form.title.data or "",
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        joined_on=form.joined_on.data,
        birth_date=form.birth_date.data,
        sex=form.sex.data or None,
        phone=form.phone.data or "",
        house_no=form.house_no.data or "",
        moo=form.moo.data,
        village=form.village.data or "",
        tambon=form.tambon.data or "",
        amphoe=form.amphoe.data or "",
        province=form.province.data or "",
        postcode=form.postcode.data or "",
        caregiver_name=form.caregiver_name.data or "",
        caregiver_relation=form.caregiver_relation.data or "",
        caregiver_phone=form.caregiver_phone.data or "",
        occupation=form.occupation.data or "",
        livelihood=form.livelihood.data or "",
        large_print=bool(form.large_print.data),
    )


def _sensitive(form: MemberForm) -> SensitiveDetails:
    return SensitiveDetails(
        national_id=form.national_id.data or None,
        disability_types=frozenset(int(c) for c in form.disability_types.data or ()),
        card_expires_on=form.card_expires_on.data,
        health_notes=form.health_notes.data or "",
    )


def _member_form_flow(member: Member | None):
    """The add/edit flow: ``step`` is "review" (check, show), "edit" (back) or "confirm" (save)."""
    db = get_db()
    form = MemberForm()
    step = request.form.get("step", "review")
    template_args = {"member": member}
    if step == "edit" or not form.validate():
        if step == "edit":
            form.validate()
            for f in form:  # going back is not an error: show the data, not complaints
                f.errors = []
            form.form_errors.clear()
        return render_template("members/form.html", form=form, **template_args), (
            200 if step == "edit" else 422
        )
    details, sensitive = _details(form), _sensitive(form)
    try:
        if step != "confirm":
            warnings = check_member_input(
                db,
                details=details,
                sensitive=sensitive,
                now=now(),
                member_id=member.id if member else None,
            )
            return render_template(
                "members/review.html", form=form, warnings=warnings, **template_args
            )
        if member is None:
            result = register_member(db, details=details, sensitive=sensitive, by=g.user, now=now())
        else:
            result = update_member(
                db, member=member, details=details, sensitive=sensitive, by=g.user, now=now()
            )
    except DomainError as err:
        db.rollback()
        _put_error(form, err)
        return render_template("members/form.html", form=form, **template_args), 422
    db.commit()
    for warning in result.warnings:
        flash(warning.message(g.locale), "warning")
    if member is None:
        flash(_("ลงทะเบียนสมาชิก %(no)s แล้ว", no=result.member.member_no), "success")
    else:
        flash(_("บันทึกการแก้ไขแล้ว"), "success")
    return redirect(url_for("members.show", member_id=result.member.id))


@bp.get("/new")
@roles(*COMMITTEE)
def new():
    form = MemberForm(
        joined_on=today(), tambon="แจ้ซ้อน", amphoe="เมืองปาน", province="ลำปาง", postcode="52240"
    )
    return render_template("members/form.html", form=form, member=None)


@bp.post("/new")
@roles(*COMMITTEE)
def create():
    return _member_form_flow(None)


@bp.get("/<int:member_id>/edit")
@roles(*COMMITTEE)
def edit(member_id: int):
    db = _write_db()
    member = _member_or_404(db, member_id)
    if member.anonymised_at is not None:
        flash(_("สมาชิกนี้ถูกลบข้อมูลส่วนบุคคลแล้ว แก้ไขไม่ได้"), "error")
        return redirect(url_for("members.show", member_id=member.id))
    sensitive = read_sensitive(db, member=member, viewer=g.user, now=now(), purpose="edit")
    db.commit()
    form = MemberForm(
        obj=member,
        national_id=sensitive.national_id or "",
        disability_types=[str(int(t)) for t in sensitive.disability_types or ()],
        card_expires_on=sensitive.card_expires_on,
        health_notes=sensitive.health_notes or "",
    )
    return render_template("members/form.html", form=form, member=member)


@bp.post("/<int:member_id>/edit")
@roles(*COMMITTEE)
def update(member_id: int):
    member = _member_or_404(get_db(), member_id)
    return _member_form_flow(member)


# --- status -------------------------------------------------------------------------------


@bp.route("/<int:member_id>/status", methods=["GET", "POST"])
@roles(*COMMITTEE)
def status(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    form = StatusForm(on=today())
    if form.validate_on_submit():
        try:
            result = change_status(
                db,
                member=member,
                status=MemberStatus(form.status.data),
                on=form.on.data,
                reason=form.reason.data,
                by=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            _put_error(form, err)
        else:
            db.commit()
            for warning in result.warnings:
                flash(warning.message(g.locale), "warning")
            flash(_("บันทึกสถานะแล้ว"), "success")
            return redirect(url_for("members.show", member_id=member.id))
    code = 422 if request.method == "POST" else 200
    return render_template("members/status.html", form=form, member=member), code


# --- consent ------------------------------------------------------------------------------


@bp.get("/<int:member_id>/consents")
@roles(*FUND_READERS)
def consents(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    return _consents_page(db, member, ConsentForm(given_on=today()))


def _consents_page(db: Session, member: Member, form: ConsentForm, code: int = 200):
    return render_template(
        "members/consents.html",
        member=member,
        form=form,
        withdraw_form=WithdrawConsentForm(withdrawn_on=today()),
        consents=consents_for(db, member),
    ), code


@bp.post("/<int:member_id>/consents")
@roles(*COMMITTEE)
def add_consent(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    form = ConsentForm()
    if form.validate():
        try:
            record_consent(
                db,
                member=member,
                given_by=ConsentGivenBy(form.given_by.data),
                legal_basis=LegalBasis(form.legal_basis.data),
                purposes=form.purposes.data,
                given_on=form.given_on.data,
                by=g.user,
                now=now(),
                representative_name=form.representative_name.data or "",
                representative_relation=form.representative_relation.data or "",
            )
        except DomainError as err:
            db.rollback()
            _put_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกความยินยอมแล้ว"), "success")
            return redirect(url_for("members.consents", member_id=member.id))
    return _consents_page(db, member, form, 422)


@bp.post("/<int:member_id>/consents/<int:consent_id>/withdraw")
@roles(*COMMITTEE)
def withdraw(member_id: int, consent_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    try:
        consent = get_consent(db, consent_id)
    except NotFound:
        abort(404)
    if consent.member_id != member.id:
        abort(404)
    form = WithdrawConsentForm()
    if form.validate():
        try:
            withdraw_consent(
                db, consent=consent, withdrawn_on=form.withdrawn_on.data, by=g.user, now=now()
            )
        except DomainError as err:
            db.rollback()
            flash(err.message(g.locale), "error")
        else:
            db.commit()
            flash(_("บันทึกการถอนความยินยอมแล้ว"), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("members.consents", member_id=member.id))


# --- subject access and anonymising -------------------------------------------------------


@bp.get("/<int:member_id>/export")
@roles(*COMMITTEE)
def export_confirm(member_id: int):
    member = _member_or_404(get_db(), member_id)
    return render_template("members/export.html", member=member, form=ConfirmForm())


@bp.post("/<int:member_id>/export")
@roles(*COMMITTEE)
def export(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    if not ConfirmForm().validate():
        abort(400)
    result = export_member_data(db, member=member, by=g.user, now=now())
    db.commit()
    body = json.dumps(result.data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="member-{result.member_no}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<int:member_id>/anonymise")
@roles(*COMMITTEE)
def anonymise_confirm(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    return render_template(
        "members/anonymise.html",
        member=member,
        form=ConfirmForm(),
        holdings=money_held(db, member),
    )


@bp.post("/<int:member_id>/anonymise")
@roles(*COMMITTEE)
def anonymise(member_id: int):
    db = get_db()
    member = _member_or_404(db, member_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        anonymise_member(db, member=member, by=g.user, now=now())
    except DomainError as err:
        db.rollback()
        flash(err.message(g.locale), "error")
        return redirect(url_for("members.anonymise_confirm", member_id=member.id))
    db.commit()
    flash(_("ลบข้อมูลส่วนบุคคลของสมาชิก %(no)s แล้ว", no=member.member_no), "success")
    return redirect(url_for("members.show", member_id=member.id))


# --- import from the fund's existing register ---------------------------------------------

_IMPORT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_IMPORT_MAX_AGE_S = 24 * 3600


def _import_dir() -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "member-imports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _IMPORT_MAX_AGE_S
    for old in folder.glob("*.upload"):  # previews nobody confirmed
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _import_page(form: ImportForm, code: int = 200, **extra):
    return render_template("members/import.html", form=form, **extra), code


@bp.get("/import")
@roles(*COMMITTEE)
def import_upload():
    return _import_page(ImportForm(as_of=today()))


@bp.get("/import/template.csv")
@roles(*COMMITTEE)
def import_template():
    return Response(
        template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="members-template.csv"'},
    )


@bp.post("/import")
@roles(*COMMITTEE)
def import_preview():
    """Check the uploaded file and show what would happen; nothing is written yet."""
    form = ImportForm()
    if not form.validate():
        return _import_page(form, 422)
    upload = form.file.data
    content = upload.read()
    filename = upload.filename or "upload.csv"
    try:
        plan = plan_import(
            get_db(), filename=filename, content=content, as_of=form.as_of.data, now=now()
        )
    except DomainError as err:
        _put_error(form, err)
        return _import_page(form, 422)
    token = None
    if plan.ok and plan.new:
        token = secrets.token_urlsafe(24)
        suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
        (_import_dir() / f"{token}{suffix}.upload").write_bytes(content)
    return render_template(
        "members/import_preview.html",
        plan=plan,
        filename=filename,
        token=token,
        confirm=ConfirmForm(),
    ), (200 if plan.ok else 422)


@bp.post("/import/confirm")
@roles(*COMMITTEE)
def import_confirm():
    if not ConfirmForm().validate():
        abort(400)
    token = request.form.get("token", "")
    as_of_text = request.form.get("as_of", "")
    if not _IMPORT_TOKEN.fullmatch(token):
        abort(400)
    matches = list(_import_dir().glob(f"{token}.*.upload"))
    if not matches:
        flash(_("ไฟล์ที่ตรวจไว้หมดอายุแล้ว กรุณาอัปโหลดใหม่"), "error")
        return redirect(url_for("members.import_upload"))
    path = matches[0]
    filename = "upload" + path.suffixes[0]
    db = get_db()
    try:
        as_of = dt.date.fromisoformat(as_of_text)
        plan = plan_import(db, filename=filename, content=path.read_bytes(), as_of=as_of, now=now())
        result = apply_import(db, plan=plan, by=g.user, now=now())
    except ValueError:
        abort(400)
    except DomainError as err:
        db.rollback()
        flash(err.message(g.locale), "error")
        return redirect(url_for("members.import_upload"))
    db.commit()
    path.unlink(missing_ok=True)
    flash(
        _(
            "นำเข้าสมาชิกใหม่ %(n)s คน (มีอยู่แล้ว %(same)s คน) ยอดเงินออมยกมารวม %(total)s",
            n=result.created,
            same=result.unchanged,
            total=format_baht(result.savings_total_satang),
        ),
        "success",
    )
    return redirect(url_for("members.index"))
