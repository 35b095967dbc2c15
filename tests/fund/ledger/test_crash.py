"""A process killed (SIGKILL) while posting leaves the books whole: what it acknowledged is
there, nothing is half-posted, and every invariant holds."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.ledger.checks import checks
from fund.ledger.models import JournalEntry, JournalLine, Receipt
from fund.members.models import Member
from fund.savings.models import SavingsTransaction
from tests.conftest import create_treasurer
from web.db import make_engine

NOW = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
BATCH = 5

CHILD = textwrap.dedent(
    """
    import datetime as dt, sys
    from fund.members.models import Member
    from fund.savings.models import SavingsKind
    from fund.savings.services import record_deposit
    from fund.users.models import User
    from web.db import Sessions, make_engine

    url, user_id, member_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    BATCH = int(sys.argv[4])
    sessions = Sessions(make_engine(url))
    now = dt.datetime(2025, 11, 20, 3, tzinfo=dt.UTC)
    batch = 0
    while True:
        with sessions(write=True) as s:
            user, member = s.get(User, user_id), s.get(Member, member_id)
            keys = []
            for n in range(BATCH):
                key = f"crash-{batch}-{n}"
                record_deposit(
                    s, member=member, amount_satang=100 + n, txn_date=dt.date(2025, 11, 20),
                    kind=SavingsKind.EXTRA, recorded_by=user, now=now, idempotency_key=key,
                )
                keys.append(key)
            s.commit()
        print("ACK " + " ".join(keys), flush=True)
        batch += 1
    """
)


def test_sigkill_mid_batch_leaves_acknowledged_posts_and_no_half_posts(
    backend, database_factory, project_root, tmp_path
):
    url = database_factory.new_url(backend)
    engine = make_engine(url)
    with Session(engine) as s:
        user = create_treasurer(s, NOW)
        member = Member(
            member_no="K-0001",
            first_name="บุญมี",
            last_name="ทดสอบ",
            joined_on=dt.date(2024, 1, 1),
            created_at=NOW,
        )
        s.add(member)
        s.commit()
        user_id, member_id = user.id, member.id
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(project_root)}
    errors = (tmp_path / "child.err").open("w")
    child = subprocess.Popen(
        [sys.executable, str(script), url, str(user_id), str(member_id), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        env=env,
        cwd=project_root,
    )
    acknowledged: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while len(acknowledged) < 4 * BATCH and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            if line.startswith("ACK "):
                acknowledged.extend(line.split()[1:])
        # Let it get into the next batch, then kill it without warning.
        time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        errors.close()
    assert len(acknowledged) >= 4 * BATCH, (tmp_path / "child.err").read_text()
    assert child.returncode == -signal.SIGKILL

    engine.dispose()
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            keys = set(s.scalars(select(SavingsTransaction.idempotency_key)))
            assert set(acknowledged) <= keys
            # Whole batches only: a killed transaction left nothing behind.
            assert len(keys) % BATCH == 0
            txns = s.scalar(select(func.count()).select_from(SavingsTransaction))
            assert s.scalar(select(func.count()).select_from(JournalEntry)) == txns
            assert s.scalar(select(func.count()).select_from(JournalLine)) == 2 * txns
            assert sorted(s.scalars(select(Receipt.number))) == list(range(1, txns + 1))
            assert [r.name for r in checks(s) if not r.ok] == []
    finally:
        engine.dispose()
