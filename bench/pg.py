"""``make bench-pg``: make (or reuse) the bench database on a PostgreSQL server, then run.

``CHAESON_BENCH_PG_URL`` names the database to use; otherwise ``chaeson_bench`` is created on
``CHAESON_TEST_POSTGRES_URL``'s server. Other arguments go to ``bench/run.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_url() -> str:
    url = os.environ.get("CHAESON_BENCH_PG_URL")
    if not url:
        server = os.environ.get("CHAESON_TEST_POSTGRES_URL")
        if not server:
            raise SystemExit("set CHAESON_BENCH_PG_URL or CHAESON_TEST_POSTGRES_URL")
        url = make_url(server).set(database="chaeson_bench").render_as_string(hide_password=False)
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return url


if __name__ == "__main__":
    from bench.run import main

    sys.exit(main(["--database-url", bench_url(), *sys.argv[1:]]))
