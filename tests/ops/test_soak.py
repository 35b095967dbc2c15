"""The load test's machinery, in small: real server, real HTTP, concurrent clients, then proof.

``make soak`` runs the full size (20 clients for 60 s); this runs a few clients for a few
seconds so the suite keeps the soak itself working.
"""

from __future__ import annotations

import pytest

from web.ops.soak import FormReader, run_soak


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
