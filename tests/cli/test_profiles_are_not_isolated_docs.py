"""Issue 8.15: nothing says the profiles of one OS user are isolated from each other.

On the embedded server they share one credentials store and superuser access (`db dsn`,
`db backup`); README and the help texts say so plainly.
"""

import re

import typer.main

from blogster_cli.cli.app import app
from tests.conftest import REPO_ROOT


def test_readme_says_profiles_share_secrets_and_superuser_access():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Profiles are not isolated.**", 1)[1].split("\n- ", 1)[0]
    for fact in ("one credentials store", "db dsn", "db backup", "superuser"):
        assert fact in " ".join(section.split()), fact
    pattern = r"[^.]*\bprofiles?\b[^.]*\b(isolated|private to|separate[sd]?)\b[^.]*\."
    claims = [match.group(0) for match in re.finditer(pattern, readme, re.I)]
    assert all("not" in claim.lower() or "cannot" in claim.lower() for claim in claims), claims


def test_help_texts_for_profile_and_dsn_say_so():
    command = typer.main.get_command(app)
    profile_help = next(p.help for p in command.params if p.name == "profile")
    assert "not isolated" in profile_help
    dsn_help = command.get_command(None, "db").get_command(None, "dsn").help
    assert "profile" in dsn_help and "not isolated" in dsn_help
