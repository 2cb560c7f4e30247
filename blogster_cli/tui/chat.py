"""Chat: talk to the support bot, as `blogster chat` does; the workers answer (serve-workers).

The screen shows your current conversation and sends what you type through the same
service as the CLI (`services/chat.py`: cleaned, rate-limited, stored, then the reply
awaited in a worker, so typing never waits). /new starts over and /end finishes with a
rating, as in `blogster chat`; Ctrl+N and Ctrl+R do the same from the keys. Text is
shown as text: nothing a message holds is read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Static

from blogster_cli.chatbot.sanitize import MAX_MESSAGE_LENGTH
from blogster_cli.errors import NotFound
from blogster_cli.services import chat
from blogster_cli.services.chat import MAX_FEEDBACK_LENGTH
from blogster_cli.terminal_text import safe
from blogster_cli.tui.inputs import LimitedInput
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.work import Done, ReadsAgainOnReturn, ServiceFailed, in_background

if TYPE_CHECKING:
    from blogster_cli.services.chat import ChatMessage, ConversationInfo
    from blogster_cli.tui.app import BlogsterApp

ASKING = "Asking the bot"
WAITING = "…"
PLACEHOLDER = "Ask about Blogster (Enter sends, /new starts over, /end rates)"


class ChatLoaded(Done):
    """`result` is the current (active) conversation, or None."""


class ChatAnswered(Done):
    """`result` is the ChatReply."""


class ChatEnded(Done):
    """`result` is the closed ConversationInfo."""


def current_conversation(info: ConversationInfo | None) -> ConversationInfo | None:
    """The conversation a new message joins: the latest one while it is active."""
    return info if info is not None and info.status == "active" else None


class Line(Static):
    """One message: who said it, then the text, never read as markup."""

    def __init__(self, who: str, text: str, *, classes: str) -> None:
        super().__init__(classes=f"chat-line {classes}")
        self.who = who
        self.say(text)

    def say(self, text: str) -> None:
        self.said = text
        self.update(Text.assemble((f"{self.who} ", "bold"), safe(text)))  # the bot's: shown, not acted on


class RateDialog(ModalScreen[tuple[int | None, str | None] | None]):
    """Ends the conversation: a 1-5 score and a few words, both optional (Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without rating")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("How helpful was this, 1-5 (Enter to skip)?")
            yield Input(placeholder="1-5", id="score", max_length=1, restrict=r"[1-5]?")
            yield Label("Anything to tell us (Enter to skip)?")
            yield LimitedInput(what="Feedback", max_length=MAX_FEEDBACK_LENGTH, id="feedback")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "score":
            self.query_one("#feedback", Input).focus()
            return
        score = self.query_one("#score", Input).value
        self.dismiss((int(score) if score else None, event.value.strip() or None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChatScreen(ReadsAgainOnReturn, Screen[None]):
    """Chat: ask the support bot about Blogster; its answers come from the workers. Read again each
    time it is current again (ReadsAgainOnReturn: the conversation may have gone on with `blogster
    chat` elsewhere), unless an answer is awaited or a new conversation is about to start."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Chat"
    CSS = """
    #transcript { height: 1fr; padding: 0 1; }
    .chat-line { margin-bottom: 1; }
    .chat-line.bot { color: $text-accent; }
    .chat-line.failed { color: $text-muted; text-style: italic; }
    #chat-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    HELP = (
        "Ask the support bot about Blogster, as `blogster chat` does; a worker (`blogster serve-workers`) "
        "answers. **Enter** sends, **Ctrl+N** (or /new) starts a new conversation, **Ctrl+R** (or /end) "
        "finishes this one and rates it. Without a worker your message is kept and answered later."
    )
    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New chat", tooltip="Start a new conversation"),
        Binding("ctrl+r", "end", "End & rate", tooltip="End this conversation and rate the answers"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.new = False
        """The next message starts a new conversation (/new)."""
        self.pending: Line | None = None
        """The bot's line while its answer is awaited."""
        self.changes = 0
        """Counts what this screen did to the conversation (a message, /new, /end): a read started
        before one of them, answered after it, is older than the transcript and is not shown."""
        self.shown: list[tuple[str, str]] | None = None
        """The (role, text) of the messages the transcript was last filled with."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="transcript")
        yield Static("", id="chat-status")
        yield LimitedInput(what="A message", max_length=MAX_MESSAGE_LENGTH, placeholder=PLACEHOLDER, id="chat-input")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#chat-input", Input).focus()
        self.action_reload()

    def action_reload(self) -> None:
        acting, changes = self.app.acting, self.changes

        def latest() -> tuple[int, ConversationInfo | None]:
            try:
                return changes, current_conversation(chat.history(acting))
            except NotFound:  # no conversation yet: the first message starts one
                return changes, None

        in_background(self, "Loading the chat", latest, ChatLoaded)

    def read_again(self) -> None:
        if self.pending is None and not self.new:  # else the screen's own view is newer than any read
            self.action_reload()

    def on_chat_loaded(self, message: ChatLoaded) -> None:
        changes, info = message.result
        if message.superseded or changes != self.changes:
            return
        messages = [] if info is None else info.messages
        if [(m.role, m.content) for m in messages] != self.shown:  # a return with nothing new keeps the view
            self.show_messages(messages)
        self.set_status(
            "A new conversation starts with your first message." if info is None else f"{len(info.messages)} messages"
        )

    def show_messages(self, messages: list[ChatMessage]) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.remove_children()
        self.pending = None
        transcript.mount_all(self.line_for(m.role, m.content) for m in messages)
        transcript.scroll_end(animate=False)
        self.shown = [(m.role, m.content) for m in messages]

    @staticmethod
    def line_for(role: str, text: str) -> Line:
        return Line("you>", text, classes="you") if role == "user" else Line("bot>", text, classes="bot")

    def set_status(self, text: str) -> None:
        self.query_one("#chat-status", Static).update(Text(text))

    def add(self, line: Line) -> Line:
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(line)
        transcript.scroll_end(animate=False)
        return line

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "chat-input":
            return
        text = event.value.strip()
        if not text:
            return
        event.input.clear()
        if text == "/new":
            self.action_new_conversation()
        elif text == "/end":
            self.action_end()
        else:
            self.ask(text)

    def ask(self, text: str) -> None:
        if self.pending is not None:
            self.app.notify("Wait for the answer to your last message", severity="warning")
            return
        acting, new, zone = self.app.acting, self.new, self.app.timezone  # the answer about times names the zone
        self.changes += 1
        self.shown = None
        self.add(self.line_for("user", text))
        self.pending = self.add(self.line_for("assistant", WAITING))
        self.set_status("Waiting for the bot…")
        in_background(self, ASKING, lambda: chat.ask(acting, text=text, new=new, timezone=zone), ChatAnswered)

    def on_chat_answered(self, message: ChatAnswered) -> None:
        self.changes += 1
        self.new = False
        if self.pending is not None:
            self.pending.say(message.result.answer)
            self.pending = None
        self.set_status(f"Answered in {message.result.response_ms / 1000:.1f} s")
        self.query_one("#transcript", VerticalScroll).scroll_end(animate=False)

    def on_service_failed(self, message: ServiceFailed) -> None:
        """The app notifies too; the transcript says what became of the message."""
        if message.action != ASKING or self.pending is None:
            return
        self.changes += 1
        self.pending.say(f"(not answered: {message.text})")
        self.pending.add_class("failed")
        self.pending = None
        self.new = False  # a kept message has started its conversation already
        self.set_status("Not answered")

    def action_new_conversation(self) -> None:
        self.changes += 1
        self.new = True
        self.show_messages([])
        self.set_status("A new conversation starts with your next message.")

    def action_end(self) -> None:
        acting = self.app.acting

        def rated(answer: tuple[int | None, str | None] | None) -> None:
            if answer is None:
                return
            score, feedback = answer
            self.changes += 1
            in_background(
                self,
                "Ending the conversation",
                lambda: chat.end(acting, satisfaction=score, feedback=feedback),
                ChatEnded,
            )

        self.app.push_screen(RateDialog(), rated)

    def on_chat_ended(self, message: ChatEnded) -> None:
        self.changes += 1
        self.app.notify("Thanks! The conversation is closed.")
        self.show_messages([])
        self.set_status("A new conversation starts with your next message.")
