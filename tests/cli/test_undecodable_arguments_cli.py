"""Arguments and chat lines that are not UTF-8 (Python keeps such bytes as lone surrogates): a usage
error naming the parameter (exit 2), except a path, whose name may be any bytes on Linux."""

from __future__ import annotations

import os

import pytest

from blogster_cli.chatbot.sanitize import sanitise_message
from blogster_cli.errors import InvalidInput

BAD = os.fsdecode(b"\xff")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("docs", "search", f"bad{BAD}utf"), "QUERY is not valid UTF-8 text (see `blogster docs search --help`)"),
        (("chat", "ask", f"x {BAD}"), "TEXT is not valid UTF-8 text (see `blogster chat ask --help`)"),
        (("tui", "--profile", f"p{BAD}"), "--profile is not valid UTF-8 text (see `blogster --help`)"),
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_it(cli, args, named):
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (2, f"error: {named}\n")


def test_a_path_that_is_not_utf8_reaches_the_command(cli, signed_up, tmp_path):
    """`import` reports such a file itself (its name would not survive as a post's source)."""
    post = tmp_path / f"n{BAD}.md"
    post.write_text("---\ntitle: Bytes\n---\nBody.\n", encoding="utf-8")
    result = cli("import", str(post), "--json")
    assert result.exit_code == 1, result.stderr
    assert [f["reason"] for f in result.json()["files"]] == ["its name is not valid UTF-8: rename it"]


def test_a_chat_line_that_is_not_utf8_is_refused_and_the_session_goes_on(cli, signed_up, superuser, monkeypatch):
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)  # typed on a terminal: `chat` needs one
    result = cli("chat", input=f"how {BAD}\n/quit\n")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[1:] == ["you> error: that line is not valid UTF-8 text; type it again", "you> "]
    assert superuser.execute("select count(*) from chatbot_messages").fetchone() == (0,)


def test_a_message_that_is_not_utf8_is_invalid_input():
    with pytest.raises(InvalidInput, match="the message is not valid UTF-8 text"):
        sanitise_message(f"x {BAD}")


def test_a_profile_from_the_environment_that_is_not_utf8_is_a_usage_error(cli):
    """Red team 19: BLOGSTER_PROFILE=$'\\xff' read as a profile nobody logged in to ("not logged in")."""
    result = cli("posts", "list", env={"BLOGSTER_PROFILE": "p\udcff"})
    assert result.exit_code == 2 and result.stderr == "error: BLOGSTER_PROFILE is not valid UTF-8 text\n"


def test_the_studio_says_the_same_without_a_traceback(tmp_path):
    """`blogster tui` takes its own fast path (cli/entry.py), past typer."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "BLOGSTER_HOME": str(tmp_path), "BLOGSTER_PROFILE": "p\udcff"}
    done = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "tui"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (2, "error: BLOGSTER_PROFILE is not valid UTF-8 text\n")
