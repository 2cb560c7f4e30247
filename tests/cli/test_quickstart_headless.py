"""`blogster quickstart` off a terminal (a script, CI, a container) finishes without any input."""

import getpass
import json
import os
import subprocess
import sys

import pytest


def quickstart(db, home, *args, close_stdin=False):
    environment = {**os.environ, "BLOGSTER_HOME": str(home), "BLOGSTER_DATABASE_URL": db.conninfo}
    environment.pop("BLOGSTER_PASSWORD", None)
    return subprocess.run(
        [sys.executable, "-m", "blogster_cli", *args],
        stdin=None if close_stdin else subprocess.DEVNULL, capture_output=True, text=True, env=environment,
        timeout=180, preexec_fn=(lambda: os.close(0)) if close_stdin else None,
    )  # fmt: skip


@pytest.mark.parametrize("close_stdin", [False, True], ids=["stdin-not-a-tty", "stdin-closed"])
def test_quickstart_without_a_terminal_makes_a_local_account(db, isolated_environment, close_stdin):
    result = quickstart(db, isolated_environment, "quickstart", close_stdin=close_stdin)
    assert result.returncode == 0, result.stderr
    local_email = f"{getpass.getuser()}@localhost"
    assert result.stdout == ""  # what it did is a message, on stderr; --json is its data
    assert local_email in result.stderr
    assert "blogster auth passwd" in result.stderr and "generated" in result.stderr
    assert "help pages (" in result.stderr and "(s)" not in result.stderr
    assert "left out the example posts" in result.stderr  # a server others use: test_quickstart_shared_server_cli
    assert "database already up to date" in result.stderr and "schema" not in result.stderr  # a writer's words
    whoami = quickstart(db, isolated_environment, "auth", "whoami", "--json")
    assert json.loads(whoami.stdout)["email"] == local_email
    credentials = json.loads((isolated_environment / "credentials.json").read_text())
    generated = credentials["default:generated-password"]
    assert len(generated) >= 20 and generated not in result.stdout + result.stderr
    again = quickstart(db, isolated_environment, "quickstart", "--json", close_stdin=close_stdin)
    assert again.returncode == 0 and json.loads(again.stdout)["account_created"] is False


def test_after_logout_quickstart_logs_the_local_account_back_in(db, isolated_environment):
    assert quickstart(db, isolated_environment, "quickstart").returncode == 0
    assert quickstart(db, isolated_environment, "auth", "logout").returncode == 0
    again = quickstart(db, isolated_environment, "quickstart", "--json")
    assert again.returncode == 0, again.stderr
    assert quickstart(db, isolated_environment, "auth", "whoami").returncode == 0
