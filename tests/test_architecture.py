"""The domain never imports the web framework (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
    )


def test_import_contracts_hold(project_root):
    result = _lint_imports(project_root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_catch_a_domain_module_importing_flask(project_root, tmp_path):
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("fund", "repair_center", "reports", "web"):
        shutil.copytree(
            project_root / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(project_root / "pyproject.toml", copy / "pyproject.toml")
    (copy / "fund" / "leak.py").write_text("import flask  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "fund.leak" in result.stdout
