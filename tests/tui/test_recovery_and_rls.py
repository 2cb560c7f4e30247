"""Text is never lost (a recovery copy as you type, offered after a crash); user B never sees A's drafts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

from textual.widgets import DataTable, TextArea

from blogster_cli.services import editing
from blogster_cli.tui.dashboard import FigureCards
from tests.tui.conftest import app_for, drive, open_first_post, settle, table_text, type_at_end, write


def dead_pid() -> int:
    """The id of a process that has ended (as a crashed TUI's would be)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def kept(app) -> str:
    """What the open editor's recovery copy holds so far ("" before it has one)."""
    buffer = app.screen.buffer
    return buffer.read_text(encoding="utf-8") if buffer is not None and buffer.exists() else ""


async def within(pilot, seconds: float, condition: Callable[[], bool]) -> None:
    """Until `condition` holds, at most `seconds`: the fixed pause these steps took, ended early."""
    began = time.monotonic()
    while not condition() and time.monotonic() - began < seconds:
        await pilot.pause(0.05)


def test_typing_keeps_a_recovery_copy_that_the_next_start_offers_after_a_crash(writer):
    post = write(writer, "Crashy", body="Stored text.")
    app = app_for(writer)

    async def typing(pilot):
        await open_first_post(pilot)
        await type_at_end(pilot, " Typed")
        await within(pilot, 1.5, lambda: kept(app).endswith("Stored text. Typed"))  # follows within a second
        await settle(pilot)
        buffer = app.screen.buffer
        assert buffer is not None and buffer.read_text(encoding="utf-8").endswith("Stored text. Typed")
        await pilot.press(*" but never saved.")
        await within(pilot, 1.5, lambda: "Typed but never saved." in kept(app))
        await settle(pilot)
        assert app.screen.buffer == buffer  # the same copy, rewritten
        assert "Typed but never saved." in buffer.read_text(encoding="utf-8")

    drive(app, typing)
    # The process "dies" with the editor open: its buffer and note stay, naming a pid that is gone.
    [note] = list(editing.buffer_folder().glob("*.json"))
    values = json.loads(note.read_text(encoding="utf-8"))
    note.write_text(json.dumps({**values, "pid": dead_pid()}), encoding="utf-8")

    restarted = app_for(writer)

    async def resuming(pilot):
        await open_first_post(pilot)
        assert "not saved" in str(restarted.screen.query_one("Label").render())
        await pilot.click("#resume")  # the dialog's Resume button (no key that types text answers it)
        await settle(pilot)
        text = restarted.screen.query_one("#text", TextArea).text
        assert "Stored text. Typed but never saved." in text
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(restarted, resuming)
    from blogster_cli.services import blogs

    assert blogs.markdown_of(blogs.get(writer, ref=post.slug)).startswith("Stored text. Typed but never saved.")
    assert list(editing.recovery_folder().glob("*.json")) == []


def test_closing_with_unsaved_changes_keeps_them_in_a_recovery_file(writer):
    write(writer, "Closing", body="Stored.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        await type_at_end(pilot, " More.")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.title == "Posts"
        [notice] = [n.message for n in app._notifications]
        kept = notice.removeprefix("Unsaved text kept in ")
        assert "Stored. More." in open(kept, encoding="utf-8").read()

    drive(app, steps)


def test_user_b_never_sees_a_drafts_in_the_tui(make_user, acting_as, superuser):
    alice = acting_as(make_user("alice@example.com"))
    bob = acting_as(make_user("bob@example.com"))
    secret = write(alice, "Alice secret draft", body="Hidden words.", tags=["secret-tag"])
    write(alice, "Alice public post", body="Open words.", status="published")
    superuser.execute(
        "insert into public.blog_analytics (blog_id, views, date) values (%s, 50, current_date)", (secret.id,)
    )
    write(bob, "Bob own draft", body="Mine.")
    app = app_for(bob)

    async def steps(pilot):
        shown: list[str] = []
        for screen_key in ("f2", "f3"):
            await pilot.press(screen_key)
            await settle(pilot)
            for table in app.screen.query(DataTable):
                shown += [cell for row in table_text(table) for cell in row]
            shown += [cards.card_text(label) for cards in app.screen.query(FigureCards) for label in cards.labels]
        assert "Bob own draft" in shown
        assert not [cell for cell in shown if "Alice" in cell or "secret" in cell]
        assert str(app.screen.query_one("#posts", DataTable).row_count) == "1"
        await pilot.press("f2")
        assert sum(app.screen.query_one("#views-chart").data) == 0
        assert app.screen.query_one(FigureCards).card_text("posts") == "Posts\n1\n+1 30d"
        assert app.screen.query_one(FigureCards).card_text("views") == "Views\n0\n+0 30d"

    drive(app, steps)


def test_user_b_cannot_open_a_draft_of_a_by_its_id(make_user, acting_as):
    from blogster_cli.tui.editor import EditorScreen

    alice = acting_as(make_user("alice@example.com"))
    bob = acting_as(make_user("bob@example.com"))
    secret = write(alice, "Alice secret draft", body="Hidden words.")
    app = app_for(bob)

    async def steps(pilot):
        app.push_screen(EditorScreen(str(secret.id)))
        await settle(pilot)
        assert app.screen.query_one("#text", TextArea).text == ""
        [notice] = [n.message for n in app._notifications]
        assert notice == f"no post with slug or id '{secret.id}'"

    drive(app, steps)


def test_a_lost_database_is_a_notification_and_the_dashboard_retries(make_user, db, monkeypatch):
    from blogster_cli.actors import ActingUser
    from blogster_cli.db.connection import Database
    from blogster_cli.tui import dashboard

    monkeypatch.setattr(dashboard, "RETRY_SECONDS", 0.2)
    gone = Database("host=127.0.0.1 port=9 dbname=nothing user=nobody", connect_timeout_s=1)
    app = app_for(ActingUser(gone, make_user()))

    async def steps(pilot):
        first = [n.message for n in app._notifications]
        assert first and all(m.startswith("cannot connect to the database") for m in first)
        await pilot.pause(0.5)
        await settle(pilot)
        assert len([n for n in app._notifications if n.title == "Loading the dashboard"]) >= 2
        assert not app.screen.figures_shown and app.is_running

    drive(app, steps)


def test_quitting_right_after_typing_keeps_the_text_and_the_next_edit_offers_it(writer):
    write(writer, "Quitting", body="Stored.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        await type_at_end(pilot, " Typed then quit.")
        await pilot.press("ctrl+q")  # within the recovery copy's second

    drive(app, steps)
    assert not app.is_running
    [note] = list(editing.recovery_folder().glob("*.json"))
    assert "Stored. Typed then quit." in note.with_suffix(".md").read_text(encoding="utf-8")
    assert list(editing.buffer_folder().glob("*")) == []
    restarted = app_for(writer)

    async def resuming(pilot):
        await open_first_post(pilot)
        await pilot.click("#resume")  # the dialog's Resume button (no key that types text answers it)
        await settle(pilot)
        assert "Stored. Typed then quit." in restarted.screen.query_one("#text", TextArea).text

    drive(restarted, resuming)
