"""The optional second factor for admin and committee logins: an authenticator app's TOTP code.

Rules enforced here (the web layer only shapes input and shows results):

- only the roles that hold money or users (admin, committee) may turn it on;
- the secret is stored encrypted with the data key (as national IDs are) and bound to its user;
- it is switched on only after the user typed a current code from the new authenticator;
- a code is accepted within one 30-second step either side of now, and never twice: the last
  accepted time step is stored and moved forward atomically, so a replayed or raced code fails;
- ten one-time recovery codes stand in for a lost phone; only their keyed hashes are stored;
- turning it off or making new recovery codes needs the password and a current code; an admin
  may reset another user's second factor (a lost phone) but never their own;
- every wrong password or code counts toward the login throttle, and every change is audited;
- with the setting ``security.require_second_factor`` on, admin and committee users without it
  must enrol before they can do anything else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from fund.audit.services import record_audit
from fund.crypto import decrypt, encrypt, lookup_hash
from fund.errors import Conflict, InvalidInput, NotAllowed
from fund.ledger.services import get_setting, set_setting
from fund.money import normalise_digits
from fund.users import totp
from fund.users.models import LoginAttempt, LoginChallenge, RecoveryCode, Role, User
from fund.users.services import authenticate, is_throttled

#: the roles that may (and, when the setting is on, must) use a second factor
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE})
REQUIRE_SETTING = "security.require_second_factor"
#: how long the half-way state between password and code lasts
CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
#: challenges are deleted this long after they began (used or not, they open nothing by then)
CHALLENGE_KEPT_FOR = dt.timedelta(days=1)
RECOVERY_CODE_COUNT = 10
#: no 0/o, 1/l/i: codes are read off paper and typed by hand
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # 31**10 ≈ 2**49.5 guesses, and each wrong one is throttled


def _secret_context(user: User) -> str:
    # Bound to the user: a secret copied into another user's row does not decrypt.
    return f"users.totp_secret:{user.id}"


def _recovery_context(user: User) -> str:
    return f"user_recovery_codes.code:{user.id}"


def may_use_second_factor(user: User) -> bool:
    return user.role in SECOND_FACTOR_ROLES


def _refuse_other_roles(user: User) -> None:
    if not may_use_second_factor(user):
        raise NotAllowed(
            "การยืนยันตัวตนสองขั้นตอนใช้ได้เฉพาะผู้ดูแลระบบและกรรมการกองทุน",
            "The second factor is only for admin and committee users.",
        )


# --------------------------------------------------------------------------- the setting


def second_factor_required(session: Session) -> bool:
    """Whether admin and committee users must have a second factor (off unless an admin says)."""
    return get_setting(session, REQUIRE_SETTING) == "1"


def set_second_factor_required(
    session: Session, *, required: bool, changed_by: User, now: dt.datetime
) -> None:
    """Only an admin may change the rule (the change is audited as a setting change)."""
    if changed_by.role is not Role.ADMIN:
        raise NotAllowed(
            "เฉพาะผู้ดูแลระบบเท่านั้นที่เปลี่ยนการตั้งค่านี้ได้",
            "Only an admin may change this setting.",
        )
    value = "1" if required else "0"
    if get_setting(session, REQUIRE_SETTING) != value:
        set_setting(session, key=REQUIRE_SETTING, value=value, changed_by=changed_by, now=now)


def must_enrol(session: Session, user: User) -> bool:
    """The user must set up a second factor before doing anything else."""
    if not may_use_second_factor(user) or user.has_second_factor:
        return False
    return second_factor_required(session)


# --------------------------------------------------------------------------- enrolment


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the new secret, as text and as an ``otpauth://`` URI."""

    secret: str
    uri: str

    @property
    def groups(self) -> list[str]:
        return totp.group_secret(self.secret)


def begin_enrolment(session: Session, *, user: User, now: dt.datetime) -> Enrolment:
    """Make a new secret for ``user`` to put into an authenticator app (not yet switched on)."""
    _refuse_other_roles(user)
    if user.has_second_factor:
        raise Conflict(
            "เปิดใช้การยืนยันสองขั้นตอนอยู่แล้ว ถ้าจะเปลี่ยนโทรศัพท์ ให้ปิดก่อนแล้วตั้งค่าใหม่",
            "The second factor is already on; to move to a new phone, turn it off and set it up "
            "again.",
        )
    secret = totp.new_secret()
    user.totp_pending_secret = encrypt(secret, context=_secret_context(user))
    session.flush()
    return pending_enrolment(user)


def pending_enrolment(user: User) -> Enrolment | None:
    """The secret waiting for its first code, or None when enrolment has not begun."""
    if user.totp_pending_secret is None or user.has_second_factor:
        return None
    secret = decrypt(user.totp_pending_secret, context=_secret_context(user))
    return Enrolment(secret=secret, uri=totp.provisioning_uri(secret, account=user.username))


