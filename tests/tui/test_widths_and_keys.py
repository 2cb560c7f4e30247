"""The studio at 60, 80 and 200 columns: what grows with the width, what is cut (and how), which
keys the footer shows at 80x24, and the Docs screen's Down key (h257: M3, L3, L4)."""

from __future__ import annotations

from datetime import date

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, OptionList, Static

from blogster_cli.services import calendar, documentation
from blogster_cli.tui.calendar import CalendarScreen
from blogster_cli.tui.dashboard import DashboardScreen, FigureCards
from blogster_cli.tui.keys import KeyFooter, command_bindings
from blogster_cli.vocabulary import DocumentationStatus
from tests.tui.conftest import app_for, drive, settle, write
from tests.tui.test_posts import open_posts
from tests.tui.test_screens import add_notifications, header

DAY = date(2026, 3, 18)


def publish_pages(admin, *pages: tuple[str, str]) -> None:
    for title, body in pages:
        page = documentation.create_page(admin, title=title, slug=None, category=None, markdown=body, tags=[])
        documentation.set_status(admin, slug=page.slug, status=DocumentationStatus.PUBLISHED)


def test_down_from_the_docs_search_box_lands_on_the_first_result(make_user, acting_as):
    admin = acting_as(make_user("admin@example.com", admin=True))
    publish_pages(
        admin,
        ("Backups", "Take a backup every night. A backup, then another backup.\n"),
        ("Themes", "Pick a theme; a backup of it is optional.\n"),
    )
    app = app_for(acting_as(make_user()))

    async def steps(pilot):
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"backup")
        await pilot.pause(0.3)
        await settle(pilot)
        hits = app.screen.query_one("#doc-hits", OptionList)
        assert hits.option_count == 2
        top = hits.get_option_at_index(0).id
        await pilot.press("down")
        await pilot.pause()
        assert hits.has_focus and hits.highlighted == 0  # the best hit, not the second
        await pilot.press("down")
        await pilot.pause()
        assert hits.highlighted == 1  # the next Down moves on, as in any list
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.screen.sub_title == documentation.get_page(app.acting, slug=str(top)).title

    drive(app, steps)


LONG_TITLE = "A reading notes system that survives a busy month"
LONG_TAGS = ["notes", "productivity", "reading", "writing"]  # as stored: in order


