"""The repair center's screens: the queue (board and list) and a job from intake to delivery.

Devices, parts and loaners live in their own modules, which add their routes to ``bp``.
Writes are for repair staff; the committee and the admin read; the auditor reads the costs.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError, NotFound
from fund.members.models import Member
from fund.users.models import Role, User
from repair_center.devices.models import Condition, Device
from repair_center.jobs import payments as job_payments
from repair_center.jobs import services as jobs
from repair_center.jobs.models import JobPayment, PaymentBasis
from repair_center.jobs.queries import (
    board_columns,
    get_job,
    job_times,
    labour_for,
    list_queue,
    list_technicians,
    list_villages,
)
from repair_center.jobs.states import OPEN_STATES, SIMPLE_MOVES, JobState, Outcome, PauseReason
from repair_center.jobs.timing import days
from repair_center.loaners.models import LoanKind, ProvisionFunding
from repair_center.loaners.queries import lendable_devices, loans_for_job
from repair_center.loaners.services import lend_device
from repair_center.parts import services as parts
from repair_center.parts.models import MovementKind
from repair_center.parts.queries import get_part, list_parts, parts_for_job
from repair_center.settings.services import get_settings
from web.access import EVERYONE, roles
from web.clock import now, today
from web.database import get_db
from web.navigation import register_nav
from web.repair.common import READERS, WRITERS, attach_error, choices_of
from web.repair.forms import (
    BASIS_LABELS,
    CONDITION_LABELS,
    FUNDING_LABELS,
    LOAN_KIND_LABELS,
    MOVEMENT_LABELS,
    OUTCOME_LABELS,
    PAUSE_LABELS,
    STATE_LABELS,
    ApproveForm,
    AssessForm,
    CancelForm,
    DeliverForm,
    FollowUpForm,
    IntakeForm,
    JobLoanForm,
    LabourForm,
    PauseForm,
    PaymentForm,
    QueueFilterForm,
    ReturnPartForm,
    ReworkForm,
    UsePartForm,
)

bp = Blueprint(
    "repair",
    __name__,
    url_prefix="/repair",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.record_once
def _static_needs_login(state) -> None:
    # The stylesheet carries no data, but every view must say who may use it.
    send = state.app.view_functions["repair.static"]

    def static_file(filename: str):
        return send(filename=filename)

    state.app.view_functions["repair.static"] = roles(*EVERYONE)(static_file)


register_nav("repair.board", _l("ศูนย์ซ่อมสร้าง"), READERS, order=60)


@bp.app_context_processor
def _labels():
    return {
        "state_label": lambda s: STATE_LABELS.get(JobState(s), s) if s else "",
        "pause_label": lambda r: PAUSE_LABELS.get(PauseReason(r), r) if r else "",
        "outcome_label": lambda o: OUTCOME_LABELS.get(Outcome(o), o) if o else "",
        "basis_label": lambda b: BASIS_LABELS.get(PaymentBasis(b), b) if b else "",
        "condition_label": lambda c: CONDITION_LABELS.get(Condition(c), c) if c else "",
        "funding_label": lambda f: FUNDING_LABELS.get(ProvisionFunding(f), f) if f else "",
        "kind_label": lambda k: LOAN_KIND_LABELS.get(LoanKind(k), k) if k else "",
        "movement_label": lambda m: MOVEMENT_LABELS.get(MovementKind(m), m) if m else "",
    }


# --------------------------------------------------------------------------- queue


def _filtered_queue(form: QueueFilterForm, *, include_closed: bool = False):
    db = get_db()
    techs = list_technicians(db)
    form.technician.choices = [SelectChoice("", _("ทุกคน"))] + [
        SelectChoice(str(t.id), t.display_name) for t in techs
    ]
    form.state.choices = [SelectChoice("", _("ทุกสถานะ"))] + [
        SelectChoice(s.value, STATE_LABELS[s]) for s in JobState
    ]
    form.village.choices = [SelectChoice("", _("ทุกหมู่บ้าน"))] + [
        SelectChoice(v, v) for v in list_villages(db)
    ]
    form.validate()
    tech = form.technician.data
    state = form.state.data
    rows = list_queue(
        db,
        now=now(),
        today=today(),
        technician_id=int(tech) if tech and tech.isdigit() else None,
        states=[JobState(state)] if state in JobState.__members__.values() else None,
        village=form.village.data or None,
        include_closed=include_closed,
        only_stuck=bool(form.only_stuck.data),
        only_urgent=bool(form.only_urgent.data),
    )
    return rows


@bp.get("/")
@roles(*READERS)
def board():
    form = QueueFilterForm(request.args)
    rows = _filtered_queue(form)
    return render_template(
        "repair/board.html",
        form=form,
        columns=board_columns(rows),
        moves=_board_moves(),
        stuck_days=get_settings(get_db()).stuck_after_days,
    )


def _board_moves() -> dict[JobState, list[tuple[JobState, bool]]]:
    """For each open state: the legal targets and whether one click does it."""
    from repair_center.jobs.states import TRANSITIONS

    result: dict[JobState, list[tuple[JobState, bool]]] = {}
    for (src, dst), kind in TRANSITIONS.items():
        if dst is JobState.CANCELLED:
            continue
        result.setdefault(src, []).append((dst, kind in SIMPLE_MOVES and kind != "assess"))
    return result


@bp.get("/jobs")
@roles(*READERS)
def job_list():
    form = QueueFilterForm(request.args)
    rows = _filtered_queue(form, include_closed=request.args.get("closed") == "1")
    return render_template(
        "repair/jobs.html", form=form, rows=rows, closed=request.args.get("closed") == "1"
    )


@bp.post("/jobs/<int:job_id>/move")
@roles(*WRITERS)
def move(job_id: int):
    """The board's one-click moves (start, resume, finish)."""
    db = get_db()
    job = _job_or_404(job_id)
    target = request.form.get("to", "")
    back = request.form.get("back") == "board"
    try:
        jobs.move_job(db, job=job, to_state=JobState(target), actor=g.user, now=now())
    except ValueError:
        abort(400)
    except DomainError as err:
        flash(err.message(g.locale), "error")
        return redirect(url_for("repair.job", job_id=job.id) if not back else url_for(".board"))
    db.commit()
    flash(
        _("ย้ายงาน %(no)s ไป «%(state)s» แล้ว", no=job.job_no, state=STATE_LABELS[job.state]),
        "success",
    )
    return redirect(url_for(".board") if back else url_for(".job", job_id=job.id))


