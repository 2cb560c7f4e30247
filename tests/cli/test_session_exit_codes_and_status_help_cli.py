"""Exit codes scripts rely on, the same across commands: an interactive `chat` is left with exit 0
(a script uses `chat ask`, which exits 10 without a worker; `chat` off a terminal exits 2), and
`doctor` without a reachable server exits 7 as every command does; `crosspost status --help` is the
status command's own help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot_worker import answering_messages

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
CLOSED_PORT_URL = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"


@pytest.fixture
def bot_worker(db, superuser, cli, signed_up) -> Iterator[None]:
    """A worker answering each new user message (tests/bot_worker.py)."""
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    with answering_messages(db, superuser):
        yield


@pytest.fixture
def on_a_terminal(monkeypatch) -> None:
    """What `chat` reads is typed on a terminal (off one it is a usage error: h293 L12)."""
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)


@pytest.mark.parametrize(
    ("typed", "unanswered"),
    [("hello\n", 1), ("hello\nanyone there?\n", 2), ("hello\n/quit\n", 1), ("hello\n/end\n\n\n", 1)],
)
def test_interactive_chat_with_no_worker_says_so_and_is_left_with_exit_0(
    cli, signed_up, on_a_terminal, typed, unanswered
):
    """Leaving a conversation is on purpose (it exited 10, which `chat ask` keeps for scripts)."""
    result = cli("chat", input=typed)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("error: no worker is running to answer") == unanswered
    assert cli("chat", "ask", "and now?").exit_code == 10  # the scripted form says it with its exit code


def test_interactive_chat_that_sent_nothing_answerable_exits_0(cli, signed_up, on_a_terminal):
    assert cli("chat", input="").exit_code == 0
    assert cli("chat", input="\n/quit\n").exit_code == 0
    refused = cli("chat", input="x" * 2001 + "\n")  # refused before any worker is asked: not a missing worker
    assert refused.exit_code == 0 and "2000" in refused.stderr


def test_interactive_chat_answered_by_a_worker_exits_0(cli, bot_worker, on_a_terminal):
    result = cli("chat", input="hello\nhow do I schedule a post for friday?\n")
    assert result.exit_code == 0, result.stderr
    assert "blogster publish" in result.stdout and "error" not in result.stderr


def test_doctor_exits_7_when_the_server_cannot_be_reached(cli):
    result = cli("doctor", "--json", env={"BLOGSTER_DATABASE_URL": CLOSED_PORT_URL})
    assert result.exit_code == 7, result.stderr
    server = {c["name"]: c for c in result.json()}["server"]
    assert server["status"] == "fail" and "cannot connect" in server["detail"]
    text = cli("doctor", env={"BLOGSTER_DATABASE_URL": CLOSED_PORT_URL})
    assert text.exit_code == 7 and "FAIL  server: cannot connect" in text.stdout


def test_doctor_still_exits_1_when_the_server_check_fails_for_another_reason(cli):
    result = cli("doctor", "--json", env={"BLOGSTER_DATABASE_URL": CLOSED_PORT_URL.replace("=1", "=abc")})
    assert result.exit_code == 1, result.stderr
    assert {c["name"]: c["status"] for c in result.json()}["server"] == "fail"


def test_crosspost_status_help_is_the_status_commands_own(cli):
    shown = cli("crosspost", "status", "--help")
    assert shown.exit_code == 0 and shown.stdout.startswith("Usage: blogster crosspost status [OPTIONS] [BLOG]\n")
    assert "--to" not in shown.stdout and "--limit N" in shown.stdout and "--format" in shown.stdout
    assert cli("crosspost", "status", "some-post", "--help").stdout == shown.stdout
    parent = cli("crosspost", "--help")
    assert parent.exit_code == 0 and parent.stdout.startswith("Usage: blogster crosspost [OPTIONS] BLOG\n")
    assert "--to" in parent.stdout
    refused = cli("crosspost", "status", "--to", "devto")
    assert refused.exit_code == 2 and "blogster crosspost status --help" in refused.stderr


def test_sync_status_help_is_the_status_commands_own(cli):
    shown = cli("sync", "status", "--help")
    assert shown.exit_code == 0 and shown.stdout.startswith("Usage: blogster sync status [OPTIONS]\n")


def test_status_is_found_after_options_as_it_is_first(cli, signed_up):
    """`crosspost --json status` is the status command with --json, not a post slugged status."""
    for command in ("crosspost", "sync"):
        listed = cli(command, "--json", "status")
        assert listed.exit_code == 0, listed.stderr
        assert listed.json() == cli(command, "status", "--json").json() == []
    assert cli("crosspost", "--format", "csv", "status").stdout == cli("crosspost", "status", "--format", "csv").stdout
    refused = cli("crosspost", "--to", "devto", "status")  # not a cross-post of a post slugged status
    assert refused.exit_code == 2 and "No such option: --to" in refused.stderr
    literal = cli("crosspost", "--to", "devto", "--", "status", env={"BLOGSTER_DEVTO_TOKEN": "t"})  # a slug
    assert literal.exit_code == 3 and "no post with slug or id 'status'" in literal.stderr, literal.stderr


def test_social_post_due_help_says_your_as_every_command_does(cli):
    shown = cli("social", "post-due", "--help").stdout
    assert "Post your scheduled social posts" in shown and " my " not in shown


def test_after_new_an_unanswered_message_starts_one_conversation_not_one_each(cli, signed_up, superuser, on_a_terminal):
    """/new starts a conversation with the next message; that message is kept when no worker
    answers it, so the one after it belongs to the same conversation."""
    assert cli("chat", input="first\n/new\nsecond\nthird\n").exit_code == 0
    rows = superuser.execute(
        "select count(distinct conversation_id), count(*) from chatbot_messages where role = 'user'"
    ).fetchone()
    assert rows == (2, 3)
