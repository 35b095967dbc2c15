"""Main-menu entries. Each area registers its own when its views module is imported."""

from __future__ import annotations

from dataclasses import dataclass

from fund.users.models import Role


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object  # a lazy string, translated when rendered
    roles: frozenset[Role]
    order: int


_LINKS: list[NavLink] = []


def register_nav(endpoint: str, label: object, roles: tuple[Role, ...], order: int = 50) -> None:
    if any(link.endpoint == endpoint for link in _LINKS):
        return
    _LINKS.append(NavLink(endpoint, label, frozenset(roles), order))
    _LINKS.sort(key=lambda link: (link.order, link.endpoint))


def nav_links(role: Role) -> list[tuple[str, object]]:
    return [(link.endpoint, link.label) for link in _LINKS if role in link.roles]
