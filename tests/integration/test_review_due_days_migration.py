"""0132 on a database that already holds due dates as earlier versions stored them (23:59 of the
day in the author's timezone): each moves to the end of its day in UTC, which everyone is shown."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

DAY = date(2026, 12, 10)
# Where authors live, UTC-10 to UTC+13:45 (winter and summer), and half and quarter hours.
ZONES = (
    "Pacific/Honolulu", "America/Los_Angeles", "America/St_Johns", "America/Sao_Paulo", "UTC", "Europe/Berlin",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Adelaide", "Pacific/Auckland", "Pacific/Chatham",
)  # fmt: skip


def test_0132_moves_earlier_due_dates_to_the_end_of_their_day_in_utc(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0132")
    migrations.apply(empty_db)
    days = [DAY, date(2026, 7, 1)]  # winter and summer time
    written = {}
    with empty_db.connect() as conn:
        author, assignee = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "grace@example.com")
        )
        for n, (zone, day) in enumerate((zone, day) for zone in ZONES for day in days):
            due = datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(zone))  # what `--due` stored before
            written[n] = (zone, day)
            post = conn.execute(
                "insert into public.blogs (title, slug, author_id) values (%s, %s, %s) returning id",
                (f"Post {n}", f"post-{n}", author),
            ).fetchone()[0]
            conn.execute(
                "insert into public.team_collaboration (blog_id, assigned_to, role, due_date, organization_id)"
                " values (%s, %s, 'editor', %s, %s)",
                (post, assignee, due, str(n)),
            )
        other = conn.execute(
            "insert into public.blogs (title, slug, author_id) values ('Other', 'other', %s) returning id", (author,)
        ).fetchone()[0]
        conn.execute(  # another client's time: left as it is
            "insert into public.team_collaboration (blog_id, assigned_to, role, due_date, organization_id)"
            " values (%s, %s, 'reviewer', '2026-12-10 15:30:12+00', 'other')",
            (other, assignee),
        )
    monkeypatch.undo()
    assert migrations.apply(empty_db, until="0132_review_withdrawals_notify_and_due_days") == [
        "0132_review_withdrawals_notify_and_due_days"
    ]
    with empty_db.connect() as conn:
        stored = dict(
            conn.execute(
                "select organization_id, (due_date at time zone 'UTC')::text from public.team_collaboration"
            ).fetchall()
        )
    assert stored.pop("other") == "2026-12-10 15:30:12"
    assert {n: stored[str(n)] for n in written} == {n: f"{day} 23:59:59" for n, (_, day) in written.items()}
