"""Welfare screens: benefit types and their versions, claims with a review step before paying,
reversal, donations for welfare, and reports. The committee writes; the auditor reads."""

from __future__ import annotations

import hashlib
import hmac

from flask import (
    Blueprint,
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
from wtforms.fields.choices import SelectChoice

from fund.errors import DomainError
from fund.ledger.accounts import AccountCode
from fund.thaidate import fiscal_year
from fund.users.models import Role
from fund.welfare import queries
from fund.welfare.models import WelfareBenefit, WelfareClaim
from fund.welfare.rules import AmountKind, ClaimantKind, Rule
from fund.welfare.services import (
    ClaimInput,
    Override,
    assess_claim,
    create_benefit,
    pay_claim,
    record_welfare_donation,
    reverse_payout,
    revise_benefit,
)
from web.access import FUND_READERS, roles
from web.clock import now, today
from web.database import get_db
from web.form_errors import attach_domain_error
from web.navigation import register_nav
from web.welfare.forms import (
    ACCOUNT_LABELS,
    AMOUNT_KIND_LABELS,
    CLAIMANT_LABELS,
    UNIT_LABELS,
    BenefitForm,
    ClaimForm,
    DonationForm,
    ReverseForm,
)

bp = Blueprint("welfare", __name__, url_prefix="/welfare", template_folder="templates")

WRITERS = (Role.COMMITTEE,)

register_nav("welfare.index", _l("สวัสดิการ"), FUND_READERS, order=40)


@bp.context_processor
def _labels():
    return {
        "amount_kind_labels": AMOUNT_KIND_LABELS,
        "unit_labels": UNIT_LABELS,
        "claimant_labels": CLAIMANT_LABELS,
        "account_labels": {k.value: v for k, v in ACCOUNT_LABELS.items()},
        "can_write": g.get("user") is not None and g.user.role in WRITERS,
        "source_label": lambda source: queries.source_label(source, g.locale),
        "AmountKind": AmountKind,
        "ClaimantKind": ClaimantKind,
    }


_put_error = attach_domain_error


def _benefit_or_404(db: Session, benefit_id: int) -> WelfareBenefit:
    benefit = queries.get_benefit(db, benefit_id)
    if benefit is None:
        abort(404)
    return benefit


def _claim_or_404(db: Session, claim_id: int) -> WelfareClaim:
    claim = queries.get_claim(db, claim_id)
    if claim is None:
        abort(404)
    return claim


# --- benefit types ------------------------------------------------------------------------------


@bp.get("/")
@roles(*FUND_READERS)
def index():
    db = get_db()
    return render_template(
        "welfare/index.html",
        benefits=queries.list_benefits(db),
        balance=queries.welfare_fund_balance(db),
    )


@bp.get("/benefits/<int:benefit_id>")
@roles(*FUND_READERS)
def benefit(benefit_id: int):
    db = get_db()
    item = _benefit_or_404(db, benefit_id)
    return render_template(
        "welfare/benefit.html", benefit=item, versions=queries.versions_of(db, item.id)
    )


def _rule_from(form: BenefitForm) -> Rule:
    kind = AmountKind(form.amount_kind.data)
    per_unit = kind is not AmountKind.FIXED
    return Rule(
        name=(form.name.data or "").strip(),
        amount_kind=kind,
        amount_satang=form.amount.data or 0,
        min_membership_months=form.min_membership_months.data or 0,
        max_units_per_claim=form.max_units_per_claim.data if per_unit else None,
        max_units_per_year=form.max_units_per_year.data if per_unit else None,
        max_payouts_per_year=form.max_payouts_per_year.data,
        max_amount_per_year_satang=form.max_amount_per_year.data,
        evidence_required=tuple(
            line.strip()
            for line in (form.evidence_required.data or "").splitlines()
            if line.strip()
        ),
        representative_allowed=bool(form.representative_allowed.data),
        active=bool(form.active.data),
        effective_from=form.effective_from.data,
    )


@bp.route("/benefits/new", methods=["GET", "POST"])
@roles(*WRITERS)
def new_benefit():
    form = BenefitForm(effective_from=today())
    db = get_db()
    if form.validate_on_submit():
        if not (form.code.data or "").strip():
            form.code.errors = [_("กรุณากรอกรหัสสวัสดิการ เช่น HOSP")]
        else:
            try:
                item = create_benefit(
                    db,
                    code=form.code.data,
                    rule=_rule_from(form),
                    description=form.description.data or "",
                    resolution=form.resolution.data or "",
                    change_note=form.change_note.data or "",
                    recorded_by=g.user,
                    now=now(),
                )
            except DomainError as err:
                db.rollback()
                _put_error(form, err)
            else:
                db.commit()
                flash(_("เพิ่มสวัสดิการแล้ว"), "success")
                return redirect(url_for("welfare.benefit", benefit_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template("welfare/benefit_form.html", form=form, benefit=None), status


@bp.route("/benefits/<int:benefit_id>/revise", methods=["GET", "POST"])
@roles(*WRITERS)
def revise(benefit_id: int):
    db = get_db()
    item = _benefit_or_404(db, benefit_id)
    latest = item.latest
    if request.method == "GET":
        form = BenefitForm(
            name=latest.name,
            description=latest.description,
            amount_kind=latest.amount_kind.value,
            amount=latest.amount_satang,
            min_membership_months=latest.min_membership_months,
            max_units_per_claim=latest.max_units_per_claim,
            max_units_per_year=latest.max_units_per_year,
            max_payouts_per_year=latest.max_payouts_per_year,
            max_amount_per_year=latest.max_amount_per_year_satang,
            evidence_required=latest.evidence_required,
            representative_allowed=latest.representative_allowed,
            active=latest.active,
            effective_from=max(today(), latest.effective_from),
        )
        return render_template("welfare/benefit_form.html", form=form, benefit=item)
    form = BenefitForm()
    if form.validate_on_submit():
        try:
            version = revise_benefit(
                db,
                benefit=item,
                rule=_rule_from(form),
                description=form.description.data or "",
                resolution=form.resolution.data or "",
                change_note=form.change_note.data or "",
                recorded_by=g.user,
                now=now(),
            )
        except DomainError as err:
            db.rollback()
            _put_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกกฎฉบับที่ %(n)s แล้ว", n=version.version), "success")
            return redirect(url_for("welfare.benefit", benefit_id=item.id))
    return render_template("welfare/benefit_form.html", form=form, benefit=item), 422


# --- claims -------------------------------------------------------------------------------------


@bp.get("/claims")
@roles(*FUND_READERS)
def claims():
    db = get_db()
    years = queries.fiscal_years_with_payouts(db)
    fy = request.args.get("fy", type=int)
    if fy is None and years:
        fy = years[0]
    return render_template(
        "welfare/claims.html",
        claims=queries.list_claims(db, fiscal_year=fy),
        years=years,
        fy=fy,
    )


@bp.get("/claims/new")
@roles(*WRITERS)
def choose_benefit():
    db = get_db()
    return render_template(
        "welfare/choose_benefit.html",
        benefits=queries.list_benefits(db, include_closed=False),
        balance=queries.welfare_fund_balance(db),
    )


def _claim_form(db: Session, item: WelfareBenefit) -> ClaimForm:
    form = ClaimForm()
    evidence: list[str] = []
    for version in reversed(item.versions):
        evidence += [e for e in version.evidence_items if e not in evidence]
    form.evidence_seen.choices = [SelectChoice(e, e) for e in evidence]
    return form


def _review_key(claim: ClaimInput, paid_on, pay_account: str, amount: int) -> str:
    """What the committee reviewed, signed: paying requires the review of exactly these inputs,
    so changing a field and pressing Enter cannot pay without a fresh review."""
    parts = [
        claim.member.member_no,
        str(claim.benefit.id),
        claim.event_date.isoformat(),
        str(claim.units),
        claim.claimant.value,
        claim.representative_name.strip(),
        claim.representative_relation.strip(),
        "|".join(sorted(claim.evidence_seen)),
        paid_on.isoformat() if paid_on else "",
        pay_account,
        str(amount),
    ]
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


@bp.route("/claims/new/<int:benefit_id>", methods=["GET", "POST"])
@roles(*WRITERS)
def new_claim(benefit_id: int):
    db = get_db()
    item = _benefit_or_404(db, benefit_id)
    form = _claim_form(db, item)
    per_unit = any(v.amount_kind is not AmountKind.FIXED for v in item.versions)
    context = {"benefit": item, "per_unit": per_unit, "form": form}
    if request.method == "GET":
        form.paid_on.process(None, today())
        return render_template("welfare/claim_form.html", **context)
    if not form.validate_on_submit():
        return render_template("welfare/claim_form.html", **context), 422
    done = request.form.get("action") == "pay" and queries.claim_by_key(db, form.once_key.data)
    if done:  # the same form posted twice: show what the first post paid
        return redirect(url_for("welfare.claim", claim_id=done.id))
    member = queries.find_member(db, form.member_no.data)
    if member is None:
        form.member_no.errors = [_("ไม่พบสมาชิกเลขที่นี้ (เช่น CS-0012)")]
        return render_template("welfare/claim_form.html", **context), 422
    claim = ClaimInput(
        member=member,
        benefit=item,
        event_date=form.event_date.data,
        units=form.units.data if per_unit else None,
        claimant=ClaimantKind(form.claimant.data),
        representative_name=form.representative_name.data or "",
        representative_relation=form.representative_relation.data or "",
        evidence_seen=tuple(form.evidence_seen.data or ()),
    )
    context["member"] = member
    try:
        version, assessment = assess_claim(db, claim, today=today())
        key = _review_key(claim, form.paid_on.data, form.pay_account.data, assessment.amount_satang)
        reviewed = hmac.compare_digest(form.review_key.data or "", key)
        if request.form.get("action") != "pay" or not reviewed:
            if request.form.get("action") == "pay":
                form.form_errors.append(_("ข้อมูลเปลี่ยนไปหลังการตรวจสอบ กรุณาตรวจผลการคำนวณใหม่ก่อนจ่าย"))
            form.expected_amount.data = str(assessment.amount_satang)
            form.review_key.data = key
            return render_template(
                "welfare/claim_form.html", version=version, assessment=assessment, **context
            ), (422 if request.form.get("action") == "pay" else 200)
        override = None
        if form.override_given:
            override = Override(
                resolution_no=form.resolution_no.data or "",
                resolution_date=form.resolution_date.data or today(),
                text=form.resolution_text.data or "",
            )
            if form.resolution_date.data is None:
                form.resolution_date.errors = [_("กรุณากรอกวันที่ประชุม")]
                return render_template("welfare/claim_form.html", **context), 422
        expected = request.form.get("expected_amount", "")
        paid = pay_claim(
            db,
            claim,
            paid_on=form.paid_on.data,
            pay_account=AccountCode(form.pay_account.data),
            override=override,
            expected_amount_satang=int(expected)
            if expected.isascii() and expected.isdigit()
            else None,
            note=form.note.data or "",
            recorded_by=g.user,
            now=now(),
            today=today(),
            idempotency_key=form.once_key.data or None,
        )
    except DomainError as err:
        db.rollback()
        _put_error(form, err)
        try:
            version, assessment = assess_claim(db, claim, today=today())
            context.update(version=version, assessment=assessment)
            form.expected_amount.data = str(assessment.amount_satang)
            form.review_key.data = _review_key(
                claim, form.paid_on.data, form.pay_account.data, assessment.amount_satang
            )
        except DomainError:
            pass
        return render_template("welfare/claim_form.html", **context), 422
    db.commit()
    flash(
        _("จ่ายสวัสดิการ %(no)s แล้ว", no=paid.claim_no),
        "success",
    )
    return redirect(url_for("welfare.claim", claim_id=paid.id))


@bp.get("/claims/<int:claim_id>")
@roles(*FUND_READERS)
def claim(claim_id: int):
    db = get_db()
    item = _claim_or_404(db, claim_id)
    form = ReverseForm(reversed_on=today())
    return render_template("welfare/claim.html", claim=item, form=form)


@bp.post("/claims/<int:claim_id>/reverse")
@roles(*WRITERS)
def reverse(claim_id: int):
    db = get_db()
    item = _claim_or_404(db, claim_id)
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            reverse_payout(
                db,
                claim=item,
                reason=form.reason.data,
                reversed_on=form.reversed_on.data,
                recorded_by=g.user,
                now=now(),
                idempotency_key=form.once_key.data or None,
            )
        except DomainError as err:
            db.rollback()
            _put_error(form, err)
            item = _claim_or_404(db, claim_id)
        else:
            db.commit()
            flash(_("ยกเลิกการจ่าย %(no)s แล้ว", no=item.claim_no), "success")
            return redirect(url_for("welfare.claim", claim_id=item.id))
    return render_template("welfare/claim.html", claim=item, form=form), 422


# --- donations and reports ----------------------------------------------------------------------


def _donations_page(db: Session, form: DonationForm, status: int = 200):
    return render_template(
        "welfare/donations.html",
        form=form,
        donations=queries.list_donations(db),
        balance=queries.welfare_fund_balance(db),
    ), status


@bp.get("/donations")
@roles(*FUND_READERS)
def donations():
    return _donations_page(get_db(), DonationForm(received_on=today()))


@bp.post("/donations")
@roles(*WRITERS)
def record_donation():
    db = get_db()
    form = DonationForm()
    if form.validate_on_submit():
        try:
            record_welfare_donation(
                db,
                donor_name=form.donor_name.data,
                amount_satang=form.amount.data,
                received_on=form.received_on.data,
                account=AccountCode(form.account.data),
                note=form.note.data or "",
                recorded_by=g.user,
                now=now(),
                today=today(),
                idempotency_key=form.once_key.data or None,
            )
        except DomainError as err:
            db.rollback()
            _put_error(form, err)
        else:
            db.commit()
            flash(_("บันทึกเงินบริจาคเพื่อสวัสดิการแล้ว"), "success")
            return redirect(url_for("welfare.donations"))
    return _donations_page(db, form, 422)


@bp.get("/reports")
@roles(*FUND_READERS)
def reports():
    db = get_db()
    current = fiscal_year(today())
    years = sorted(set(queries.fiscal_years_with_payouts(db)) | {current}, reverse=True)
    fy = request.args.get("fy", type=int)
    if fy not in years:
        fy = current
    return render_template(
        "welfare/reports.html",
        fy=fy,
        years=years,
        statement=queries.welfare_fund_statement(db, fiscal_year=fy),
        by_benefit=queries.payouts_by_benefit(db, fiscal_year=fy),
        by_member=queries.payouts_by_member(db, fiscal_year=fy),
        by_year=queries.payouts_by_year(db),
        balance=queries.welfare_fund_balance(db),
    )
