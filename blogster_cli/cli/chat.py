"""blogster chat: talk to the support bot (interactive), or `chat ask` once; history, list, end."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import ask as questions
from blogster_cli.cli import output
from blogster_cli.cli.commands import COMMANDS
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, show_list, show_sections
from blogster_cli.cli.params import MAX_COUNT
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.text_encoding import is_utf8

if TYPE_CHECKING:
    from blogster_cli.services.chat import ChatReply

app = typer.Typer(help=COMMANDS["chat"][2], invoke_without_command=True, rich_markup_mode=None, add_completion=False)
CONVERSATION_OPTION = typer.Option(
    None, "--conversation", help="A conversation's id, or its first characters (default: your current one)."
)
QUIT_WORDS = {"/quit", "/exit", "/q"}
HISTORY_COLUMNS = ["created_at", "role", "intent", "confidence", "content"]  # `chat history --format csv`


def _print_reply(reply: ChatReply) -> None:
    output.print_lines(reply.answer.splitlines() or [""])


def _timezone() -> str:
    """The `timezone` setting, sent with each message so that the bot's answer about times names it
    (the worker takes only a zone name that is one: a setting gone wrong does not stop the chat)."""
    return app_context().settings.timezone


def _line(prompt: str) -> str:
    """A line typed at `prompt`; one that is not UTF-8 (lone surrogates, which the database refuses)
    is refused with one line and asked again, so the session goes on."""
    while True:
        line = questions.turn(prompt)
        if is_utf8(line):
            return line
        output.error("that line is not valid UTF-8 text; type it again")


SCRIPTED = (
    "use `blogster chat ask TEXT` for each message (it goes on with your current conversation;"
    " --new starts one) and `blogster chat end --score N` to close and rate it"
)


@app.callback()
def chat(ctx: typer.Context) -> None:
    """Talk to the support bot on a terminal; /end to finish and rate, /new to start over, /quit (or
    Ctrl-D) to leave.

    Leaving exits 0: a message no worker answered was said at once, and is answered once a worker
    runs (blogster chat history). Off a terminal it is a usage error: scripts use `chat ask` and
    `chat end`.

    Example: blogster chat
    """
    if ctx.invoked_subcommand is not None:
        return
    questions.can_ask(instead=SCRIPTED)  # before signing in: a script learns of `chat ask` first
    _converse()


def _answer(prompt: str) -> str | None:
    """A rating question's answer; None if the user pressed Ctrl-D or Ctrl-C instead (no more questions)."""
    try:
        return _line(prompt)
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")  # past the prompt
        return None


def _converse() -> None:
    """The session, until /quit, /end, Ctrl-D or Ctrl-C: leaving is on purpose, so it exits 0."""
    from blogster_cli.errors import BlogsterError, NoWorker
    from blogster_cli.services import chat as chat_service

    acting = acting_user()
    timezone = _timezone()
    new = False
    output.message("Ask about Blogster. /end to finish and rate, /new to start over, /quit to leave.")
    while True:
        try:
            line = _line("you> ")
        except (EOFError, KeyboardInterrupt):
            sys.stderr.write("\n")  # past the prompt
            break
        if not line:
            continue
        if line in QUIT_WORDS:
            break
        if line == "/new":
            new = True
            continue
        if line == "/end":
            score = _answer("How helpful was this, 1-5 (Enter to skip)? ")
            feedback = _answer("Anything to tell us (Enter to skip)? ") if score is not None else None
            try:
                chat_service.end(
                    acting, satisfaction=int(score) if score and score.isdigit() else None, feedback=feedback or None
                )
                output.message("Thanks! The conversation is closed.")
            except BlogsterError as exc:
                output.error(str(exc))
            break
        try:
            reply = chat_service.ask(acting, text=line, new=new, timezone=timezone)
            new = False
            _print_reply(reply)
        except NoWorker as exc:  # the message is kept (in the new conversation), answered once a worker runs
            new = False
            output.error(str(exc))
        except BlogsterError as exc:
            output.error(str(exc))


