"""Welfare screens: the committee sets rules, reviews and pays, reverses; the auditor reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from fund.members.models import Member
from fund.welfare.models import ClaimStatus, WelfareBenefit, WelfareClaim
from fund.welfare.queries import welfare_fund_balance
from fund.welfare.services import create_benefit, record_welfare_donation
from tests.fund.welfare.conftest import DISASTER_RULE, HOSPITAL_RULE, TODAY, assert_books_hold


def be(prefix: str, d: dt.date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(d.day),
        f"{prefix}-month": str(d.month),
        f"{prefix}-year": str(d.year + 543),
    }


@pytest.fixture
def member(db, now) -> Member:
    m = Member(
        member_no="CS-0777",
        title="นาย",
        first_name="ทองดี",
        last_name="ปินตา",
        joined_on=dt.date(2023, 5, 1),
        created_at=now,
    )
    db.add(m)
    db.commit()
    return m


@pytest.fixture
def hospital(db, users, now) -> WelfareBenefit:
    benefit = create_benefit(
        db, code="HOSP", rule=HOSPITAL_RULE, recorded_by=users["committee"], now=now
    )
    db.commit()
    return benefit


@pytest.fixture
def funded(db, users, now):
    record_welfare_donation(
        db,
        donor_name="อบต.แจ้ซ้อน",
        amount_satang=3_000_00,
        received_on=dt.date(2025, 1, 10),
        recorded_by=users["committee"],
        now=now,
        today=TODAY,
    )
    db.commit()


def claim_data(member_no="CS-0777", nights="3", **extra) -> dict:
    data = {
        "member_no": member_no,
        **be("event_date", dt.date(2025, 11, 1)),
        "units": nights,
        "evidence_seen": "ใบรับรองแพทย์",
        "claimant": "member",
        **be("paid_on", TODAY),
        "pay_account": "1010",
        "once_key": "key-" + nights + member_no,
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


_HIDDEN = re.compile(r'name="(expected_amount|review_key)"[^>]*value="([^"]*)"')


def reviewed(web, url: str, data: dict) -> dict:
    """Post the review step and return the hidden fields the pay step needs."""
    page = web.submit(url, {**data, "action": "review"}).get_data(as_text=True)
    return dict(_HIDDEN.findall(page))


def review_and_pay(web, url: str, data: dict, **pay_extra):
    """What the committee does: calculate, read the review, then confirm."""
    hidden = reviewed(web, url, data)
    return web.submit(url, {**data, **hidden, **pay_extra, "action": "pay"})


def test_committee_adds_a_benefit_and_a_new_version(login_as, db):
    web = login_as("committee")
    form = {
        "code": "DEVICE",
        "name": "อุปกรณ์เครื่องช่วยความพิการ",
        "amount_kind": "fixed",
        "amount": "๑,๕๐๐",
        "min_membership_months": "3",
        "max_payouts_per_year": "1",
        "evidence_required": "ใบเสร็จรับเงิน\nรูปถ่ายอุปกรณ์",
        "representative_allowed": "y",
        **be("effective_from", dt.date(2025, 10, 1)),
        "resolution": "ประชุมครั้งที่ 9/2568",
    }
    response = web.submit("/welfare/benefits/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    benefit = db.scalar(select(WelfareBenefit).where(WelfareBenefit.code == "DEVICE"))
    assert benefit.latest.amount_satang == 1_500_00
    assert benefit.latest.evidence_items == ("ใบเสร็จรับเงิน", "รูปถ่ายอุปกรณ์")

    url = f"/welfare/benefits/{benefit.id}/revise"
    page = web.get(url).get_data(as_text=True)
    assert "1,500.00" in page and "ฉบับที่ 2" in page
    response = web.submit(
        url, {**form, "amount": "2000", "active": "y", **be("effective_from", TODAY)}
    )
    assert response.status_code == 302
    db.expire_all()
    assert [v.amount_satang for v in benefit.versions] == [1_500_00, 2_000_00]
    detail = web.get(f"/welfare/benefits/{benefit.id}").get_data(as_text=True)
    assert "฿2,000.00" in detail and "฿1,500.00" in detail


def test_benefit_form_errors_are_shown_by_field(login_as):
    web = login_as("committee")
    response = web.submit(
        "/welfare/benefits/new",
        {
            "code": "",
            "name": "",
            "amount_kind": "per_night",
            "amount": "abc",
            "max_units_per_claim": "0",
            **be("effective_from", TODAY),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "กรุณากรอกชื่อสวัสดิการ" in page
    assert 'aria-invalid="true"' in page


def test_review_shows_amount_and_rule_then_paying_posts_once(
    login_as, db, member, hospital, funded
):
    web = login_as("committee")
    url = f"/welfare/claims/new/{hospital.id}"
    review = web.submit(url, {**claim_data(nights="9"), "action": "review"})
    page = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "จ่ายได้ ฿1,400.00" in page
    assert "ใช้กฎฉบับที่ 1" in page
    assert "จ่ายได้สูงสุด 7 คืนต่อครั้ง" in page
    assert db.scalar(select(WelfareClaim.id)) is None  # reviewing pays nothing

    data = {**claim_data(nights="9"), **reviewed(web, url, claim_data(nights="9")), "action": "pay"}
    assert data["expected_amount"] == "140000"
    paid = web.submit(url, data)
    assert paid.status_code == 302
    again = web.submit(url, data)  # the same form posted twice
    assert again.status_code == 302
    claims = db.scalars(select(WelfareClaim)).all()
    assert len(claims) == 1 and claims[0].amount_satang == 1_400_00
    assert welfare_fund_balance(db) == 1_600_00
    shown = web.get(paid.headers["Location"]).get_data(as_text=True)
    assert claims[0].claim_no in shown and "หนึ่งพันสี่ร้อยบาทถ้วน" in shown
    assert_books_hold(db)


def test_refused_claim_shows_reasons_and_needs_a_resolution(
    login_as, db, member, hospital, funded, now
):
    web = login_as("committee")
    url = f"/welfare/claims/new/{hospital.id}"
    review = web.submit(url, {**claim_data(evidence_seen=None), "action": "review"})
    page = review.get_data(as_text=True)
    assert "จ่ายไม่ได้ตามกฎ" in page and "ยังไม่ได้ตรวจหลักฐาน: ใบรับรองแพทย์" in page
    assert "มติคณะกรรมการให้จ่ายเป็นกรณีพิเศษ" in page

    refused = review_and_pay(web, url, claim_data(evidence_seen=None))
    assert refused.status_code == 422
    assert "จ่ายไม่ได้: ยังไม่ได้ตรวจหลักฐาน" in refused.get_data(as_text=True)
    assert db.scalar(select(WelfareClaim.id)) is None

    no_date = review_and_pay(
        web,
        url,
        claim_data(evidence_seen=None),
        resolution_no="11/2568",
        resolution_text="ใบรับรองหาย",
    )
    assert no_date.status_code == 422
    assert "กรุณากรอกวันที่ประชุม" in no_date.get_data(as_text=True)

    ok = review_and_pay(
        web,
        url,
        claim_data(evidence_seen=None),
        resolution_no="11/2568",
        resolution_text="ใบรับรองแพทย์สูญหายในน้ำท่วม",
        **be("resolution_date", dt.date(2025, 11, 18)),
    )
    assert ok.status_code == 302
    claim = db.scalar(select(WelfareClaim))
    assert claim.overridden and claim.resolution_no == "11/2568"
    assert "ตามมติ" in web.get("/welfare/claims?fy=2569").get_data(as_text=True)
    assert_books_hold(db)


def test_empty_fund_refusal_names_the_balance(login_as, db, member, hospital):
    web = login_as("committee")
    response = review_and_pay(web, f"/welfare/claims/new/{hospital.id}", claim_data())
    assert response.status_code == 422
    assert "เงินกองทุนสวัสดิการไม่พอ: คงเหลือ ฿0.00" in response.get_data(as_text=True)


def test_unknown_member_is_a_field_error(login_as, hospital, funded):
    web = login_as("committee")
    response = web.submit(
        f"/welfare/claims/new/{hospital.id}",
        {**claim_data(member_no="CS-9999"), "action": "review"},
    )
    assert response.status_code == 422
    assert "ไม่พบสมาชิกเลขที่นี้" in response.get_data(as_text=True)


def test_reversal_through_the_claim_page(login_as, db, member, hospital, funded):
    web = login_as("committee")
    paid = review_and_pay(web, f"/welfare/claims/new/{hospital.id}", claim_data())
    claim_url = paid.headers["Location"]
    claim_id = int(re.search(r"/claims/(\d+)", claim_url).group(1))
    no_reason = web.submit(
        f"/welfare/claims/{claim_id}/reverse",
        {"reason": "", **be("reversed_on", TODAY)},
        page=claim_url,
    )
    assert no_reason.status_code == 422
    done = web.submit(
        f"/welfare/claims/{claim_id}/reverse",
        {"reason": "สมาชิกคืนเงิน", **be("reversed_on", TODAY), "once_key": "r1"},
        page=claim_url,
    )
    assert done.status_code == 302
    claim = db.get(WelfareClaim, claim_id)
    db.refresh(claim)
    assert claim.status is ClaimStatus.REVERSED
    assert welfare_fund_balance(db) == 3_000_00
    assert "สมาชิกคืนเงิน" in web.get(claim_url).get_data(as_text=True)
    assert_books_hold(db)


def test_donation_form_adds_to_the_fund(login_as, db):
    web = login_as("committee")
    response = web.submit(
        "/welfare/donations",
        {
            "donor_name": "ร้านค้าชุมชนบ้านแจ้ซ้อน",
            "amount": "2,500.50",
            **be("received_on", TODAY),
            "account": "1020",
            "once_key": "d1",
        },
    )
    assert response.status_code == 302
    assert welfare_fund_balance(db) == 2_500_50
    bad = web.submit(
        "/welfare/donations", {"donor_name": "x", "amount": "0", **be("received_on", TODAY)}
    )
    assert bad.status_code == 422
    assert_books_hold(db)


def test_auditor_reads_every_screen_but_writes_nothing(
    login_as, db, member, hospital, funded, users, now
):
    committee = login_as("committee")
    review_and_pay(committee, f"/welfare/claims/new/{hospital.id}", claim_data())
    claim = db.scalar(select(WelfareClaim))
    auditor = login_as("auditor")
    for url in [
        "/welfare/",
        f"/welfare/benefits/{hospital.id}",
        "/welfare/claims",
        f"/welfare/claims/{claim.id}",
        "/welfare/donations",
        "/welfare/reports",
    ]:
        response = auditor.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "ยกเลิกการจ่าย" not in page or url != f"/welfare/claims/{claim.id}"
    for url in [
        "/welfare/benefits/new",
        f"/welfare/claims/new/{hospital.id}",
        f"/welfare/benefits/{hospital.id}/revise",
    ]:
        assert auditor.get(url).status_code == 403
    token_page = "/welfare/claims"
    assert (
        auditor.submit(
            f"/welfare/claims/{claim.id}/reverse",
            {"reason": "x", **be("reversed_on", TODAY)},
            page=token_page,
        ).status_code
        == 403
    )
    assert (
        auditor.submit(
            "/welfare/donations", {"donor_name": "x", "amount": "1"}, page=token_page
        ).status_code
        == 403
    )
    assert db.get(WelfareClaim, claim.id).status is ClaimStatus.PAID


def test_reports_show_payouts_and_fund_sources(login_as, db, member, hospital, funded, users, now):
    web = login_as("committee")
    review_and_pay(web, f"/welfare/claims/new/{hospital.id}", claim_data())
    create_benefit(db, code="DISASTER", rule=DISASTER_RULE, recorded_by=users["committee"], now=now)
    db.commit()
    page = web.get("/welfare/reports?fy=2569").get_data(as_text=True)
    assert "เงินบริจาคเพื่อสวัสดิการ" in page
    assert "จ่ายสวัสดิการ" in page
    assert "600.00" in page  # the payout, by benefit and by member
    assert "CS-0777" in page
    older = web.get("/welfare/reports?fy=2568").get_data(as_text=True)
    assert "3,000.00" in older  # the donation came in fiscal year 2568
    english = login_as("auditor")
    english.submit("/lang/en", {"next": "/welfare/reports"}, page="/welfare/reports")
    assert "Welfare report" in english.get("/welfare/reports").get_data(as_text=True)


def test_paying_without_reviewing_these_exact_inputs_only_shows_the_review(
    login_as, db, member, hospital, funded, now
):
    other = Member(
        member_no="CS-0778",
        title="นาง",
        first_name="บัวผัน",
        last_name="ปินตา",
        joined_on=dt.date(2023, 5, 1),
        created_at=now,
    )
    db.add(other)
    db.commit()
    web = login_as("committee")
    url = f"/welfare/claims/new/{hospital.id}"
    hidden = reviewed(web, url, claim_data())
    # the member number is changed after the review, and Enter pressed in the field
    changed = web.submit(url, {**claim_data(member_no="CS-0778"), **hidden, "action": "pay"})
    assert changed.status_code == 422
    page = changed.get_data(as_text=True)
    assert "ข้อมูลเปลี่ยนไปหลังการตรวจสอบ" in page and "CS-0778" in page
    no_review = web.submit(url, {**claim_data(), "action": "pay"})
    assert no_review.status_code == 422
    assert db.scalar(select(WelfareClaim.id)) is None
    # the review shown with the error is valid for exactly what it shows
    fresh = dict(_HIDDEN.findall(page))
    paid = web.submit(url, {**claim_data(member_no="CS-0778"), **fresh, "action": "pay"})
    assert paid.status_code == 302
    assert db.scalar(select(WelfareClaim)).member_id == other.id
