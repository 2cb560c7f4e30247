"""The package type-checks under mypy --strict ([tool.mypy] in pyproject.toml): no untyped
connections or parameters, and no Any returned where a type is promised."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_package_type_checks_strictly():
    beside_python = Path(sys.executable).with_name("mypy")
    mypy = str(beside_python) if beside_python.exists() else shutil.which("mypy")
    if mypy is None:
        pytest.fail("mypy is missing: install the dev extra")
    result = subprocess.run([mypy], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
