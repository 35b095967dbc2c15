"""Object-level access: every route, walked from ``app.url_map``, with ids a role may not see.

The role matrix (tests/web/test_access_matrix.py) proves each role reaches only its routes.
This goes one level down, on a database filled by the demo loader plus members made here:

- ids that do not exist give 404 (never a page, never a 500), and bogus POSTs change nothing;
- a child record under another parent's id (a consent of member A under member B) gives 404;
- an anonymised member's former name, phone and national ID appear on no page for any role;
- a member's national ID and health notes appear only to the roles the PDPA policy allows;
- path arguments cannot climb out of their folder.

Every integer argument must be mapped to its table below: a new route with an unmapped id fails
here until someone says which records it shows, so the walk grows as the areas land.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from werkzeug.routing import Rule

from fund.members.national_id import format_national_id
from fund.users.models import Role
from web.access import allowed_roles
from web.ops.facts import read_facts

PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's users
USERNAMES = {
    Role.ADMIN: "admin",
    Role.COMMITTEE: "committee",
    Role.REPAIR: "repair",
    Role.AUDITOR: "auditor",
}
MISSING = 987_654

#: integer URL argument -> the table whose ids it takes
ARG_TABLES = {
    "member_id": "members",
    "loan_id": "loans",
    "app_id": "loan_applications",
    "product_id": "loan_products",
    "consent_id": "member_consents",
    "device_id": "repair_devices",
    "job_id": "repair_jobs",
    "part_id": "repair_parts",
    "provision_id": "repair_provisions",
    "txn_id": "savings_transactions",
    "receipt_id": "receipts",
    "benefit_id": "welfare_benefits",
    "claim_id": "welfare_claims",
    "entry_id": "journal_entries",
    "user_id": "users",
    "account_id": "accounts",
    "donation_id": "welfare_donations",
    "version_id": "welfare_benefit_versions",
    "repayment_id": "loan_repayments",
}
#: the same argument name meaning another table under a URL prefix
PREFIX_ARG_TABLES = {("/repair/loans/", "loan_id"): "repair_device_loans"}
#: values for string/path arguments that try to climb out of their folder
TRAVERSALS = ["../../instance/secret_key", "..%2f..%2finstance%2fsecret_key", "..", "x/../../y"]


def _valid_id(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


ANON = {
    "first_name": "ลำดวนทดสอบลบ",
    "last_name": "ศรีสุขทดสอบ",
    "phone": "0891234567",
}
ANON["national_id"] = _valid_id("110370001234")
SECRET_HEALTH = "เบาหวานระยะท้ายทดสอบความลับ"


def _table_for(rule: Rule, arg: str) -> str:
    for (prefix, name), table in PREFIX_ARG_TABLES.items():
        if name == arg and rule.rule.startswith(prefix):
            return table
    if arg not in ARG_TABLES:
        pytest.fail(f"{rule.rule}: map the id argument {arg!r} to its table in ARG_TABLES")
    return ARG_TABLES[arg]


def _args_in_order(rule: Rule) -> list[str]:
    return re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule.rule)


def _int_args(rule: Rule) -> list[str]:
    return [
        a for a in _args_in_order(rule) if type(rule._converters[a]).__name__ == "IntegerConverter"
    ]


def _str_args(rule: Rule) -> list[str]:
    return [a for a in _args_in_order(rule) if a not in _int_args(rule)]


def _id_rules(app) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static" and _int_args(r)),
        key=lambda r: r.rule,
    )


def _login(app, role: Role):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"username": USERNAMES[role], "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    home = client.get("/").get_data(as_text=True)
    client.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', home).group(1)
    return client


def _build(rule: Rule, values: dict) -> str:
    return rule.build(values, append_unknown=False)[1]


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture
def world(app, db, now, users):
    """One member anonymised and one with sensitive data and a consent, through the services.

    (Not the demo loader: the walk must not depend on every area's demo data being right.)"""
    from fund.members.models import MemberStatus
    from fund.members.sensitive import ConsentGivenBy, ConsentPurpose, LegalBasis
    from fund.members.services import (
        MemberDetails,
        SensitiveDetails,
        anonymise_member,
        change_status,
        record_consent,
        register_member,
    )

    committee = users["committee"]
    joined = dt.date(2024, 6, 1)
    gone = register_member(
        db,
        details=MemberDetails(
            title="นาง",
            first_name=ANON["first_name"],
            last_name=ANON["last_name"],
            joined_on=joined,
            phone=ANON["phone"],
            caregiver_name="ผู้ดูแลทดสอบลบ",
        ),
        sensitive=SensitiveDetails(national_id=ANON["national_id"], health_notes="ทดสอบ"),
        by=committee,
        now=now,
    ).member
    record_consent(
        db,
        member=gone,
        given_by=ConsentGivenBy.MEMBER,
        legal_basis=LegalBasis.CONSENT,
        purposes=[ConsentPurpose.MEMBERSHIP],
        given_on=joined,
        by=committee,
        now=now,
    )
    change_status(
        db,
        member=gone,
        status=MemberStatus.LEFT,
        on=now.date(),
        reason="ย้ายไปอยู่ต่างจังหวัด",
        by=committee,
        now=now,
    )
    anonymise_member(db, member=gone, by=committee, now=now)
    secret_id = _valid_id("310060012345")
    kept = register_member(
        db,
        details=MemberDetails(
            title="นาย", first_name="มั่นคงทดสอบ", last_name="ใจเย็นทดสอบ", joined_on=joined
        ),
        sensitive=SensitiveDetails(
            national_id=secret_id, disability_types=frozenset({3}), health_notes=SECRET_HEALTH
        ),
        by=committee,
        now=now,
    ).member
    consent = record_consent(
        db,
        member=kept,
        given_by=ConsentGivenBy.MEMBER,
        legal_basis=LegalBasis.CONSENT,
        purposes=[ConsentPurpose.MEMBERSHIP, ConsentPurpose.DISABILITY_DATA],
        given_on=joined,
        by=committee,
        now=now,
    )
    db.commit()
    return {
        "anonymised_id": gone.id,
        "kept_id": kept.id,
        "kept_national_id": secret_id,
        "kept_consent_id": consent.id,
    }


def _ids(db, table: str) -> list[int]:
    try:
        return [r[0] for r in db.execute(text(f"SELECT id FROM {table} ORDER BY id LIMIT 3"))]
    except Exception:
        db.rollback()
        return []


def test_every_id_route_gives_404_for_records_that_do_not_exist(app, world, db):
    before = read_facts(db.connection())
    clients = {role: _login(app, role) for role in USERNAMES}
    checked = 0
    for rule in _id_rules(app):
        for arg in _int_args(rule):
            _table_for(rule, arg)  # every id argument is mapped
        allowed = allowed_roles(app.view_functions[rule.endpoint]) or frozenset()
        values = {a: MISSING for a in _int_args(rule)} | {a: "x" for a in _str_args(rule)}
        url = _build(rule, values)
        for role in sorted(allowed):
            client = clients[role]
            for method in _methods(rule):
                data = {"csrf_token": client.csrf} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                assert response.status_code == 404, (role, method, rule.rule, response.status_code)
                checked += 1
    assert checked > 0
    after = read_facts(db.connection())
    changed = {
        t: (before.counts.get(t), n)
        for t, n in after.counts.items()
        if before.counts.get(t) != n and t not in ("user_sessions", "audit_log")
    }
    assert changed == {}, f"bogus requests changed data: {changed}"


def test_a_child_record_is_not_reachable_under_another_parents_id(app, world, db):
    client = _login(app, Role.COMMITTEE)
    checked = 0
    for rule in _id_rules(app):
        ints = _int_args(rule)
        if len(ints) < 2 or Role.COMMITTEE not in (
            allowed_roles(app.view_functions[rule.endpoint]) or ()
        ):
            continue
        parent, child = ints[0], ints[-1]
        parent_table, child_table = _table_for(rule, parent), _table_for(rule, child)
        fk = parent_table.rstrip("s") + "_id" if parent_table != "members" else "member_id"
        rows = db.execute(text(f"SELECT id, {fk} FROM {child_table} ORDER BY id LIMIT 5")).all()
        others = [i for i in _ids(db, parent_table)]
        for child_id, owner in rows:
            stranger = next((o for o in others if o != owner), None)
            if stranger is None:
                continue
            url = _build(rule, {parent: stranger, child: child_id})
            for method in _methods(rule):
                data = {"csrf_token": client.csrf} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked > 0, "no parent/child route was exercised"
    assert (
        db.execute(
            text("SELECT withdrawn_on FROM member_consents WHERE id = :i"),
            {"i": world["kept_consent_id"]},
        ).scalar()
        is None
    )


def _get_urls(app, member_id: int) -> list[tuple[Rule, str]]:
    """Every GET route: those with a member id get ``member_id``; other ids get a real row."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or "GET" not in rule.methods or _str_args(rule):
            continue
        ints = _int_args(rule)
        if ints and "member_id" not in ints:
            continue
        urls.append((rule, _build(rule, {a: member_id for a in ints})))
    return urls


def _forms_of(national_id: str) -> list[str]:
    return [
        national_id,
        format_national_id(national_id),
        " ".join(format_national_id(national_id).split("-")),
    ]


def test_an_anonymised_member_shows_no_personal_data_to_anyone(app, world):
    secrets = [
        ANON["first_name"],
        ANON["last_name"],
        ANON["phone"],
        *_forms_of(ANON["national_id"]),
    ]
    pages = 0
    for role in USERNAMES:
        client = _login(app, role)
        for rule, url in _get_urls(app, world["anonymised_id"]):
            if role not in (allowed_roles(app.view_functions[rule.endpoint]) or ()):
                continue
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
            leaked = [s for s in secrets if s in body]
            assert leaked == [], (role, url, leaked)
            pages += 1
        search = client.get(f"/members/?q={ANON['first_name']}")
        if search.status_code == 200:
            assert ANON["last_name"] not in search.get_data(as_text=True)
    assert pages > 10


def test_national_id_and_health_notes_reach_only_the_roles_the_policy_allows(app, world):
    national_id = world["kept_national_id"]
    for role in USERNAMES:
        client = _login(app, role)
        for rule, url in _get_urls(app, world["kept_id"]):
            if role not in (allowed_roles(app.view_functions[rule.endpoint]) or ()):
                continue
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            if not response.mimetype.startswith("text"):
                continue
            body = response.get_data(as_text=True)
            if role is not Role.COMMITTEE:
                assert not [f for f in _forms_of(national_id) if f in body], (role, url)
                assert SECRET_HEALTH not in body, (role, url)


def test_path_arguments_cannot_climb_out_of_their_folder(app, world):
    clients = {role: _login(app, role) for role in USERNAMES}
    checked = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        strings = _str_args(rule)
        if not strings or "GET" not in rule.methods:
            continue
        allowed = allowed_roles(app.view_functions[rule.endpoint])
        roles_to_try = list(USERNAMES) if allowed is None else sorted(allowed)
        for role in roles_to_try:
            for evil in TRAVERSALS:
                values = {a: evil for a in strings} | {a: 1 for a in _int_args(rule)}
                try:
                    url = _build(rule, values)
                except Exception:
                    continue
                response = clients[role].get(url)
                body = response.get_data()
                assert response.status_code in (400, 403, 404), (role, url, response.status_code)
                assert app.config["SECRET_KEY"].encode() not in body
                checked += 1
    assert checked > 0
