"""Deny by default: a view is reachable only if it declares the roles allowed to use it.

A view without a declaration is refused to everyone (a test walks ``app.url_map`` to check
every endpoint's declaration), so forgetting the decorator fails closed, not open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fund.users.models import Role

F = TypeVar("F", bound=Callable)

#: roles that may read the fund's money (auditor reads, never writes)
FUND_READERS = (Role.COMMITTEE, Role.AUDITOR, Role.ADMIN)
EVERYONE = tuple(Role)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Allow only users whose role is in ``allowed``."""

    def decorate(view: F) -> F:
        view._chaeson_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: F) -> F:
    """Reachable without logging in (login page, language switch, health check)."""
    view._chaeson_public = True  # type: ignore[attr-defined]
    return view


def before_enrolment(view: F) -> F:
    """Still usable by a user who must first set up a second factor (the enrolment pages,
    logging out, the session timeout); every other page sends them to enrolment."""
    view._chaeson_before_enrolment = True  # type: ignore[attr-defined]
    return view


def allowed_before_enrolment(view: Callable) -> bool:
    return getattr(view, "_chaeson_before_enrolment", False) or allowed_roles(view) is None


def allowed_roles(view: Callable) -> frozenset[Role] | None:
    """None for a public view; the set of roles otherwise (empty means nobody)."""
    if getattr(view, "_chaeson_public", False):
        return None
    return getattr(view, "_chaeson_roles", frozenset())


def enforce_access():
    """``before_request`` hook: refuse the request unless the endpoint allows this user."""
    if request.endpoint is None:
        return None  # 404/405 follow their own path
    view = current_app.view_functions[request.endpoint]
    needed = allowed_roles(view)
    if needed is None:
        return None
    user = g.get("user")
    if user is None:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if user.role not in needed:
        abort(403)
    if g.get("must_enrol") and not allowed_before_enrolment(view):
        # The admin requires a second factor and this user has none yet: nothing else until then.
        if request.method == "GET":
            return redirect(url_for("auth.second_factor_setup"))
        return render_template(
            "errors/error.html",
            status=403,
            title=_("ต้องตั้งค่าการยืนยันตัวตนสองขั้นตอนก่อน"),
            message=_("ผู้ดูแลระบบกำหนดให้ผู้ดูแลระบบและกรรมการทุกคนต้องใช้การยืนยันตัวตนสองขั้นตอน"),
        ), 403
    return None
