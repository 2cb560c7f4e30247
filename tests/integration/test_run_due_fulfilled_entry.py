"""Which calendar entry a post's publication fulfils: the one starting first in real time (each
entry's date and time are wall time in its own zone), of those planned before the post went live
or dated by then; and --dry-run counts what the run then marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.models.calendar import ContentCalendar
from blogster_cli.planning import times
from blogster_cli.repositories import calendar as calendar_rows
from blogster_cli.services import calendar, due_work

LIVE_AT = datetime.now(UTC) - timedelta(hours=1)
PLANNED_AT = LIVE_AT - timedelta(days=30)


def post(superuser, author_id, slug, *, status="published", when=LIVE_AT):
    (post_id,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, content, status, published_at)"
        " values (%s, %s, %s, jsonb_build_object('markdown', 'Body'), %s, %s) returning id",
        (slug, slug, author_id, status, when),
    ).fetchone()
    return post_id


def entry(superuser, author_id, title, *, day, at=None, zone="UTC", blog_id=None, planned_at=PLANNED_AT):
    superuser.execute(
        "insert into public.content_calendar (user_id, title, scheduled_date, scheduled_time, timezone, blog_id,"
        " created_at) values (%s, %s, %s, %s, %s, %s, %s)",
        (author_id, title, day, at, zone, blog_id, planned_at),
    )


def marked(superuser):
    rows = superuser.execute("select title from public.content_calendar where status = 'published' order by title")
    return [title for (title,) in rows]


def run_twice(acting):
    """What --dry-run counts, then what the run marks: they must agree."""
    preview = due_work.run_due(acting, dry_run=True).calendar_marked
    report = due_work.run_due(acting)
    assert report.errors == [] and report.calendar_marked == preview
    return preview


def test_the_entry_starting_first_in_real_time_is_the_one_marked(db, make_user, superuser):
    """01:00 on the 10th in Kiritimati (UTC+14) is 11:00Z on the 9th: before 23:00 on the 9th in
    Honolulu (UTC-10, 09:00Z on the 10th), though its date is later."""
    actor = make_user()
    timed, all_day = (post(superuser, actor.user_id, slug) for slug in ("timed", "all-day"))
    for blog_id, at in ((timed, time(1)), (all_day, None)):  # all day there starts at 10:00Z on the 9th
        entry(
            superuser,
            actor.user_id,
            "Honolulu",
            day=date(2027, 1, 9),
            at=time(23),
            zone="Pacific/Honolulu",
            blog_id=blog_id,
        )
        entry(
            superuser,
            actor.user_id,
            f"Kiritimati {at}",
            day=date(2027, 1, 10),
            at=at,
            zone="Pacific/Kiritimati",
            blog_id=blog_id,
        )
    assert run_twice(ActingUser(db, actor)) == 2
    assert marked(superuser) == ["Kiritimati 01:00:00", "Kiritimati None"]


def test_a_wall_time_passed_twice_is_its_first_instant_as_the_calendar_shows_it(db, make_user, superuser):
    """01:30 on 2027-11-07 in New York happens twice (EDT, then EST): `calendar view` takes the first
    (05:30Z), so 00:45 that day in Chicago (still CDT: 05:45Z) comes after it."""
    actor = make_user()
    blog_id = post(superuser, actor.user_id, "fall-back")
    for title, at, zone in (("Chicago", time(0, 45), "America/Chicago"), ("New York", time(1, 30), "America/New_York")):
        entry(superuser, actor.user_id, title, day=date(2027, 11, 7), at=at, zone=zone, blog_id=blog_id)
    assert run_twice(ActingUser(db, actor)) == 1
    assert marked(superuser) == ["New York"]


WALL_TIMES = [
    (date(2027, 1, 10), time(1), "Pacific/Kiritimati"),
    (date(2027, 1, 10), None, "Pacific/Kiritimati"),
    (date(2027, 1, 9), time(23), "Pacific/Honolulu"),
    (date(2027, 11, 7), time(1, 30), "America/New_York"),  # passed twice
    (date(2027, 3, 14), time(2, 30), "America/New_York"),  # skipped
    (date(2027, 4, 4), time(1, 45), "Australia/Lord_Howe"),  # passed twice, 30 minutes apart
    (date(2027, 10, 3), time(2, 15), "Australia/Lord_Howe"),  # skipped
    (date(2027, 10, 31), time(2, 30), "Europe/Berlin"),  # passed twice
    (date(2027, 7, 1), time(9), "Europe/Berlin"),
    (date(2027, 7, 1), None, "UTC"),
    (date(1, 1, 2), time(0), "Pacific/Kiritimati"),
    (date(9999, 12, 30), time(23), "Pacific/Pago_Pago"),
]


def test_each_entrys_instant_is_the_one_the_calendar_shows(db, make_user, superuser):
    actor = make_user()
    for n, (day, at, zone) in enumerate(WALL_TIMES):
        entry(superuser, actor.user_id, str(n), day=day, at=at, zone=zone)
    with orm_unit_of_work(ActingUser(db, actor)) as session:
        found = dict(session.exec(select(ContentCalendar.title, calendar_rows._starts())).all())
    assert found == {str(n): times.instant(day, at, zone) for n, (day, at, zone) in enumerate(WALL_TIMES)}


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "europe/berlin", "UTC+3", "x" * 64])
def test_a_zone_postgresql_does_not_know_counts_as_utc_and_fails_nothing(db, make_user, superuser, zone):
    """The column checks only the zone's length: raw SQL or another client may store any text."""
    actor = make_user()
    blog_id = post(superuser, actor.user_id, "odd-zone")
    entry(superuser, actor.user_id, "odd", day=date(2027, 1, 9), at=time(12), zone=zone, blog_id=blog_id)
    entry(superuser, actor.user_id, "later", day=date(2027, 1, 9), at=time(12, 30), blog_id=blog_id)
    entry(superuser, actor.user_id, "other post", day=date(2027, 1, 9), blog_id=post(superuser, actor.user_id, "x"))
    assert run_twice(ActingUser(db, actor)) == 2
    assert marked(superuser) == ["odd", "other post"]


