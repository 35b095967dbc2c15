"""Every route denies access unless its role list allows it: walk ``app.url_map``."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from fund.users.models import Role
from web.access import allowed_roles

# Endpoints anyone may reach without logging in. The second step of a login is public in the
# sense that nobody is logged in yet: it shows anything only to a cookie holding a live challenge
# (tests/security/test_second_factor.py walks every other route in that half-way state).
EXPECTED_PUBLIC = {
    "auth.login",
    "auth.set_language",
    "auth.second_factor",
    "auth.recovery_login",
    "healthz",
    "static",
}


def _url_for_rule(rule: Rule) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        values[arg] = 999_999 if converter == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = []
    public = set()
    for endpoint, view in app.view_functions.items():
        roles = allowed_roles(view)
        if roles is None:
            public.add(endpoint)
        elif not roles:
            undeclared.append(endpoint)
    assert undeclared == [], f"views without a role list (refused to all): {undeclared}"
    assert public <= EXPECTED_PUBLIC, f"unexpected public views: {public - EXPECTED_PUBLIC}"


def test_anonymous_is_sent_to_login_or_refused_everywhere_but_public_pages(app):
    client = app.test_client()
    for rule in _rules(app):
        if rule.endpoint in EXPECTED_PUBLIC:
            continue
        url = _url_for_rule(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, (rule, method)
                assert response.headers["Location"].startswith("/login"), rule
            else:
                assert response.status_code in (400, 401), (rule, method, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_role_list_allows(app, login_as, role):
    username = {
        Role.ADMIN: "admin",
        Role.COMMITTEE: "committee",
        Role.REPAIR: "repair",
        Role.AUDITOR: "auditor",
    }[role]
    client = login_as(username)
    for rule in _rules(app):
        if rule.endpoint in EXPECTED_PUBLIC or rule.endpoint == "auth.logout":
            continue
        allowed = role in allowed_roles(app.view_functions[rule.endpoint])
        url = _url_for_rule(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # No CSRF token: an allowed POST fails CSRF (400), a forbidden one is refused first.
            response = client.open(url, method=method)
            if allowed:
                assert response.status_code != 403, (role, rule, method)
            else:
                assert response.status_code == 403, (role, rule, method, response.status_code)
