"""Browser tests: the app served on loopback by waitress, driven by Debian's Chromium.

One server (fresh migrated SQLite file with demo data) and one Chromium per session; each test gets
a fresh browser context, already logged in when it asks for a role (the login is done once per
user and reused through Playwright's storage state).

Without Chromium the tests are skipped with the reason shown, except when
``CHAESON_REQUIRE_BROWSER=1`` (CI): then they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fund.users.models import Role
from fund.users.second_factor import begin_enrolment
from fund.users.services import create_user
from tests.conftest import TEST_PASSWORD
from tests.fund.users.helpers import enrol

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHAESON_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CHAESON_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_MEMBERS = 20  # the ledger demo needs about this many to afford its expenses
#: Extra users some tests change or lock, so the shared demo logins stay usable.
EXTRA_USERS = [
    ("pwchange", "ทดลอง เปลี่ยนรหัส", Role.COMMITTEE),
    ("loginfail", "ทดลอง รหัสผิด", Role.COMMITTEE),
    # second factor: half-way through set-up (the QR page), turned on (the code step, the
    # admin's reset), and one who turns it on in the test
    ("enrolling", "ทดลอง กำลังตั้งค่า", Role.COMMITTEE),
    ("twostep", "ทดลอง สองขั้นตอน", Role.COMMITTEE),
    ("twostep2", "ทดลอง สองขั้นตอนสอง", Role.ADMIN),
    ("enrolme", "ทดลอง เปิดสองขั้นตอน", Role.COMMITTEE),
    # sent to set-up while the admin requires two-step sign-in
    ("mustenrol", "ทดลอง ต้องตั้งค่า", Role.COMMITTEE),
]
#: users whose second factor is on from the start; their secrets are in LiveServer.two_step
TWO_STEP_USERS = ("twostep", "twostep2")


def _missing_browser() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        return (
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHAESON_CHROMIUM)"
        )
    return None


def pytest_collection_modifyitems(config, items):
    missing = _missing_browser()
    for item in items:
        if HERE not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not REQUIRE_BROWSER:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {missing}"))


@dataclass
class LiveServer:
    url: str
    engine: Engine
    _states: dict[str, dict] = field(default_factory=dict)
    #: username -> (TOTP secret, recovery codes) of the users in TWO_STEP_USERS
    two_step: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def session(self) -> Session:
        """A session on the served database, for looking up ids the tests need."""
        return Session(self.engine, expire_on_commit=False)


@pytest.fixture(scope="session")
def live_server(database_factory, tmp_path_factory) -> Iterator[LiveServer]:
    from waitress import create_server

    from web.app import create_app
    from web.db import make_engine
    from web.demo import load_demo

    url = database_factory.new_url("sqlite")
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        load_demo(
            session, members=DEMO_MEMBERS, years=1, password=TEST_PASSWORD, seed=2568, now=now
        )
        extra = {}
        for username, name, role in EXTRA_USERS:
            extra[username] = create_user(
                session,
                username=username,
                display_name=name,
                role=role,
                password=TEST_PASSWORD,
                now=now,
            )
        session.commit()
        begin_enrolment(session, user=extra["enrolling"], now=now)
        session.commit()
        # Turned on two minutes ago: the codes of now and later are all unused.
        two_step = {
            u: enrol(session, extra[u], now - dt.timedelta(minutes=2)) for u in TWO_STEP_USERS
        }
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "browser-tests-only-secret",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        }
    )
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{server.effective_port}", engine=engine, two_step=two_step
        )
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = _missing_browser()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(f"CHAESON_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(f"browser test skipped: {missing}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def login(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real form (by field ids, so it works in either language)."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _watch_errors(page: Page) -> None:
    errors: list[str] = []
    page.chaeson_errors = errors
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """``new_page()`` (logged out) or ``new_page("committee")``: a page in a fresh context."""
    contexts = []

    def make(username: str | None = None) -> Page:
        state = None
        if username is not None:
            if username not in live_server._states:
                ctx = browser.new_context(base_url=live_server.url)
                login(ctx.new_page(), username)
                live_server._states[username] = ctx.storage_state()
                ctx.close()
            state = live_server._states[username]
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="th-TH",
            storage_state=state,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _watch_errors(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A logged-out page."""
    return new_page()
