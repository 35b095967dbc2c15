"""Argon2 before the write transaction: its answer holds only for the hash it checked."""

from __future__ import annotations

from sqlalchemy import func, select

from fund.users.models import LoginAttempt
from fund.users.services import authenticate, change_password, check_password, set_active
from tests.conftest import TEST_PASSWORD


def _attempts(db, username: str) -> int:
    return db.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == username)
    )


def test_a_password_checked_beforehand_logs_in_without_writing_anything_first(db, users, now):
    checked = check_password(db, username=" Committee ", password=TEST_PASSWORD)
    assert checked.matches
    assert not db.new and not db.dirty  # the check itself writes nothing
    user = authenticate(
        db,
        username="committee",
        password=TEST_PASSWORD,
        address="10.0.0.1",
        now=now,
        checked=checked,
    )
    assert user is users["committee"]
    assert _attempts(db, "committee") == 0


def test_a_wrong_or_unknown_password_checked_beforehand_is_still_counted(db, users, now):
    for username in ("committee", "nobody"):
        checked = check_password(db, username=username, password="wrong-password-123")
        assert not checked.matches
        assert (
            authenticate(
                db,
                username=username,
                password="wrong-password-123",
                address="10.0.0.1",
                now=now,
                checked=checked,
            )
            is None
        )
        assert _attempts(db, username) == 1


def test_a_check_made_before_the_password_changed_is_not_trusted(db, users, now):
    committee = users["committee"]
    checked = check_password(db, username="committee", password=TEST_PASSWORD)
    change_password(
        db, user=committee, new_password="a-brand-new-secret-2568", now=now, changed_by=committee
    )
    db.flush()
    assert (
        authenticate(
            db,
            username="committee",
            password=TEST_PASSWORD,
            address="10.0.0.1",
            now=now,
            checked=checked,
        )
        is None
    )
    assert _attempts(db, "committee") == 1


def test_a_check_never_lets_in_a_user_disabled_since(db, users, now):
    checked = check_password(db, username="repair", password=TEST_PASSWORD)
    set_active(db, user=users["repair"], active=False, now=now, changed_by=users["admin"])
    db.flush()
    assert (
        authenticate(
            db,
            username="repair",
            password=TEST_PASSWORD,
            address="10.0.0.1",
            now=now,
            checked=checked,
        )
        is None
    )


def test_a_check_for_another_username_is_ignored(db, users, now):
    checked = check_password(db, username="committee", password=TEST_PASSWORD)
    assert (
        authenticate(
            db,
            username="auditor",
            password=TEST_PASSWORD,
            address="10.0.0.1",
            now=now,
            checked=checked,
        )
        is users["auditor"]  # checked again here, for the right user
    )
