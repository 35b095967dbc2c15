"""Escaping spreadsheet cells against formula injection (CSV and XLSX exports).

A member's name or a memo typed as ``=HYPERLINK("http://…")`` or ``@SUM(…)`` would run as a
formula when a committee member opens the export in Excel or LibreOffice. Every exported text
cell goes through :func:`safe_cell`: text that a spreadsheet would read as a formula gets a
leading apostrophe, which spreadsheets show as plain text. Numbers, dates and plain numeric text
(``-1,234.50``) are left alone, so amounts stay amounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: characters that make a spreadsheet read a cell as a formula (incl. full-width forms)
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would evaluate; then ``"'" + value``."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] not in FORMULA_TRIGGERS:
        return value
    if any(ch.isdigit() for ch in value) and _PLAIN_NUMBER.fullmatch(value):
        return value  # "-1,234.50" is a number, not a formula
    return "'" + value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
