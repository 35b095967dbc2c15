"""Welfare services on a real database: versions, payouts in the books, the fund never negative."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from fund.errors import Conflict, InvalidInput
from fund.ledger.accounts import AccountCode
from fund.ledger.models import JournalEntry
from fund.ledger.queries import account_balance
from fund.members.models import MemberStatus
from fund.welfare.models import ClaimStatus, WelfareClaim
from fund.welfare.queries import (
    payouts_by_benefit,
    payouts_by_member,
    payouts_by_year,
    welfare_fund_balance,
    welfare_fund_statement,
)
from fund.welfare.rules import ClaimantKind
from fund.welfare.services import (
    ClaimInput,
    ClaimRefused,
    Override,
    assess_claim,
    pay_claim,
    reverse_payout,
    revise_benefit,
    version_for,
)
from tests.fund.welfare.conftest import HOSPITAL_RULE, TODAY

EVIDENCE = ("ใบรับรองแพทย์",)


def hosp_claim(member, benefit, *, nights=3, event=dt.date(2025, 10, 20), **kw) -> ClaimInput:
    return ClaimInput(
        member=member,
        benefit=benefit,
        event_date=event,
        units=nights,
        evidence_seen=kw.pop("evidence", EVIDENCE),
        **kw,
    )


@pytest.fixture
def pay(db, committee, now):
    def run(claim: ClaimInput, **kw):
        kw.setdefault("paid_on", TODAY)
        return pay_claim(db, claim, recorded_by=committee, now=now, today=TODAY, **kw)

    return run


def test_paying_a_claim_posts_expense_and_draws_down_the_welfare_fund(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    cash_before = account_balance(db, AccountCode.CASH)
    member = make_member()
    claim = pay(hosp_claim(member, hospital, nights=3))

    assert claim.amount_satang == 600_00
    assert claim.units_paid == 3
    assert claim.version.version == 1
    assert claim.claim_no == "สว2569-0001"
    assert "3 คืน × ฿200.00 = ฿600.00" in claim.explanation_th
    entry = db.get(JournalEntry, claim.entry_id)
    assert entry.source == "welfare.payout" and entry.source_id == claim.id
    by_account = {line.account.code: line.amount_satang for line in entry.lines}
    assert by_account == {
        AccountCode.WELFARE_EXPENSE: 600_00,
        AccountCode.CASH: -600_00,
        AccountCode.WELFARE_FUND: 600_00,
        AccountCode.ACCUMULATED_SURPLUS: -600_00,
    }
    assert welfare_fund_balance(db) == 4_400_00
    assert account_balance(db, AccountCode.CASH) == cash_before - 600_00
    books_hold()


def test_membership_too_short_is_refused_and_posts_nothing(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    member = make_member(joined_on=dt.date(2025, 6, 1))
    entries_before = db.query(JournalEntry).count()
    with pytest.raises(ClaimRefused) as err:
        pay(hosp_claim(member, hospital))
    assert "สมาชิกยังไม่ครบ 6 เดือน" in err.value.message_th
    assert db.query(JournalEntry).count() == entries_before
    assert db.scalar(select(WelfareClaim.id)) is None
    books_hold()


def test_yearly_night_cap_across_claims_pays_the_rest_then_refuses(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(10_000_00)
    member = make_member()
    first = pay(hosp_claim(member, hospital, nights=7, event=dt.date(2025, 10, 2)))
    second = pay(hosp_claim(member, hospital, nights=5, event=dt.date(2025, 11, 1)))
    assert (first.units_paid, second.units_paid) == (7, 3)
    assert second.amount_satang == 600_00
    with pytest.raises(ClaimRefused) as err:
        pay(hosp_claim(member, hospital, nights=1, event=dt.date(2025, 11, 10)))
    assert "ใช้สิทธิ์ครบ 10 คืนในปีงบประมาณ 2569 แล้ว" in err.value.message_th
    # the previous fiscal year (event in September) has its own 10 nights
    old = pay(hosp_claim(member, hospital, nights=2, event=dt.date(2025, 9, 30)))
    assert old.fiscal_year == 2568 and old.amount_satang == 400_00
    books_hold()


def test_per_claim_night_maximum(db, make_member, hospital, fund_money, pay, books_hold):
    fund_money(5_000_00)
    claim = pay(hosp_claim(make_member(), hospital, nights=9))
    assert claim.units == 9 and claim.units_paid == 7 and claim.amount_satang == 1_400_00
    assert "จ่ายได้สูงสุด 7 คืนต่อครั้ง" in claim.explanation_th
    books_hold()


def test_yearly_payout_count_and_representative_rules(
    db, make_member, disaster, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    member = make_member()
    evidence = ("หนังสือรับรองจากผู้ใหญ่บ้าน",)
    by_rep = ClaimInput(
        member=member,
        benefit=disaster,
        event_date=dt.date(2025, 10, 5),
        units=None,
        claimant=ClaimantKind.REPRESENTATIVE,
        representative_name="นายสมชาย ใจดี",
        representative_relation="บุตร",
        evidence_seen=evidence,
    )
    with pytest.raises(ClaimRefused) as err:
        pay(by_rep)
    assert "ผู้แทนยื่นแทนไม่ได้" in err.value.message_th
    in_person = replace(by_rep, claimant=ClaimantKind.MEMBER)
    paid = pay(in_person)
    assert paid.amount_satang == 1_000_00 and paid.units is None
    with pytest.raises(ClaimRefused) as err:
        pay(replace(in_person, event_date=dt.date(2025, 11, 1)))
    assert "ครบ 1 ครั้งในปีงบประมาณ 2569" in err.value.message_th
    books_hold()


def test_representative_claim_records_who_claimed(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    claim = pay(
        hosp_claim(
            make_member(),
            hospital,
            claimant=ClaimantKind.REPRESENTATIVE,
            representative_name="นางคำแปง ใจดี",
            representative_relation="ภรรยา",
        )
    )
    assert claim.claimant_kind is ClaimantKind.REPRESENTATIVE
    assert (claim.representative_name, claim.representative_relation) == ("นางคำแปง ใจดี", "ภรรยา")
    books_hold()


@pytest.mark.parametrize(
    ("name", "relation", "field"),
    [("", "บุตร", "representative_name"), ("นายสมชาย", " ", "representative_relation")],
)
def test_representative_must_be_named_with_relation(
    db, make_member, hospital, fund_money, pay, name, relation, field
):
    fund_money(5_000_00)
    with pytest.raises(InvalidInput) as err:
        pay(
            hosp_claim(
                make_member(),
                hospital,
                claimant=ClaimantKind.REPRESENTATIVE,
                representative_name=name,
                representative_relation=relation,
            )
        )
    assert err.value.field == field


def test_override_with_resolution_pays_a_refused_claim_and_records_why(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    member = make_member(joined_on=dt.date(2025, 8, 1))
    resolution = Override("ครั้งที่ 11/2568", dt.date(2025, 11, 15), "อนุมัติเป็นกรณีพิเศษ น้ำท่วมบ้าน")
    claim = pay(hosp_claim(member, hospital, nights=2), override=resolution)
    assert claim.overridden
    assert "สมาชิกยังไม่ครบ 6 เดือน" in claim.refusals_th
    assert claim.resolution_no == "ครั้งที่ 11/2568"
    assert claim.resolution_date == dt.date(2025, 11, 15)
    assert claim.amount_satang == 400_00
    books_hold()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        (Override(" ", dt.date(2025, 11, 1), "อนุมัติ"), "resolution_no"),
        (Override("5/2568", dt.date(2025, 11, 1), ""), "resolution_text"),
        (Override("5/2568", dt.date(2025, 11, 21), "อนุมัติ"), "resolution_date"),
    ],
)
def test_override_without_a_complete_resolution_is_refused(
    db, make_member, hospital, fund_money, pay, override, field
):
    fund_money(5_000_00)
    with pytest.raises(InvalidInput) as err:
        pay(hosp_claim(make_member(joined_on=dt.date(2025, 8, 1)), hospital), override=override)
    assert err.value.field == field
    assert db.scalar(select(WelfareClaim.id)) is None


def test_empty_welfare_fund_refuses_with_the_available_balance(
    db, make_member, hospital, fund_money, pay, books_hold
):
    member = make_member()
    with pytest.raises(Conflict) as err:
        pay(hosp_claim(member, hospital))
    assert "เงินกองทุนสวัสดิการไม่พอ: คงเหลือ ฿0.00" in err.value.message_th
    fund_money(500_00)
    with pytest.raises(Conflict) as err:
        pay(hosp_claim(member, hospital, nights=3))
    assert "คงเหลือ ฿500.00 แต่ต้องจ่าย ฿600.00" in err.value.message_th
    assert "฿500.00 available" in err.value.message_en
    ok = pay(hosp_claim(member, hospital, nights=2))
    assert welfare_fund_balance(db) == 100_00 and ok.amount_satang == 400_00
    books_hold()


def test_backdated_payout_cannot_spend_a_later_donation(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(1_000_00, on=dt.date(2025, 11, 10))
    member = make_member()
    with pytest.raises(Conflict):
        pay(
            hosp_claim(member, hospital, nights=1, event=dt.date(2025, 11, 1)),
            paid_on=dt.date(2025, 11, 5),
        )
    books_hold()


def test_reversal_restores_the_fund_and_the_members_yearly_allowance(
    db, make_member, hospital, fund_money, pay, committee, now, books_hold
):
    fund_money(5_000_00)
    member = make_member()
    claim = pay(hosp_claim(member, hospital, nights=7))
    pay(hosp_claim(member, hospital, nights=3, event=dt.date(2025, 10, 25)))
    assert welfare_fund_balance(db) == 3_000_00

    with pytest.raises(InvalidInput):
        reverse_payout(
            db, claim=claim, reason=" ", reversed_on=TODAY, recorded_by=committee, now=now
        )
    reverse_payout(
        db,
        claim=claim,
        reason="จ่ายซ้ำกับใบสำคัญเดิม",
        reversed_on=TODAY,
        recorded_by=committee,
        now=now,
    )
    assert claim.status is ClaimStatus.REVERSED
    reversal = db.get(JournalEntry, claim.reversal_entry_id)
    assert reversal.reverses_id == claim.entry_id
    assert reversal.source == "welfare.payout.reversal"
    assert welfare_fund_balance(db) == 4_400_00
    # the reversed nights no longer count: 7 nights are available again
    again = pay(hosp_claim(member, hospital, nights=7, event=dt.date(2025, 11, 2)))
    assert again.units_paid == 7
    with pytest.raises(Conflict):
        reverse_payout(
            db, claim=claim, reason="ซ้ำ", reversed_on=TODAY, recorded_by=committee, now=now
        )
    statement = welfare_fund_statement(db, fiscal_year=2569)
    by_source = {m.source: m for m in statement.movements}
    assert by_source["welfare.payout.reversal"].added_satang == 1_400_00
    assert by_source["welfare.payout"].taken_satang == 1_400_00 + 600_00 + 1_400_00
    assert statement.closing_satang == welfare_fund_balance(db)
    books_hold()


def test_same_one_time_key_pays_once(db, make_member, hospital, fund_money, pay, books_hold):
    fund_money(5_000_00, key="donation-key-1")
    fund_money(5_000_00, key="donation-key-1")
    assert welfare_fund_balance(db) == 5_000_00
    member = make_member()
    first = pay(hosp_claim(member, hospital), idempotency_key="claim-key-1")
    second = pay(hosp_claim(member, hospital), idempotency_key="claim-key-1")
    assert first.id == second.id
    assert welfare_fund_balance(db) == 4_400_00
    books_hold()


def test_amount_changed_since_review_is_refused(db, make_member, hospital, fund_money, pay):
    fund_money(5_000_00)
    member = make_member()
    _version, assessment = assess_claim(db, hosp_claim(member, hospital, nights=5), today=TODAY)
    pay(hosp_claim(member, hospital, nights=7))  # someone pays another claim in between
    with pytest.raises(Conflict) as err:
        pay(hosp_claim(member, hospital, nights=5), expected_amount_satang=assessment.amount_satang)
    assert "จำนวนเงินเปลี่ยนเป็น ฿600.00" in err.value.message_th


def test_deceased_member_benefit_is_claimed_by_an_heir(
    db, make_member, hospital, fund_money, pay, books_hold
):
    fund_money(5_000_00)
    member = make_member(status=MemberStatus.DECEASED)
    with pytest.raises(ClaimRefused):
        pay(hosp_claim(member, hospital))
    claim = pay(
        hosp_claim(
            member,
            hospital,
            claimant=ClaimantKind.REPRESENTATIVE,
            representative_name="นายแก้ว ใจดี",
            representative_relation="บุตร",
        )
    )
    assert claim.status is ClaimStatus.PAID
    books_hold()


def test_new_version_applies_to_later_events_and_old_payouts_keep_theirs(
    db, make_member, hospital, fund_money, pay, committee, now, books_hold
):
    fund_money(10_000_00)
    member = make_member()
    old = pay(hosp_claim(member, hospital, nights=2, event=dt.date(2025, 10, 5)))
    v2 = revise_benefit(
        db,
        benefit=hospital,
        rule=replace(HOSPITAL_RULE, amount_satang=300_00, effective_from=dt.date(2025, 11, 1)),
        resolution="ประชุมครั้งที่ 10/2568",
        change_note="ขึ้นค่าชดเชยเป็น 300 บาท",
        recorded_by=committee,
        now=now,
    )
    assert v2.version == 2
    assert version_for(db, hospital, dt.date(2025, 10, 31)).version == 1
    assert version_for(db, hospital, dt.date(2025, 11, 1)).version == 2
    new = pay(hosp_claim(member, hospital, nights=2, event=dt.date(2025, 11, 3)))
    assert new.amount_satang == 600_00 and new.version.version == 2
    db.refresh(old)
    assert old.version.version == 1 and old.amount_satang == 400_00
    # a late claim for an October event still uses version 1
    late = pay(hosp_claim(member, hospital, nights=1, event=dt.date(2025, 10, 30)))
    assert late.amount_satang == 200_00
    books_hold()


def test_revision_must_change_something_and_not_take_effect_earlier(db, hospital, committee, now):
    with pytest.raises(Conflict):
        revise_benefit(db, benefit=hospital, rule=HOSPITAL_RULE, recorded_by=committee, now=now)
    with pytest.raises(InvalidInput) as err:
        revise_benefit(
            db,
            benefit=hospital,
            rule=replace(HOSPITAL_RULE, amount_satang=1, effective_from=dt.date(2019, 1, 1)),
            recorded_by=committee,
            now=now,
        )
    assert err.value.field == "effective_from"
    with pytest.raises(InvalidInput) as err:
        revise_benefit(
            db,
            benefit=hospital,
            rule=replace(HOSPITAL_RULE, amount_satang=0),
            recorded_by=committee,
            now=now,
        )
    assert err.value.field == "amount"


def test_reports_group_payouts_and_show_fund_sources(
    db, make_member, hospital, disaster, fund_money, pay, committee, now
):
    fund_money(10_000_00, on=dt.date(2024, 1, 5))
    a, b = make_member(), make_member()
    pay(hosp_claim(a, hospital, nights=2, event=dt.date(2025, 9, 1)), paid_on=dt.date(2025, 9, 2))
    pay(hosp_claim(a, hospital, nights=3))
    pay(
        ClaimInput(
            member=b,
            benefit=disaster,
            event_date=dt.date(2025, 11, 1),
            units=None,
            evidence_seen=("หนังสือรับรองจากผู้ใหญ่บ้าน",),
        )
    )
    by_year = {r.key: r for r in payouts_by_year(db)}
    assert by_year["2568"].amount_satang == 400_00 and by_year["2569"].count == 2
    by_benefit = {r.key: r for r in payouts_by_benefit(db, fiscal_year=2569)}
    assert by_benefit[str(disaster.id)].amount_satang == 1_000_00
    assert by_benefit[str(hospital.id)].amount_satang == 600_00
    by_member = {r.key: r for r in payouts_by_member(db)}
    assert by_member[a.member_no].count == 2 and by_member[a.member_no].amount_satang == 1_000_00
    whole = welfare_fund_statement(db)
    assert whole.opening_satang == 0
    assert whole.added_satang == 10_000_00
    assert whole.closing_satang == 10_000_00 - 2_000_00 == welfare_fund_balance(db)
    fy69 = welfare_fund_statement(db, fiscal_year=2569)
    assert fy69.opening_satang == 10_000_00 - 400_00