# --------------------------------------------------------------------------- intake


@bp.route("/jobs/new", methods=["GET", "POST"])
@roles(*WRITERS)
def intake():
    db = get_db()
    form = IntakeForm(data={"received_on": today(), "tag_no": request.args.get("tag", "")})
    form.technician.choices = [SelectChoice("", _("ยังไม่ระบุ")), *choices_of(list_technicians(db))]
    if form.validate_on_submit():
        device = db.scalar(select(Device).where(Device.tag_no == form.tag_no.data.strip().upper()))
        if device is None:
            form.tag_no.errors.append(_("ไม่พบอุปกรณ์เลขป้ายนี้ ลงทะเบียนอุปกรณ์ก่อน"))
        else:
            try:
                job = jobs.open_job(
                    db,
                    device=device,
                    fault=form.fault.data,
                    received_on=form.received_on.data,
                    recorded_by=g.user,
                    now=now(),
                    technician=db.get(User, int(form.technician.data))
                    if form.technician.data
                    else None,
                )
            except DomainError as err:
                attach_error(form, err)
            else:
                db.commit()
                flash(_("รับงานซ่อม %(no)s แล้ว", no=job.job_no), "success")
                return redirect(url_for(".job", job_id=job.id))
    status = 422 if request.method == "POST" else 200
    return render_template("repair/intake.html", form=form), status


# --------------------------------------------------------------------------- the job page


def _job_or_404(job_id: int):
    try:
        return get_job(get_db(), job_id)
    except NotFound:
        abort(404)


FORMS = {
    "assess": AssessForm,
    "approve": ApproveForm,
    "pause": PauseForm,
    "rework": ReworkForm,
    "cancel": CancelForm,
    "deliver": DeliverForm,
    "use_part": UsePartForm,
    "return_part": ReturnPartForm,
    "labour": LabourForm,
    "loan": JobLoanForm,
    "payment": PaymentForm,
    "follow_up": FollowUpForm,
}


def _blank_forms(job) -> dict:
    db = get_db()
    day = today()
    forms = {
        "assess": AssessForm(formdata=None),
        "approve": ApproveForm(
            formdata=None,
            data={
                "basis": PaymentBasis.WARRANTY.value
                if job.return_of_job_id
                else PaymentBasis.FUND.value
            },
        ),
        "pause": PauseForm(formdata=None),
        "rework": ReworkForm(formdata=None),
        "cancel": CancelForm(formdata=None),
        "deliver": DeliverForm(formdata=None, data={"delivered_on": day}),
        "use_part": UsePartForm(formdata=None),
        "return_part": ReturnPartForm(formdata=None),
        "labour": LabourForm(
            formdata=None,
            data={"worked_on": day, "rate": get_settings(db).labour_rate_satang},
        ),
        "loan": JobLoanForm(formdata=None, data={"loan_lent_on": day}),
        "payment": PaymentForm(formdata=None, data={"paid_on": day}),
        "follow_up": FollowUpForm(formdata=None, data={"followed_up_on": day}),
    }
    return forms


