"""Benchmarks of chaeson at scale (not tests: ``make bench`` / ``make bench-pg`` run this).

    python bench/run.py --database-url sqlite:///bench/bench.db --members 5000 --years 10
    python bench/run.py --database-url postgresql+psycopg://…/chaeson_bench --members 50000 …

Loads the scale data into an empty database (``chaeson demo`` bulk mode; reused when already
loaded with the same size), then measures in this order and writes
``bench/results/<backend>-<members>x<years>.json`` and ``bench/results/SUMMARY.md``:

- server time (in-process WSGI, no network) of the member page, passbook, loan page, repair
  queue board, trial balance and meeting-day screen: p50/p95 over ``--requests`` requests each;
- one member's 10-year statement PDF (data + render), and a batch of 1,000 statements over
  processes (``reports.batch.render_each``);
- postings per second through the service layer (savings deposits, one commit each);
- postings per second over HTTP with concurrent clients against ``chaeson serve`` (waitress);
- the meeting-day screen posting 500 members' savings and repayments.

The machine is shared: the load average before and after is recorded with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from web.db import make_engine  # noqa: E402

PASSWORD = "bench-password-2568"  # noqa: S105  (demo users of a throwaway database)
TARGETS = {
    "sqlite": {"page_p95_ms": 100},
    "postgresql": {"page_p95_ms": 150},
    "statement_s": 0.5,
    "batch_1000_s": 120,
    "service_postings_per_s": 500,
    "meeting_500_post_s": 2.0,
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _today() -> dt.date:
    from web.clock import BANGKOK

    return dt.datetime.now(dt.UTC).astimezone(BANGKOK).date()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --------------------------------------------------------------------------- data


def ensure_data(
    url: str, members: int, years: int, result: dict, earlier: dict | None = None
) -> None:
    """Load the scale data, or reuse it. ``earlier``: the last result file's record of how long
    loading took, kept with a reused database (loading 50,000 × 10 takes minutes; the pages can
    be measured again without it)."""
    from fund.ledger.models import JournalLine
    from fund.members.models import Member
    from web.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        have = s.scalar(select(func.count()).select_from(Member))
    if have == members:
        log(f"data already loaded ({have} members): reusing it")
        result["data"] = {"reused": True}
        if earlier:
            result["data"]["earlier_load"] = earlier
    elif have:
        raise SystemExit(f"the bench database has {have} members, not {members}: use a fresh one")
    else:
        from web.perf.bulk import load_bulk

        log(f"loading {members} members × {years} years (bulk)…")
        with Session(engine) as s:
            stats = load_bulk(
                s,
                members=members,
                years=years,
                password=PASSWORD,
                seed=2568,
                now=dt.datetime.now(dt.UTC),
                progress=log,
            )
        result["data"] = {
            "reused": False,
            "load_seconds": round(stats.seconds, 1),
            "bulk_seconds": round(stats.bulk_seconds, 1),
            "loadavg_after": loadavg(),
        }
    with Session(engine) as s:
        result["data"]["journal_lines"] = s.scalar(select(func.count()).select_from(JournalLine))
        result["data"]["members"] = s.scalar(select(func.count()).select_from(Member))
    engine.dispose()


# --------------------------------------------------------------------------- pages


def make_app(url: str, instance: str):
    from web.app import create_app

    return create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance, "TESTING": False}
    )


def login(client, username: str = "committee") -> None:
    page = client.get("/login").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")


def page_targets(url: str, rng: random.Random, n: int) -> dict[str, list[str]]:
    from fund.loans.models import Loan, LoanStatus
    from fund.members.models import Member

    engine = make_engine(url)
    with Session(engine) as s:
        member_ids = list(s.scalars(select(Member.id)))
        loan_ids = list(s.scalars(select(Loan.id).where(Loan.status == LoanStatus.ACTIVE)))
    engine.dispose()
    members = [rng.choice(member_ids) for _ in range(n)]
    loans = [rng.choice(loan_ids) for _ in range(n)] if loan_ids else []
    return {
        "member page": [f"/members/{m}" for m in members],
        "passbook": [f"/savings/members/{m}" for m in members],
        "loan page": [f"/loans/{x}" for x in loans],
        "repair queue board": ["/repair/"] * n,
        "trial balance": ["/ledger/trial-balance"] * n,
        "meeting-day screen": ["/loans/meeting"] * n,
    }


def bench_pages(url: str, instance: str, requests: int, result: dict) -> None:
    app = make_app(url, instance)
    client = app.test_client()
    login(client)
    rng = random.Random(11)
    pages = {}
    for name, urls in page_targets(url, rng, requests).items():
        if not urls:
            pages[name] = {"skipped": "no data"}
            continue
        client.get(urls[0])  # warm
        times = []
        for u in urls:
            t0 = time.perf_counter()
            response = client.get(u)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{u}: HTTP {response.status_code}")
        pages[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(pct(times, 95), 1),
            "max_ms": round(max(times), 1),
            "n": len(times),
            "bytes": len(response.get_data()),
        }
        log(f"{name}: p50 {pages[name]['p50_ms']} ms, p95 {pages[name]['p95_ms']} ms")
    result["pages"] = pages


# --------------------------------------------------------------------------- statements


def bench_statements(url: str, batch: int, workers: int | None, result: dict) -> None:
    from reports.batch import default_workers, render_each
    from reports.statement import statement_pdf
    from web.statements.data import active_members, statement_for

    engine = make_engine(url)
    today = _today()
    with Session(engine) as s:
        members = active_members(s)
        start = dt.date(today.year - 10, today.month, 1)
        member = members[len(members) // 2]
        # warm: fonts and shaping load once per process (a server or batch worker pays it once)
        statement_pdf(statement_for(s, members[0], start=today, end=today, printed_on=today))
        t0 = time.perf_counter()
        data = statement_for(s, member, start=start, end=today, printed_on=today)
        t1 = time.perf_counter()
        pdf = statement_pdf(data)
        t2 = time.perf_counter()
        one = {
            "data_s": round(t1 - t0, 3),
            "render_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3),
            "pages_bytes": len(pdf),
            "savings_rows": len(data.savings.rows) if hasattr(data.savings, "rows") else None,
        }
        log(f"one 10-year statement: {one['total_s']} s")
        # the batch: this month's statements of ``batch`` members, as the meeting prints them
        chosen = members[:batch]
        month_start = today.replace(day=1)
        t0 = time.perf_counter()
        datas = [
            statement_for(s, m, start=month_start, end=today, printed_on=today) for m in chosen
        ]
        t1 = time.perf_counter()
    engine.dispose()
    n_workers = workers or default_workers()
    count = 0
    for _data, _pdf in render_each(datas, workers=n_workers):
        count += 1
    t2 = time.perf_counter()
    result["statements"] = {
        "one_10_year": one,
        "batch": {
            "members": count,
            "workers": n_workers,
            "data_s": round(t1 - t0, 1),
            "render_s": round(t2 - t1, 1),
            "total_s": round(t2 - t0, 1),
        },
    }
    log(f"batch of {count}: {t2 - t0:.1f} s ({n_workers} workers)")


# --------------------------------------------------------------------------- postings


def bench_service_postings(url: str, n: int, result: dict) -> None:
    from fund import txn_cache
    from fund.append import all_or_nothing
    from fund.members.models import Member, MemberStatus
    from fund.savings.models import SavingsKind
    from fund.savings.services import record_deposit
    from fund.users.models import User
    from web.db import Sessions

    engine = make_engine(url)
    rng = random.Random(5)
    # The app's own write sessions: BEGIN IMMEDIATE on SQLite, objects kept across commits.
    with Sessions(engine)(write=True) as s:
        user = s.scalar(select(User).where(User.username == "committee"))
        ids = list(s.scalars(select(Member.id).where(Member.status == MemberStatus.ACTIVE)))
        members = [s.get(Member, rng.choice(ids)) for _ in range(n)]
        today = _today()

        def deposit(member: Member, key: str) -> None:
            record_deposit(
                s,
                member=member,
                amount_satang=rng.randint(1, 50) * 100,
                txn_date=today,
                kind=SavingsKind.EXTRA,
                recorded_by=user,
                now=dt.datetime.now(dt.UTC),
                idempotency_key=f"bench-{key}-{os.getpid()}",
            )

        # Warm-up (statement caches, the account chart), not timed.
        for i, member in enumerate(members[:20]):
            deposit(member, f"warm-{i}")
        s.commit()
        t0 = time.perf_counter()
        for i, member in enumerate(members):
            deposit(member, f"each-{i}")
            s.commit()
        elapsed = time.perf_counter() - t0
        # the same in one transaction, as the meeting day posts: no commit (fsync) per posting,
        # the closed period and settings read once, one savepoint for the whole batch
        t0 = time.perf_counter()
        with s.begin_nested(), txn_cache.batch(s), all_or_nothing(s):
            for i, member in enumerate(members):
                deposit(member, f"one-{i}")
        s.commit()
        batched = time.perf_counter() - t0
    engine.dispose()
    result["service_postings"] = {
        "postings": n,
        "seconds": round(elapsed, 2),
        "per_second": round(n / elapsed, 1),
        "one_transaction_per_second": round(n / batched, 1),
        "note": "savings deposits: claim row, balanced entry, receipt, audit row each",
    }
    floor = _commit_floor(url)
    if floor is not None:
        result["service_postings"]["commit_floor_per_second"] = floor
    log(
        f"service layer: {n / elapsed:.0f} postings/s committing each, "
        f"{n / batched:.0f}/s in one transaction"
        + (f" (a bare one-row commit alone: {floor:.0f}/s)" if floor is not None else "")
    )


def _commit_floor(url: str, n: int = 300) -> float | None:
    """Commits per second of a one-row write with the app's SQLite settings (WAL,
    synchronous=FULL), in a scratch file beside the bench database: the most a posting that
    commits by itself could reach here, whatever the code does."""
    database = make_url(url).database
    if not url.startswith("sqlite") or not database:
        return None
    scratch = Path(database).with_name("commit-floor.db")
    for leftover in scratch.parent.glob(scratch.name + "*"):
        leftover.unlink()
    engine = make_engine(f"sqlite:///{scratch}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
            conn.commit()
            t0 = time.perf_counter()
            for i in range(n):
                conn.exec_driver_sql("INSERT INTO t (n) VALUES (?)", (i,))
                conn.commit()
            return round(n / (time.perf_counter() - t0), 1)
    finally:
        engine.dispose()
        for leftover in scratch.parent.glob(scratch.name + "*"):
            leftover.unlink()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_http_postings(url: str, instance: str, clients: int, seconds: float, result: dict):
    from web.ops.soak import Client

    port = _free_port()
    env = dict(
        os.environ,
        CHAESON_DATABASE_URL=url,
        CHAESON_INSTANCE=instance,
        CHAESON_SECRET_KEY="bench-" + os.urandom(8).hex(),
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "chaeson"),
            "serve",
            "--port",
            str(port),
            "--threads",
            str(max(4, clients)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        engine = make_engine(url)
        from fund.members.models import Member

        with Session(engine) as s:
            ids = list(s.scalars(select(Member.id).limit(2000)))
        engine.dispose()
        accepted, errors, lock = [0], [], threading.Lock()
        stop_at = time.monotonic() + seconds

        def work(no: int) -> None:
            rng = random.Random(no)
            client = Client(base, ("committee", "committee2")[no % 2])
            status, fields = client.form("/login", kind="login")
            fields.update(username=client.username, password=PASSWORD)
            if client.request("/login", fields, kind="login")[0] != 302:
                errors.append("login failed")
                return
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                path = f"/savings/members/{rng.choice(ids)}/deposit"
                status, fields = client.form(path, kind="deposit form")
                if status != 200:
                    errors.append(f"{path}: {status}")
                    continue
                fields.update(
                    amount=str(rng.randint(1, 200)),
                    kind="extra",
                    once=f"bench-http-{no}-{n}-{os.urandom(3).hex()}",
                )
                status, _page = client.request(path, fields, kind="deposit")
                with lock:
                    if status == 302:
                        accepted[0] += 1
                    else:
                        errors.append(f"{path}: HTTP {status}")

        threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)
    result["http_postings"] = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "accepted": accepted[0],
        "per_second": round(accepted[0] / elapsed, 1),
        "errors": len(errors),
        "first_errors": errors[:5],
        "note": "each posting = GET the form + POST it (two requests), waitress, loopback",
    }
    log(f"HTTP, {clients} clients: {accepted[0] / elapsed:.1f} postings/s, {len(errors)} errors")


def bench_meeting_post(url: str, instance: str, n: int, result: dict) -> None:
    """The meeting-day screen posting ``n`` members' savings (and their loans' repayments)."""
    app = make_app(url, instance)
    client = app.test_client()
    login(client)
    # A village's meeting (the one with the most loans being repaid), 500 members on the page.
    moo = _busiest_village(url, n)
    sheet_url = "/loans/meeting?size=500" + (f"&moo={moo}" if moo is not None else "")
    page = client.get(sheet_url).get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    names = re.findall(r'name="((?:s|r)-\d+)"', page)
    keep = set()
    for name in names:
        if name.startswith("s-") and len([k for k in keep if k.startswith("s-")]) >= n:
            continue
        keep.add(name)
    members = {k[2:] for k in keep if k.startswith("s-")}
    data = {k: v for k, v in fields.items() if not re.match(r"(s|r)-\d+$", k)}
    for name in names:
        if name.startswith("s-") and name[2:] in members:
            # Every member pays something, even where this month's saving is already in
            # (the sheet then pre-fills 0): otherwise the post would record next to nothing.
            value = fields.get(name, "")
            data[name] = value if value not in ("", "0", "0.00") else "100.00"
        elif name in keep and name.startswith("r-"):
            data[name] = fields.get(name, "")
        else:
            data[name] = ""
    data["csrf_token"] = token
    repayments = sum(
        1 for k, v in data.items() if k.startswith("r-") and v not in ("", "0", "0.00")
    )
    entries_before = _count_entries(url)
    t0 = time.perf_counter()
    response = client.post(sheet_url, data=data)
    elapsed = time.perf_counter() - t0
    posted = _count_entries(url) - entries_before
    result["meeting_post"] = {
        "members_with_amounts": len(members),
        "repayments": repayments,
        "journal_entries_posted": posted,
        "sheet": sheet_url,
        "status": response.status_code,
        "seconds": round(elapsed, 2),
    }
    log(
        f"meeting-day post for {len(members)} members, {repayments} repayments ({posted} "
        f"entries): {elapsed:.2f} s "
        f"(HTTP {response.status_code})"
    )


def _busiest_village(url: str, at_least: int) -> int | None:
    """The village of ``at_least`` members with the most loans being repaid (None: none)."""
    from fund.loans.models import Loan, LoanStatus
    from fund.members.models import Member, MemberStatus

    engine = make_engine(url)
    try:
        with Session(engine) as s:
            big = (
                select(Member.moo)
                .where(Member.status == MemberStatus.ACTIVE, Member.moo.is_not(None))
                .group_by(Member.moo)
                .having(func.count() >= at_least)
            )
            return s.scalar(
                select(Member.moo)
                .outerjoin(Loan, (Loan.member_id == Member.id) & (Loan.status == LoanStatus.ACTIVE))
                .where(Member.moo.in_(big))
                .group_by(Member.moo)
                .order_by(func.count(Loan.id).desc(), Member.moo)
                .limit(1)
            )
    finally:
        engine.dispose()


def _count_entries(url: str) -> int:
    from fund.ledger.models import JournalEntry

    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return int(s.scalar(select(func.count()).select_from(JournalEntry)))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- report


def verdicts(result: dict) -> dict:
    backend = result["backend"]
    out = {}
    limit = TARGETS[backend]["page_p95_ms"]
    for name, page in result.get("pages", {}).items():
        if "p95_ms" in page:
            out[f"{name} p95 ≤ {limit} ms"] = page["p95_ms"] <= limit
    st = result.get("statements")
    if st:
        out["one 10-year statement ≤ 0.5 s"] = st["one_10_year"]["total_s"] <= 0.5
        out["1,000 statements ≤ 120 s"] = st["batch"]["total_s"] <= 120
    if "service_postings" in result:
        sp = result["service_postings"]
        out["≥ 500 postings/s (service layer, one transaction, as the meeting day posts)"] = (
            sp["one_transaction_per_second"] >= 500
        )
        out["≥ 500 postings/s (service layer, a commit — an fsync — per posting)"] = (
            sp["per_second"] >= 500
        )
    if "meeting_post" in result:
        out["meeting day 500 members posts ≤ 2 s"] = (
            result["meeting_post"]["status"] == 302 and result["meeting_post"]["seconds"] <= 2
        )
    return out


def write_summary(results_dir: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`make bench`, `make bench-pg`).",
        "",
    ]
    for path in sorted(results_dir.glob("*.json")):
        r = json.loads(path.read_text())
        lines += [
            f"## {r['backend']} — {r['members']:,} members × {r['years']} years",
            "",
            f"{r['started']} · {r['machine']} · load average before {r['loadavg_before']}, "
            f"after {r['loadavg_after']} · journal lines "
            f"{r.get('data', {}).get('journal_lines', 0):,}",
            "",
        ]
        if "data" in r and not r["data"].get("reused"):
            lines.append(
                f"- scale data loaded in {r['data']['load_seconds']} s "
                f"(bulk rows {r['data']['bulk_seconds']} s; load average after "
                f"{r['data'].get('loadavg_after')})"
            )
        elif r.get("data", {}).get("earlier_load"):
            e = r["data"]["earlier_load"]
            lines.append(
                f"- scale data reused, loaded by the run of {e['started']} in "
                f"{e['load_seconds']} s (bulk rows {e['bulk_seconds']} s; load average after "
                f"{e.get('loadavg_after')})"
            )
        if "pages" in r:
            lines += ["", "| page | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]
            for name, p in r["pages"].items():
                if "p50_ms" in p:
                    lines.append(f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} |")
            lines.append("")
        if "statements" in r:
            s = r["statements"]
            lines.append(
                f"- one 10-year statement: {s['one_10_year']['total_s']} s "
                f"(data {s['one_10_year']['data_s']} s, PDF {s['one_10_year']['render_s']} s)"
            )
            lines.append(
                f"- {s['batch']['members']} statements: {s['batch']['total_s']} s "
                f"({s['batch']['workers']} workers; data {s['batch']['data_s']} s)"
            )
        if "service_postings" in r:
            sp = r["service_postings"]
            lines.append(
                f"- service layer: {sp['per_second']} postings/s committing each, "
                f"{sp.get('one_transaction_per_second')}/s in one transaction"
                + (
                    f" (a bare one-row commit alone: {sp['commit_floor_per_second']}/s)"
                    if sp.get("commit_floor_per_second")
                    else ""
                )
            )
        if "http_postings" in r:
            h = r["http_postings"]
            lines.append(
                f"- HTTP, {h['clients']} clients: {h['per_second']} postings/s "
                f"({h['errors']} errors)"
            )
        if "meeting_post" in r:
            m = r["meeting_post"]
            lines.append(
                f"- meeting day posting {m['members_with_amounts']} members "
                f"and {m.get('repayments', '?')} repayments: "
                f"{m['seconds']} s (HTTP {m['status']})"
            )
        lines += ["", "| target | met |", "|---|---|"]
        for name, ok in r.get("verdicts", {}).items():
            lines.append(f"| {name} | {'yes' if ok else '**no**'} |")
        lines.append("")
    (results_dir / "SUMMARY.md").write_text("\n".join(lines))


def _earlier_load(path: Path) -> dict | None:
    """How long the last result file's run took to load the data (its own, or carried)."""
    try:
        last = json.loads(path.read_text())
        data, started = last.get("data", {}), last["started"]
    except (OSError, ValueError, KeyError):
        return None
    if not data.get("reused") and "load_seconds" in data:
        keys = ("load_seconds", "bulk_seconds", "loadavg_after")
        return {"started": started, **{k: data.get(k) for k in keys}}
    return data.get("earlier_load")


