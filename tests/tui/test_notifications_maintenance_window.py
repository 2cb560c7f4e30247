"""The TUI's notifications show a maintenance window in the writer's timezone setting (h315): the
notice's text is stored once, in UTC, with the window's ends (0164)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.widgets import Static

from tests.tui.conftest import app_for, drive, settle


def test_a_maintenance_notice_names_its_window_in_the_writers_zone(writer, superuser):
    superuser.execute(
        "insert into public.user_notifications (user_id, type, title, content, window_start, window_end)"
        " values (%s, 'maintenance', 'Scheduled maintenance: DB upgrade',"
        " 'DB upgrade (2030-01-05 01:00 to 2030-01-05 02:00 UTC)', '2030-01-05 01:00+00', '2030-01-05 02:00+00')",
        (writer.actor.user_id,),
    )  # as the 0164 trigger writes it
    app = app_for(writer, zone=ZoneInfo("Europe/Berlin"))

    async def steps(pilot):
        await pilot.press("f5")
        await settle(pilot)
        text = str(app.screen.query_one("#notification-text", Static).render())
        assert text == "Scheduled maintenance: DB upgrade\nDB upgrade (2030-01-05 02:00 to 2030-01-05 03:00 CET)"

    drive(app, steps)
