"""What an area's demo step receives. Each area may have a ``demo.py`` with ``DEMO_ORDER`` (an
int; lower runs first) and ``run_demo(ctx: DemoContext) -> None``; ``chaeson demo`` finds them.

Order in use: 10 members' extra data · 20 ledger/savings · 30 loans · 40 welfare · 50 repair.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from fund.members.models import Member
    from fund.users.models import User


@dataclass
class DemoContext:
    session: Session
    rng: random.Random
    #: the moment the demo is loaded (UTC)
    now: dt.datetime
    #: first day of the demo history, and its last day (today)
    start: dt.date
    end: dt.date
    #: demo users by username: admin, committee, committee2, repair, auditor
    users: dict[str, User]
    members: list[Member]
    progress: Callable[[str], None]
    #: lines added to the summary printed at the end
    notes: list[str] = field(default_factory=list)
