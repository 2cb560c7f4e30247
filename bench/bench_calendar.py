"""The calendar's due work and ICS export at scale, each beside a floor measured in the same run.

    python bench/bench_calendar.py [--entries 10000]

Starts an embedded PostgreSQL in a temporary folder, applies the migrations and creates
one account with --entries scheduled posts (all due) and as many calendar entries, one per
post, a third of them timed in Europe/Berlin. Then:

    run_due: `calendar run-due` (the service): publish every due post with its activity,
             mark the entries, all as the account under RLS
    run_due_floor: the same two UPDATEs and the activity INSERT as the superuser, in one
             transaction, on a fresh copy of the data (no RLS, no Python): the ratio is our overhead
    run_due_rerun: a second run with nothing left to do (what cron pays every minute)
    ics_export: `calendar export` of every entry (read, build, serialise with icalendar)
    ics_floor: icalendar alone on the same events already in memory; the ratio is the database's share
    ics_import: `calendar import` of --entries new events (UIDs of their own)
    ics_reimport_changed: the same events again, every title changed (each entry updated)
    ics_reimport_unchanged: that file once more (read and compared, nothing written): the
             difference from ics_reimport_changed is what writing the changes costs
    suggest: `calendar suggest` over 90 days of analytics, scoring the --entries upcoming
             entries the import made (every score written)
    suggest_rerun: the same again, every score as it was (read and scored, nothing written)
    suggest_peak_memory: the Python memory a run holds at its peak (tracemalloc), scores
             cleared first so that every one is written again

Times are wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import_export import create_account
from scaling import bench_scale
from timing import timed

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.planning.model import PlannedEvent
from blogster_cli.services import calendar, due_work

FILL = """
insert into public.blogs (title, slug, author_id, content, status, published_at)
select 'Post ' || n, 'post-' || n, %(author)s, jsonb_build_object('markdown', 'Body of post ' || n), 'scheduled',
       now() - interval '1 minute' * n
from generate_series(1, %(count)s) n;
insert into public.content_calendar (user_id, title, scheduled_date, scheduled_time, timezone, blog_id, created_at)
select author_id, title, (published_at at time zone 'Europe/Berlin')::date,
       case when right(slug, 1) in ('0', '3', '6') then '09:00'::time end, 'Europe/Berlin', id,
       published_at - interval '1 day'
from public.blogs where author_id = %(author)s;
"""

FLOOR = """
with flipped as (
  update public.blogs set status = 'published' where author_id = %(author)s and status = 'scheduled'
    and deleted_at is null and published_at <= now() returning id, slug, title)