ODD_NAMES = ["europe/berlin", " Europe/Berlin", "Europe//Berlin", "Europe/../Europe/Berlin", "", "Mars/X"]
ODD_NAMES += ["UTC+3", "<+03>-3", "EST5EDT,M3.2.0/2,M11.1.0", "XXX3", "PST", "CEST", "Z", "+03", "x" * 64]


def test_is_time_zone_answers_as_postgresql_s_zone_list_for_every_zone_and_odd_names(superuser, make_user, db):
    """0125 reads one name instead of the whole list; it must agree with the list, and leave the
    caller's own TimeZone setting as it was."""
    (listed,) = superuser.execute("select array_agg(name) from pg_timezone_names").fetchone()
    odd = [name.lower() for name in listed[:50]] + [name.upper() for name in listed[:50]] + ODD_NAMES
    names = listed + odd
    answers = superuser.execute(
        "select n, public.is_time_zone(n), n = any(%s) from unnest(%s::text[]) n", (listed, names)
    ).fetchall()
    assert [(name, says) for name, says, in_list in answers if says != in_list] == []
    assert len(listed) > 500
    with db.connect() as conn, acting_transaction(conn, make_user().role_name):
        conn.execute("set local timezone = 'Asia/Tokyo'")
        assert conn.execute(
            "select public.is_time_zone('Nowhere/X'), public.is_time_zone('Europe/Paris')"
        ).fetchone() == (
            False,
            True,
        )
        assert conn.execute("show timezone").fetchone() == ("Asia/Tokyo",)


def test_dates_past_python_s_years_sort_at_their_end_and_fail_nothing(db, make_user, superuser):
    actor = make_user()
    blog_id = post(superuser, actor.user_id, "far")
    for title, day in (("infinity", "infinity"), ("year 200000", "200000-01-01"), ("-infinity", "-infinity")):
        superuser.execute(
            "insert into public.content_calendar (user_id, title, scheduled_date, timezone, blog_id, created_at)"
            " values (%s, %s, %s::date, 'Pacific/Kiritimati', %s, %s)",
            (actor.user_id, title, day, blog_id, PLANNED_AT),
        )
    acting = ActingUser(db, actor)
    assert run_twice(acting) == 1 and marked(superuser) == ["-infinity"]


def test_an_update_planned_after_the_post_went_live_waits_for_calendar_done(db, make_user, superuser):
    """`old-post` went live with no entry; one added since for a later date is a planned update,
    not its publication. One added since but dated by the time it went live records it."""
    actor = make_user()
    acting = ActingUser(db, actor)
    post(superuser, actor.user_id, "old-post")
    assert run_twice(acting) == 0
    calendar.add(acting, title="Refresh next March", day=date(2027, 3, 1), timezone="UTC", blog="old-post")
    (post_id,) = superuser.execute("select id from public.blogs where slug = 'old-post'").fetchone()
    entry(superuser, actor.user_id, "Undated idea", day=None, blog_id=post_id, planned_at=datetime.now(UTC))
    assert run_twice(acting) == 0 and marked(superuser) == []
    went_live = LIVE_AT.astimezone(times.zone("Asia/Tokyo"))
    calendar.add(
        acting, title="Written", day=went_live.date(), at=went_live.time(), timezone="Asia/Tokyo", blog="old-post"
    )
    assert run_twice(acting) == 1 and marked(superuser) == ["Written"]
    assert run_twice(acting) == 0


def test_a_scheduled_post_counts_the_time_it_was_scheduled_for(db, make_user, superuser):
    """run-due publishes a post due since LIVE_AT: an entry added after that time for a later date
    is an update of it, in --dry-run as in the run; one planned before is its publication."""
    actor = make_user()
    late, planned = (post(superuser, actor.user_id, slug, status="scheduled") for slug in ("late", "planned"))
    now = datetime.now(UTC)
    entry(superuser, actor.user_id, "added late", day=date(2027, 3, 1), blog_id=late, planned_at=now)
    entry(superuser, actor.user_id, "planned", day=date(2027, 3, 1), blog_id=planned)
    entry(superuser, actor.user_id, "planned later", day=date(2027, 3, 1), blog_id=planned, planned_at=now)
    assert run_twice(ActingUser(db, actor)) == 1
    assert marked(superuser) == ["planned"]


def test_a_live_post_with_no_publication_time_leaves_its_entries_to_calendar_done(db, make_user, superuser):
    actor = make_user()
    blog_id = post(superuser, actor.user_id, "when", when=None)
    entry(superuser, actor.user_id, "launch", day=date(2020, 1, 1), blog_id=blog_id)
    assert run_twice(ActingUser(db, actor)) == 0 and marked(superuser) == []
