"""Parts stock screens: the list (with low stock), a part's movements, receiving, adjusting."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fund.errors import DomainError, NotFound
from fund.users.models import User
from repair_center.parts.models import FundingSource
from repair_center.parts.queries import get_part, list_parts, movements_for
from repair_center.parts.services import adjust_stock, create_part, receive_parts
from web.access import roles
from web.clock import now, today
from web.database import get_db
from web.repair.common import COST_READERS, WRITERS, attach_error
from web.repair.forms import AdjustForm, PartForm, ReceiveForm
from web.repair.views import bp


@bp.route("/parts", methods=["GET", "POST"])
@roles(*COST_READERS)
def parts():
    db = get_db()
    form = PartForm()
    if request.method == "POST":
        if g.user.role not in WRITERS:
            abort(403)
        if form.validate_on_submit():
            try:
                part = create_part(
                    db,
                    code=form.code.data,
                    name=form.name.data,
                    unit=form.unit.data or "",
                    reorder_level=form.reorder_level.data,
                    actor=g.user,
                    now=now(),
                )
            except DomainError as err:
                attach_error(form, err)
            else:
                db.commit()
                flash(_("เพิ่มอะไหล่ %(code)s แล้ว", code=part.code), "success")
                return redirect(url_for(".part", part_id=part.id))
    only_low = request.args.get("low") == "1"
    return render_template(
        "repair/parts.html",
        form=form,
        parts=list_parts(db, only_low=only_low),
        low=list_parts(db, only_low=True),
        only_low=only_low,
        can_write=g.user.role in WRITERS,
    ), (422 if request.method == "POST" else 200)


def _part_or_404(part_id: int):
    try:
        return get_part(get_db(), part_id)
    except NotFound:
        abort(404)


def _render_part(part, receive_form=None, adjust_form=None, status=200):
    db = get_db()
    return render_template(
        "repair/part.html",
        part=part,
        movements=movements_for(db, part),
        actors={u.id: u for u in db.scalars(select(User))},
        receive_form=receive_form
        or ReceiveForm(
            formdata=None,
            data={"received_on": today(), "unit_cost": part.last_unit_cost_satang or None},
        ),
        adjust_form=adjust_form or AdjustForm(formdata=None, data={"adjusted_on": today()}),
        can_write=g.user.role in WRITERS,
    ), status


@bp.get("/parts/<int:part_id>")
@roles(*COST_READERS)
def part(part_id: int):
    return _render_part(_part_or_404(part_id))


@bp.post("/parts/<int:part_id>/receive")
@roles(*WRITERS)
def part_receive(part_id: int):
    db = get_db()
    part = _part_or_404(part_id)
    form = ReceiveForm()
    if form.validate_on_submit():
        try:
            receive_parts(
                db,
                part=part,
                quantity=form.receive_quantity.data,
                unit_cost_satang=form.unit_cost.data or 0,
                received_on=form.received_on.data,
                funding=FundingSource(form.receive_funding.data),
                supplier=form.supplier.data or "",
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            part = _part_or_404(part_id)
            attach_error(form, err)
        else:
            db.commit()
            flash(_("รับอะไหล่เข้าคลังแล้ว"), "success")
            return redirect(url_for(".part", part_id=part.id))
    return _render_part(part, receive_form=form, status=422)


@bp.post("/parts/<int:part_id>/adjust")
@roles(*WRITERS)
def part_adjust(part_id: int):
    db = get_db()
    part = _part_or_404(part_id)
    form = AdjustForm()
    if form.validate_on_submit():
        try:
            adjust_stock(
                db,
                part=part,
                change=form.change.data,
                reason=form.adjust_reason.data,
                adjusted_on=form.adjusted_on.data,
                actor=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            part = _part_or_404(part_id)
            attach_error(form, err)
        else:
            db.commit()
            flash(_("ปรับยอดคงคลังแล้ว"), "success")
            return redirect(url_for(".part", part_id=part.id))
    return _render_part(part, adjust_form=form, status=422)
