"""Quiet hours defer a notification email in the recipient's own time zone (issue 14).

internal.quiet_hours_end(start, end, zone, at) is what the maintenance fan-out schedules each
recipient's email by: the moment their quiet hours end, or null to send now. The same UTC
instant is night for one recipient and afternoon for another; windows span midnight; a
DST change moves the end by the zone's new offset; an unknown zone counts as UTC.
"""

from datetime import UTC, datetime

import pytest

AT = "2026-06-15 21:30:00+00"  # 06:30 on the 16th in Tokyo, 23:30 in Berlin, 17:30 in New York


@pytest.mark.parametrize(
    ("start", "end", "zone", "at", "ends"),
    [
        ("22:00", "07:00", "Asia/Tokyo", AT, datetime(2026, 6, 15, 22, 0, tzinfo=UTC)),  # 07:00 JST
        ("22:00", "07:00", "Europe/Berlin", AT, datetime(2026, 6, 16, 5, 0, tzinfo=UTC)),  # 07:00 CEST
        ("22:00", "07:00", "America/New_York", AT, None),  # 17:30 there: send now
        ("12:00", "18:00", "America/New_York", AT, datetime(2026, 6, 15, 22, 0, tzinfo=UTC)),  # 18:00 EDT
        ("21:00", "23:00", "Mars/Olympus", AT, datetime(2026, 6, 15, 23, 0, tzinfo=UTC)),  # unknown zone: UTC
        ("22:00", "22:00", "Europe/Berlin", AT, None),  # an empty window is no quiet hours
        # New York springs forward at 02:00 on 2026-03-08: 01:30 EST, the window ends at 04:00 EDT.
        ("01:00", "04:00", "America/New_York", "2026-03-08 06:30:00+00", datetime(2026, 3, 8, 8, 0, tzinfo=UTC)),
        # The quiet window starts exactly now in Berlin (22:00 CEST): inclusive start, exclusive end.
        ("22:00", "07:00", "Europe/Berlin", "2026-06-15 20:00:00+00", datetime(2026, 6, 16, 5, 0, tzinfo=UTC)),
        ("20:00", "22:00", "Europe/Berlin", "2026-06-15 20:00:00+00", None),
    ],
)
def test_quiet_hours_end_in_the_recipients_zone(superuser, start, end, zone, at, ends):
    (found,) = superuser.execute(
        "select internal.quiet_hours_end(%s::time, %s::time, %s, %s::timestamptz)", (start, end, zone, at)
    ).fetchone()
    assert found == ends


def test_the_same_quiet_hours_defer_one_recipient_and_not_another_in_another_zone(db, make_user, superuser):
    """The fan-out as it runs: both ask for quiet hours around Tokyo's current local time;
    for the Tokyo reader that is now, for the New York reader it is hours away."""
    from blogster_cli.db.acting import acting_transaction

    admin, tokyo, new_york = make_user(admin=True), make_user(), make_user()
    for user, zone in ((tokyo, "Asia/Tokyo"), (new_york, "America/New_York")):
        superuser.execute(
            "update user_notification_preferences set timezone = %s,"
            " quiet_hours_start = ((now() at time zone 'Asia/Tokyo')::time - interval '1 hour'),"
            " quiet_hours_end = ((now() at time zone 'Asia/Tokyo')::time + interval '1 hour') where user_id = %s",
            (zone, user.user_id),
        )
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "insert into maintenance_schedules (title, start_time, end_time, severity)"
            " values ('Upgrade', now() + interval '1 day', now() + interval '1 day 1 hour', 'high')"
        )
    send_at = {
        recipient["user_id"]: scheduled_at
        for args, scheduled_at in superuser.execute(
            "select args, scheduled_at from procrastinate.procrastinate_jobs where task_name = 'notification_email'"
        )
        for recipient in args["recipients"]
    }
    now = superuser.execute("select now()").fetchone()[0]
    assert send_at[str(new_york.user_id)] is None and send_at[str(admin.user_id)] is None  # sent now
    deferred = send_at[str(tokyo.user_id)]
    assert deferred is not None and 0 < (deferred - now).total_seconds() <= 3600 + 60  # when Tokyo's hour ends
