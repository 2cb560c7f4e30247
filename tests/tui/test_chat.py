"""The Chat screen (F7): ask the support bot, see its answer, start over, end and rate.

The bot's answers come from the same code a worker runs (`chatbot_replies.process_message`),
called here by a thread that plays the worker (a heartbeat row makes `chatbot_worker_alive()`
true), so the test does not wait for a `serve-workers` process to start.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot
from blogster_cli.tui.chat import ChatScreen, Line, RateDialog
from tests.bot_worker import answering_messages
from tests.tui.conftest import app_for, drive, settle

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"


@pytest.fixture
def intents(db, make_user, intents_learnt_once) -> None:
    chatbot.import_intents(ActingUser(db, make_user("bot-admin@example.com", admin=True)), path=STARTER)


@pytest.fixture
def bot_worker(db, superuser, intents) -> Iterator[None]:
    """A worker answering each new user message (tests/bot_worker.py)."""
    with answering_messages(db, superuser):
        yield


def transcript(screen) -> list[tuple[str, str]]:
    return [(line.who, line.said) for line in screen.query(Line)]


async def say(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


def test_f7_opens_the_chat_and_the_bot_answers(writer, bot_worker):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChatScreen) and screen.title == "Chat"
        assert app.focused is screen.query_one("#chat-input", Input)
        assert transcript(screen) == []
        await say(pilot, "how do I schedule a post for tomorrow?")
        [(you, asked), (bot, answered)] = transcript(screen)
        assert (you, asked) == ("you>", "how do I schedule a post for tomorrow?")
        assert bot == "bot>" and "blogster publish" in answered
        assert screen.query_one("#chat-input", Input).value == ""
        # The same conversation as `blogster chat history`, answered by the same intent.
        history = chat.history(writer)
        assert [m.role for m in history.messages] == ["user", "assistant"]
        assert history.messages[1].content == answered and history.messages[1].intent == "schedule_post"

        await say(pilot, "yes please")  # a follow-up, understood in the same conversation
        assert "blogster config set timezone" in transcript(screen)[-1][1]
        assert len(chat.conversations(writer)) == 1

        await say(pilot, "/new")
        assert transcript(screen) == []
        await say(pilot, "hello")
        assert len(chat.conversations(writer)) == 2
        assert [m.content for m in chat.history(writer).messages][0] == "hello"

    drive(app, steps)


def test_reopening_shows_the_current_conversation_and_markup_stays_text(writer, bot_worker):
    chat.ask(writer, text="[bold]how do I reset my password?[/bold]", wait_s=30)
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        lines = transcript(app.screen)
        assert lines[0] == ("you>", "[bold]how do I reset my password?[/bold]")
        assert str(app.screen.query(Line).first().render()).startswith("you> [bold]")
        assert len(lines) == 2 and lines[1][0] == "bot>"

    drive(app, steps)


def test_without_a_worker_the_message_is_kept_and_the_screen_says_so(writer, intents):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        await say(pilot, "anyone there?")
        [(_, asked), (_, answer)] = transcript(app.screen)
        assert asked == "anyone there?"
        assert answer.startswith("(not answered: no worker is running to answer: your message is saved")
        assert any(n.message.startswith("no worker is running") for n in app._notifications)
        assert [m.content for m in chat.history(writer).messages] == ["anyone there?"]
        await say(pilot, "still nobody?")  # the same conversation: the kept message started it
        assert [m.content for m in chat.history(writer).messages] == ["anyone there?", "still nobody?"]

    drive(app, steps)


def test_ending_rates_the_conversation_and_the_next_message_starts_another(writer, bot_worker, superuser):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        await say(pilot, "hello")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RateDialog)
        await pilot.press("4", "enter", *"quick", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChatScreen) and transcript(app.screen) == []
        assert "Thanks! The conversation is closed." in [n.message for n in app._notifications]
        [ended] = chat.conversations(writer)
        assert (ended.status, ended.satisfaction_score) == ("completed", 4)
        assert (
            superuser.execute("select feedback from chatbot_conversations where id = %s", (ended.id,)).fetchone()[0]
            == "quick"
        )
        await say(pilot, "/end")  # Escape cancels: nothing is ended twice
        await pilot.press("escape")
        await settle(pilot)
        await say(pilot, "hello again")
        assert [c.status for c in chat.conversations(writer)] == ["active", "completed"]

    drive(app, steps)


def test_another_users_conversation_never_shows(writer, make_user, acting_as, bot_worker):
    other = acting_as(make_user("other@example.com"))
    chat.ask(other, text="my private question about billing", wait_s=30)
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        assert transcript(app.screen) == []
        await say(pilot, "hello")
        assert all("billing" not in said for _, said in transcript(app.screen))

    drive(app, steps)


def test_the_rate_dialog_takes_only_a_score_of_1_to_5(writer):
    app = app_for(writer)
    answers = []

    async def steps(pilot):
        app.push_screen(RateDialog(), answers.append)
        await pilot.pause()
        await pilot.press("9", "0", "5", "enter", "enter")
        await pilot.pause()
        assert answers == [(5, None)]

    drive(app, steps)


def test_the_message_and_feedback_fields_hold_what_the_database_stores(writer, intents, superuser):
    """The chat field took any paste, refused by the service only once sent (its text then lost); the rating's
    feedback field too. Each now holds at most what the database stores (a message: 0080's limit, the
    feedback: chatbot_conversations' check): a longer paste is refused whole, with a note; the longest goes in."""
    from textual import events

    from blogster_cli.chatbot.sanitize import MAX_MESSAGE_LENGTH
    from blogster_cli.services.chat import MAX_FEEDBACK_LENGTH

    assert superuser.execute("select internal.chatbot_max_message_length()").fetchone()[0] == MAX_MESSAGE_LENGTH
    app = app_for(writer)

    def notes() -> list[str]:
        return [n.message for n in app._notifications]

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        field = app.screen.query_one("#chat-input", Input)
        field.post_message(events.Paste("x" * 1_000_000))
        await settle(pilot)
        assert field.value == "" and notes() == [f"A message has at most {MAX_MESSAGE_LENGTH} characters."]
        field.post_message(events.Paste("m" * (MAX_MESSAGE_LENGTH - 1)))
        await pilot.press("!", "?")  # the last one goes in, the next not
        await pilot.press("enter")
        await settle(pilot)
        assert [m.content for m in chat.history(writer).messages] == ["m" * (MAX_MESSAGE_LENGTH - 1) + "!"]

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RateDialog)
        await pilot.press("enter")  # no score
        feedback = app.screen.query_one("#feedback", Input)
        assert app.focused is feedback
        feedback.post_message(events.Paste("y" * (MAX_FEEDBACK_LENGTH + 1)))
        await settle(pilot)
        assert feedback.value == "" and notes()[-1] == f"Feedback has at most {MAX_FEEDBACK_LENGTH} characters."
        feedback.post_message(events.Paste("f" * (MAX_FEEDBACK_LENGTH - 1)))
        await pilot.press("!", "?", "enter")
        await settle(pilot)
        [ended] = chat.conversations(writer)
        stored = superuser.execute("select feedback from chatbot_conversations where id = %s", (ended.id,))
        assert ended.status == "completed" and stored.fetchone()[0] == "f" * (MAX_FEEDBACK_LENGTH - 1) + "!"

    drive(app, steps)


def test_a_message_sent_from_another_terminal_shows_on_return(writer, bot_worker):
    """The conversation went on with `blogster chat` elsewhere while another screen was up: coming back
    to Chat shows it, as opening the screen does."""
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        await say(pilot, "how do I schedule a post for tomorrow?")
        assert len(transcript(app.screen)) == 2
        await pilot.press("f3")
        await settle(pilot)
        chat.ask(writer, text="how do I reset my password?", wait_s=30)
        await pilot.press("f7")
        await settle(pilot)
        lines = transcript(app.screen)
        assert [who for who, _ in lines] == ["you>", "bot>", "you>", "bot>"]
        assert lines[2][1] == "how do I reset my password?"

    drive(app, steps)
