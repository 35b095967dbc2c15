"""Load test over real HTTP: concurrent clients post deposits and loan repayments.

``python -m web.ops.soak [--clients 20] [--seconds 60] [--database-url URL]`` builds a fresh
database (SQLite in a temporary folder unless a URL is given), loads demo data, starts
``chaeson serve`` on a free loopback port, and lets each client log in and post, as a person
would: open the form, fill it in, submit. Some submissions are sent twice with the same one-time
key, like a double click. Traffic goes to 127.0.0.1 only and stops by itself at the deadline.

It then checks: no 5xx answer; every accepted posting is in the database exactly once (none
lost, none doubled by the resubmissions); the totals agree; ``chaeson check`` is clean.
Exit code 0 when all hold.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.pool import NullPool

PASSWORD = "soak-test-password-2568"  # noqa: S105  (demo users of a throwaway database)
USERS = ("committee", "committee2")
KEY_PREFIX = "soak-"
#: kind -> (the table holding the business record, its amount column)
RECORD_TABLES = {
    "deposit": ("savings_transactions", "amount_satang"),
    "repayment": ("loan_repayments", "amount_satang"),
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormReader(HTMLParser):
    """The fields of the first POST form on a page, as a browser would submit them."""

    def __init__(self, action_hint: str = "") -> None:
        super().__init__()
        self.action_hint = action_hint
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def form(self) -> dict:
        for f in self.forms:
            if self.action_hint in f["action"] or not f["action"]:
                return f
        raise LookupError(f"no POST form for {self.action_hint!r}")


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    #: kind -> {once key: amount in satang} of postings the server accepted
    accepted: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {} for k in RECORD_TABLES}
    )
    refused: Counter = field(default_factory=Counter)
    resubmitted: int = 0
    #: (kind, status) -> the first refusal's messages, to tell why
    samples: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.username = username

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310  (loopback)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def form(self, path: str) -> tuple[int, dict]:
        status, page = self.request(path)
        if status != 200:
            return status, {}
        reader = FormReader(path)
        reader.feed(page)
        return status, reader.form()["fields"]

    def login(self) -> None:
        status, fields = self.form("/login")
        fields.update(username=self.username, password=PASSWORD)
        status, _ = self.request("/login", fields)
        if status != 302:
            raise RuntimeError(f"login of {self.username} failed: HTTP {status}")


def _messages(page: str) -> str:
    """The error texts of a refused form, without markup."""
    found = re.findall(r'class="[^"]*(?:error|flash)[^"]*"[^>]*>(.*?)</', page, re.S)
    return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)[:300]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chaeson(*args: str, env: dict, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("chaeson")
    command = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "web.cli", *args]
    return subprocess.run(command, env=env, check=check, capture_output=True, text=True, **kwargs)  # noqa: S603


def _targets(url: str) -> tuple[list[int], list[int]]:
    from web.db import make_engine

    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            members = [
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM members WHERE status = 'active' ORDER BY id")
                )
            ]
            loans = [
                r[0] for r in conn.execute(text("SELECT id FROM loans WHERE status = 'active'"))
            ]
    finally:
        engine.dispose()
    return members, loans


def _work(client_no: int, base: str, stop_at: float, members, loans, tally: Tally, seed: int):
    rng = random.Random(seed + client_no)
    client = Client(base, USERS[client_no % len(USERS)])
    try:
        client.login()
    except Exception as err:
        with tally.lock:
            tally.errors.append(f"client {client_no}: {err}")
        return
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        kind = "repayment" if loans and rng.random() < 0.35 else "deposit"
        if kind == "deposit":
            path = f"/savings/members/{rng.choice(members)}/deposit"
        else:
            path = f"/loans/{rng.choice(loans)}/repay"
        try:
            status, fields = client.form(path)
            with tally.lock:
                tally.statuses[status] += 1
            if status != 200:
                continue
            amount = rng.randint(1, 200) * 100  # whole baht, small enough never to overpay
            key = f"{KEY_PREFIX}{client_no}-{n}-{secrets.token_hex(4)}"
            fields.update(amount=f"{amount // 100}", once=key)
            if kind == "deposit":
                fields["kind"] = "extra"  # the monthly saving is once a month; extra is any time
            else:
                # More than is due now is a prepayment: it shortens the loan, any day.
                fields["kind"] = "shorten-term"
            repeats = 2 if rng.random() < 0.1 else 1
            for attempt in range(repeats):
                status, page = client.request(path, fields)
                with tally.lock:
                    tally.statuses[status] += 1
                    if attempt:
                        tally.resubmitted += 1
                    if status == 302:
                        tally.accepted[kind][key] = amount
                    elif status < 500:
                        tally.refused[(kind, status)] += 1
                        tally.samples.setdefault((kind, status), _messages(page))
                    else:
                        tally.errors.append(f"{path}: HTTP {status}")
        except Exception as err:  # a dropped connection is a failure too
            with tally.lock:
                tally.errors.append(f"{path}: {type(err).__name__}: {err}")


def _verify(url: str, tally: Tally) -> list[str]:
    from web.db import make_engine

    problems = []
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            for kind, (table, amount_col) in RECORD_TABLES.items():
                rows = conn.execute(
                    text(
                        f"SELECT idempotency_key, {amount_col} FROM {table} "  # noqa: S608
                        "WHERE idempotency_key LIKE :p"
                    ),
                    {"p": f"{KEY_PREFIX}%"},
                ).all()
                stored = Counter(r[0] for r in rows)
                doubled = [k for k, c in stored.items() if c > 1]
                expected = tally.accepted[kind]
                lost = sorted(set(expected) - set(stored))
                unknown = sorted(set(stored) - set(expected))
                if doubled:
                    problems.append(f"{kind}: {len(doubled)} postings stored twice")
                if lost:
                    problems.append(f"{kind}: {len(lost)} accepted postings missing: {lost[:3]}")
                if unknown:
                    problems.append(f"{kind}: {len(unknown)} stored but never confirmed")
                total = sum(r[1] for r in rows)
                if not lost and not unknown and total != sum(expected.values()):
                    problems.append(f"{kind}: total {total} != accepted {sum(expected.values())}")
    finally:
        engine.dispose()
    return problems


def run_soak(
    *,
    clients: int,
    seconds: float,
    database_url: str | None = None,
    members: int = 24,
    seed: int = 2568,
    echo=print,
) -> int:
    seconds = min(seconds, 600)  # bounded whatever is asked
    with tempfile.TemporaryDirectory(prefix="chaeson-soak-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'soak.db'}"
        env = dict(os.environ)
        env.update(
            CHAESON_DATABASE_URL=url,
            CHAESON_INSTANCE=str(Path(scratch) / "instance"),
            CHAESON_SECRET_KEY=secrets.token_hex(32),
        )
        echo(f"preparing the database ({members} members)…")
        _chaeson("db", "upgrade", env=env)
        demo = _chaeson(
            "demo",
            "--members",
            str(members),
            "--years",
            "1",
            "--password",
            PASSWORD,
            env=env,
            check=False,
        )
        if demo.returncode != 0:
            echo("chaeson demo failed:\n" + demo.stdout[-2000:] + demo.stderr[-2000:])
            return 1
        member_ids, loan_ids = _targets(url)
        if not member_ids:
            echo(demo.stdout + demo.stderr)
            echo("no active members to post to")
            return 1
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        exe = Path(sys.executable).with_name("chaeson")
        server = subprocess.Popen(  # noqa: S603
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        echo("the server did not start")
                        return 1
                    time.sleep(0.2)
            echo(
                f"{clients} clients for {seconds:.0f} s against {base} "
                f"({len(member_ids)} members, {len(loan_ids)} active loans)…"
            )
            tally = Tally()
            stop_at = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=_work, args=(i, base, stop_at, member_ids, loan_ids, tally, seed)
                )
                for i in range(clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=seconds + 120)
        finally:
            server.terminate()
            try:
                _, server_err = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                _, server_err = server.communicate()
        problems = list(tally.errors)
        server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
        if server_errors:
            problems.append(f"{server_errors} answers were 5xx")
        accepted = {k: len(v) for k, v in tally.accepted.items()}
        if sum(accepted.values()) == 0:
            problems.append("no posting was accepted at all")
        problems += _verify(url, tally)
        check = _chaeson("check", "--quiet", env=env, check=False)
        if check.returncode != 0:
            problems.append("chaeson check failed:\n" + check.stdout + check.stderr)
        echo(
            f"requests by status: {dict(sorted(tally.statuses.items()))}; accepted {accepted}; "
            f"refused by the rules {dict(tally.refused)}; resubmitted {tally.resubmitted}"
        )
        for (kind, status), why in tally.samples.items():
            echo(f"  e.g. {kind} refused with {status}: {why}")
        if problems:
            echo("SOAK FAILED:")
            for p in problems[:50]:
                echo(f"  - {p}")
            if server_err:
                echo("server log (last lines):\n" + "\n".join(server_err.splitlines()[-20:]))
            return 1
        echo("soak passed: no 5xx, nothing lost or doubled, chaeson check clean")
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--members", type=int, default=24)
    parser.add_argument("--database-url", default=os.environ.get("CHAESON_SOAK_DATABASE_URL"))
    args = parser.parse_args(argv)
    return run_soak(
        clients=args.clients,
        seconds=args.seconds,
        database_url=args.database_url,
        members=args.members,
    )


if __name__ == "__main__":
    sys.exit(main())
