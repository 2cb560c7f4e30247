"""`chat history` takes --format and --limit like every list (h258 item 2: it took only --json): the
table is the conversation as typed, --json/--format json|yaml the conversation with its messages,
csv and count its messages; --limit keeps the last messages; ids is refused (messages have none)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

QUESTIONS = ["How do I schedule a post?", "And how do I tag one?", "=SUM(A1) and, a comma"]


@pytest.fixture
def conversation(cli, signed_up) -> dict:
    for text in QUESTIONS:
        assert cli("chat", "ask", text).exit_code == 10  # kept; no worker answers here
    return cli("chat", "history", "--json").json()


def test_chat_history_takes_the_list_formats(cli, conversation):
    assert [m["content"] for m in conversation["messages"]] == QUESTIONS
    assert cli("chat", "history", "--format", "json").json() == conversation
    assert cli("--json", "chat", "history").json() == conversation
    assert cli("chat", "history", "--format", "count").stdout == "3\n"
    yaml = cli("chat", "history", "--format", "yaml").stdout
    assert yaml.startswith(f"id: {conversation['id']}\n") and yaml.count("content:") == 3

    header, *rows = cli(
        "chat", "history", "--format", "csv", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"}
    ).stdout.splitlines()
    assert header == "created_at,role,intent,confidence,content"
    first = datetime.fromisoformat(conversation["messages"][0]["created_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert rows[0] == f"{first:%Y-%m-%d %H:%M JST},user,,,How do I schedule a post?"
    assert rows[2].endswith(',user,,,"\'=SUM(A1) and, a comma"')  # quoted, and no formula for a spreadsheet

    table = cli("chat", "history", "--format", "table")
    assert table.stdout == "".join(f"you> {q}\n" for q in QUESTIONS) == cli("chat", "history").stdout
    assert table.stderr == f"Conversation {conversation['id']} (active)\n"


def test_chat_history_limit_keeps_the_last_messages(cli, conversation):
    last_two = cli("chat", "history", "--limit", "2", "--json").json()
    assert last_two == {**conversation, "messages": conversation["messages"][-2:]}
    assert cli("chat", "history", "--limit", "1").stdout == f"you> {QUESTIONS[-1]}\n"
    assert cli("chat", "history", "--limit", "0", "--json").json() == conversation
    assert cli("chat", "history", "--limit", "2", "--format", "count").stdout == "2\n"


def test_chat_history_refuses_what_it_cannot_show(cli, conversation):
    for args, message in [
        (
            ("--format", "ids"),
            "error: a conversation's messages have no ids: use --format table, json, csv, yaml or count\n",
        ),
        (("--format", "xml"), None),
        (("--json", "--format", "csv"), "error: --json and --format csv disagree: give one of them\n"),
    ]:
        refused = cli("chat", "history", *args)
        assert refused.exit_code == 2 and refused.stdout == "", refused
        assert refused.stderr == message if message else refused.stderr.startswith("error: --format must be one of")


def test_chat_history_before_any_conversation_is_empty_not_an_error(cli, signed_up):
    """New-user walk 12, item 2: `chat history --json` exited 3 where a list with nothing in it exits 0."""
    empty = cli("chat", "history", "--json")
    assert empty.exit_code == 0 and empty.stderr == "", empty.stderr
    none = {"id": None, "status": None, "started_at": None, "ended_at": None, "satisfaction_score": None}
    assert empty.json() == {**none, "messages": []}
    assert cli("chat", "history", "--format", "count").stdout == "0\n"
    assert cli("chat", "history", "--format", "csv").stdout == "created_at,role,intent,confidence,content\n"
    assert cli("chat", "history", "--format", "yaml").stdout.endswith("messages: []\n")
    table = cli("chat", "history")
    assert (table.exit_code, table.stdout) == (0, "")
    assert table.stderr == 'You have no conversations yet: blogster chat ask "..." starts one.\n'
    named = cli("chat", "history", "--conversation", "0123abcd", "--json")  # one named that is not there: not found
    assert named.exit_code == 3 and named.stdout == "", named
