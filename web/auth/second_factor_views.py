"""My account, setting up the second factor, and the second step of a login."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from fund.errors import DomainError
from fund.users.models import Role, User
from fund.users.second_factor import (
    begin_enrolment,
    challenge_user,
    complete_login_challenge,
    confirm_enrolment,
    disable_second_factor,
    may_use_second_factor,
    pending_enrolment,
    recovery_codes_left,
    regenerate_recovery_codes,
    second_factor_required,
)
from fund.users.services import is_throttled, start_session
from web.access import EVERYONE, before_enrolment, public, roles
from web.auth.forms import (
    ConfirmEnrolmentForm,
    PasswordAndCodeForm,
    RecoveryCodeLoginForm,
    SecondFactorForm,
    StartEnrolmentForm,
)
from web.auth.qr import qr_svg
from web.auth.views import CHALLENGE_KEY, bp, finish_login
from web.clock import now
from web.database import get_db
from web.form_errors import attach_domain_error

TWO_STEP_ROLES = (Role.ADMIN, Role.COMMITTEE)
#: below this many unused recovery codes, the account page and the login say to make new ones
FEW_CODES_LEFT = 3


def _address() -> str:
    return request.remote_addr or "unknown"


def _me() -> User:
    """The logged-in user, in this request's database session."""
    return get_db().get(User, g.user.id)


@bp.app_context_processor
def _enrolment_context() -> dict:
    return {"must_enrol": g.get("must_enrol", False)}


# --------------------------------------------------------------------------- my account


@bp.get("/account")
@roles(*EVERYONE)
def account():
    db = get_db()
    user = _me()
    return render_template(
        "auth/account.html",
        user=user,
        two_step=may_use_second_factor(user),
        codes_left=recovery_codes_left(db, user) if user.has_second_factor else None,
        few_codes=FEW_CODES_LEFT,
        required=second_factor_required(db) if may_use_second_factor(user) else False,
        start_form=StartEnrolmentForm(),
    )


@bp.post("/account/two-step/start")
@roles(*TWO_STEP_ROLES)
@before_enrolment
def second_factor_start():
    db = get_db()
    try:
        begin_enrolment(db, user=_me(), now=now())
    except DomainError as err:
        flash(err.message(g.locale), "error")
        return redirect(url_for("auth.account"))
    db.commit()
    return redirect(url_for("auth.second_factor_setup"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@roles(*TWO_STEP_ROLES)
@before_enrolment
def second_factor_setup():
    db = get_db()
    user = _me()
    if user.has_second_factor:
        flash(_("เปิดใช้การยืนยันตัวตนสองขั้นตอนอยู่แล้ว"), "success")
        return redirect(url_for("auth.account"))
    enrolment = pending_enrolment(user)
    form = ConfirmEnrolmentForm()
    if request.method == "POST" and enrolment is None:
        return redirect(url_for("auth.second_factor_setup"))
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(db, user=user, code=form.code.data, now=now())
        except DomainError as err:
            attach_domain_error(form, err)
            form.code.data = ""
        else:
            # Sessions opened elsewhere with the password alone end here; this one goes on.
            session["token"] = start_session(db, user=user, now=now())
            db.commit()
            g.must_enrol = False
            # The codes exist in plain text only in this response (not in a cookie, not in the
            # database), so this page is rendered by the POST rather than after a redirect.
            return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/second_factor_setup.html",
        enrolment=enrolment,
        qr=qr_svg(enrolment.uri, label=_("คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน")) if enrolment else None,
        form=form,
        start_form=StartEnrolmentForm(),
    ), status


def _password_and_code_page(template: str, change):
    """A page that needs the password and a current code before ``change`` runs."""
    db = get_db()
    user = _me()
    if not user.has_second_factor:
        flash(_("ยังไม่ได้เปิดใช้การยืนยันตัวตนสองขั้นตอน"), "error")
        return redirect(url_for("auth.account"))
    form = PasswordAndCodeForm()
    if form.validate_on_submit():
        try:
            result = change(
                db,
                user=user,
                password=form.password.data,
                code=form.code.data,
                address=_address(),
                now=now(),
            )
        except DomainError as err:
            db.commit()  # keep the failed attempts: the login throttle counts them
            attach_domain_error(form, err)
        else:
            db.commit()
            return result
    status = 422 if request.method == "POST" else 200
    return render_template(
        template, form=form, required=second_factor_required(db), codes_left=None
    ), status


@bp.route("/account/two-step/off", methods=["GET", "POST"])
@roles(*TWO_STEP_ROLES)
def second_factor_disable():
    def change(db, **proof):
        disable_second_factor(db, **proof)
        flash(_("ปิดการยืนยันตัวตนสองขั้นตอนแล้ว"), "success")
        return redirect(url_for("auth.account"))

    return _password_and_code_page("auth/second_factor_disable.html", change)


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@roles(*TWO_STEP_ROLES)
def recovery_codes():
    def change(db, **proof):
        codes = regenerate_recovery_codes(db, **proof)
        return render_template("auth/recovery_codes.html", codes=codes, first_time=False)

    return _password_and_code_page("auth/recovery_codes_new.html", change)


# --------------------------------------------------------------------------- the second step


def _second_step(form: SecondFactorForm | RecoveryCodeLoginForm, field_name: str, template: str):
    if g.user is not None:
        return redirect(url_for("home.index"))
    db = get_db()
    token = session.get(CHALLENGE_KEY, "")
    user = challenge_user(db, token=token, now=now())
    next_url = request.args.get("next") or None
    if user is None:
        session.pop(CHALLENGE_KEY, None)
        if token:
            flash(_("หมดเวลายืนยันตัวตนแล้ว กรุณาเข้าสู่ระบบใหม่"), "error")
        return redirect(url_for("auth.login", next=next_url))
    field = form[field_name]
    if form.validate_on_submit():
        address = _address()
        if is_throttled(db, username=user.username, address=address, now=now()):
            form.form_errors.append(_("ลองผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่"))
        else:
            used = complete_login_challenge(
                db, token=token, user=user, code=field.data, address=address, now=now()
            )
            if used is None:
                db.commit()  # the wrong code counts toward the login throttle
                field.data = ""  # a used-up code is no help in the box: type the next one
                if field_name == "code":
                    field.errors.append(_("รหัสไม่ถูกต้องหรือใช้ไปแล้ว กรุณารอให้แอปแสดงรหัสใหม่แล้วกรอกอีกครั้ง"))
                else:
                    field.errors.append(_("รหัสกู้คืนไม่ถูกต้องหรือใช้ไปแล้ว"))
            else:
                message = _codes_left_message(db, user) if used == "recovery_code" else None
                return finish_login(db, user, second_factor=used, message=message)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, next=next_url), status


def _codes_left_message(db, user: User) -> str:
    left = recovery_codes_left(db, user)
    message = _("เข้าสู่ระบบด้วยรหัสกู้คืนแล้ว เหลือรหัสกู้คืน %(n)d รหัส", n=left)
    if left <= FEW_CODES_LEFT:
        message += " " + _("กรุณาสร้างรหัสกู้คืนชุดใหม่ที่หน้าบัญชีของฉัน")
    return message


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
def second_factor():
    """The code from the authenticator app, after a right password."""
    return _second_step(SecondFactorForm(), "code", "auth/second_factor.html")


@bp.route("/login/recovery-code", methods=["GET", "POST"])
@public
def recovery_login():
    """A recovery code instead of the app (a lost or flat phone)."""
    return _second_step(RecoveryCodeLoginForm(), "recovery_code", "auth/recovery_login.html")