def confirm_enrolment(session: Session, *, user: User, code: str, now: dt.datetime) -> list[str]:
    """Switch the second factor on once ``code`` proves the app has the secret.

    Returns the new recovery codes, to be shown once. The confirming code's time step counts as
    used, so the same code cannot also sign in. Every session of the user ends (the caller opens
    a new one for the browser that did this).
    """
    _refuse_other_roles(user)
    enrolment = pending_enrolment(user)
    if enrolment is None:
        raise Conflict(
            "ยังไม่ได้เริ่มตั้งค่า หรือเปิดใช้ไปแล้ว กรุณาเริ่มใหม่จากหน้าบัญชีของฉัน",
            "Set-up has not been started, or is already done; start again from My account.",
        )
    step = totp.matching_step(enrolment.secret, code, now)
    if step is None:
        raise InvalidInput(
            "รหัสไม่ตรงกับแอป ตรวจว่าเพิ่มรหัสลับนี้ในแอปแล้ว และเวลาในโทรศัพท์ถูกต้อง "
            "แล้วกรอกรหัส 6 หลักที่แอปแสดงอยู่ตอนนี้",
            "The code does not match the app. Check that the app has this key and that the "
            "phone's clock is right, then type the 6-digit code the app shows now.",
            field="code",
        )
    user.totp_secret = user.totp_pending_secret
    user.totp_pending_secret = None
    user.totp_enabled_at = now
    user.totp_last_step = step
    # Sessions opened with the password alone (perhaps by whoever prompted this) end now.
    user.session_generation += 1
    codes = _replace_recovery_codes(session, user=user, now=now)
    record_audit(
        session, actor=user, action="user.totp.enable", entity="user", entity_id=user.id, at=now
    )
    return codes


# --------------------------------------------------------------------------- checking codes


def verify_code(session: Session, *, user: User, code: str, now: dt.datetime) -> bool:
    """True when ``code`` is the app's code for now (±1 step) and its step was not used before.

    The step is claimed with one conditional UPDATE, so two requests racing with the same code
    cannot both win, on SQLite or PostgreSQL.
    """
    if not user.has_second_factor:
        return False
    secret = decrypt(user.totp_secret, context=_secret_context(user))
    step = totp.matching_step(secret, code, now)
    if step is None:
        return False
    claimed = session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    user.totp_last_step = step
    return True


def normalise_recovery_code(text: str) -> str:
    """Lower case, Thai digits made ASCII, spaces and dashes dropped."""
    return "".join(ch for ch in normalise_digits(text or "").lower() if ch.isalnum())


def use_recovery_code(session: Session, *, user: User, code: str, now: dt.datetime) -> bool:
    """Spend one unused recovery code (audited with how many are left); False if none matches."""
    if not user.has_second_factor:
        return False
    typed = normalise_recovery_code(code)
    if len(typed) != _RECOVERY_LENGTH:
        return False
    digest = lookup_hash(typed, context=_recovery_context(user))
    row_id = session.scalar(
        select(RecoveryCode.id)
        .where(RecoveryCode.user_id == user.id)
        .where(RecoveryCode.code_hash == digest)
        .where(RecoveryCode.used_at.is_(None))
    )
    if row_id is None:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == row_id)
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        return False
    record_audit(
        session,
        actor=user,
        action="user.totp.recovery_code_used",
        entity="user",
        entity_id=user.id,
        details={"left": recovery_codes_left(session, user)},
        at=now,
    )
    return True


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .where(RecoveryCode.used_at.is_(None))
    )


def _new_recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))