def drawn(widget) -> list[str]:
    """The text of each line the widget draws, as on the screen."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def test_the_posts_title_and_tags_grow_with_the_terminal(writer):
    write(writer, LONG_TITLE, tags=LONG_TAGS)
    write(writer, "漢字のタイトル" * 5)  # 70 cells: cut by cells, not characters
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        table = app.screen.query_one("#posts", DataTable)
        lines = drawn(table)
        line = next(line for line in lines if "A reading" in line)
        assert LONG_TITLE not in line and " A reading notes system th…  " in line  # 80 columns: 26 cells
        assert " notes, prod…  " in line
        cjk = next(line for line in lines if "漢字" in line)
        assert cell_len(cjk[: cjk.index("…") + 1]) == 1 + 26  # the padding, then 26 cells
        await pilot.resize_terminal(200, 30)
        await settle(pilot)
        await pilot.pause(0.2)
        lines = drawn(table)
        line = next(line for line in lines if "A reading" in line)
        assert f" {LONG_TITLE} " in line and " notes, productivity, reading, writing " in line
        assert "漢字のタイトル" * 5 in "".join(lines)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scrolling

    drive(app, steps)


@pytest.mark.parametrize("size", [(200, 30), (60, 24)])
def test_calendar_titles_use_the_cell_width_and_are_cut_with_an_ellipsis(writer, size):
    calendar.add(writer, title="Newsletter for December", day=DAY, timezone="UTC")
    app = app_for(writer)

    async def steps(pilot):
        await pilot.app.push_screen(CalendarScreen(today=DAY))
        await settle(pilot)
        cell = app.screen.query_one("#day-23", Static)  # 18 March 2026: its third week's Wednesday
        lines = [line.strip() for line in drawn(cell)]
        if size[0] == 200:
            assert lines[:2] == ["18", "•Newsletter for December"]
        else:
            assert lines[0] == "18" and lines[1].startswith("•News") and lines[1].endswith("…")
            assert not any(lines[2:])  # no word broken onto the next line

    drive(app, steps, size=size)


def test_the_dashboard_cards_show_their_labels_whole_at_60_columns(writer):
    app = app_for(writer)

    async def steps(pilot):
        cards = app.screen.query_one(FigureCards)
        assert sum(cards.widths()) == 60
        labels = drawn(cards)[1]
        for label in DashboardScreen.CARDS:
            assert f"│{label}" in labels.replace(" ", "") or f" {label} " in labels, labels
        assert "Publishe│" not in labels and "Engageme│" not in labels

    drive(app, steps, size=(60, 24))


def test_the_posts_footer_shows_its_main_keys_whole_at_80x24(writer):
    write(writer, "A post")
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        line = app.screen.query_one(KeyFooter).render().plain
        assert len(line) == 80 and line.endswith("▏^p palette ")
        assert line.startswith(" ⏎ Open ")
        for key in (" p Publish ", " t Schedule ", " a Tags ", " g Generate ", " / Filter "):
            assert key in line, line
        help_keys = {active.binding.description for active in command_bindings(app.screen)}
        words = line.removesuffix("▏^p palette ").split()
        assert all(description in help_keys for description in words[1::2]), words  # none cut at the edge
        assert {"Open", "History", "Unpublish", "Sort", "Reload", "Help"} <= help_keys  # F1 lists the rest
        await pilot.press("enter")  # Enter, the key the footer shows, opens the post
        await settle(pilot)
        assert app.screen.title == "Editor"

    drive(app, steps)


def test_the_tags_prompt_wraps_whole_words_and_history_counts_one_revision(writer):
    write(writer, LONG_TITLE, tags=["notes"])
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog, prompt = app.screen.query_one(".dialog"), app.screen.query_one(".dialog Static", Static)
        assert prompt.region.right <= dialog.content_region.right  # within the dialog: nothing cut off
        assert " ".join(line.strip() for line in drawn(prompt)).strip() == f"Tags of '{LONG_TITLE}' (comma-separated):"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert app.screen.sub_title.endswith(": 1 revision")

    drive(app, steps)


def test_the_posts_header_shows_the_unread_badge(writer, superuser):
    add_notifications(superuser, writer, "First", "Second")
    write(writer, "A post")
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        assert header(app) == "Posts — 1 post, by updated · ● 2 unread"
        app.unread = 1  # read one on the notifications screen
        await pilot.pause()
        assert header(app) == "Posts — 1 post, by updated · ● 1 unread"
        app.unread = 0
        await pilot.pause()
        assert header(app) == "Posts — 1 post, by updated" and app.screen.sub_title == "1 post, by updated"

    drive(app, steps)


def test_the_calendar_footer_shows_enter_and_reload_at_80x24(writer):
    """The Calendar's footer showed PgUp, PgDn and "Move a day later" (not "earlier"): Enter, which
    opens the entry's post, and r, which reads entries planned elsewhere (the screen keeps what it
    read when it was first shown), were past the footer's edge."""
    app = app_for(writer)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=date(2026, 3, 18)))
        await settle(pilot)
        line = app.screen.query_one(KeyFooter).render().plain
        assert line.startswith(" ⏎ Open post "), line
        for key in (" pgup Month before ", " pgdn Month after ", " r Reload "):
            assert key in line, line
        assert "Move" not in line
        help_keys = {active.binding.description for active in command_bindings(app.screen, hidden=True)}
        assert {"Move a day earlier", "Move a day later", "Move a week earlier", "Move a week later"} <= help_keys

    drive(app, steps)