def _fill_choices(forms: dict, job) -> None:
    db = get_db()
    techs = choices_of(list_technicians(db))
    forms["assess"].assess_technician.choices = [SelectChoice("", _("ไม่เปลี่ยน")), *techs]
    forms["labour"].labour_technician.choices = techs
    forms["use_part"].part.choices = [
        SelectChoice(str(p.id), f"{p.code} {p.name} ({_('คงเหลือ')} {p.quantity_on_hand} {p.unit})")
        for p in list_parts(db)
        if p.quantity_on_hand > 0
    ]
    forms["return_part"].return_part.choices = [
        SelectChoice(str(p.part_id), f"{p.code} {p.name} ({p.quantity} {p.unit})")
        for p in parts_for_job(db, job)
    ]
    forms["loan"].loan_device.choices = [
        SelectChoice(str(d.id), f"{d.tag_no} {d.device_type.name_th} {d.make} {d.model}".strip())
        for d in lendable_devices(db)
    ]


def _render_job(job, forms: dict | None = None, status: int = 200, posted: str | None = None):
    db = get_db()
    all_forms = _blank_forms(job)
    all_forms.update(forms or {})
    _fill_choices(all_forms, job)
    member = db.get(Member, job.member_id) if job.member_id else None
    actors = {u.id: u for u in db.scalars(select(User))}
    times = job_times(job, now())
    payments = list(
        db.scalars(select(JobPayment).where(JobPayment.job_id == job.id).order_by(JobPayment.id))
    )
    earlier = get_job(db, job.return_of_job_id) if job.return_of_job_id else None
    can_write = g.user.role is Role.REPAIR
    running_parts = parts.job_parts_cost(db, job)
    running_labour = jobs.labour_cost(db, job)
    return render_template(
        "repair/job.html",
        job=job,
        member=member,
        actors=actors,
        times=times,
        days=days,
        forms=all_forms,
        parts_on_job=parts_for_job(db, job),
        labour=labour_for(db, job),
        loans=loans_for_job(db, job),
        payments=payments,
        outstanding=job_payments.outstanding_on_job(db, job),
        earlier=earlier,
        can_write=can_write,
        can_pay=g.user.role in (Role.REPAIR, Role.COMMITTEE),
        next_states=_next(job),
        running_parts=running_parts,
        running_labour=running_labour,
        open_states=OPEN_STATES,
        JobState=JobState,
        posted=posted,
    ), status


def _next(job) -> list[JobState]:
    from repair_center.jobs.states import next_states

    return next_states(job.state)


@bp.get("/jobs/<int:job_id>")
@roles(*READERS)
def job(job_id: int):
    return _render_job(_job_or_404(job_id))


def _act(job_id: int, name: str, action) -> object:
    """Validate the named form; run ``action(db, job, form)``; commit; back to the job."""
    db = get_db()
    job = _job_or_404(job_id)
    forms = _blank_forms(job)
    form = forms[name] = FORMS[name]()
    _fill_choices(forms, job)
    if form.validate_on_submit():
        try:
            message = action(db, job, form)
        except DomainError as err:
            db.rollback()
            job = _job_or_404(job_id)
            attach_error(form, err)
        else:
            db.commit()
            flash(message, "success")
            return redirect(url_for(".job", job_id=job.id) + f"#{name}-done")
    return _render_job(job, {name: form}, 422, posted=name)


def _user(form_value: str | None) -> User | None:
    if not form_value:
        return None
    return get_db().get(User, int(form_value))


@bp.post("/jobs/<int:job_id>/assess")
@roles(*WRITERS)
def assess(job_id: int):
    def run(db, job, form):
        jobs.assess_job(
            db,
            job=job,
            assessment=form.assessment.data,
            estimate_satang=form.estimate.data or 0,
            technician=_user(form.assess_technician.data),
            actor=g.user,
            now=now(),
        )
        return _("บันทึกผลประเมินแล้ว")

    return _act(job_id, "assess", run)


@bp.post("/jobs/<int:job_id>/approve")
@roles(*WRITERS)
def approve(job_id: int):
    def run(db, job, form):
        jobs.approve_job(
            db,
            job=job,
            basis=PaymentBasis(form.basis.data),
            member_share_percent=form.member_share_percent.data,
            note=form.basis_note.data or "",
            actor=g.user,
            now=now(),
        )
        return _("อนุมัติงานแล้ว")

    return _act(job_id, "approve", run)


@bp.post("/jobs/<int:job_id>/pause")
@roles(*WRITERS)
def pause(job_id: int):
    def run(db, job, form):
        jobs.pause_job(
            db,
            job=job,
            reason=PauseReason(form.pause_reason.data),
            note=form.pause_note.data or "",
            actor=g.user,
            now=now(),
        )
        return _("พักงานแล้ว")

    return _act(job_id, "pause", run)


