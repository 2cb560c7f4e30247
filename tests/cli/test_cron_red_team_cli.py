"""What a red team running Blogster from cron found: prompts off a terminal, `--json` on
`db dsn`, a path option taking the next option as its value, a stale generated password,
and output on a stdout that is not UTF-8."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from tests.cli.conftest import PASSWORD, error_message
from tests.terminal import on_a_terminal


def test_login_off_a_terminal_without_an_email_says_how_instead_of_prompting(cli, signed_up):
    result = cli("auth", "login", "--json")
    line = error_message(result, 2)
    assert result.stdout == ""
    assert "--email EMAIL --password-stdin" in line and "BLOGSTER_EMAIL" in line and "BLOGSTER_PASSWORD" in line


def test_login_off_a_terminal_uses_blogster_email_and_password(cli, signed_up):
    assert cli("auth", "logout").exit_code == 0
    result = cli("auth", "login", "--json", env={"BLOGSTER_EMAIL": signed_up, "BLOGSTER_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.stderr
    assert result.json()["email"] == signed_up
    assert cli("auth", "whoami", "--json").json()["email"] == signed_up  # the session was stored


def test_login_with_blogster_email_but_no_password_off_a_terminal_is_a_usage_error(cli, signed_up):
    result = cli("auth", "login", env={"BLOGSTER_EMAIL": signed_up})
    assert "--password-stdin" in error_message(result, 2) and result.stdout == ""


def test_login_on_a_terminal_asks_for_the_email_on_stderr_never_stdout(cli, signed_up):
    """stdin a terminal, stdout a pipe (`blogster auth login --json > me.json`): stdout is only the JSON."""
    run = on_a_terminal("auth", "login", "--json", "--password-stdin", typed=f"{signed_up}\n{PASSWORD}\n")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["email"] == signed_up
    assert "Email: " in run.stderr


def test_db_restore_says_on_stderr_never_stdout(tmp_path):
    """The file is read before the question (which names its accounts): one that is no backup is
    refused there, on stderr; the question itself goes to stderr too (test_restore_says_what_it_restores_cli)."""
    backup = tmp_path / "some.blogster-backup"
    backup.write_text("not a backup: refused before any question")
    run = on_a_terminal("db", "restore", str(backup), "--json", typed="n\n")
    assert (run.returncode, run.stdout) == (2, "")
    assert "is not a usable Blogster backup" in run.stderr and "Continue?" not in run.stderr


@pytest.mark.parametrize("args", [("db", "dsn", "--json"), ("--json", "db", "dsn")], ids=["after", "before"])
def test_db_dsn_prints_json_with_either_json_option(cli, db, args):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert set(result.json()) == {"dsn"} and result.json()["dsn"]
    assert cli("db", "dsn").stdout.strip() == result.json()["dsn"]


@pytest.mark.parametrize(
    "args", [("db", "status"), ("db", "migrate", "--dry-run"), ("config", "list"), ("config", "get", "timezone")]
)
def test_db_and_config_data_commands_take_the_global_json(cli, db, args):
    result = cli("--json", *args)
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "export", "--ics", "{}"),
        ("calendar", "import", "--ics", "{}"),
        ("calendar", "feed", "--out", "{}"),
        ("site", "build", "--out", "{}"),
        ("newsletter", "stats", "--from-log", "{}"),
        ("analytics", "report", "--png", "{}"),
        ("posts", "new", "--from", "{}"),
    ],
    ids=lambda args: " ".join(a for a in args if a != "{}"),
)
@pytest.mark.parametrize("value", ["--json", "-x"])
def test_a_path_option_given_an_option_is_a_usage_error(cli, signed_up, tmp_path, monkeypatch, args, value):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = cli(*(value if arg == "{}" else arg for arg in args))
    line = error_message(result, 2)
    assert "looks like an option" in line and f"./{value}" in line, line
    assert list(here.iterdir()) == []  # no file named after the option


def test_a_file_named_like_an_option_is_reachable_as_dot_slash(cli, signed_up, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("calendar", "export", "--ics", "./--json")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "--json").is_file()
    assert cli("posts", "new", "--from", "-", input="---\ntitle: From stdin\n---\nBody.\n").exit_code == 0  # - is stdin


def test_changing_the_password_forgets_the_generated_one_it_replaces(cli, signed_up, isolated_environment):
    from blogster_cli.credentials import CredentialStore

    CredentialStore("default").set("generated-password", PASSWORD)  # as quickstart stores it
    CredentialStore("other").set("generated-password", "another-account-password")
    result = cli("auth", "passwd", "--password-stdin", input=f"{PASSWORD}\nan-entirely-new-password\n")
    assert result.exit_code == 0, result.stderr
    stored = json.loads((isolated_environment / "credentials.json").read_text())
    assert "default:generated-password" not in stored
    assert stored["other:generated-password"] == "another-account-password"  # another account's, still valid


def test_a_stdout_that_cannot_hold_a_character_gets_an_escape_that_keeps_json_valid(monkeypatch):
    from blogster_cli.cli.entry import keep_output_writable

    data = {"title": "Café ☕ 😀 \\u00e9"}
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    keep_output_writable()
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n" + "Café\n")
    sys.stdout.flush()
    text = raw.getvalue().decode("ascii")
    first, second = text.splitlines()
    assert json.loads(first) == data
    assert second == "Caf\\u00e9"


@pytest.mark.same_on_every_server  # the output's encoding is Python's: CI's second pass leaves it out
def test_posts_show_and_list_on_an_ascii_stdout(cli, signed_up):
    made = cli("posts", "new", "Café ☕ crème", "--json")
    assert made.exit_code == 0, made.stderr
    ref = str(made.json()["id"])
    environment = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for args in (["posts", "show", ref, "--json"], ["posts", "list"], ["posts", "show", "no-such-café"]):
        run = subprocess.run(
            [sys.executable, "-m", "blogster_cli", *args], capture_output=True, env=environment, timeout=120
        )
        assert "unexpected failure" not in run.stderr.decode("ascii"), run.stderr
        if args[-1] == "--json":
            assert run.returncode == 0 and json.loads(run.stdout)["title"] == "Café ☕ crème"
        elif args[1] == "list":
            assert run.returncode == 0 and b"Caf\\u00e9" in run.stdout
        else:
            assert run.returncode == 3 and b"no-such-caf\\u00e9" in run.stderr