def main(argv: list[str] | None = None) -> int:
    global PASSWORD  # one run, one database
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--postings", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--http-seconds", type=float, default=20)
    parser.add_argument("--meeting-members", type=int, default=500)
    parser.add_argument(
        "--only",
        default="pages,statements,service,http,meeting",
        help="comma-separated parts to run",
    )
    parser.add_argument("--password", default=PASSWORD, help="the demo users' password")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args(argv)
    PASSWORD = args.password
    url = args.database_url
    backend = make_url(url).get_backend_name()
    only = set(args.only.split(","))
    result = {
        "backend": backend,
        "members": args.members,
        "years": args.years,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
        ),
        "loadavg_before": loadavg(),
    }
    results_dir = Path(args.results)
    out = results_dir / f"{backend}-{args.members}x{args.years}.json"
    with tempfile.TemporaryDirectory(prefix="chaeson-bench-") as instance:
        ensure_data(url, args.members, args.years, result, _earlier_load(out))
        if "pages" in only:
            bench_pages(url, instance, args.requests, result)
        if "statements" in only:
            bench_statements(url, args.batch, args.workers, result)
        if "service" in only:
            bench_service_postings(url, args.postings, result)
        if "http" in only:
            bench_http_postings(url, instance, args.clients, args.http_seconds, result)
        if "meeting" in only:
            bench_meeting_post(url, instance, args.meeting_members, result)
    result["loadavg_after"] = loadavg()
    result["verdicts"] = verdicts(result)
    results_dir.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    write_summary(results_dir)
    log(f"written {out} and {results_dir / 'SUMMARY.md'}")
    for name, ok in result["verdicts"].items():
        log(f"{'MET   ' if ok else 'MISSED'} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
