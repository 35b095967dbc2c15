from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from fund.audit.services import record_audit
from fund.errors import DomainError
from fund.users.models import User
from fund.users.second_factor import start_login_challenge
from fund.users.services import (
    authenticate,
    change_password,
    check_password,
    end_session,
    extend_session,
    is_throttled,
    start_session,
)
from web.access import EVERYONE, before_enrolment, public, roles
from web.auth.forms import ChangePasswordForm, LoginForm
from web.clock import now
from web.database import get_db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an attacker's link must not bounce a fresh login elsewhere."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if g.user is not None and request.method == "GET":
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        username = form.username.data
        # Argon2 (half a second by design) runs before the write transaction, which every other
        # writer waits for on SQLite. The throttle is checked before it, so a throttled login
        # costs no Argon2, and again inside the write transaction, where the count is exact.
        checked = None
        with current_app.extensions["chaeson_sessions"](write=False) as reader:
            throttled = is_throttled(reader, username=username, address=address, now=now())
            if not throttled:
                checked = check_password(reader, username=username, password=form.password.data)
        db = get_db()
        if throttled or is_throttled(db, username=username, address=address, now=now()):
            form.form_errors.append(_("ลองเข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่"))
        else:
            user = authenticate(
                db,
                username=username,
                password=form.password.data,
                address=address,
                now=now(),
                checked=checked,
            )
            if user is None:
                db.commit()  # keep the failed attempt: it is what throttling counts
                form.form_errors.append(_("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
            elif user.has_second_factor:
                # Half-way: the cookie holds only a challenge for the code page; no session yet.
                challenge = start_login_challenge(db, user=user, now=now())
                db.commit()
                fresh_cookie(**{CHALLENGE_KEY: challenge})
                return redirect(
                    url_for("auth.second_factor", next=request.args.get("next") or None)
                )
            else:
                return finish_login(db, user)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


#: the Flask-session key of the half-way login's challenge token
CHALLENGE_KEY = "login_challenge"


def fresh_cookie(**values: str) -> None:
    """A new cookie holding only ``values`` (and the chosen language): whatever was fixed in the
    old cookie before this step is worthless after it."""
    lang = session.get("lang")
    session.clear()
    session.update(values)
    if lang:
        session["lang"] = lang


def finish_login(db, user: User, *, second_factor: str | None = None, message: str | None = None):
    """Open the real session (a new token in a new cookie), audit it, go where the user was."""
    token = start_session(db, user=user, now=now())
    record_audit(
        db,
        actor=user,
        action="user.login",
        entity="user",
        entity_id=user.id,
        details={"second_factor": second_factor} if second_factor else None,
        at=now(),
    )
    db.commit()
    fresh_cookie(token=token)
    if message:
        flash(message, "success")  # after the cookie is renewed, or it would be lost with it
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@roles(*EVERYONE)
@before_enrolment
def logout():
    db = get_db()
    token = session.get("token")
    if token:
        end_session(db, token=token, now=now())
        record_audit(
            db, actor=g.user, action="user.logout", entity="user", entity_id=g.user.id, at=now()
        )
        db.commit()
    fresh_cookie()
    flash(_("ออกจากระบบแล้ว"), "success")
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
@public
def set_language(code: str):
    if code in ("th", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account/password", methods=["GET", "POST"])
@roles(*EVERYONE)
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_db()
        user = db.get(User, g.user.id)
        checked = authenticate(
            db,
            username=user.username,
            password=form.current_password.data,
            address=request.remote_addr or "unknown",
            now=now(),
        )
        if checked is None:
            db.commit()
            form.current_password.errors.append(_("รหัสผ่านปัจจุบันไม่ถูกต้อง"))
        else:
            try:
                change_password(
                    db, user=user, new_password=form.new_password.data, now=now(), changed_by=user
                )
            except DomainError as err:
                form.new_password.errors.append(err.message(g.locale))
            else:
                token = start_session(db, user=user, now=now())
                db.commit()
                session["token"] = token
                flash(_("เปลี่ยนรหัสผ่านแล้ว ทุกเครื่องที่เคยเข้าสู่ระบบไว้ถูกออกจากระบบ"), "success")
                return redirect(url_for("home.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


# -- the session timeout warning (WCAG 2.2.1: warn, and let the user extend with one action) ------

WARN_BEFORE_SECONDS = 5 * 60


def _seconds_left(live) -> dict:
    current = now()
    return {
        "seconds_left": max(0, int((live.ends_at - current).total_seconds())),
        "idle_seconds_left": max(0, int((live.idle_ends_at - current).total_seconds())),
        "absolute_seconds_left": max(0, int((live.absolute_ends_at - current).total_seconds())),
        "limit": live.limit,
        "warn_before_seconds": WARN_BEFORE_SECONDS,
    }


@bp.app_context_processor
def _session_timeout_context() -> dict:
    live = g.get("live_session")
    return {"session_timeout": _seconds_left(live) if live is not None else None}


@bp.get("/account/session")
@roles(*EVERYONE)
@before_enrolment
def session_status():
    """How long the session has left; reading this does not count as activity."""
    return jsonify(_seconds_left(g.live_session))


@bp.post("/account/session/extend")
@roles(*EVERYONE)
@before_enrolment
def extend():
    db = get_db()
    live = extend_session(db, token=session.get("token", ""), now=now())
    db.commit()
    if live is None:  # pragma: no cover - load_user already refused a dead session
        abort(401)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(_seconds_left(live))
    flash(_("ต่อเวลาใช้งานแล้ว"), "success")
    return redirect(_safe_next(request.form.get("next")))


from web.auth import second_factor_views  # noqa: E402, F401  (routes on bp)