def format_recovery_code(code: str) -> str:
    half = _RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _replace_recovery_codes(session: Session, *, user: User, now: dt.datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(_new_recovery_code())
    ordered = sorted(codes)
    session.add_all(
        RecoveryCode(
            user_id=user.id,
            code_hash=lookup_hash(code, context=_recovery_context(user)),
            created_at=now,
        )
        for code in ordered
    )
    session.flush()
    return [format_recovery_code(code) for code in ordered]


# ------------------------------------------------------------------ changes that need proof


def _record_failure(session: Session, *, user: User, address: str, now: dt.datetime) -> None:
    session.add(LoginAttempt(username=user.username, address=address[:64], attempted_at=now))
    session.flush()


def _prove_password_and_code(
    session: Session, *, user: User, password: str, code: str, address: str, now: dt.datetime
) -> str:
    """Check the password, then a current code or an unused recovery code.

    Each failure is recorded as a failed login (what the throttle counts) before the error is
    raised: the caller commits those records. Returns "totp" or "recovery_code".
    """
    if is_throttled(session, username=user.username, address=address, now=now):
        raise NotAllowed(
            "ลองผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่",
            "Too many wrong tries; wait 15 minutes and try again.",
        )
    if (
        authenticate(session, username=user.username, password=password, address=address, now=now)
        is None
    ):
        raise InvalidInput("รหัสผ่านไม่ถูกต้อง", "The password is not right.", field="password")
    if verify_code(session, user=user, code=code, now=now):
        return "totp"
    if not totp.is_code_shaped(code) and use_recovery_code(session, user=user, code=code, now=now):
        return "recovery_code"
    _record_failure(session, user=user, address=address, now=now)
    raise InvalidInput(
        "รหัสไม่ถูกต้องหรือใช้ไปแล้ว กรุณากรอกรหัส 6 หลักที่แอปแสดงอยู่ตอนนี้ หรือรหัสกู้คืนที่ยังไม่เคยใช้",
        "The code is wrong or already used; type the 6-digit code the app shows now, or an "
        "unused recovery code.",
        field="code",
    )


def disable_second_factor(
    session: Session, *, user: User, password: str, code: str, address: str, now: dt.datetime
) -> None:
    """Turn the user's own second factor off: needs the password and a current code."""
    if not user.has_second_factor:
        raise Conflict("ยังไม่ได้เปิดใช้การยืนยันสองขั้นตอน", "The second factor is not on.")
    used = _prove_password_and_code(
        session, user=user, password=password, code=code, address=address, now=now
    )
    _clear(session, user)
    record_audit(
        session,
        actor=user,
        action="user.totp.disable",
        entity="user",
        entity_id=user.id,
        details={"proved_with": used},
        at=now,
    )


def regenerate_recovery_codes(
    session: Session, *, user: User, password: str, code: str, address: str, now: dt.datetime
) -> list[str]:
    """A new set of recovery codes (the old ones stop working): needs the password and a code."""
    if not user.has_second_factor:
        raise Conflict("ยังไม่ได้เปิดใช้การยืนยันสองขั้นตอน", "The second factor is not on.")
    used = _prove_password_and_code(
        session, user=user, password=password, code=code, address=address, now=now
    )
    codes = _replace_recovery_codes(session, user=user, now=now)
    record_audit(
        session,
        actor=user,
        action="user.totp.recovery_codes",
        entity="user",
        entity_id=user.id,
        details={"proved_with": used},
        at=now,
    )
    return codes


def reset_second_factor(
    session: Session, *, user: User, reset_by: User | None, now: dt.datetime
) -> None:
    """An admin turns off another user's second factor (a lost phone); audited.

    ``reset_by`` None is the server's command line (``chaeson reset-second-factor``), for the one
    admin who lost both phone and recovery codes: whoever runs it holds the database anyway.
    """
    if reset_by is not None and reset_by.role is not Role.ADMIN:
        raise NotAllowed(
            "เฉพาะผู้ดูแลระบบเท่านั้นที่รีเซ็ตการยืนยันสองขั้นตอนของผู้อื่นได้",
            "Only an admin may reset another user's second factor.",
        )
    if reset_by is not None and reset_by.id == user.id:
        raise NotAllowed(
            "รีเซ็ตของตัวเองไม่ได้ ให้ปิดจากหน้าบัญชีของฉันด้วยรหัสผ่านและรหัสจากแอป",
            "You cannot reset your own; turn it off from My account with your password and a code.",
        )
    if not user.has_second_factor and user.totp_pending_secret is None:
        raise Conflict(
            f"{user.username} ยังไม่ได้เปิดใช้การยืนยันสองขั้นตอน",
            f"{user.username} does not have a second factor.",
        )
    _clear(session, user)
    record_audit(
        session,
        actor=reset_by,
        action="user.totp.reset",
        entity="user",
        entity_id=user.id,
        details={"username": user.username},
        at=now,
    )


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()


# --------------------------------------------------------------------------- the half-way login


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_challenge(session: Session, *, user: User, now: dt.datetime) -> str:
    """After a right password: a token for the code page, and for nothing else. Challenges
    older than a day go at the same time, so the table holds only the last day's logins."""
    session.execute(
        delete(LoginChallenge)
        .where(LoginChallenge.created_at < now - CHALLENGE_KEPT_FOR)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        LoginChallenge(
            token_hash=_token_hash(token),
            user_id=user.id,
            generation=user.session_generation,
            created_at=now,
        )
    )
    session.flush()
    return token


def challenge_user(session: Session, *, token: str, now: dt.datetime) -> User | None:
    """The user a live challenge belongs to; None when unknown, used, expired or void."""
    if not token:
        return None
    row = session.scalar(
        select(LoginChallenge).where(LoginChallenge.token_hash == _token_hash(token))
    )
    if row is None or row.used_at is not None or now - row.created_at > CHALLENGE_LIFETIME:
        return None
    user = session.get(User, row.user_id)
    if (
        user is None
        or not user.is_active
        or row.generation != user.session_generation
        or not user.has_second_factor
    ):
        return None
    return user


def complete_login_challenge(
    session: Session, *, token: str, user: User, code: str, address: str, now: dt.datetime
) -> str | None:
    """Check the second step of a login; returns "totp" or "recovery_code", or None when wrong.

    A wrong code is recorded as a failed login (the throttle counts it); the caller checks
    :func:`fund.users.services.is_throttled` first, as for the password. On success the challenge
    is used up, so the same token cannot finish a second login.
    """
    if verify_code(session, user=user, code=code, now=now):
        used = "totp"
    elif not totp.is_code_shaped(code) and use_recovery_code(
        session, user=user, code=code, now=now
    ):
        used = "recovery_code"
    else:
        _record_failure(session, user=user, address=address, now=now)
        return None
    finished = session.execute(
        update(LoginChallenge)
        .where(LoginChallenge.token_hash == _token_hash(token))
        .where(LoginChallenge.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return used if finished == 1 else None
