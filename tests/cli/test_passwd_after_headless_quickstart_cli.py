"""`auth passwd` after a quickstart off a terminal, which made a local account with a generated
password kept in the credential store and said "set your own with: blogster auth passwd".

New-user walk (h408): `auth passwd` then asked for a "Current password:" its user never saw, and
failed "the current password is wrong". The generated password, while it still signs the account
in, is the current one: on a terminal it is said and only the new one asked for; with
--password-stdin one line is the new password (two lines, the current and the new, as ever)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD
from tests.terminal import on_a_terminal

NEW = "an-entirely-new-password"
GENERATED = "default:generated-password"
USING_IT = f"Using the password quickstart generated ('{GENERATED}' in the credential store) as the current one."


def stored(home: Path) -> dict[str, str]:
    kept: dict[str, str] = json.loads((home / "credentials.json").read_text())
    return kept


@pytest.fixture
def local_account(cli, isolated_environment) -> str:
    """What `blogster quickstart` off a terminal makes: `<OS user>@localhost`, its password generated."""
    result = cli("quickstart", "--no-examples", "--json")
    assert result.exit_code == 0, result.stderr
    assert GENERATED in stored(isolated_environment)
    return str(result.json()["email"])


def logs_in(cli, email: str, password: str) -> bool:
    return cli("auth", "login", "--email", email, "--password-stdin", input=f"{password}\n").exit_code == 0


def test_passwd_on_a_terminal_takes_the_generated_password_and_asks_only_the_new_one(
    cli, local_account, isolated_environment
):
    run = on_a_terminal("auth", "passwd", typed=f"{NEW}\n{NEW}\n")
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    assert USING_IT in run.stderr and "Current password" not in run.stderr
    assert "New password: " in run.stderr and "Password changed." in run.stderr
    assert GENERATED not in stored(isolated_environment)  # the new one is the user's, not the store's
    assert logs_in(cli, local_account, NEW)


def test_passwd_password_stdin_takes_one_line_the_new_password_while_the_generated_one_is_kept(
    cli, local_account, isolated_environment
):
    generated = stored(isolated_environment)[GENERATED]
    result = cli("auth", "passwd", "--password-stdin", "--json", input=f"{NEW}\n")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"email": local_account, "password_changed": True}
    assert GENERATED not in stored(isolated_environment)
    assert logs_in(cli, local_account, NEW) and not logs_in(cli, local_account, generated)
    # No generated password any more: one line is refused, two lines are the current and the new.
    alone = cli("auth", "passwd", "--password-stdin", input="a-newer-password-still\n")
    assert alone.exit_code == 2
    assert alone.stderr == "error: expected the current and the new password on two lines\n"
    assert cli("auth", "passwd", "--password-stdin", input=f"{NEW}\na-newer-password-still\n").exit_code == 0


def test_two_lines_still_work_while_the_generated_password_is_kept(cli, local_account, isolated_environment):
    generated = stored(isolated_environment)[GENERATED]
    result = cli("auth", "passwd", "--password-stdin", input=f"{generated}\n{NEW}\n")
    assert result.exit_code == 0, result.stderr
    assert GENERATED not in stored(isolated_environment) and logs_in(cli, local_account, NEW)


def test_a_kept_generated_password_that_no_longer_signs_the_account_in_is_not_used(cli, signed_up):
    from blogster_cli.credentials import CredentialStore

    CredentialStore("default").set("generated-password", "another-accounts-generated-password")
    alone = cli("auth", "passwd", "--password-stdin", input=f"{NEW}\n")
    assert alone.exit_code == 2, alone.stderr
    run = on_a_terminal("auth", "passwd", typed=f"{PASSWORD}\n{NEW}\n{NEW}\n")
    assert run.returncode == 0, run.stderr
    assert "Current password: " in run.stderr and "quickstart generated" not in run.stderr
