"""Sections other areas add to the member page (savings passbook, loans, welfare, repair jobs).

An area's ``views.py`` calls, at import::

    from web.members.sections import add_member_section
    add_member_section("loans/_member_section.html", loans_for_member_page,
                       roles=FUND_READERS, order=30)

``context(db, member)`` returns a dict (or None to show nothing); the template is included inside
the member page with that dict available as ``section``. Each section template should start with
an ``<h2>`` so the page's headings stay in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fund.members.models import Member
from fund.users.models import Role


@dataclass(frozen=True)
class MemberSection:
    template: str
    context: Callable[[Session, Member], dict[str, Any] | None]
    roles: frozenset[Role]
    order: int = 50


MEMBER_PAGE_SECTIONS: list[MemberSection] = []


def add_member_section(
    template: str,
    context: Callable[[Session, Member], dict[str, Any] | None],
    roles: tuple[Role, ...] | frozenset[Role],
    order: int = 50,
) -> None:
    if any(s.template == template for s in MEMBER_PAGE_SECTIONS):
        return  # views modules may be imported more than once (one app per test)
    MEMBER_PAGE_SECTIONS.append(MemberSection(template, context, frozenset(roles), order))
    MEMBER_PAGE_SECTIONS.sort(key=lambda s: (s.order, s.template))


def sections_for(db: Session, member: Member, role: Role) -> list[tuple[MemberSection, dict]]:
    result = []
    for section in MEMBER_PAGE_SECTIONS:
        if role in section.roles:
            ctx = section.context(db, member)
            if ctx is not None:
                result.append((section, ctx))
    return result
