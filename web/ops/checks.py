"""Running the fund's invariant checks (the ones ``chaeson check`` runs) after a restore or copy.

Each area may expose ``checks(session) -> list[CheckResult]`` in ``fund/<area>/checks.py`` or
``repair_center/<area>/checks.py``. The results are read loosely (``ok``/``passed``, ``name``,
``message``/``detail``) so this keeps working as areas land.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    ok: bool
    message: str = ""


def check_modules() -> list:
    import fund
    import repair_center

    modules = []
    for package in (fund, repair_center):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            name = f"{package.__name__}.{info.name}.checks"
            if info.ispkg and importlib.util.find_spec(name) is not None:
                module = importlib.import_module(name)
                if callable(getattr(module, "checks", None)):
                    modules.append(module)
    return modules


def _outcome(module_name: str, result) -> CheckOutcome:
    ok = getattr(result, "ok", None)
    if ok is None:
        ok = getattr(result, "passed", False)
    name = getattr(result, "name", None) or getattr(result, "title", None) or module_name
    message = (
        getattr(result, "problems", None)
        or getattr(result, "message", None)
        or getattr(result, "detail", None)
        or getattr(result, "details", None)
        or ""
    )
    if isinstance(message, list | tuple):
        message = "; ".join(str(m) for m in message)
    return CheckOutcome(name=str(name), ok=bool(ok), message=str(message))


def run_checks(session: Session) -> list[CheckOutcome]:
    """Every area's invariant checks (what ``chaeson check`` runs), reading through ``session``."""
    try:
        from web.ledger.cli import run_checks as chaeson_check
    except ImportError:  # pragma: no cover - before the ledger's command exists
        chaeson_check = None
    if chaeson_check is not None:
        return [_outcome("chaeson check", r) for r in chaeson_check(session)]
    outcomes = []
    for module in check_modules():
        for result in module.checks(session):
            outcomes.append(_outcome(module.__name__, result))
    return outcomes
