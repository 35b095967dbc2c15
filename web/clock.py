"""The one place the web layer reads the clock, so tests can set it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

BANGKOK = ZoneInfo("Asia/Bangkok")


def now() -> dt.datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Thailand (a late-evening entry belongs to the Thai day)."""
    return now().astimezone(BANGKOK).date()
