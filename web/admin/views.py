from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fund.audit.queries import list_recent_audit
from fund.errors import DomainError
from fund.users.models import Role, User
from fund.users.queries import list_second_factor_users, list_users
from fund.users.second_factor import (
    reset_second_factor,
    second_factor_required,
    set_second_factor_required,
)
from fund.users.services import create_user, set_active
from web.access import roles
from web.admin.forms import ROLE_LABELS, ResetSecondFactorForm, SecuritySettingsForm, UserForm
from web.clock import now
from web.database import get_db
from web.form_errors import attach_domain_error
from web.navigation import register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin")

register_nav("admin.users", _l("ผู้ใช้"), (Role.ADMIN,), order=90)
register_nav("admin.security", _l("ความปลอดภัย"), (Role.ADMIN,), order=92)
register_nav("admin.audit", _l("บันทึกการใช้งาน"), (Role.ADMIN, Role.AUDITOR), order=95)


@bp.route("/users", methods=["GET", "POST"])
@roles(Role.ADMIN)
def users():
    form = UserForm()
    db = get_db()
    if form.validate_on_submit():
        try:
            create_user(
                db,
                username=form.username.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=form.password.data,
                now=now(),
                created_by=g.user,
            )
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            db.commit()
            flash(_("เพิ่มผู้ใช้แล้ว"), "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/users.html", form=form, users=list_users(db), role_labels=ROLE_LABELS
    ), status


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def toggle_active(user_id: int):
    db = get_db()
    user = db.get(User, user_id)
    if user is None:
        return render_template(
            "errors/error.html", status=404, title=_("ไม่พบผู้ใช้"), message=_("ไม่พบผู้ใช้นี้")
        ), 404
    if user.id == g.user.id:
        flash(_("ปิดบัญชีของตัวเองไม่ได้"), "error")
    else:
        set_active(db, user=user, active=not user.is_active, now=now(), changed_by=g.user)
        db.commit()
        flash(_("บันทึกแล้ว"), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@roles(Role.ADMIN, Role.AUDITOR)
def audit():
    return render_template("admin/audit.html", entries=list_recent_audit(get_db(), 200))


# --------------------------------------------------------------------------- the second factor


@bp.route("/security", methods=["GET", "POST"])
@roles(Role.ADMIN)
def security():
    db = get_db()
    form = SecuritySettingsForm()
    if request.method == "GET":
        form.require_second_factor.data = second_factor_required(db)
    if form.validate_on_submit():
        set_second_factor_required(
            db, required=form.require_second_factor.data, changed_by=g.user, now=now()
        )
        db.commit()
        flash(_("บันทึกแล้ว"), "success")
        return redirect(url_for("admin.security"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/security.html", form=form, people=list_second_factor_users(db)
    ), status


@bp.route("/users/<int:user_id>/second-factor", methods=["GET", "POST"])
@roles(Role.ADMIN)
def reset_user_second_factor(user_id: int):
    """For a lost phone: the user signs in with the password alone and sets up the new phone."""
    db = get_db()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    form = ResetSecondFactorForm()
    if form.validate_on_submit():
        try:
            reset_second_factor(db, user=user, reset_by=g.user, now=now())
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            db.commit()
            flash(
                _("รีเซ็ตการยืนยันตัวตนสองขั้นตอนของ %(name)s แล้ว", name=user.display_name),
                "success",
            )
            return redirect(url_for("admin.security"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/reset_second_factor.html", form=form, person=user), status