@bp.post("/jobs/<int:job_id>/rework")
@roles(*WRITERS)
def rework(job_id: int):
    def run(db, job, form):
        jobs.rework_job(db, job=job, reason=form.rework_reason.data, actor=g.user, now=now())
        return _("เปิดงานกลับมาแก้ไขแล้ว")

    return _act(job_id, "rework", run)


@bp.post("/jobs/<int:job_id>/cancel")
@roles(*WRITERS)
def cancel(job_id: int):
    def run(db, job, form):
        jobs.cancel_job(db, job=job, reason=form.cancel_reason.data, actor=g.user, now=now())
        return _("ยกเลิกงานแล้ว")

    return _act(job_id, "cancel", run)


@bp.post("/jobs/<int:job_id>/deliver")
@roles(*WRITERS)
def deliver(job_id: int):
    def run(db, job, form):
        jobs.deliver_job(
            db,
            job=job,
            outcome=Outcome(form.outcome.data),
            outcome_reason=form.outcome_reason.data or "",
            delivered_on=form.delivered_on.data,
            fitting_checked=form.fitting_checked.data,
            training_given=form.training_given.data,
            follow_up_on=form.follow_up_on.data,
            actor=g.user,
            now=now(),
        )
        return _("ส่งมอบแล้ว")

    return _act(job_id, "deliver", run)


@bp.post("/jobs/<int:job_id>/parts")
@roles(*WRITERS)
def use_part(job_id: int):
    def run(db, job, form):
        parts.use_part(
            db,
            job=job,
            part=get_part(db, int(form.part.data)),
            quantity=form.part_quantity.data,
            used_on=today(),
            actor=g.user,
            now=now(),
        )
        return _("เบิกอะไหล่แล้ว")

    return _act(job_id, "use_part", run)


@bp.post("/jobs/<int:job_id>/parts/return")
@roles(*WRITERS)
def return_part(job_id: int):
    def run(db, job, form):
        parts.return_part(
            db,
            job=job,
            part=get_part(db, int(form.return_part.data)),
            quantity=form.return_quantity.data,
            returned_on=today(),
            actor=g.user,
            now=now(),
        )
        return _("คืนอะไหล่เข้าคลังแล้ว")

    return _act(job_id, "return_part", run)


@bp.post("/jobs/<int:job_id>/labour")
@roles(*WRITERS)
def labour(job_id: int):
    def run(db, job, form):
        jobs.record_labour(
            db,
            job=job,
            technician=_user(form.labour_technician.data),
            worked_on=form.worked_on.data,
            minutes=form.hours.data,
            rate_satang=form.rate.data,
            notes=form.labour_notes.data or "",
            actor=g.user,
            now=now(),
        )
        return _("บันทึกค่าแรงแล้ว")

    return _act(job_id, "labour", run)


@bp.post("/jobs/<int:job_id>/loan")
@roles(*WRITERS)
def lend_for_job(job_id: int):
    def run(db, job, form):
        if job.member_id is None:
            raise NotFound("งานนี้ไม่มีสมาชิก", "This job has no member.")
        lend_device(
            db,
            device=db.get(Device, int(form.loan_device.data)),
            member=db.get(Member, job.member_id),
            kind=LoanKind.WHILE_REPAIRING,
            job=job,
            lent_on=form.loan_lent_on.data,
            actor=g.user,
            now=now(),
        )
        return _("ให้ยืมอุปกรณ์ระหว่างซ่อมแล้ว")

    return _act(job_id, "loan", run)


@bp.post("/jobs/<int:job_id>/payment")
@roles(Role.REPAIR, Role.COMMITTEE)
def payment(job_id: int):
    def run(db, job, form):
        job_payments.record_payment(
            db,
            job=job,
            amount_satang=form.amount.data,
            paid_on=form.paid_on.data,
            paid_into=form.paid_into.data,
            idempotency_key=form.key.data,
            actor=g.user,
            now=now(),
        )
        return _("รับชำระเงินแล้ว")

    return _act(job_id, "payment", run)


@bp.post("/jobs/<int:job_id>/follow-up")
@roles(*WRITERS)
def follow_up(job_id: int):
    def run(db, job, form):
        jobs.record_follow_up(
            db,
            job=job,
            followed_up_on=form.followed_up_on.data,
            notes=form.follow_up_notes.data,
            next_follow_up_on=form.next_follow_up_on.data,
            actor=g.user,
            now=now(),
        )
        return _("บันทึกการติดตามผลแล้ว")

    return _act(job_id, "follow_up", run)


from web.repair import device_views, loan_views, part_views  # noqa: E402, F401  (routes on bp)
