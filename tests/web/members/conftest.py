from __future__ import annotations

import datetime as dt

import pytest

from fund.members.models import Sex
from fund.members.services import MemberDetails, SensitiveDetails, register_member


@pytest.fixture
def member(db, users, now):
    """A registered member with a national ID, two disability types and health notes."""
    result = register_member(
        db,
        details=MemberDetails(
            title="นาง",
            first_name="บัวผัน",
            last_name="แก้วมูล",
            joined_on=dt.date(2023, 6, 1),
            birth_date=dt.date(1962, 3, 4),
            sex=Sex.FEMALE,
            phone="0891234567",
            house_no="45",
            moo=3,
            village="บ้านป่าเหียง",
            tambon="แจ้ซ้อน",
            amphoe="เมืองปาน",
            province="ลำปาง",
            postcode="52240",
            caregiver_name="นายแก้ว แก้วมูล",
            caregiver_relation="บุตร",
        ),
        sensitive=SensitiveDetails(
            national_id="3100600445635",
            disability_types=frozenset({1, 3}),
            card_expires_on=dt.date(2029, 12, 31),
            health_notes="ความดันสูง ต้องทานยาทุกวัน",
        ),
        by=users["committee"],
        now=now,
    ).member
    db.commit()
    return result


FORM = {
    "step": "review",
    "title": "นาย",
    "first_name": "ทองดี",
    "last_name": "ปัญญาดี",
    "national_id": "๑-๑๐๑๗-๐๐๒๐๓-๔๕-๐",
    "birth_date-day": "5",
    "birth_date-month": "1",
    "birth_date-year": "2500",
    "sex": "male",
    "disability_types": ["3", "2"],
    "card_expires_on-day": "",
    "card_expires_on-month": "",
    "card_expires_on-year": "",
    "health_notes": "",
    "phone": "081 234 5678",
    "house_no": "7",
    "moo": "2",
    "village": "บ้านทุ่งโป่ง",
    "tambon": "แจ้ซ้อน",
    "amphoe": "เมืองปาน",
    "province": "ลำปาง",
    "postcode": "52240",
    "caregiver_name": "",
    "caregiver_relation": "",
    "caregiver_phone": "",
    "occupation": "จักสาน",
    "livelihood": "",
    "joined_on-day": "1",
    "joined_on-month": "10",
    "joined_on-year": "2568",
}


@pytest.fixture
def member_form():
    return dict(FORM)
