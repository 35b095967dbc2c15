from __future__ import annotations

import datetime as dt

import pytest

from fund.members.models import Sex
from fund.members.services import MemberDetails, SensitiveDetails, register_member

VALID_IDS = ["3100600445635", "1101700203450", "5500100000017", "1234567890121"]


@pytest.fixture
def details():
    def make(**overrides) -> MemberDetails:
        values = {
            "title": "นาย",
            "first_name": "สมชาย",
            "last_name": "ใจดี",
            "joined_on": dt.date(2024, 1, 15),
            "birth_date": dt.date(1970, 5, 1),
            "sex": Sex.MALE,
            "phone": "081-234-5678",
            "house_no": "12/3",
            "moo": 2,
            "village": "บ้านทุ่งโป่ง",
            "tambon": "แจ้ซ้อน",
            "amphoe": "เมืองปาน",
            "province": "ลำปาง",
            "postcode": "52240",
        }
        values.update(overrides)
        return MemberDetails(**values)

    return make


@pytest.fixture
def register(db, users, now, details):
    """``register(national_id=..., **details)`` registers a member as the committee."""

    def make(national_id: str | None = "3100600445635", types=(3,), health="", **overrides):
        return register_member(
            db,
            details=details(**overrides),
            sensitive=SensitiveDetails(
                national_id=national_id,
                disability_types=frozenset(types),
                card_expires_on=dt.date(2030, 1, 1),
                health_notes=health,
            ),
            by=users["committee"],
            now=now,
        ).member

    return make
