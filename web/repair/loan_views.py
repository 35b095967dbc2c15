"""Loaners, follow-ups due, the costs list, and the repair center's settings."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError, NotFound
from fund.members.models import Member
from fund.users.models import Role
from repair_center.devices.models import Condition, Device
from repair_center.devices.services import get_member_by_no
from repair_center.jobs.models import RepairJob
from repair_center.jobs.payments import paid_on_job
from repair_center.jobs.queries import list_follow_ups_due
from repair_center.jobs.states import JobState
from repair_center.loaners.models import LoanKind
from repair_center.loaners.queries import get_loan, get_provision, lendable_devices, list_open_loans
from repair_center.loaners.services import (
    lend_device,
    record_provision_follow_up,
    return_loan,
)
from repair_center.settings.services import get_settings, update_settings
from web.access import roles
from web.clock import now, today
from web.database import get_db
from web.repair.common import COST_READERS, READERS, WRITERS, attach_error
from web.repair.forms import FollowUpForm, LendForm, ReturnLoanForm, SettingsForm
from web.repair.views import bp


def _render_loans(lend_form=None, return_forms=None, status=200):
    db = get_db()
    rows = list_open_loans(db, today=today())
    lend_form = lend_form or LendForm(formdata=None, data={"lent_on": today()})
    lend_form.lend_device.choices = [
        SelectChoice(str(d.id), f"{d.tag_no} {d.device_type.name_th} {d.make} {d.model}".strip())
        for d in lendable_devices(db)
    ]
    forms = {
        row.id: (return_forms or {}).get(row.id)
        or ReturnLoanForm(formdata=None, data={"returned_on": today()})
        for row in rows
    }
    return render_template(
        "repair/loans.html",
        rows=rows,
        lend_form=lend_form,
        return_forms=forms,
        can_write=g.user.role in WRITERS,
    ), status


@bp.get("/loans")
@roles(*READERS)
def loans():
    return _render_loans()


@bp.post("/loans")
@roles(*WRITERS)
def lend():
    db = get_db()
    form = LendForm()
    form.lend_device.choices = [SelectChoice(str(d.id), d.tag_no) for d in lendable_devices(db)]
    if form.validate_on_submit():
        try:
            lend_device(
                db,
                device=db.get(Device, int(form.lend_device.data)),
                member=get_member_by_no(db, form.lend_member_no.data, field="lend_member_no"),
                kind=LoanKind.LONG_TERM,
                lent_on=form.lent_on.data,
                due_on=form.due_on.data,
                notes=form.lend_notes.data or "",
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            if err.field == "device":
                err.field = "lend_device"
            attach_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกการให้ยืมแล้ว"), "success")
            return redirect(url_for(".loans"))
    return _render_loans(lend_form=form, status=422)


@bp.post("/loans/<int:loan_id>/return")
@roles(*WRITERS)
def loan_return(loan_id: int):
    db = get_db()
    try:
        loan = get_loan(db, loan_id)
    except NotFound:
        abort(404)
    form = ReturnLoanForm(prefix=f"r{loan.id}")
    if form.validate_on_submit():
        try:
            return_loan(
                db,
                loan=loan,
                returned_on=form.returned_on.data,
                condition=Condition(form.return_condition.data),
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            attach_error(form, err)
        else:
            db.commit()
            flash(_("รับคืน %(tag)s แล้ว", tag=loan.device.tag_no), "success")
            back = request.form.get("back")
            if back and back.startswith("/repair/"):
                return redirect(back)
            return redirect(url_for(".loans"))
    return _render_loans(return_forms={loan.id: form}, status=422)


@bp.route("/follow-ups", methods=["GET"])
@roles(*READERS)
def follow_ups():
    rows = list_follow_ups_due(get_db(), today=today())
    forms = {
        row.id: FollowUpForm(formdata=None, prefix=f"p{row.id}", data={"followed_up_on": today()})
        for row in rows
        if row.kind == "provision"
    }
    return render_template(
        "repair/follow_ups.html",
        rows=rows,
        forms=forms,
        today=today(),
        can_write=g.user.role in WRITERS,
    )


@bp.post("/provisions/<int:provision_id>/follow-up")
@roles(*WRITERS)
def provision_follow_up(provision_id: int):
    db = get_db()
    try:
        provision = get_provision(db, provision_id)
    except NotFound:
        abort(404)
    form = FollowUpForm(prefix=f"p{provision.id}")
    if form.validate_on_submit():
        try:
            record_provision_follow_up(
                db,
                provision=provision,
                followed_up_on=form.followed_up_on.data,
                notes=form.follow_up_notes.data,
                next_follow_up_on=form.next_follow_up_on.data,
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            attach_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกการติดตามผลแล้ว"), "success")
            return redirect(url_for(".follow_ups"))
    for message in [m for f in form for m in f.errors] + form.form_errors:
        flash(message, "error")
    return redirect(url_for(".follow_ups"))


@bp.get("/costs")
@roles(*COST_READERS)
def costs():
    """Delivered and cancelled jobs with what they cost and who paid."""
    db = get_db()
    rows = []
    query = (
        select(RepairJob, Member)
        .outerjoin(Member, Member.id == RepairJob.member_id)
        .where(RepairJob.state.in_([JobState.DELIVERED, JobState.CANCELLED]))
        .order_by(RepairJob.delivered_on.desc(), RepairJob.id.desc())
        .limit(500)
    )
    for job, member in db.execute(query):
        paid = paid_on_job(db, job)
        rows.append((job, member, paid))
    return render_template("repair/costs.html", rows=rows)


@bp.route("/settings", methods=["GET", "POST"])
@roles(Role.REPAIR, Role.ADMIN)
def settings():
    db = get_db()
    current = get_settings(db)
    form = SettingsForm(
        data={
            "stuck_after_days": current.stuck_after_days,
            "warranty_days": current.warranty_days,
            "follow_up_days": current.follow_up_days,
            "labour_rate": current.labour_rate_satang,
            "loan_days": current.loan_days,
        }
    )
    if form.validate_on_submit():
        try:
            update_settings(
                db,
                changed_by=g.user,
                now=now(),
                stuck_after_days=form.stuck_after_days.data,
                warranty_days=form.warranty_days.data,
                follow_up_days=form.follow_up_days.data,
                labour_rate_satang=form.labour_rate.data or 0,
                loan_days=form.loan_days.data,
            )
        except DomainError as err:
            attach_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกการตั้งค่าแล้ว"), "success")
            return redirect(url_for(".settings"))
    return render_template("repair/settings.html", form=form), (
        422 if request.method == "POST" else 200
    )
