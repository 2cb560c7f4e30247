"""The layering holds: cli -> services -> repositories -> models/db, and pure content helpers."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    beside_python = Path(sys.executable).with_name("lint-imports")
    lint_imports = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("lint-imports is missing: install the dev extra")
    environment = {**os.environ, "PYTHONPATH": str(folder)}  # this folder's package, not the installed one
    return subprocess.run([lint_imports, "--no-cache"], cwd=folder, capture_output=True, text=True, env=environment)


def test_import_contracts_are_kept():
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken_contract"),
    [
        (
            "cli/scratch.py",
            "from blogster_cli.repositories import blogs",
            "Front ends never import repositories, db or psycopg",
        ),
        ("workers/scratch.py", "import psycopg", "Front ends never import repositories, db or psycopg"),
        ("services/scratch.py", "import psycopg", "Services never import psycopg"),
        ("tui/scratch.py", "from blogster_cli.db import acting", "Front ends never import repositories, db or psycopg"),
        (
            "analytics/scratch.py",
            "from blogster_cli.tui import app",
            "Analytics helpers are pure: no database, services or front end",
        ),
        ("models/scratch.py", "import rich", "Services, repositories, db and models never import front-end libraries"),
        (
            "services/scratch.py",
            "from blogster_cli.services.blogs import find_own",
            "Use cases import only shared service modules and named compositions",
        ),
    ],
)
def test_a_layer_skipping_import_breaks_a_contract(tmp_path, module, wrong_import, broken_contract):
    """The contracts are not vacuous: one skipping import in a copy of the package fails them."""
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    shutil.copytree(REPO / "blogster_cli", tmp_path / "blogster_cli", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "blogster_cli" / module).write_text(wrong_import + "\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"{broken_contract} BROKEN" in result.stdout, result.stdout[-3000:]


def test_a_shared_service_module_importing_a_use_case_breaks_the_contract(tmp_path):
    """Use cases may import the shared service modules; a shared module may not import a use
    case back (the rule would be inside a use case again)."""
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    shutil.copytree(REPO / "blogster_cli", tmp_path / "blogster_cli", ignore=shutil.ignore_patterns("__pycache__"))
    shared = tmp_path / "blogster_cli" / "services" / "post_steps.py"
    shared.write_text(shared.read_text() + "\nfrom blogster_cli.services import publishing  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Use cases import only shared service modules and named compositions BROKEN" in result.stdout
    assert "blogster_cli.services.post_steps -> blogster_cli.services.publishing" in result.stdout


def test_an_exception_that_no_longer_matches_fails_the_contracts(tmp_path):
    """A named exception cannot outlive its reason: an ignore_imports line that matches no
    import fails the run, in every contract (none lowers the alerting below an error)."""
    import tomllib

    import tomli_w

    settings = tomllib.loads((REPO / "pyproject.toml").read_text())
    contracts = settings["tool"]["importlinter"]["contracts"]
    assert {c.get("unmatched_ignore_imports_alerting", "error") for c in contracts} == {"error"}
    services = next(c for c in contracts if c["name"] == "Services never import psycopg")
    services["ignore_imports"] = [*services.get("ignore_imports", []), "blogster_cli.services.blogs -> psycopg"]
    (tmp_path / "pyproject.toml").write_text(tomli_w.dumps(settings))
    shutil.copytree(REPO / "blogster_cli", tmp_path / "blogster_cli", ignore=shutil.ignore_patterns("__pycache__"))
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "No matches for ignored import blogster_cli.services.blogs -> psycopg" in result.stdout


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
