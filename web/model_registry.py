"""Import every model module so ``Base.metadata`` knows every table (Alembic, tests).

Every ``models.py`` under ``fund/`` and ``repair_center/`` is found on its own, so a new area
never has to register here. It lives in ``web`` because only the top layer may know every area.
"""

from __future__ import annotations

import importlib
import pkgutil


def import_all_models() -> None:
    import fund
    import repair_center

    for package in (fund, repair_center):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1] == "models":
                importlib.import_module(info.name)
    importlib.import_module("fund.sequences")


import_all_models()
