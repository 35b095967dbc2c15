from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "loans_kit", Path(__file__).parents[2] / "fund" / "loans" / "conftest.py"
)
_kit_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_kit_module)
Kit = _kit_module.Kit
assert_books = _kit_module.assert_books
key = _kit_module.key


@pytest.fixture
def kit(db, users, now):
    """Loans built through the services; the books must balance after the test."""
    yield Kit(db, users, now)
    assert_books(db)


@pytest.fixture
def start():
    return dt.date(2025, 9, 1)
