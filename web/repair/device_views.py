"""Device register screens: list and search, register, a device's history, condition, giving."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError
from fund.members.models import Member
from fund.users.models import User
from repair_center.devices.models import Acquisition, Condition, Device, DeviceHistory, DeviceType
from repair_center.devices.services import get_member_by_no, register_device, set_condition
from repair_center.jobs.queries import jobs_for_device
from repair_center.loaners.models import ProvisionFunding
from repair_center.loaners.queries import loans_for_device, provisions_for_device
from repair_center.loaners.services import provide_device
from web.access import roles
from web.clock import now, today
from web.database import get_db
from web.repair.common import READERS, WRITERS, attach_error
from web.repair.forms import CATEGORY_LABELS, ConditionForm, DeviceForm, ProvideForm
from web.repair.views import bp


def _type_choices(db) -> list:
    types = db.scalars(
        select(DeviceType)
        .where(DeviceType.active.is_(True))
        .order_by(DeviceType.category, DeviceType.sort_order)
    )
    locale = g.get("locale", "th")
    return [
        SelectChoice(str(t.id), f"{t.name(locale)} ({CATEGORY_LABELS[t.category]})") for t in types
    ]


@bp.get("/devices")
@roles(*READERS)
def devices():
    db = get_db()
    term = (request.args.get("q") or "").strip()
    query = (
        select(Device, Member)
        .outerjoin(Member, Member.id == Device.owner_member_id)
        .order_by(Device.tag_no)
    )
    if term:
        like = f"%{term}%"
        query = query.where(
            or_(
                Device.tag_no.ilike(like),
                Device.serial_no.ilike(like),
                Member.member_no.ilike(like),
                Member.first_name.ilike(like),
                Member.last_name.ilike(like),
            )
        )
    if request.args.get("stock") == "1":
        query = query.where(Device.owner_member_id.is_(None))
    rows = db.execute(query.limit(300)).all()
    return render_template("repair/devices.html", rows=rows, term=term)


@bp.route("/devices/new", methods=["GET", "POST"])
@roles(*WRITERS)
def device_new():
    db = get_db()
    form = DeviceForm(data={"member_no": request.args.get("member", "")})
    form.device_type.choices = _type_choices(db)
    if form.validate_on_submit():
        try:
            owner = (
                get_member_by_no(db, form.member_no.data) if form.member_no.data.strip() else None
            )
            device = register_device(
                db,
                device_type=db.get(DeviceType, int(form.device_type.data)),
                acquisition=Acquisition(form.acquisition.data),
                owner=owner,
                make=form.make.data or "",
                model=form.model.data or "",
                serial_no=form.serial_no.data or "",
                size=form.size.data or "",
                acquired_on=form.acquired_on.data,
                source_name=form.source_name.data or "",
                condition=Condition(form.condition.data),
                notes=form.notes.data or "",
                recorded_by=g.user,
                now=now(),
            )
        except DomainError as err:
            attach_error(form, err)
        else:
            db.commit()
            flash(_("ลงทะเบียนอุปกรณ์ %(tag)s แล้ว", tag=device.tag_no), "success")
            return redirect(url_for(".device", device_id=device.id))
    return render_template("repair/device_new.html", form=form), (
        422 if request.method == "POST" else 200
    )


def _device_or_404(device_id: int) -> Device:
    device = get_db().get(Device, device_id)
    if device is None:
        abort(404)
    return device


def _render_device(device: Device, condition_form=None, provide_form=None, status=200):
    db = get_db()
    history = list(
        db.scalars(
            select(DeviceHistory)
            .where(DeviceHistory.device_id == device.id)
            .order_by(DeviceHistory.id.desc())
        )
    )
    return render_template(
        "repair/device.html",
        device=device,
        owner=db.get(Member, device.owner_member_id) if device.owner_member_id else None,
        history=history,
        actors={u.id: u for u in db.scalars(select(User))},
        jobs=jobs_for_device(db, device),
        loans=loans_for_device(db, device),
        provisions=provisions_for_device(db, device),
        condition_form=condition_form
        or ConditionForm(formdata=None, data={"new_condition": device.condition.value}),
        provide_form=provide_form
        or ProvideForm(
            formdata=None,
            data={
                "provided_on": today(),
                "funding": ProvisionFunding.CENTER_STOCK.value
                if device.in_center_stock
                else ProvisionFunding.FUND.value,
            },
        ),
        can_write=g.user.role in WRITERS,
        members={
            m.id: m
            for m in db.scalars(
                select(Member).where(
                    Member.id.in_({loan.member_id for loan in loans_for_device(db, device)})
                )
            )
        },
    ), status


@bp.get("/devices/<int:device_id>")
@roles(*READERS)
def device(device_id: int):
    return _render_device(_device_or_404(device_id))


@bp.post("/devices/<int:device_id>/condition")
@roles(*WRITERS)
def device_condition(device_id: int):
    db = get_db()
    device = _device_or_404(device_id)
    form = ConditionForm()
    if form.validate_on_submit():
        try:
            set_condition(
                db,
                device=device,
                condition=Condition(form.new_condition.data),
                note=form.condition_note.data or "",
                changed_by=g.user,
                now=now(),
            )
        except DomainError as err:
            attach_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกสภาพอุปกรณ์แล้ว"), "success")
            return redirect(url_for(".device", device_id=device.id))
    return _render_device(device, condition_form=form, status=422)


@bp.post("/devices/<int:device_id>/provide")
@roles(*WRITERS)
def device_provide(device_id: int):
    db = get_db()
    device = _device_or_404(device_id)
    form = ProvideForm()
    if form.validate_on_submit():
        try:
            provide_device(
                db,
                device=device,
                member=get_member_by_no(db, form.provide_member_no.data, field="provide_member_no"),
                funding=ProvisionFunding(form.funding.data),
                cost_satang=form.cost.data or 0,
                donor_name=form.donor_name.data or "",
                paid_from=form.paid_from.data,
                provided_on=form.provided_on.data,
                fitting_checked=form.provide_fitting.data,
                training_given=form.provide_training.data,
                notes=form.provide_notes.data or "",
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            device = _device_or_404(device_id)
            aliases = {"fitting_checked": "provide_fitting", "training_given": "provide_training"}
            if err.field in aliases:
                err.field = aliases[err.field]
            attach_error(form, err)
        else:
            db.commit()
            flash(_("มอบอุปกรณ์ให้สมาชิกแล้ว"), "success")
            return redirect(url_for(".device", device_id=device.id))
    return _render_device(device, provide_form=form, status=422)
