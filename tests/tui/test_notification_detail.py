"""The Notifications screen at 80x24 (new-user walk h330 L3): a row cuts a long title, so the pane
under the list shows the whole title, then the text; and an assignee's review titles name the step
first (0171), as the author's do, so the row shows what happened whatever the post's title."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.widgets import DataTable, Static

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, review
from tests.tui.conftest import app_for, drive, settle, table_text

TITLE = "Tips for capturing the best data from user interviews without leading the witness"


@pytest.fixture
def team(db, make_user):
    """ada's post with a long title, approved after grace, her editor, submitted it."""
    ada, grace = (ActingUser(db, make_user(f"{name}@example.com")) for name in ("ada", "grace"))
    blogs.create(ada, new=blogs.NewBlog(title=TITLE, slug="tips", markdown="Text."))
    assignment = str(review.assign(ada, blog="tips", to="grace@example.com", role="editor").id)
    review.act(grace, ref=assignment, action="start")
    review.act(grace, ref=assignment, action="submit")
    review.act(ada, ref=assignment, action="approve", note="Good to go.")
    return SimpleNamespace(ada=ada, grace=grace, assignment=assignment)


def drawn(widget) -> list[str]:
    """The lines the widget draws, as text, trailing blanks dropped."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def test_the_pane_shows_the_whole_title_then_the_text(team):
    app = app_for(team.grace)

    async def steps(pilot):
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one("#notifications", DataTable)
        newest = table_text(table)[0][3]
        assert newest == f"Approved by ada@example.com: {TITLE}"  # the step first (0171); the row cuts the rest
        pane = drawn(app.screen.query_one("#notification-text", Static))
        text = " ".join(line.strip() for line in pane if line.strip())
        assert text == f"Approved by ada@example.com: {TITLE} `blogster review show {team.assignment[:8]}`: Good to go."

    drive(app, steps)
