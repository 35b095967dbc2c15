"""Welfare use cases: benefit rules the committee versions, claims it pays and reverses, donations.

How welfare money is booked
---------------------------
The welfare fund (account 3100) is an *earmarked part of equity*: money the fund has set aside for
welfare. Spending welfare is still an expense of the year, so a payout is ONE journal entry
(``source="welfare.payout"``) of four lines::

    Dr 5010 WELFARE_EXPENSE        amount    the expense of the year
        Cr 1010 CASH / 1020 BANK   amount    the money paid out
    Dr 3100 WELFARE_FUND           amount    the earmark is used up ...
        Cr 3900 ACCUMULATED_SURPLUS amount   ... and released back to general surplus

After the year-end close moves the expense into accumulated surplus, the net effect is exactly
"cash down, welfare fund down", while the income statement still shows what welfare cost. One
entry (not two) keeps the payout atomic and traceable by one ``source_id``; reversing the payout
reverses that one entry, which undoes both halves.

A donation marked for welfare (``source="welfare.donation"``) mirrors it::

    Dr 1010 CASH / 1020 BANK         amount
        Cr 4100 GRANTS_DONATIONS     amount
    Dr 3900 ACCUMULATED_SURPLUS      amount
        Cr 3100 WELFARE_FUND         amount

so the welfare fund's credits come from ``welfare.donation`` and the year-end allocation
(``yearend.*``), and its debits from ``welfare.payout`` — the sources report reads just that.

The rule that matters: **the welfare fund never goes below zero.** A payout larger than the
balance (on the payment date, and today, whichever is smaller) is refused and the message says
the available balance. Payouts take a counter row lock first (:func:`fund.sequences.next_value`)
so two committee members paying at the same moment are serialised and cannot both spend the
same last baht.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.errors import Conflict, InvalidInput, NotFound
from fund.ledger.accounts import AccountCode
from fund.ledger.services import (
    LineSpec,
    get_account,
    lowest_balance_from,
    post_entry,
    reverse_entry,
)
from fund.members.models import Member
from fund.money import format_baht
from fund.sequences import next_value
from fund.thaidate import fiscal_year, format_be_date
from fund.users.models import User
from fund.welfare.models import (
    ClaimStatus,
    WelfareBenefit,
    WelfareBenefitVersion,
    WelfareClaim,
    WelfareDonation,
)
from fund.welfare.rules import (
    Assessment,
    ClaimantKind,
    ClaimFacts,
    Rule,
    YearUsage,
    evaluate,
    validate_rule,
)

PAY_ACCOUNTS = (AccountCode.CASH, AccountCode.BANK)
PAYOUT_SOURCE = "welfare.payout"
DONATION_SOURCE = "welfare.donation"
#: the counter whose row lock serialises everything that spends the welfare fund
_FUND_LOCK = "welfare.fund"


@dataclass(frozen=True)
class Override:
    """A committee resolution that allows a claim the rules refuse."""

    resolution_no: str
    resolution_date: dt.date
    text: str


@dataclass(frozen=True)
class ClaimInput:
    member: Member
    benefit: WelfareBenefit
    event_date: dt.date
    #: days/nights (None for a fixed amount)
    units: int | None
    claimant: ClaimantKind = ClaimantKind.MEMBER
    representative_name: str = ""
    representative_relation: str = ""
    evidence_seen: tuple[str, ...] = ()


# --- benefit types and their versions -----------------------------------------------------------


def create_benefit(
    session: Session,
    *,
    code: str,
    rule: Rule,
    description: str = "",
    resolution: str = "",
    change_note: str = "",
    recorded_by: User,
    now: dt.datetime,
) -> WelfareBenefit:
    """Create a benefit type with its first rule version (``rule.effective_from`` required)."""
    code = code.strip().upper()
    if not code or len(code) > 16 or not code.replace("-", "").replace("_", "").isascii():
        raise InvalidInput(
            "กรุณากรอกรหัสสวัสดิการเป็นอักษรอังกฤษ ไม่เกิน 16 ตัว เช่น HOSP",
            "Please give a code of up to 16 English letters, e.g. HOSP.",
            field="code",
        )
    if session.scalar(select(WelfareBenefit.id).where(WelfareBenefit.code == code)):
        raise Conflict(
            f"มีสวัสดิการรหัส {code} อยู่แล้ว", f"A benefit with code {code} exists.", field="code"
        )
    benefit = WelfareBenefit(code=code, created_at=now, created_by_id=recorded_by.id)
    session.add(benefit)
    session.flush()
    version = _add_version(
        session, benefit, 1, rule, description, resolution, change_note, recorded_by, now
    )
    record_audit(
        session,
        actor=recorded_by,
        action="welfare.benefit.create",
        entity="welfare_benefit",
        entity_id=benefit.id,
        details={"code": code, "version": 1, "name": version.name},
        at=now,
    )
    return benefit


def revise_benefit(
    session: Session,
    *,
    benefit: WelfareBenefit,
    rule: Rule,
    description: str = "",
    resolution: str = "",
    change_note: str = "",
    recorded_by: User,
    now: dt.datetime,
) -> WelfareBenefitVersion:
    """Add a new rule version. Earlier versions stay as they were: paid claims keep theirs.

    Refuses a version identical to the current one, and one taking effect before it.
    """
    latest = _latest_version(session, benefit)
    if rule.effective_from is None or rule.effective_from < latest.effective_from:
        raise InvalidInput(
            f"วันที่เริ่มใช้ต้องไม่ก่อนฉบับปัจจุบัน ({format_be_date(latest.effective_from, 'long')})",
            f"The new version cannot take effect before the current one "
            f"({latest.effective_from.isoformat()}).",
            field="effective_from",
        )
    unchanged = (
        latest.to_rule() == _with_version(rule, latest.version)
        and latest.description == description.strip()
    )
    if unchanged:
        raise Conflict("ไม่มีอะไรเปลี่ยนจากฉบับปัจจุบัน", "Nothing differs from the current version.")
    version = _add_version(
        session,
        benefit,
        latest.version + 1,
        rule,
        description,
        resolution,
        change_note,
        recorded_by,
        now,
    )
    record_audit(
        session,
        actor=recorded_by,
        action="welfare.benefit.revise",
        entity="welfare_benefit",
        entity_id=benefit.id,
        details={"version": version.version, "changes": _diff(latest.to_rule(), rule)},
        at=now,
    )
    return version


def _with_version(rule: Rule, version: int) -> Rule:
    from dataclasses import replace

    return replace(rule, version=version, name=rule.name.strip())


def _diff(old: Rule, new: Rule) -> dict[str, list]:
    changed = {}
    for name in old.__dataclass_fields__:
        if name == "version":
            continue
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            changed[name] = [_jsonable(a), _jsonable(b)]
    return changed


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _add_version(
    session: Session,
    benefit: WelfareBenefit,
    number: int,
    rule: Rule,
    description: str,
    resolution: str,
    change_note: str,
    recorded_by: User,
    now: dt.datetime,
) -> WelfareBenefitVersion:
    validate_rule(rule)
    if rule.effective_from is None:
        raise InvalidInput(
            "กรุณากรอกวันที่เริ่มใช้",
            "Please enter the date it takes effect.",
            field="effective_from",
        )
    version = WelfareBenefitVersion(
        benefit_id=benefit.id,
        version=number,
        name=rule.name.strip(),
        description=description.strip(),
        amount_kind=rule.amount_kind,
        amount_satang=rule.amount_satang,
        min_membership_months=rule.min_membership_months,
        max_units_per_claim=rule.max_units_per_claim if rule.per_unit else None,
        max_units_per_year=rule.max_units_per_year if rule.per_unit else None,
        max_payouts_per_year=rule.max_payouts_per_year,
        max_amount_per_year_satang=rule.max_amount_per_year_satang,
        evidence_required="\n".join(i.strip() for i in rule.evidence_required if i.strip()),
        representative_allowed=rule.representative_allowed,
        active=rule.active,
        effective_from=rule.effective_from,
        resolution=resolution.strip()[:500],
        change_note=change_note.strip()[:500],
        created_at=now,
        created_by_id=recorded_by.id,
    )
    session.add(version)
    session.flush()
    session.expire(benefit, ["versions"])
    return version


def _latest_version(session: Session, benefit: WelfareBenefit) -> WelfareBenefitVersion:
    return session.scalars(
        select(WelfareBenefitVersion)
        .where(WelfareBenefitVersion.benefit_id == benefit.id)
        .order_by(WelfareBenefitVersion.version.desc())
        .limit(1)
    ).one()


def version_for(
    session: Session, benefit: WelfareBenefit, event_date: dt.date
) -> WelfareBenefitVersion:
    """The rule version in effect on ``event_date`` (latest version number among those already
    in effect); for an event before the first version, the first one (which then refuses it)."""
    found = session.scalars(
        select(WelfareBenefitVersion)
        .where(
            WelfareBenefitVersion.benefit_id == benefit.id,
            WelfareBenefitVersion.effective_from <= event_date,
        )
        .order_by(WelfareBenefitVersion.effective_from.desc(), WelfareBenefitVersion.version.desc())
        .limit(1)
    ).first()
    if found is not None:
        return found
    return session.scalars(
        select(WelfareBenefitVersion)
        .where(WelfareBenefitVersion.benefit_id == benefit.id)
        .order_by(WelfareBenefitVersion.version)
        .limit(1)
    ).one()


# --- claims -------------------------------------------------------------------------------------


def year_usage(
    session: Session, *, member_id: int, benefit_id: int, fiscal_year_be: int
) -> YearUsage:
    """What the member already received from the benefit in a fiscal year (reversals excluded)."""
    row = session.execute(
        select(
            func.count(WelfareClaim.id),
            func.coalesce(func.sum(WelfareClaim.units_paid), 0),
            func.coalesce(func.sum(WelfareClaim.amount_satang), 0),
        ).where(
            WelfareClaim.member_id == member_id,
            WelfareClaim.benefit_id == benefit_id,
            WelfareClaim.fiscal_year == fiscal_year_be,
            WelfareClaim.status == ClaimStatus.PAID,
        )
    ).one()
    return YearUsage(fiscal_year_be, payouts=row[0], units=int(row[1]), amount_satang=int(row[2]))


def assess_claim(
    session: Session, claim: ClaimInput, *, today: dt.date
) -> tuple[WelfareBenefitVersion, Assessment]:
    """The review step: which rule version applies and what it pays, or why it refuses."""
    _check_claimant(claim)
    version = version_for(session, claim.benefit, claim.event_date)
    facts = ClaimFacts(
        joined_on=claim.member.joined_on,
        member_status=str(claim.member.status),
        event_date=claim.event_date,
        units=claim.units,
        claimant=claim.claimant,
        evidence_seen=claim.evidence_seen,
        today=today,
    )
    usage = year_usage(
        session,
        member_id=claim.member.id,
        benefit_id=claim.benefit.id,
        fiscal_year_be=fiscal_year(claim.event_date),
    )
    return version, evaluate(version.to_rule(), facts, usage)


def _check_claimant(claim: ClaimInput) -> None:
    if claim.claimant is ClaimantKind.REPRESENTATIVE:
        if not claim.representative_name.strip():
            raise InvalidInput(
                "กรุณากรอกชื่อผู้แทนที่มายื่นขอ",
                "Please enter the representative's name.",
                field="representative_name",
            )
        if not claim.representative_relation.strip():
            raise InvalidInput(
                "กรุณากรอกความเกี่ยวข้องกับสมาชิก เช่น บุตร ภรรยา ผู้ดูแล",
                "Please enter how the representative is related (e.g. child, spouse, carer).",
                field="representative_relation",
            )


class ClaimRefused(Conflict):
    """The rules refuse the claim; ``reasons`` lists every broken rule."""

    def __init__(self, assessment: Assessment) -> None:
        self.reasons = assessment.refusals
        super().__init__(
            "จ่ายไม่ได้: " + "; ".join(r.th for r in assessment.refusals),
            "Cannot pay: " + "; ".join(r.en for r in assessment.refusals),
        )


def pay_claim(
    session: Session,
    claim: ClaimInput,
    *,
    paid_on: dt.date,
    pay_account: AccountCode = AccountCode.CASH,
    override: Override | None = None,
    expected_amount_satang: int | None = None,
    note: str = "",
    recorded_by: User,
    now: dt.datetime,
    today: dt.date,
    idempotency_key: str | None = None,
) -> WelfareClaim:
    """Assess the claim again, then pay it from the welfare fund and post the entry.

    Refuses (``ClaimRefused``, with every reason) a claim the rules do not allow unless an
    ``override`` with a committee resolution is given; refuses a payout the welfare fund cannot
    cover (``Conflict`` naming the available balance); refuses when the amount differs from the
    ``expected_amount_satang`` the committee reviewed (someone paid in between). With an
    ``idempotency_key`` already used, returns the claim paid the first time.
    """
    if pay_account not in PAY_ACCOUNTS:
        raise InvalidInput(
            "จ่ายได้จากเงินสดหรือเงินฝากธนาคารเท่านั้น", "Pay from cash or bank only.", field="pay_account"
        )
    # The lock comes first: afterwards every read below sees the other payers' commits.
    next_value(session, _FUND_LOCK)
    if idempotency_key:
        done = session.scalar(
            select(WelfareClaim).where(WelfareClaim.idempotency_key == idempotency_key)
        )
        if done is not None:
            return done
    if paid_on < claim.event_date:
        raise InvalidInput(
            "วันที่จ่ายต้องไม่ก่อนวันที่เกิดเหตุ",
            "The payment date cannot precede the event.",
            field="paid_on",
        )
    if paid_on > today:
        raise InvalidInput(
            "วันที่จ่ายต้องไม่เป็นวันในอนาคต",
            "The payment date cannot be in the future.",
            field="paid_on",
        )
    version, assessment = assess_claim(session, claim, today=today)
    overridden = False
    if not assessment.eligible:
        if override is None:
            raise ClaimRefused(assessment)
        _check_override(override, today)
        overridden = True
    amount = assessment.amount_satang
    if amount <= 0:
        raise ClaimRefused(assessment)
    if expected_amount_satang is not None and expected_amount_satang != amount:
        raise Conflict(
            f"จำนวนเงินเปลี่ยนเป็น {format_baht(amount)} (ตรวจไว้ "
            f"{format_baht(expected_amount_satang)}) กรุณาตรวจสอบอีกครั้ง",
            f"The amount is now {format_baht(amount)} (reviewed: "
            f"{format_baht(expected_amount_satang)}); please review again.",
        )
    _check_fund_covers(session, amount, paid_on)

    paid_fy = fiscal_year(paid_on)
    claim_no = f"สว{paid_fy}-{next_value(session, f'welfare.claim:{paid_fy}'):04d}"
    member = claim.member
    row = WelfareClaim(
        claim_no=claim_no,
        member_id=member.id,
        benefit_id=claim.benefit.id,
        version_id=version.id,
        event_date=claim.event_date,
        fiscal_year=fiscal_year(claim.event_date),
        units=claim.units if version.to_rule().per_unit else None,
        units_paid=assessment.units_paid,
        evidence_seen="\n".join(claim.evidence_seen),
        claimant_kind=claim.claimant,
        representative_name=claim.representative_name.strip()
        if claim.claimant is ClaimantKind.REPRESENTATIVE
        else "",
        representative_relation=claim.representative_relation.strip()
        if claim.claimant is ClaimantKind.REPRESENTATIVE
        else "",
        amount_satang=amount,
        explanation_th=assessment.explanation_text("th"),
        explanation_en=assessment.explanation_text("en"),
        refusals_th=assessment.refusal_text("th") if overridden else "",
        refusals_en=assessment.refusal_text("en") if overridden else "",
        overridden=overridden,
        resolution_no=override.resolution_no.strip() if overridden and override else "",
        resolution_date=override.resolution_date if overridden and override else None,
        resolution_text=override.text.strip() if overridden and override else "",
        paid_on=paid_on,
        paid_fiscal_year=paid_fy,
        pay_account=str(pay_account),
        note=note.strip()[:500],
        status=ClaimStatus.PAID,
        idempotency_key=idempotency_key,
        recorded_by_id=recorded_by.id,
        created_at=now,
    )
    # The claim row first, so the entry can carry its id as ``source_id``.
    session.add(row)
    session.flush()
    memo = f"{member.member_no} {version.name}"[:200]
    entry = post_entry(
        session,
        entry_date=paid_on,
        description=f"จ่ายสวัสดิการ {version.name} ให้ {member.member_no} {member.full_name} "
        f"({claim_no})"[:500],
        source=PAYOUT_SOURCE,
        source_id=row.id,
        lines=[
            LineSpec(AccountCode.WELFARE_EXPENSE, amount, memo=memo),
            LineSpec(pay_account, -amount, memo=memo),
            LineSpec(AccountCode.WELFARE_FUND, amount, memo=memo),
            LineSpec(AccountCode.ACCUMULATED_SURPLUS, -amount, memo=memo),
        ],
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"welfare.payout:{idempotency_key}" if idempotency_key else None,
    )
    row.entry_id = entry.id
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="welfare.claim.pay",
        entity="welfare_claim",
        entity_id=row.id,
        details={
            "claim_no": claim_no,
            "member_no": member.member_no,
            "benefit": claim.benefit.code,
            "version": version.version,
            "amount_satang": amount,
            "overridden": overridden,
            "resolution_no": row.resolution_no or None,
            "entry_id": entry.id,
        },
        at=now,
    )
    return row


def _check_override(override: Override, today: dt.date) -> None:
    if not override.resolution_no.strip():
        raise InvalidInput(
            "กรุณากรอกเลขที่มติหรือครั้งที่ประชุม เช่น 5/2568",
            "Please enter the resolution or meeting number, e.g. 5/2568.",
            field="resolution_no",
        )
    if not override.text.strip():
        raise InvalidInput(
            "กรุณากรอกข้อความมติของคณะกรรมการ",
            "Please enter the committee's resolution.",
            field="resolution_text",
        )
    if override.resolution_date > today:
        raise InvalidInput(
            "วันที่ประชุมต้องไม่เป็นวันในอนาคต",
            "The meeting date cannot be in the future.",
            field="resolution_date",
        )


def _check_fund_covers(session: Session, amount: int, on: dt.date) -> None:
    """The payout lowers the fund from ``on`` onwards: it must stay ≥ 0 on every later day."""
    # int(): PostgreSQL sums BIGINT as NUMERIC, which comes back as a Decimal.
    available = int(
        lowest_balance_from(session, get_account(session, AccountCode.WELFARE_FUND), None, on)
    )
    if amount > available:
        shown = format_baht(max(available, 0))
        raise Conflict(
            f"เงินกองทุนสวัสดิการไม่พอ: คงเหลือ {shown} แต่ต้องจ่าย {format_baht(amount)}",
            f"The welfare fund cannot cover it: {shown} available, {format_baht(amount)} needed.",
        )


def reverse_payout(
    session: Session,
    *,
    claim: WelfareClaim,
    reason: str,
    reversed_on: dt.date,
    recorded_by: User,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> WelfareClaim:
    """Reverse a payout (a mistake, money returned): the entry is reversed, the claim is marked
    reversed with the reason, and it no longer counts towards the member's yearly limits."""
    if idempotency_key and claim.status is ClaimStatus.REVERSED:
        return claim
    if claim.status is not ClaimStatus.PAID:
        raise Conflict(
            f"รายการ {claim.claim_no} ถูกยกเลิกไปแล้ว", f"{claim.claim_no} is already reversed."
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "กรุณาระบุเหตุผลที่ยกเลิกการจ่าย",
            "Please give the reason for reversing.",
            field="reason",
        )
    if reversed_on < claim.paid_on:
        raise InvalidInput(
            "วันที่ยกเลิกต้องไม่ก่อนวันที่จ่าย",
            "The reversal cannot precede the payment.",
            field="reversed_on",
        )
    from fund.ledger.models import JournalEntry

    entry = session.get(JournalEntry, claim.entry_id)
    if entry is None:  # pragma: no cover - the foreign key guarantees it
        raise NotFound("ไม่พบรายการบัญชีของการจ่ายนี้", "The payout's journal entry is missing.")
    reversal = reverse_entry(
        session,
        entry=entry,
        reversal_date=reversed_on,
        reason=f"ยกเลิกจ่ายสวัสดิการ {claim.claim_no}: {reason}"[:500],
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"welfare.reverse:{idempotency_key}" if idempotency_key else None,
    )
    claim.status = ClaimStatus.REVERSED
    claim.reversal_entry_id = reversal.id
    claim.reversed_on = reversed_on
    claim.reversal_reason = reason[:500]
    claim.reversed_by_id = recorded_by.id
    claim.reversed_at = now
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="welfare.claim.reverse",
        entity="welfare_claim",
        entity_id=claim.id,
        details={"claim_no": claim.claim_no, "reason": reason, "entry_id": reversal.id},
        at=now,
    )
    return claim


