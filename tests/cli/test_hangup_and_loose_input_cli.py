"""Red team 12: a closed terminal (SIGHUP) stops a command as SIGTERM does (the credit: test_generate_cli);
account emails, profile URLs, deep JSON structures and undecodable numbers are refused in one line."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import PASSWORD, error_message
from tests.terminal import asking_for_a_password


@pytest.mark.parametrize(
    "email",
    [
        "e\x1b]52;c;x\x07@example.com",  # OSC 52: writes the clipboard of whoever lists accounts
        "e\x1b[31m@example.com",
        "a b@example.com",
        "a\tb@example.com",
        "a\u202e@example.com",  # a bidi override
        "Ada <ada2@example.com>",
        "a@example.com, b@example.com",
        "a(comment)@example.com",
        "a@example.com.",
        "a@",
        "x@-example.com",  # red team 15: domains that are no host name
        "x@exam_ple.com",
        "x@example.com%0a",
        "\uff58@example.com",  # a fullwidth x: another address's look-alike
    ],
)
def test_signup_and_admin_add_refuse_what_is_not_one_address(cli, signed_up, superuser, email):
    line = error_message(cli("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n"), 2)
    assert "is not an email address" in line and "\x1b" not in line
    assert "is not an email address" in error_message(cli("admin", "users", "add", email), 2)
    assert superuser.execute("select count(*) from auth.users").fetchone()[0] == 1


def test_an_address_outside_ascii_stays_allowed(cli, signed_up):
    added = cli("admin", "users", "add", "zoë@example.com", "--json")
    assert added.exit_code == 0, added.stderr


def test_signup_with_spaces_around_the_address_logs_in_as_the_address_stored(cli, signed_up):
    """Signup trimmed the address it stored but logged in with the one typed: the account was made,
    then 'wrong email or password' (exit 1), and signing up again said it exists."""
    made = cli(
        "--profile",
        "spaced",
        "auth",
        "signup",
        "--email",
        " y30@example.com ",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.stderr
    assert cli("--profile", "spaced", "auth", "whoami", "--json").json()["email"] == "y30@example.com"


def test_a_bare_command_group_into_a_full_disk_is_one_line_exit_8(cli):
    """`blogster posts > /dev/full` printed a traceback (only a broken pipe was caught there)."""
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "posts"], stdout=full, stderr=subprocess.PIPE, text=True
        )  # fmt: skip
    assert (result.returncode, result.stderr) == (8, "error: file system error: no space left on device\n")


def test_a_structure_nested_past_the_parser_is_a_usage_error(cli, signed_up, tmp_path):
    """100k nested `[` printed 'unexpected failure: maximum recursion depth exceeded', exit 1."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    for command in (["create", "poll", "--title", "d"], ["edit", "d"]):
        line = error_message(cli("interactive", *command, "--structure", str(deep)), 2)
        assert line == f"{deep} nests too deeply"
    assert cli("interactive", "list", "--format", "count").stdout == "0\n"
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps({"question": "q?", "options": ["a", "b"]}))
    assert cli("interactive", "create", "poll", "--title", "d", "--structure", str(ok)).exit_code == 0


def test_a_structure_number_python_or_a_browser_cannot_hold_is_a_clear_usage_error(cli, signed_up, tmp_path):
    """A 5,000-digit number showed Python's own message (`use sys.set_int_max_str_digits()`); a calculator
    default of 1e999 (infinity, which JSON cannot hold) reached the database, refused as 'a value is not in
    the expected form'."""
    long = tmp_path / "long.json"
    long.write_text('{"question": "q?", "options": ["a", "b"], "n": ' + "9" * 5000 + "}")
    line = error_message(cli("interactive", "create", "poll", "--title", "d", "--structure", str(long)), 2)
    assert line == f"{long} holds a number of more than 4,300 digits, more than a structure's numbers may have"
    calculator = {"inputs": [{"name": "x", "label": "X", "default": 0}], "formula": "x * 2"}
    for field, number, said in (
        ("default", "1e999", "inputs[0].default must be a number between -1.8e308 and 1.8e308"),
        ("default", "-1e999", "inputs[0].default must be a number between -1.8e308 and 1.8e308"),
        ("formula", '"x * 1e999"', "the formula's numbers must be at most 1.8e308"),
    ):
        huge = tmp_path / "huge.json"
        text = json.dumps(calculator)
        huge.write_text(
            text.replace('"default": 0', f'"default": {number}')
            if field == "default"
            else text.replace('"x * 2"', number)
        )
        result = cli("interactive", "create", "calculator", "--title", "c", "--structure", str(huge))
        assert error_message(result, 2) == f"structure not saved: {said}"
    assert cli("interactive", "list", "--format", "count").stdout == "0\n"


@pytest.mark.parametrize("url", ["https://x/\x1b[31m", "https://x/\x07", "https://x/\u202e", "https://x/a\nb"])
def test_profile_urls_refuse_control_characters(cli, signed_up, url):
    for option in ("--website", "--avatar-url"):
        assert "must be an http:// or https:// URL" in error_message(cli("profile", "update", option, url), 2)
    assert cli("profile", "show", "--json").json()["website"] is None


def test_an_undecodable_number_shows_as_replacement_characters(cli):
    """`'\\udcff\\udcfe' is not a valid int`: Python's escapes of the bytes, not what was typed."""
    line = error_message(cli("posts", "list", "--limit", "\udcff\udcfe"), 2)
    assert "'\ufffd\ufffd' is not a valid int" in line and "\\udc" not in line
    line = error_message(cli("posts", "list", "--limit", "a\\udcff"), 2)  # typed so: shown so
    assert "a\\\\udcff" in line


def test_a_terminal_closed_under_a_prompt_is_a_hangup_not_a_file_error(cli, tmp_path):
    """The kernel's SIGHUP stopped the prompt, then click's newline to the closed terminal failed:
    the process said 'file system error: input/output error' and exited 8."""
    with asking_for_a_password(tmp_path) as asking:
        asking.hang_up()
        assert (asking.process.wait(timeout=60), asking.errors.read_text()) == (129, "Password: \nerror: hangup\n")
