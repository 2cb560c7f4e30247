"""The layering holds: cli -> services -> repositories -> models/db, and pure content helpers."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    beside_python = Path(sys.executable).with_name("lint-imports")
    lint_imports = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("lint-imports is missing: install the dev extra")
    result = subprocess.run([lint_imports], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_no_session_level_role_changes_anywhere():
    """Checklist 4: roles and settings are only ever set transaction-locally (set_config(..., true))."""
    import re

    session_level = re.compile(r"""["']\s*(re)?set\s+(session\s+)?role\b|set_config\([^)]*,\s*false\)""", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in (REPO / "blogster_cli").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if session_level.search(line)
    ]
    assert offenders == []