insert into public.activities (user_id, type, title, description, blog_id, metadata)
select %(author)s, 'published', title, 'Published ''' || title || ''' (scheduled)', id, jsonb_build_object('slug', slug)
from flipped;
update public.content_calendar c set status = 'published' from public.blogs b
where c.blog_id = b.id and b.status = 'published' and c.status <> 'published';
"""


def main() -> None:
    scale = bench_scale()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=max(100, round(10000 * scale)), help="10,000 x scale")
    args = parser.parse_args()

    from icalendar import Calendar
    from prepared import embedded_server

    from blogster_cli.planning.ics import to_ics

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-calendar-"))
    server = embedded_server(scratch / "home")
    try:
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        author = acting.actor.user_id
        with db.connect() as conn, conn.transaction():
            for statement in FILL.split(";")[:-1]:
                conn.execute(statement, {"author": author, "count": args.entries})
        with db.connect() as conn:
            conn.execute("analyze")  # what autovacuum does after a load, before cron's next run
        with db.connect() as conn:
            conn.execute("create database bench_floor template " + conn.info.dbname)  # same data, for the floor
        n = args.entries

        seconds, report = timed(lambda: due_work.run_due(acting, now=datetime.now(UTC) + timedelta(seconds=1)))
        assert len(report.published) == n and report.calendar_marked == n and not report.errors, report.errors
        print(f"run_due: {seconds:.2f} s ({n} posts published, {report.calendar_marked} entries marked)")
        print(f"run_due_per_post: {seconds * 1e6 / n:.0f} us")
        floor_db = Database(server.conninfo("bench_floor"))
        with floor_db.connect() as conn, conn.transaction():
            floor, _ = timed(lambda: [conn.execute(sql, {"author": author}) for sql in FLOOR.split(";")[:-1]])
        print(f"run_due_floor: {floor:.2f} s (the same SQL as the superuser, no RLS, no Python)")
        print(f"run_due_ratio_to_floor: {seconds / floor:.1f} x")
        rerun, again = timed(lambda: due_work.run_due(acting))
        assert not again.published
        print(f"run_due_rerun: {rerun * 1000:.0f} ms (nothing due)")

        exported, data = timed(lambda: calendar.export_ics(acting))
        events = data.count(b"BEGIN:VEVENT")
        assert events == n
        print(f"ics_export: {exported:.2f} s ({events} events, {len(data) / 1024:.0f} KiB)")
        planned = [  # the floor: the same events, already in memory
            PlannedEvent(uid=e.uid, title=e.title or "", day=e.scheduled_date, at=e.scheduled_time, timezone=e.timezone,
                         content_type=e.content_type, status=e.status, sequence=e.sequence, updated_at=e.updated_at)
            for e in calendar.entries(acting)
        ]  # fmt: skip
        floor_ics, floor_data = timed(lambda: to_ics(planned, name="bench", stamp=datetime.now(UTC)))
        print(f"ics_floor: {floor_ics:.2f} s (icalendar alone, events in memory)")
        print(f"ics_ratio_to_floor: {exported / floor_ics:.2f} x")
        parse, parsed = timed(lambda: Calendar.from_ical(data))
        print(f"ics_parse: {parse:.2f} s ({len(parsed.walk('VEVENT'))} events parsed back)")

        for name, title, counts in (
            ("ics_import", "Event", (n, 0, 0)),
            ("ics_reimport_changed", "Event renamed", (0, n, 0)),
            ("ics_reimport_unchanged", "Event renamed", (0, 0, n)),
        ):
            events_file = scratch / f"{name}.ics"
            events_file.write_bytes(to_ics(imported_events(n, title), name="bench", stamp=datetime.now(UTC)))
            took, read = timed(
                lambda path=events_file: calendar.import_ics(acting, path=path, timezone="Europe/Berlin")
            )
            assert (read.created, read.updated, read.unchanged) == counts, read
            print(f"{name}: {took:.2f} s ({n} events)")

        bench_suggest(db, acting, n)
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


ANALYTICS = """
insert into public.blog_analytics (blog_id, date, views, views_by_hour)
select (select id from public.blogs where author_id = %(author)s limit 1), current_date - n, 100 + n %% 7 * 40,
       array(select (h * 7 + n) %% 50 from generate_series(0, 23) h)
from generate_series(1, 90) n
"""


def bench_suggest(db: Database, acting: ActingUser, n: int) -> None:
    """`calendar suggest` over the n upcoming entries the imports left (module docstring)."""
    import tracemalloc

    with db.connect() as conn:
        conn.execute(ANALYTICS, {"author": acting.actor.user_id})
    for name in ("suggest", "suggest_rerun"):
        took, found = timed(lambda: calendar.suggest(acting, timezone="Europe/Berlin"))
        assert found.entries_scored == n, found
        print(f"{name}: {took:.2f} s ({found.entries_scored} upcoming entries scored)")
    with db.connect() as conn:
        conn.execute("update public.content_calendar set optimal_time_score = null")
    tracemalloc.start()
    try:
        calendar.suggest(acting, timezone="Europe/Berlin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"suggest_peak_memory: {peak / 2**20:.1f} MiB (tracemalloc, {n} scores written)")


def imported_events(count: int, title: str) -> list[PlannedEvent]:
    """`count` events dated over the coming year, a third of them all day; `title` is each one's start."""
    start = datetime.now(UTC).date()
    return [
        PlannedEvent(uid=f"event-{n}@bench", title=f"{title} {n}", day=start + timedelta(days=n % 365),
                     at=None if n % 3 == 0 else time(9), timezone="Europe/Berlin")
        for n in range(count)
    ]  # fmt: skip


if __name__ == "__main__":
    main()
