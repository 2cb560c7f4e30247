"""`calendar suggest` scores the upcoming entries a batch at a time (a server-side cursor, the
changed scores written per batch), where it loaded every one as a ContentCalendar: the scores
written must be the ones the old code wrote, on the same data."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event
from sqlmodel import select

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.models.calendar import ContentCalendar
from blogster_cli.planning import times
from blogster_cli.planning.suggest import DailyViews
from blogster_cli.planning.suggest import suggest as best_time
from blogster_cli.repositories import calendar as calendar_rows
from blogster_cli.services import calendar
from blogster_cli.vocabulary import CalendarStatus

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati", "Asia/Kolkata"]
EDGES = [  # wall times the clocks skip or pass twice, and the ends of the dates Python holds
    (date(2027, 3, 14), time(2, 30), "America/New_York"),
    (date(2027, 11, 7), time(1, 30), "America/New_York"),
    (date(2027, 10, 31), time(2, 30), "Europe/Berlin"),
    (date(2027, 4, 4), time(1, 45), "Australia/Lord_Howe"),
    (date(2027, 3, 9), time(23), "Pacific/Kiritimati"),  # a day before NOW's date: still read
    (date(9999, 12, 31), time(23), "America/New_York"),  # past year 9999 in UTC: clamped
    (date(9999, 12, 31), None, "Pacific/Kiritimati"),
]


def analytics(superuser, author_id):
    (blog_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, content) values ('Read', 'read', %s, '{}') returning id",
        (author_id,),
    ).fetchone()
    for offset in range(1, 60):
        hourly = [(hour * 7 + offset) % 13 for hour in range(24)]
        superuser.execute(
            "insert into public.blog_analytics (blog_id, date, views, views_by_hour) values (%s, %s, %s, %s)",
            (blog_id, NOW.date() - timedelta(days=offset), 50 + offset % 7 * 30, hourly),
        )


def entries(superuser, author_id, count, *, seed):
    """`count` entries at random wall times around NOW (some past, some published, some undated) and EDGES."""
    chosen = random.Random(seed)
    rows = [
        (
            NOW.date() + timedelta(days=chosen.randint(-5, 400)),
            None if chosen.random() < 0.3 else time(chosen.randint(0, 23), chosen.choice([0, 15, 30, 45])),
            chosen.choice(ZONES),
            chosen.choice(["planned", "ready", "published"]),
        )
        for _ in range(count)
    ]
    rows += [(day, at, zone, "planned") for day, at, zone in EDGES] + [(None, None, "UTC", "planned")]
    with superuser.cursor() as cursor:
        cursor.executemany(
            "insert into public.content_calendar (user_id, title, scheduled_date, scheduled_time, timezone, status)"
            " values (%s, 'Entry', %s, %s, %s, %s)",
            [(author_id, day, at, zone, status) for day, at, zone, status in rows],
        )


def scores_as_before(acting):
    """What the code before this change wrote: every upcoming entry loaded as a ContentCalendar, scored."""
    with orm_unit_of_work(acting) as session:
        figures = calendar_rows.daily_views(session, since=NOW.date() - timedelta(days=90))
        found = best_time((DailyViews(*row) for row in figures), timezone="Europe/Berlin")
        assert found is not None
        query = select(ContentCalendar).where(
            ContentCalendar.status != CalendarStatus.PUBLISHED,
            ContentCalendar.scheduled_date >= NOW.date() - timedelta(days=1),  # type: ignore[operator]
        )
        return {
            entry.id: found.score(
                times.instant(entry.scheduled_date, entry.scheduled_time or time(found.hour), entry.timezone)
            )
            for entry in session.exec(query).all()
            if entry.scheduled_date is not None
        }


def stored(superuser, author_id):
    rows = superuser.execute(
        "select id, optimal_time_score, xmin::text from public.content_calendar where user_id = %s", (author_id,)
    )
    return {entry_id: (score, xmin) for entry_id, score, xmin in rows}


def test_suggest_writes_the_scores_the_old_code_wrote_a_batch_at_a_time(db, make_user, superuser, monkeypatch):
    alice, bob = make_user(), make_user()
    analytics(superuser, alice.user_id)
    entries(superuser, alice.user_id, 300, seed=173)
    entries(superuser, bob.user_id, 20, seed=174)
    acting = ActingUser(db, alice)
    expected = scores_as_before(acting)
    assert len(expected) > 150  # the published, past and undated ones are not scored
    monkeypatch.setattr(calendar, "SCORED_AT_ONCE", 16)  # many batches, written while the cursor reads on
    loaded = []

    def count(target, context):
        loaded.append(target.id)

    event.listen(ContentCalendar, "load", count)
    try:
        found = calendar.suggest(acting, timezone="Europe/Berlin", now=NOW)
    finally:
        event.remove(ContentCalendar, "load", count)
    assert found.entries_scored == len(expected) and loaded == []  # read as plain rows, a batch at a time
    after = stored(superuser, alice.user_id)
    assert {entry_id: after[entry_id][0] for entry_id in expected} == expected  # the very same floats
    assert all(score is None for entry_id, (score, _) in after.items() if entry_id not in expected)
    assert all(score is None for score, _ in stored(superuser, bob.user_id).values())

    again = calendar.suggest(acting, timezone="Europe/Berlin", now=NOW)
    assert again.entries_scored == len(expected)
    assert stored(superuser, alice.user_id) == after  # no score changed, so no row was written (same xmin)
