from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fund.members.models import Member

_numbers = itertools.count(7000)


@pytest.fixture
def member(db, now, users) -> Member:
    m = Member(
        member_no=f"W-{next(_numbers):05d}",
        title="นาย",
        first_name="สมชาย",
        last_name="ใจดี",
        joined_on=dt.date(2024, 1, 1),
        created_at=now,
    )
    db.add(m)
    db.commit()
    return m