@app.command("ask")
def ask(
    text: str = typer.Argument(..., help="Your question."),
    conversation: str | None = CONVERSATION_OPTION,
    new: bool = typer.Option(False, "--new", help="Start a new conversation."),
    wait: float = typer.Option(15.0, "--wait", min=0.1, max=300, help="Seconds to wait for the reply."),
    json: bool = JSON_OPTION,
) -> None:
    """Ask once and print the bot's reply (a worker must be running: blogster serve-workers).

    Example: blogster chat ask "How do I schedule a post?"
    """
    from blogster_cli.services import chat as chat_service

    acting, timezone = acting_user(), _timezone()
    reply = chat_service.ask(acting, text=text, conversation_id=conversation, new=new, wait_s=wait, timezone=timezone)
    output.print_json(reply) if json else _print_reply(reply)


@app.command("history")
def history(
    conversation: str | None = CONVERSATION_OPTION,
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = typer.Option(
        None, "--limit", min=0, max=MAX_COUNT, help="Only the last this many messages (0 or unset: all)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """The messages of a conversation (your latest by default), oldest first, each reply after its question.

    A message sent while no worker ran is answered later; its reply is still shown right after it. The table is the conversation as it was typed; --json and --format yaml are the conversation with
    its messages; --format csv and count are of the messages (messages have no ids: see chat list).
    Before your first conversation it says so, exit 0 (--json: a conversation whose fields are null, no messages).

    Example: blogster chat history --format csv --limit 10
    """
    import dataclasses

    from blogster_cli.errors import InvalidInput, NotFound
    from blogster_cli.services import chat as chat_service
    from blogster_cli.services.chat import ConversationInfo

    chosen = chosen_format(fmt, json)
    if chosen == "ids":
        raise InvalidInput("a conversation's messages have no ids: use --format table, json, csv, yaml or count")
    try:
        info = chat_service.history(acting_user(), conversation_id=conversation)
    except NotFound:
        if conversation is not None:
            raise
        if chosen == "table":
            output.message('You have no conversations yet: blogster chat ask "..." starts one.')
            return
        # Nothing to show, as an empty list shows it (exit 0): --json and yaml as a conversation, every field null.
        fields: dict[str, object] = dict.fromkeys(field.name for field in dataclasses.fields(ConversationInfo))
        empty = {**fields, "messages": []}
        show_sections(empty, [("messages", "Messages", HISTORY_COLUMNS)], fmt=chosen, json=False, main="messages")
        return
    messages = info.messages[-limit:] if limit else info.messages
    if chosen == "table":
        output.message(f"Conversation {info.id} ({info.status})")
        for m in messages:
            who = "you" if m.role == "user" else "bot"
            output.print_lines(f"{who}> {line}" for line in (m.content.splitlines() or [""]))
        return
    shown = {**output.fields(info), "messages": [output.fields(m) for m in messages]}
    show_sections(shown, [("messages", "Messages", HISTORY_COLUMNS)], fmt=chosen, json=False, main="messages")


@app.command("list")
def list_conversations(
    fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION
) -> None:
    """Your conversations, newest first; --json and --format yaml carry their messages, a table counts them.

    Example: blogster chat list
    """
    from blogster_cli.services import chat as chat_service

    acting, chosen = acting_user(), chosen_format(fmt, json)
    if chosen in ("json", "yaml"):
        rows = output.to_plain(chat_service.conversations(acting, limit=limit or None))
    else:  # the messages are counted by the server, not loaded
        rows = [output.fields(s) for s in chat_service.conversation_summaries(acting, limit=limit or None)]
    columns = ["id", "status", "started_at", "ended_at", "satisfaction_score", "messages"]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit, full=("id",))


@app.command("end")
def end(
    conversation: str | None = CONVERSATION_OPTION,
    score: int | None = typer.Option(None, "--score", min=1, max=5, help="How helpful it was, 1-5."),
    feedback: str | None = typer.Option(None, "--feedback", help="A few words for the team."),
    json: bool = JSON_OPTION,
) -> None:
    """Finish a conversation, optionally rating it.

    Example: blogster chat end --score 5 --feedback "Quick and right"
    """
    from blogster_cli.services import chat as chat_service

    info = chat_service.end(acting_user(), conversation_id=conversation, satisfaction=score, feedback=feedback)
    output.print_json(info) if json else output.message(f"Conversation {info.id} closed.")