# --- donations ----------------------------------------------------------------------------------


def record_welfare_donation(
    session: Session,
    *,
    donor_name: str,
    amount_satang: int,
    received_on: dt.date,
    account: AccountCode = AccountCode.CASH,
    note: str = "",
    recorded_by: User,
    now: dt.datetime,
    today: dt.date,
    idempotency_key: str | None = None,
) -> WelfareDonation:
    """Record money given for welfare: donation income, and the same amount earmarked into the
    welfare fund (see the module docstring for the entry)."""
    if idempotency_key:
        done = session.scalar(
            select(WelfareDonation).where(WelfareDonation.idempotency_key == idempotency_key)
        )
        if done is not None:
            return done
    donor_name = donor_name.strip()
    if not donor_name:
        raise InvalidInput("กรุณากรอกชื่อผู้บริจาค", "Please enter the donor's name.", field="donor_name")
    if amount_satang <= 0:
        raise InvalidInput(
            "จำนวนเงินต้องมากกว่า 0 บาท", "The amount must be above 0 baht.", field="amount"
        )
    if account not in PAY_ACCOUNTS:
        raise InvalidInput("รับเป็นเงินสดหรือเงินฝากธนาคารเท่านั้น", "Cash or bank only.", field="account")
    if received_on > today:
        raise InvalidInput(
            "วันที่รับต้องไม่เป็นวันในอนาคต", "The date cannot be in the future.", field="received_on"
        )
    donation = WelfareDonation(
        donor_name=donor_name[:200],
        amount_satang=amount_satang,
        received_on=received_on,
        account=str(account),
        note=note.strip()[:500],
        idempotency_key=idempotency_key,
        recorded_by_id=recorded_by.id,
        created_at=now,
    )
    session.add(donation)
    session.flush()
    memo = donor_name[:200]
    entry = post_entry(
        session,
        entry_date=received_on,
        description=f"รับบริจาคเพื่อสวัสดิการจาก {donor_name}"[:500],
        source=DONATION_SOURCE,
        source_id=donation.id,
        lines=[
            LineSpec(account, amount_satang, memo=memo),
            LineSpec(AccountCode.GRANTS_DONATIONS, -amount_satang, memo=memo),
            LineSpec(AccountCode.ACCUMULATED_SURPLUS, amount_satang, memo=memo),
            LineSpec(AccountCode.WELFARE_FUND, -amount_satang, memo=memo),
        ],
        recorded_by=recorded_by,
        now=now,
        idempotency_key=f"welfare.donation:{idempotency_key}" if idempotency_key else None,
    )
    donation.entry_id = entry.id
    session.flush()
    record_audit(
        session,
        actor=recorded_by,
        action="welfare.donation.record",
        entity="welfare_donation",
        entity_id=donation.id,
        details={"donor": donor_name, "amount_satang": amount_satang, "entry_id": entry.id},
        at=now,
    )
    return donation
