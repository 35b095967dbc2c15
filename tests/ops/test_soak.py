"""The load test's machinery, in small: real server, real HTTP, concurrent clients, then proof.

``make soak`` runs the full size (20 clients for 60 s); this runs a few clients for a few
seconds so the suite keeps the soak itself working.
"""

from __future__ import annotations

import socket
import sys
import threading

import pytest

from web.ops import soak
from web.ops.soak import (
    Client,
    FormReader,
    RequestTimedOut,
    Tally,
    latency_report,
    percentile,
    run_soak,
    spawn_logged,
)


@pytest.mark.slow
def test_a_short_soak_posts_concurrently_with_no_5xx_nothing_lost_or_doubled(
    backend, database_factory
):
    url = None if backend == "sqlite" else database_factory.new_url(backend, migrate=False)
    lines: list[str] = []
    code = run_soak(clients=4, seconds=12, database_url=url, members=24, echo=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "soak passed" in output
    assert "requests/s" in output
    reported = {" ".join(line.split()[:-4]) for line in lines if line.startswith("  ")}
    assert {"login", "deposit form", "deposit"} <= reported, output


def test_a_chatty_server_is_never_stalled_by_its_own_log(tmp_path):
    # The soak used to read the server's output through a pipe only after the clients stopped:
    # after 64 KiB of waitress's queue warnings the server blocked on the write, mid-request.
    chatter = (
        "import sys\nfor i in range(100_000): print('Task queue depth is 12', file=sys.stderr)"
    )
    with (tmp_path / "server.log").open("w") as log:
        child = spawn_logged([sys.executable, "-c", chatter], env={}, log=log)
        assert child.wait(timeout=60) == 0
    assert (tmp_path / "server.log").stat().st_size > 2_000_000  # more than any pipe holds


def test_a_request_left_unanswered_is_reported_as_a_time_out(monkeypatch):
    monkeypatch.setattr(soak, "REQUEST_TIMEOUT", 0.3)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted = []
        threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
        tally = Tally()
        client = Client(f"http://127.0.0.1:{listener.getsockname()[1]}", "committee", tally)
        with pytest.raises(RequestTimedOut, match=r"no answer within 0\.3 s"):
            client.request("/savings/members/1/deposit", {"amount": "1"}, kind="deposit")
        for conn, _addr in accepted:
            conn.close()
    assert tally.timeouts == {"deposit": 1}
    assert tally.latencies == {}


def test_the_latency_report_gives_p50_p95_and_max_per_kind_and_the_rates():
    tally = Tally()
    for ms in range(1, 101):
        tally.took("deposit", ms / 1000)
    tally.took("login", 0.25)
    tally.accepted["deposit"] = {f"k{i}": 100 for i in range(40)}
    assert percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 2.0
    assert percentile([1.0], 0.95) == 1.0
    lines = latency_report(tally, elapsed=10.0)
    assert lines[1].split() == ["login", "1", "250", "250", "250"]
    assert lines[2].split() == ["deposit", "100", "50", "95", "100"]
    assert lines[-1].strip() == "101 requests answered in 10.0 s: 10.1 requests/s, 4.0 postings/s"


def test_the_form_reader_submits_what_a_browser_would():
    reader = FormReader("/pay")
    reader.feed(
        """<form method="get" action="/search"><input name="q" value="x"></form>
        <form method="post" action="/pay">
          <input type="hidden" name="csrf_token" value="tok">
          <input type="radio" name="kind" value="a">
          <input type="radio" name="kind" value="b" checked>
          <input type="checkbox" name="agree" value="yes">
          <select name="month"><option value="1">1</option><option value="2" selected>2</option>
          </select>
          <textarea name="memo"></textarea>
          <input type="submit" name="go" value="ส่ง">
        </form>"""
    )
    assert reader.form() == {
        "action": "/pay",
        "fields": {"csrf_token": "tok", "kind": "b", "month": "2", "memo": ""},
    }
