"""h293 L12-L14: interactive `chat` needs a terminal (scripts use `chat ask`) and leaving it exits 0;
`chat history` puts each reply after the message it answers; the bot's answer about times names the
asker's `timezone` setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from blogster_cli.chatbot import replies
from blogster_cli.cli import ask
from blogster_cli.services import chatbot_replies
from tests.bot_worker import answering_messages
from tests.terminal import on_a_terminal

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
NO_WORKER = "error: no worker is running to answer"


@pytest.fixture
def intents(cli, signed_up, db, intents_learnt_once) -> None:
    """The starter intents (signed_up is the first account: an admin), learnt by this process."""
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    assert chatbot_replies.wait_until_trained(db, wait_s=300)


@pytest.fixture
def bot_worker(db, superuser, intents) -> Iterator[None]:
    with answering_messages(db, superuser):
        yield


@pytest.mark.same_on_every_server  # the terminal is Python's to handle: CI's second pass leaves it out
def test_chat_off_a_terminal_is_a_usage_error_naming_chat_ask(cli, signed_up, superuser):
    """It was `error: aborted`, exit 1: the rating question after /end met the end of the script."""
    result = cli("chat", input="how do I publish a post\nyes\n/end\n")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: not on a terminal, so nobody to ask: use `blogster chat ask TEXT` for each message (it goes on"
        " with your current conversation; --new starts one) and `blogster chat end --score N` to close and rate it\n"
    )
    assert superuser.execute("select count(*) from chatbot_messages").fetchone() == (0,)  # nothing was sent
    assert cli("chat", "ask", "how do I publish a post").exit_code == 10  # the scripted form: no worker here


@pytest.mark.same_on_every_server  # the terminal is Python's to handle: CI's second pass leaves it out
def test_quit_on_a_terminal_after_an_unanswered_message_exits_0(cli, signed_up):
    """Leaving a conversation on purpose is no failure (it exited 10 after a "no worker" reply); the
    missing worker was said when the message was sent."""
    run = on_a_terminal("chat", typed="hello there\n/quit\n")
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    assert run.stderr.count(NO_WORKER) == 1 and run.stderr.count("you> ") == 2


@pytest.mark.same_on_every_server  # the terminal is Python's to handle: CI's second pass leaves it out
@pytest.mark.parametrize("typed", ["hello\n", "hello\n/end\n", "hello\n/end\n4\n", "hello\n/end\n\n\n"])
def test_ctrl_d_anywhere_on_a_terminal_leaves_and_exits_0(cli, signed_up, superuser, monkeypatch, typed):
    """Ctrl-D (the end of input) at the prompt leaves; at a rating question it skips the rest, and
    /end still closes the conversation (it was `error: aborted`, exit 1, and the conversation stayed open)."""
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    result = cli("chat", input=typed)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(NO_WORKER) == 1 and "aborted" not in result.stderr
    closed = superuser.execute("select status::text, satisfaction_score from chatbot_conversations").fetchone()
    if "/end" in typed:
        assert closed == ("completed", 4 if "4" in typed else None)
        assert "Thanks! The conversation is closed." in result.stderr
    else:
        assert closed == ("active", None)


def test_history_puts_each_reply_after_the_message_it_answers(cli, db, superuser, intents):
    """Three messages sent with no worker running and answered later (here in the reverse order) read
    as question, answer, question, answer; they read as three questions and then three answers."""
    asked = ["how do I schedule a post", "how do I add an image", "i deleted a post by accident"]
    for text in asked:
        assert cli("chat", "ask", text).exit_code == 10
    waiting = superuser.execute(
        "select id, created_at from chatbot_messages where role = 'user' order by created_at desc"
    ).fetchall()
    for message_id, created_at in waiting:  # the last first: replies stored in another order than asked
        assert chatbot_replies.process_message(db, message_id=message_id, created_at=created_at)
    shown = cli("chat", "history", "--json").json()["messages"]
    assert [m["role"] for m in shown] == ["user", "assistant"] * 3
    assert [m["content"] for m in shown[::2]] == asked
    assert [m["intent"] for m in shown[1::2]] == ["schedule_post", "post_images", "missing_posts"]
    listed = cli("chat", "list", "--json").json()[0]["messages"]
    assert [(m["role"], m["content"]) for m in listed] == [(m["role"], m["content"]) for m in shown]
    text = cli("chat", "history").stdout.splitlines()
    assert [line[:4] for line in text] == ["you>", "bot>"] * 3
    assert text[0] == f"you> {asked[0]}" and "blogster publish SLUG --at" in text[1]
    assert text[2] == f"you> {asked[1]}" and "blogster images add" in text[3]
    header, question, reply = cli("chat", "history", "--limit", "2", "--format", "csv").stdout.splitlines()
    assert header == "created_at,role,intent,confidence,content"  # the reply's confidence on the reply's row only
    assert question.split(",")[1:4] == ["user", "", ""] and reply.split(",")[1:3] == ["assistant", "missing_posts"]
    assert 0 < float(reply.split(",")[3]) <= 1 and [m["confidence"] is None for m in shown] == [True, False] * 3


@pytest.mark.parametrize(("setting", "named"), [("Europe/Berlin", "Europe/Berlin"), (None, "UTC")])
def test_the_answer_about_times_names_the_askers_timezone_setting(cli, bot_worker, setting, named):
    """It said "(UTC unless you change it)" to a writer whose setting is Europe/Berlin."""
    env = {"BLOGSTER_TIMEZONE": setting} if setting else {}
    first = cli("chat", "ask", "how do I schedule a post", env=env)
    assert first.exit_code == 0, first.stderr
    answer = cli("chat", "ask", "yes", "--json", env=env).json()
    assert answer["intent"] == "schedule_timezone"
    assert answer["answer"].startswith(f"Times without a zone use your `timezone` setting ({named}): "), answer


def test_a_message_of_an_older_front_end_gets_the_intents_default(db, superuser, intents, signed_up, cli):
    """A message stored without the setting (or with one that names no zone) is answered with the
    intent's own `timezone` value, the old wording."""
    assert cli("chat", "ask", "how do I schedule a post").exit_code == 10
    superuser.execute(
        "insert into chatbot_messages (conversation_id, role, content, metadata)"
        " select conversation_id, 'user', 'yes', '{\"timezone\": \"Mars/Olympus_Mons\"}' from chatbot_messages"
    )
    for message_id, created_at in superuser.execute(
        "select id, created_at from chatbot_messages where role = 'user' order by created_at"
    ).fetchall():
        assert chatbot_replies.process_message(db, message_id=message_id, created_at=created_at)
    last = cli("chat", "history", "--json").json()["messages"][-1]
    assert last["content"].startswith("Times without a zone use your `timezone` setting (UTC unless you change it): ")


@pytest.mark.parametrize(
    ("metadata", "known"),
    [
        ({"timezone": "Europe/Berlin"}, {"timezone": "Europe/Berlin"}),
        ({"timezone": "America/Argentina/Buenos_Aires"}, {"timezone": "America/Argentina/Buenos_Aires"}),
        ({"timezone": "UTC"}, {"timezone": "UTC"}),
        ({"timezone": "Mars/Olympus_Mons"}, {}),
        ({"timezone": "../../etc/passwd"}, {}),
        ({"timezone": "Europe/Berlin\n(see blogster.example)"}, {}),
        ({"timezone": 1}, {}),
        ({"timezone": "A" * 65}, {}),
        (["Europe/Berlin"], {}),
        (None, {}),
    ],
)
def test_only_a_zone_name_that_is_one_is_taken_from_a_message(metadata, known):
    assert replies.about_sender(metadata) == known
