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


def test_no_module_is_excused_from_strict_checking():
    """The only mypy override skips the imports of libraries without types or stubs: no module of
    the package has its errors silenced (a disable_error_code block would hide real bugs)."""
    import tomllib

    overrides = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"].get("overrides", [])
    assert [sorted(set(o) - {"module", "ignore_missing_imports"}) for o in overrides] == [[] for _ in overrides]
    modules = [o["module"] if isinstance(o["module"], list) else [o["module"]] for o in overrides]
    assert [name for names in modules for name in names if name.startswith("blogster_cli")] == []
