from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fund.members.models import Member

_numbers = itertools.count(9000)


@pytest.fixture
def make_member(db, now):
    def make(first_name: str = "บัวผัน", **kwargs) -> Member:
        member = Member(
            member_no=f"T-{next(_numbers):05d}",
            title="นาง",
            first_name=first_name,
            last_name="ใจดี",
            joined_on=dt.date(2024, 1, 1),
            created_at=now,
            **kwargs,
        )
        db.add(member)
        db.flush()
        return member

    return make


@pytest.fixture
def committee(users):
    return users["committee"]
