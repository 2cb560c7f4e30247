"""Questions are asked on stderr and answered on a terminal: stdout holds only the data, off a
terminal a question is a one-line usage error naming what to use instead, and no password is
ever an option's value (visible to everyone in `ps`)."""

from __future__ import annotations

import io
import json
import os
import pty
import sys
import termios
import threading
import time

import pytest

from tests.cli.conftest import PASSWORD, error_message
from tests.terminal import on_a_terminal, readable


def test_signup_on_a_terminal_asks_the_password_twice_on_stderr(cli):
    run = on_a_terminal("auth", "signup", "--email", "ada@example.com", "--json", typed=f"{PASSWORD}\n{PASSWORD}\n")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["email"] == "ada@example.com"  # all of stdout is the JSON
    assert "Password: " in run.stderr and "Repeat for confirmation: " in run.stderr
    assert PASSWORD not in run.stdout + run.stderr


def test_signup_with_two_different_passwords_is_refused(cli):
    run = on_a_terminal("auth", "signup", "--email", "ada@example.com", typed=f"{PASSWORD}\nsomething-else-entirely\n")
    assert (run.returncode, run.stdout) == (2, "")
    assert "error: the two entries differ" in run.stderr


def test_quickstart_again_on_a_terminal_asks_nothing_of_a_logged_in_profile(cli, signed_up):
    run = on_a_terminal("quickstart", typed="")  # nothing typed: a question would read the end of input
    assert run.returncode == 0, run.stderr
    assert "already logged in as ada@example.com" in run.stderr and "Email" not in run.stderr


def test_quickstart_on_a_terminal_asks_the_email_only_when_it_makes_an_account(cli):
    run = on_a_terminal("quickstart", "--no-examples", typed=f"lin@example.com\n{PASSWORD}\n{PASSWORD}\n")
    assert run.returncode == 0, run.stderr
    assert "Email for your account: " in run.stderr and "created account lin@example.com" in run.stderr


def test_passwd_on_a_terminal_writes_nothing_to_stdout(cli, signed_up):
    new = "an-entirely-new-password"
    run = on_a_terminal("auth", "passwd", typed=f"{PASSWORD}\n{new}\n{new}\n")
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    assert "Current password: " in run.stderr and "Password changed." in run.stderr


def test_purge_on_a_terminal_asks_on_stderr_and_prints_only_the_json(cli, signed_up):
    assert cli("posts", "new", "Going for good").exit_code == 0
    run = on_a_terminal("posts", "purge", "going-for-good", "--json", typed="y\n")
    assert run.returncode == 0, run.stderr
    assert [post["slug"] for post in json.loads(run.stdout)] == ["going-for-good"]
    assert "for good? [y/N]: " in run.stderr


def test_admin_purge_answered_no_on_a_terminal_is_aborted(cli, signed_up):
    run = on_a_terminal("admin", "users", "purge", signed_up, typed="\n")  # the default: no
    assert (run.returncode, run.stdout) == (1, "")
    assert "everything it owns? [y/N]: " in run.stderr and "error: aborted" in run.stderr


@pytest.mark.parametrize(
    ("args", "instead"),
    [
        (("auth", "signup", "--email", "lin@example.com"), "--password-stdin or BLOGSTER_PASSWORD"),
        (("auth", "login", "--email", "ada@example.com"), "--password-stdin or BLOGSTER_PASSWORD"),
        (("auth", "passwd"), "--password-stdin"),
        (("admin", "users", "purge", "ada@example.com"), "--yes"),
        (("account", "delete"), "--yes"),
        (("posts", "purge", "some-post"), "--yes"),
        (("newsletter", "smtp-password"), "--password-stdin"),
        (("social", "profiles", "connect", "twitter", "--handle", "ada"), "--token-stdin"),
        (("platforms", "connect", "devto"), "--token-stdin"),
    ],
    ids=lambda value: " ".join(value[:3]) if isinstance(value, tuple) else None,
)
def test_a_question_off_a_terminal_is_a_usage_error_naming_what_to_use(cli, signed_up, args, instead):
    result = cli(*args)
    line = error_message(result, 2)
    assert result.stdout == ""
    assert "not on a terminal" in line and instead in line, line


def test_db_restore_off_a_terminal_names_yes(cli, tmp_path):
    backup = tmp_path / "some.blogster-backup"
    backup.write_text("not read")
    result = cli("db", "restore", str(backup), "--json")
    assert "not on a terminal" in error_message(result, 2) and "--yes" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("auth", "login", "--email", "ada@example.com"),
        ("auth", "signup", "--email", "lin@example.com"),
        ("quickstart", "--email", "lin@example.com"),
        ("admin", "users", "add", "lin@example.com"),
        ("admin", "users", "reset-password", "ada@example.com"),
    ],
    ids=lambda args: " ".join(args[:3]),
)
def test_a_password_option_is_no_more(cli, args):
    result = cli(*args, "--password", PASSWORD)
    assert result.exit_code == 2 and result.stdout == ""
    assert "no such option" in result.stderr.lower() and "--password" in result.stderr


def test_a_secret_is_read_without_echo_and_never_touches_stdout(monkeypatch):
    """Typed after the question (echo already off): nothing comes back to the terminal, and
    the terminal is left echoing again."""
    from blogster_cli.cli import ask

    controller, terminal = pty.openpty()
    stdin = open(terminal, encoding="utf-8", closefd=False)
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    answer: list[str] = []
    asking = threading.Thread(target=lambda: answer.append(ask.secret("Token", instead="use --token-stdin")))
    try:
        asking.start()
        deadline = time.monotonic() + 10
        while termios.tcgetattr(terminal)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.01)
        os.write(controller, b"hunter2\n")
        asking.join(10)
        echoed = os.read(controller, 1024) if readable(controller, 0.2) else b""
        assert termios.tcgetattr(terminal)[3] & termios.ECHO
    finally:
        stdin.close()
        os.close(terminal)
        os.close(controller)
    assert answer == ["hunter2"] and b"hunter2" not in echoed
    assert (stdout.getvalue(), stderr.getvalue()) == ("", "Token: \n")


def test_unblock_takes_a_typed_number_nothing_or_zero_for_none():
    from blogster_cli.cli.unblock import _chosen
    from blogster_cli.errors import InvalidInput

    assert [_chosen(typed) for typed in ("", "0", "2")] == [None, None, 2]
    with pytest.raises(InvalidInput, match="not a suggestion number"):
        _chosen("²")
