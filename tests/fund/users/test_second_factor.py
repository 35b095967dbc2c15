"""The second factor's rules, called directly (no web): enrolment, replay, recovery codes, proof
for changes, admin reset, the login challenge and the "required" setting."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update

from fund.audit.models import AuditEntry
from fund.crypto import DataKeyError
from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.users import second_factor as sf
from fund.users.models import LoginAttempt, LoginChallenge, RecoveryCode, User
from fund.users.services import change_password, set_active
from tests.conftest import TEST_PASSWORD
from tests.fund.users.helpers import code_at, enrol

ADDRESS = "192.0.2.10"


@pytest.fixture
def earlier(now) -> dt.datetime:
    return now - dt.timedelta(minutes=1)


def _actions(db, user: User) -> list[str]:
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == user.id)
            .order_by(AuditEntry.id)
        )
    )


def _failures(db, username: str) -> int:
    return db.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == username)
    )


# --------------------------------------------------------------------------- enrolment


def test_enrolment_switches_on_only_after_a_right_code_and_gives_ten_recovery_codes(db, users, now):
    user = users["committee"]
    enrolment = sf.begin_enrolment(db, user=user, now=now)
    assert not user.has_second_factor
    assert enrolment.uri.startswith("otpauth://totp/Chaeson:committee?secret=")
    assert "".join(enrolment.groups) == enrolment.secret
    wrong = f"{(int(code_at(enrolment.secret, now)) + 1) % 10**6:06d}"
    with pytest.raises(InvalidInput) as caught:
        sf.confirm_enrolment(db, user=user, code=wrong, now=now)
    assert caught.value.field == "code"
    assert not user.has_second_factor

    codes = sf.confirm_enrolment(db, user=user, code=code_at(enrolment.secret, now), now=now)
    assert user.has_second_factor and user.totp_enabled_at == now
    assert len(codes) == 10 == len(set(codes))
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    assert sf.recovery_codes_left(db, user) == 10
    assert sf.pending_enrolment(user) is None
    assert _actions(db, user)[-1] == "user.totp.enable"


def test_the_confirming_code_cannot_also_sign_in(db, users, now):
    user = users["committee"]
    enrolment = sf.begin_enrolment(db, user=user, now=now)
    code = code_at(enrolment.secret, now)
    sf.confirm_enrolment(db, user=user, code=code, now=now)
    assert not sf.verify_code(db, user=user, code=code, now=now)


def test_enabling_ends_the_sessions_opened_with_the_password_alone(db, users, earlier):
    user = users["admin"]
    before = user.session_generation
    enrol(db, user, earlier)
    assert user.session_generation == before + 1


def test_starting_again_replaces_the_pending_secret(db, users, now):
    user = users["committee"]
    first = sf.begin_enrolment(db, user=user, now=now)
    second = sf.begin_enrolment(db, user=user, now=now)
    assert first.secret != second.secret
    with pytest.raises(InvalidInput):
        sf.confirm_enrolment(db, user=user, code=code_at(first.secret, now), now=now)


@pytest.mark.parametrize("username", ["repair", "auditor"])
def test_other_roles_are_refused(db, users, now, username):
    with pytest.raises(NotAllowed, match="ผู้ดูแลระบบและกรรมการ"):
        sf.begin_enrolment(db, user=users[username], now=now)
    assert users[username].totp_pending_secret is None


def test_enrolling_twice_is_refused(db, users, earlier, now):
    enrol(db, users["committee"], earlier)
    with pytest.raises(Conflict):
        sf.begin_enrolment(db, user=users["committee"], now=now)


# --------------------------------------------------------------------------- secrets at rest


def test_the_secret_is_stored_encrypted_and_bound_to_its_user(db, users, earlier):
    committee, admin = users["committee"], users["admin"]
    secret, codes = enrol(db, committee, earlier)
    row = (
        db.execute(text("SELECT * FROM users WHERE id = :i"), {"i": committee.id}).mappings().one()
    )
    stored = " ".join(str(v) for v in row.values())
    assert secret not in stored and secret.lower() not in stored
    assert row["totp_secret"].startswith("v1.")
    hashes = " ".join(
        db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == committee.id))
    )
    for code in codes:
        assert code not in hashes and code.replace("-", "") not in hashes
    # A secret copied into another user's row does not decrypt there.
    db.execute(
        update(User)
        .where(User.id == admin.id)
        .values(totp_secret=row["totp_secret"], totp_enabled_at=earlier)
    )
    db.expire_all()
    with pytest.raises(DataKeyError):
        sf.verify_code(db, user=db.get(User, admin.id), code="123456", now=earlier)


# ----------------------------------------------------------------- codes: window and replay


def test_a_code_works_once_and_never_again(db, users, earlier, now):
    user = users["committee"]
    secret, _ = enrol(db, user, earlier)
    code = code_at(secret, now)
    assert sf.verify_code(db, user=user, code=code, now=now)
    assert not sf.verify_code(db, user=user, code=code, now=now)
    # Nor later within its window, nor an older step once a newer one was used.
    later = now + dt.timedelta(seconds=30)
    assert not sf.verify_code(db, user=user, code=code, now=later)
    assert sf.verify_code(db, user=user, code=code_at(secret, later), now=later)
    assert not sf.verify_code(db, user=user, code=code_at(secret, later, -1), now=later)


def test_codes_one_step_early_or_late_work_two_steps_do_not(db, users, earlier, now):
    user = users["committee"]
    secret, _ = enrol(db, user, earlier - dt.timedelta(minutes=5))
    assert not sf.verify_code(db, user=user, code=code_at(secret, now, -2), now=now)
    assert sf.verify_code(db, user=user, code=code_at(secret, now, -1), now=now)
    assert not sf.verify_code(db, user=user, code=code_at(secret, now, 2), now=now)
    assert sf.verify_code(db, user=user, code=code_at(secret, now, 1), now=now)


def test_a_replay_racing_with_a_stale_copy_of_the_user_still_fails(db, users, earlier, now):
    """Two requests with the same code: the step is claimed in the database, not in memory."""
    user = users["committee"]
    secret, _ = enrol(db, user, earlier)
    code = code_at(secret, now)
    stale_step = user.totp_last_step
    assert sf.verify_code(db, user=user, code=code, now=now)
    user.totp_last_step = stale_step  # what a request that loaded the user earlier still sees
    assert not sf.verify_code(db, user=user, code=code, now=now)


def test_thai_digits_and_spaces_are_accepted(db, users, earlier, now):
    user = users["committee"]
    secret, _ = enrol(db, user, earlier)
    code = code_at(secret, now)
    thai = code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert sf.verify_code(db, user=user, code=f"{thai[:3]} {thai[3:]}", now=now)


def test_without_a_second_factor_no_code_is_right(db, users, now):
    assert not sf.verify_code(db, user=users["committee"], code="123456", now=now)
    assert not sf.use_recovery_code(db, user=users["committee"], code="abcde-23456", now=now)


# --------------------------------------------------------------------------- recovery codes


def test_a_recovery_code_works_once_and_is_audited_with_what_is_left(db, users, earlier, now):
    user = users["committee"]
    _, codes = enrol(db, user, earlier)
    assert sf.use_recovery_code(db, user=user, code=codes[0], now=now)
    assert not sf.use_recovery_code(db, user=user, code=codes[0], now=now)
    assert sf.recovery_codes_left(db, user) == 9
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.totp.recovery_code_used")
    ).one()
    assert entry.details == {"left": 9}
    # Typed in capitals, without the dash, with spaces, with Thai digits: all the same code.
    typed = codes[1].upper().replace("-", " ").translate(str.maketrans("23456789", "๒๓๔๕๖๗๘๙"))
    assert sf.use_recovery_code(db, user=user, code=typed, now=now)


def test_recovery_codes_belong_to_their_user(db, users, earlier, now):
    _, codes = enrol(db, users["committee"], earlier)
    enrol(db, users["admin"], earlier)
    assert not sf.use_recovery_code(db, user=users["admin"], code=codes[0], now=now)


def test_new_recovery_codes_need_password_and_code_and_void_the_old_ones(db, users, earlier, now):
    user = users["committee"]
    secret, old = enrol(db, user, earlier)
    proof = {"user": user, "address": ADDRESS, "now": now}
    with pytest.raises(InvalidInput) as caught:
        sf.regenerate_recovery_codes(
            db, password="wrong-password-1", code=code_at(secret, now), **proof
        )
    assert caught.value.field == "password"
    with pytest.raises(InvalidInput) as caught:
        sf.regenerate_recovery_codes(db, password=TEST_PASSWORD, code="000000", **proof)
    assert caught.value.field == "code"
    assert _failures(db, "committee") == 2
    new = sf.regenerate_recovery_codes(
        db, password=TEST_PASSWORD, code=code_at(secret, now), **proof
    )
    assert set(new).isdisjoint(old)
    assert not sf.use_recovery_code(db, user=user, code=old[0], now=now)
    assert sf.use_recovery_code(db, user=user, code=new[0], now=now)
    assert "user.totp.recovery_codes" in _actions(db, user)


# --------------------------------------------------------------------------- turning it off


def test_turning_off_needs_the_password_and_a_current_code(db, users, earlier, now):
    user = users["committee"]
    secret, _ = enrol(db, user, earlier)
    proof = {"user": user, "address": ADDRESS, "now": now}
    with pytest.raises(InvalidInput, match="รหัสผ่าน"):
        sf.disable_second_factor(
            db, password="wrong-password-1", code=code_at(secret, now), **proof
        )
    with pytest.raises(InvalidInput):
        sf.disable_second_factor(db, password=TEST_PASSWORD, code="", **proof)
    assert user.has_second_factor
    sf.disable_second_factor(db, password=TEST_PASSWORD, code=code_at(secret, now), **proof)
    assert not user.has_second_factor and user.totp_secret is None
    assert sf.recovery_codes_left(db, user) == 0
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user.totp.disable")).one()
    assert entry.actor_id == user.id and entry.details == {"proved_with": "totp"}


def test_a_recovery_code_can_prove_it_for_turning_off_a_lost_phone(db, users, earlier, now):
    user = users["committee"]
    _, codes = enrol(db, user, earlier)
    sf.disable_second_factor(
        db, user=user, password=TEST_PASSWORD, code=codes[3], address=ADDRESS, now=now
    )
    assert not user.has_second_factor


def test_proof_is_refused_while_throttled(db, users, earlier, now):
    user = users["committee"]
    secret, _ = enrol(db, user, earlier)
    for _ in range(5):
        with pytest.raises(InvalidInput):
            sf.disable_second_factor(
                db, user=user, password=TEST_PASSWORD, code="000000", address=ADDRESS, now=now
            )
    with pytest.raises(NotAllowed, match="15 นาที"):
        sf.disable_second_factor(
            db,
            user=user,
            password=TEST_PASSWORD,
            code=code_at(secret, now),
            address=ADDRESS,
            now=now,
        )
    assert user.has_second_factor


# --------------------------------------------------------------------------- admin reset


def test_an_admin_resets_another_users_second_factor_audited(db, users, earlier, now):
    committee, admin = users["committee"], users["admin"]
    _, codes = enrol(db, committee, earlier)
    sf.reset_second_factor(db, user=committee, reset_by=admin, now=now)
    assert not committee.has_second_factor
    assert not sf.use_recovery_code(db, user=committee, code=codes[0], now=now)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user.totp.reset")).one()
    assert (entry.actor_id, entry.entity_id) == (admin.id, committee.id)


def test_reset_is_refused_for_oneself_for_non_admins_and_when_there_is_nothing(
    db, users, earlier, now
):
    enrol(db, users["admin"], earlier)
    enrol(db, users["committee"], earlier)
    with pytest.raises(NotAllowed, match="ตัวเอง"):
        sf.reset_second_factor(db, user=users["admin"], reset_by=users["admin"], now=now)
    with pytest.raises(NotAllowed):
        sf.reset_second_factor(db, user=users["admin"], reset_by=users["committee"], now=now)
    with pytest.raises(Conflict):
        sf.reset_second_factor(db, user=users["committee2"], reset_by=users["admin"], now=now)
    assert users["admin"].has_second_factor


# --------------------------------------------------------------------------- the setting


def test_the_requirement_is_off_by_default_and_only_an_admin_changes_it(db, users, now):
    assert not sf.second_factor_required(db)
    assert not sf.must_enrol(db, users["committee"])
    with pytest.raises(NotAllowed):
        sf.set_second_factor_required(db, required=True, changed_by=users["committee"], now=now)
    sf.set_second_factor_required(db, required=True, changed_by=users["admin"], now=now)
    assert sf.second_factor_required(db)
    assert sf.must_enrol(db, users["committee"]) and sf.must_enrol(db, users["admin"])
    assert not sf.must_enrol(db, users["repair"]) and not sf.must_enrol(db, users["auditor"])
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "setting.change")).one()
    assert entry.details["key"] == "security.require_second_factor"


def test_an_enrolled_user_need_not_enrol_again(db, users, earlier, now):
    sf.set_second_factor_required(db, required=True, changed_by=users["admin"], now=now)
    enrol(db, users["committee"], earlier)
    assert not sf.must_enrol(db, users["committee"])


# --------------------------------------------------------------------------- the login challenge


def test_a_challenge_names_its_user_for_five_minutes_then_nobody(db, users, earlier, now):
    user = users["committee"]
    enrol(db, user, earlier)
    token = sf.start_login_challenge(db, user=user, now=now)
    assert sf.challenge_user(db, token=token, now=now + dt.timedelta(minutes=4)) is user
    assert sf.challenge_user(db, token=token, now=now + dt.timedelta(minutes=5, seconds=1)) is None
    assert sf.challenge_user(db, token="forged", now=now) is None
    assert sf.challenge_user(db, token="", now=now) is None


def test_challenges_older_than_a_day_are_deleted_at_the_next_login(db, users, earlier, now):
    user = users["committee"]
    enrol(db, user, earlier)
    old = sf.start_login_challenge(db, user=user, now=now - dt.timedelta(days=1, seconds=1))
    recent = sf.start_login_challenge(db, user=user, now=now - dt.timedelta(hours=23))
    sf.start_login_challenge(db, user=user, now=now)
    left = set(db.scalars(select(LoginChallenge.token_hash)))
    assert sf._token_hash(old) not in left
    assert sf._token_hash(recent) in left
    assert len(left) == 2


def test_a_challenge_ends_with_a_password_change_a_reset_or_disabling(db, users, earlier, now):
    user = users["committee"]
    enrol(db, user, earlier)
    token = sf.start_login_challenge(db, user=user, now=now)
    change_password(db, user=user, new_password="another-long-passphrase", now=now, changed_by=user)
    assert sf.challenge_user(db, token=token, now=now) is None
    token = sf.start_login_challenge(db, user=user, now=now)
    sf.reset_second_factor(db, user=user, reset_by=users["admin"], now=now)
    assert sf.challenge_user(db, token=token, now=now) is None
    other = users["committee2"]
    enrol(db, other, earlier)
    token = sf.start_login_challenge(db, user=other, now=now)
    set_active(db, user=other, active=False, now=now, changed_by=users["admin"])
    assert sf.challenge_user(db, token=token, now=now) is None


def test_completing_a_challenge_uses_it_up_and_wrong_codes_are_counted(db, users, earlier, now):
    user = users["committee"]
    secret, codes = enrol(db, user, earlier)
    token = sf.start_login_challenge(db, user=user, now=now)
    args = {"token": token, "user": user, "address": ADDRESS, "now": now}
    assert sf.complete_login_challenge(db, code="000000", **args) is None
    assert sf.complete_login_challenge(db, code="zzzzz-zzzzz", **args) is None
    assert _failures(db, "committee") == 2
    assert sf.complete_login_challenge(db, code=code_at(secret, now), **args) == "totp"
    assert sf.challenge_user(db, token=token, now=now) is None
    token = sf.start_login_challenge(db, user=user, now=now)
    args["token"] = token
    assert sf.complete_login_challenge(db, code=codes[0], **args) == "recovery_code"
