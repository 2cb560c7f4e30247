"""Driving `blogster tui` with Textual's Pilot, as a real account against the test database.

Tests are plain functions that run one coroutine (no pytest-asyncio): `drive(app, steps)`
starts the app headless at 80x24 and hands the pilot to `steps`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.services import blogs
from blogster_cli.services.blogs import NewBlog

SIZE = (80, 24)


async def settle(pilot) -> None:
    """Waits until the app has signed in (or given up), every worker has finished and the
    messages they posted are handled."""
    app = pilot.app
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        started = app.signed_in or app.sign_in_error is not None
        if started and not any(w.is_running for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("workers never finished")


async def open_first_post(pilot) -> None:
    """Opens the post on the first row of the Posts screen (F3, Enter) in the editor, loaded."""
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def type_at_end(pilot, text: str) -> None:
    """Types `text` at the end of the open editor's text, key by key."""
    from textual.widgets import TextArea

    area = pilot.app.screen.query_one("#text", TextArea)
    area.move_cursor(area.document.end)
    await pilot.press(*text)


def drive(app, steps: Callable[..., Awaitable[None]], *, size: tuple[int, int] = SIZE) -> None:
    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(run())


@pytest.fixture
def acting_as(db) -> Callable[[Actor], ActingUser]:
    return lambda actor: ActingUser(db, actor)


@pytest.fixture
def writer(make_user, acting_as) -> ActingUser:
    return acting_as(make_user("writer@example.com"))


def write(acting: ActingUser, title: str, body: str = "Some words here.", **fields) -> blogs.BlogRow:
    return blogs.create(acting, new=NewBlog(title=title, markdown=body, **fields))


def table_text(table) -> list[list[str]]:
    """Every cell of a DataTable as text, row by row in display order."""
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def app_for(acting: ActingUser, **kwargs):
    from blogster_cli.tui.app import BlogsterApp

    return BlogsterApp(acting, **kwargs)
