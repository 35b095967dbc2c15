"""Load test over real HTTP: concurrent clients post deposits and loan repayments.

``python -m web.ops.soak [--clients 20] [--seconds 60] [--database-url URL]`` builds a fresh
database (SQLite in a temporary folder unless a URL is given), loads demo data, starts
``chaeson serve`` on a free loopback port, and lets each client log in and post, as a person
would: open the form, fill it in, submit. Some submissions are sent twice with the same one-time
key, like a double click. Traffic goes to 127.0.0.1 only and stops by itself at the deadline.

It then checks: no 5xx answer and no request left without an answer for ``REQUEST_TIMEOUT``
seconds; every accepted posting is in the database exactly once (none lost, none doubled by the
resubmissions); the totals agree; ``chaeson check`` is clean. Exit code 0 when all hold. It prints
the latency of each kind of request (p50/p95/max) and the requests and postings per second.

The server's log goes to a file, never to a pipe nobody reads while the clients run: waitress
logs a warning for every request that has to queue, and once a pipe's buffer is full the
server's I/O thread blocks on that write while holding waitress's task queue, so every request
hangs (that was the soak's time-outs).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
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
from typing import IO

from sqlalchemy import text
from sqlalchemy.pool import NullPool

PASSWORD = "soak-test-password-2568"  # noqa: S105  (demo users of a throwaway database)
USERS = ("committee", "committee2")
KEY_PREFIX = "soak-"
#: seconds a client waits for an answer; a request unanswered this long fails the soak
REQUEST_TIMEOUT = 30
#: the kinds of request whose latency is reported, in the order printed
REQUEST_KINDS = ("login", "deposit form", "deposit", "repayment form", "repayment")
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
    #: request kind -> seconds each answered request took, as the client saw it
    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: request kind -> requests that got no answer within REQUEST_TIMEOUT
    timeouts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def took(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)


class RequestTimedOut(Exception):
    """No answer within REQUEST_TIMEOUT seconds."""


class Client:
    def __init__(self, base: str, username: str, tally: Tally | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.username = username
        self.tally = tally if tally is not None else Tally()

    def request(self, path: str, data: dict | None = None, *, kind: str) -> tuple[int, str]:
        """Send one request and note how long the answer took (or that none came)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310  (loopback)
        started = time.monotonic()
        try:
            try:
                with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                    answer = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as err:
                answer = err.code, err.read().decode("utf-8", "replace")
        except (TimeoutError, urllib.error.URLError) as err:
            if isinstance(err, TimeoutError) or isinstance(err.reason, TimeoutError):
                with self.tally.lock:
                    self.tally.timeouts[kind] += 1
                raise RequestTimedOut(
                    f"{'POST' if data is not None else 'GET'} {path}: "
                    f"no answer within {REQUEST_TIMEOUT} s"
                ) from err
            raise
        self.tally.took(kind, time.monotonic() - started)
        return answer

    def form(self, path: str, *, kind: str) -> tuple[int, dict]:
        status, page = self.request(path, kind=kind)
        if status != 200:
            return status, {}
        reader = FormReader(path)
        reader.feed(page)
        return status, reader.form()["fields"]

    def login(self) -> None:
        status, fields = self.form("/login", kind="login")
        fields.update(username=self.username, password=PASSWORD)
        status, _ = self.request("/login", fields, kind="login")
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
    client = Client(base, USERS[client_no % len(USERS)], tally)
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
            status, fields = client.form(path, kind=f"{kind} form")
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
                status, page = client.request(path, fields, kind=kind)
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
        except RequestTimedOut as err:
            with tally.lock:
                tally.errors.append(str(err))
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
        server_log = Path(scratch) / "server.log"
        with server_log.open("w") as log:
            server = spawn_logged(
                [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                env=env,
                log=log,
            )
            try:
                if not _wait_until_up(base, server):
                    echo("the server did not start:\n" + _log_tail(server_log))
                    return 1
                echo(
                    f"{clients} clients for {seconds:.0f} s against {base} "
                    f"({len(member_ids)} members, {len(loan_ids)} active loans)…"
                )
                tally = Tally()
                started = time.monotonic()
                stop_at = started + seconds
                threads = [
                    threading.Thread(
                        target=_work, args=(i, base, stop_at, member_ids, loan_ids, tally, seed)
                    )
                    for i in range(clients)
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=max(0.0, stop_at - time.monotonic()) + REQUEST_TIMEOUT * 3)
                elapsed = time.monotonic() - started
                stuck = sum(t.is_alive() for t in threads)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        problems = list(tally.errors)
        if stuck:
            problems.append(f"{stuck} clients were still waiting when the soak gave up")
        timed_out = sum(tally.timeouts.values())
        if timed_out:
            problems.insert(
                0,
                f"{timed_out} requests got no answer within {REQUEST_TIMEOUT} s "
                f"(time-outs by kind: {dict(tally.timeouts)})",
            )
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
        for line in latency_report(tally, elapsed):
            echo(line)
        if problems:
            echo("SOAK FAILED:")
            for p in problems[:50]:
                echo(f"  - {p}")
            echo("server log (last lines):\n" + _log_tail(server_log))
            return 1
        echo("soak passed: no 5xx, no time-out, nothing lost or doubled, chaeson check clean")
        return 0


def spawn_logged(command: list[str], *, env: dict, log: IO[str]) -> subprocess.Popen:
    """Start ``command`` with its output going to ``log`` (a file), so it can never block on it.

    A pipe read only at the end fills up after 64 KiB; a server writing its log to it then
    stops in the middle of a request (waitress even holds its task queue while it logs).
    """
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                return True
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                return False
            time.sleep(0.2)


def _log_tail(path: Path, lines: int = 20) -> str:
    """The server log's last lines, waitress's one-per-request queue warnings counted, not shown."""
    text_lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    queue = [line for line in text_lines if "Task queue depth" in line]
    rest = [line for line in text_lines if "Task queue depth" not in line]
    tail = rest[-lines:]
    if queue:
        tail.append(f"(and {len(queue)} waitress 'Task queue depth' warnings)")
    return "\n".join(tail)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_report(tally: Tally, elapsed: float) -> list[str]:
    """Per kind of request: count, p50, p95 and max in ms; then requests and postings per second."""
    lines = [f"  {'latency (ms)':<16}{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}"]
    for kind in (*REQUEST_KINDS, *sorted(set(tally.latencies) - set(REQUEST_KINDS))):
        took = tally.latencies.get(kind)
        if not took:
            continue
        p50, p95, top = (
            round(1000 * v) for v in (percentile(took, 0.5), percentile(took, 0.95), max(took))
        )
        lines.append(f"  {kind:<16}{len(took):>6}{p50:>8}{p95:>8}{top:>8}")
    answered = sum(len(v) for v in tally.latencies.values())
    postings = sum(len(v) for v in tally.accepted.values())
    elapsed = max(elapsed, 1e-9)
    lines.append(
        f"  {answered} requests answered in {elapsed:.1f} s: {answered / elapsed:.1f} requests/s, "
        f"{postings / elapsed:.1f} postings/s"
    )
    return lines


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
