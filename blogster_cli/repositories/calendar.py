"""My content calendar entries (content_calendar) and what the calendar reads around them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    String,
    Subquery,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    text,
    update,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.models.accounts import TIMESTAMPTZ
from blogster_cli.models.calendar import ContentCalendar
from blogster_cli.models.content import Blog, BlogAnalytics
from blogster_cli.repositories import MY_ID
from blogster_cli.vocabulary import BlogStatus, CalendarContentType, CalendarStatus, NewsletterStatus, SocialPostStatus

# "My posts", for meaning: others' published posts are visible too (RLS still decides what is).
MY_POSTS = (col(Blog.author_id) == literal_column("auth.uid()")) & col(Blog.deleted_at).is_(None)


def insert(session: Session, *, entry: ContentCalendar) -> ContentCalendar:
    session.add(entry)
    session.flush()
    session.refresh(entry)
    return entry


def in_range(
    session: Session, *, start: date | None = None, end: date | None = None, content_type: str | None = None,
    status: str | None = None,
) -> Sequence[ContentCalendar]:  # fmt: skip
    """Entries with a date in [start, end] (either end open), by date and time."""
    query = select(ContentCalendar)
    if start is not None:
        query = query.where(col(ContentCalendar.scheduled_date) >= start)
    if end is not None:
        query = query.where(col(ContentCalendar.scheduled_date) <= end)
    if content_type is not None:
        query = query.where(ContentCalendar.content_type == content_type)
    if status is not None:
        query = query.where(ContentCalendar.status == status)
    order = (col(ContentCalendar.scheduled_date).nulls_last(), col(ContentCalendar.scheduled_time).nulls_first())
    return session.exec(query.order_by(*order, col(ContentCalendar.id))).all()


def find(session: Session, *, prefix: str | None, uid: str) -> list[ContentCalendar]:
    """My entries whose id starts with `prefix` or whose UID is `uid` (id_prefixes: one is a match,
    two ambiguous), the one whose whole id `prefix` is first (an id names its entry, never another
    whose UID is that text); for update."""
    named = col(ContentCalendar.uid) == uid
    whole_id = cast(ContentCalendar.id, String) == prefix
    if prefix is not None:
        named = named | cast(ContentCalendar.id, String).startswith(prefix, autoescape=True)
    query = select(ContentCalendar).where(named).order_by(whole_id.desc())
    return list(session.exec(query.limit(id_prefixes.ROWS_NEEDED).with_for_update()).all())


# What an import writes of a new entry, with each column's type (the rest are the database's defaults).
IMPORTED_COLUMNS = {
    "uid": "text", "sequence": "integer", "title": "text", "description": "text", "scheduled_date": "date",
    "scheduled_time": "time", "timezone": "text", "content_type": "public.calendar_content_type",
    "status": "public.calendar_status", "topic_category": "text",
}  # fmt: skip


def insert_unless_there(session: Session, *, entries: Sequence[dict[str, object]]) -> set[str]:
    """Adds `entries` (IMPORTED_COLUMNS each) in one statement, each unless my calendar holds its
    UID already (another import of the same file added it meanwhile: that one waits for it, then
    adds nothing); returns the UIDs added.

    One array per column through unnest(): any number of entries binds ten parameters (a row
    per entry bound ten each, and PostgreSQL takes at most 65,535); the per-row trigger
    (content_calendar_track_changes) still sees each row. Plain values, not ContentCalendar
    objects: building 70,000 of those took longer than the rest of the import.
    """
    if not entries:
        return set()
    arrays = ", ".join(f"cast(:{name} as {kind}[])" for name, kind in IMPORTED_COLUMNS.items())
    names = ", ".join(IMPORTED_COLUMNS)
    statement = text(
        f"insert into public.content_calendar ({names}) select * from unnest({arrays}) as t({names})"
        " on conflict (user_id, uid) do nothing returning uid"
    )
    params = {name: [_plain(e[name]) for e in entries] for name in IMPORTED_COLUMNS}
    return set(session.connection().execute(statement, params).scalars().all())


# What a re-import rewrites of an entry already there (uid stays; the trigger raises sequence).
REIMPORTED_COLUMNS = {name: kind for name, kind in IMPORTED_COLUMNS.items() if name not in ("uid", "sequence")}


def update_imported(session: Session, *, entries: Sequence[dict[str, object]]) -> int:
    """Writes `entries` (an "id" and REIMPORTED_COLUMNS each) over my entries with those ids in
    one statement; returns how many rows it wrote.

    One array per column through unnest(), as insert_unless_there: an ORM UPDATE per entry was a
    round trip each (100,000 renamed events: 27.6 s). The per-row triggers (updated_at, sequence)
    still see each row, and RLS still decides which rows are mine.
    """
    if not entries:
        return 0
    arrays = ", ".join(f"cast(:{name} as {kind}[])" for name, kind in REIMPORTED_COLUMNS.items())
    names = ", ".join(REIMPORTED_COLUMNS)
    assignments = ", ".join(f"{name} = t.{name}" for name in REIMPORTED_COLUMNS)
    statement = text(
        f"update public.content_calendar c set {assignments}"
        f" from unnest(cast(:id as uuid[]), {arrays}) as t(id, {names}) where c.id = t.id"
    )
    params = {name: [_plain(e[name]) for e in entries] for name in ("id", *REIMPORTED_COLUMNS)}
    return session.connection().execute(statement, params).rowcount


def _plain(value: object) -> object:
    """An enum member as its text (arrays of it are cast to the enum in SQL)."""
    return str(value) if isinstance(value, StrEnum) else value


def by_uids(session: Session, *, uids: list[str]) -> dict[str, ContentCalendar]:
    """My entries with these UIDs, for update: one array parameter, joined as a set."""
    if not uids:
        return {}
    listed = bindparam("uids", list(uids), type_=ARRAY(Text))
    query = select(ContentCalendar).where(col(ContentCalendar.uid).in_(select(func.unnest(listed))))
    rows = session.exec(query.with_for_update()).all()
    return {row.uid: row for row in rows if row.uid is not None}


def imported_with_uids(
    session: Session, *, uids: Sequence[str], occurrence_bases: Sequence[str]
) -> list[tuple[UUID, bool]]:
    """My entries whose UID is one of `uids` or an occurrence (`base#start`, planning/ics.occurrence_uid)
    of one of `occurrence_bases`, each with whether an import made it; for update.

    An entry made in Blogster keeps the UID the database gave it, `<id>@blogster`
    (content_calendar_track_changes; no UID is ever changed), which no import can give: an
    import makes each new entry a new id and keeps the event's UID. One array parameter each.
    """
    named: ColumnElement[bool] = col(ContentCalendar.uid).in_(
        select(func.unnest(bindparam("uids", list(uids), type_=ARRAY(Text))))
    )
    if occurrence_bases:
        base = func.substring(  # the stamp exactly as occurrence_uid writes it: a single event's `a#1` is no occurrence
            col(ContentCalendar.uid), r"^(.*)#[0-9]{8}(T[0-9]{6}Z?)?$"
        )
        listed = bindparam("bases", list(occurrence_bases), type_=ARRAY(Text))
        named = named | base.in_(select(func.unnest(listed)))
    made_here = col(ContentCalendar.uid) == cast(col(ContentCalendar.id), String) + "@blogster"
    query = select(col(ContentCalendar.id), ~made_here).where(named).with_for_update()
    return [(entry_id, bool(imported)) for entry_id, imported in session.exec(query).all()]


def delete(session: Session, *, entry_ids: Sequence[UUID]) -> int:
    """Removes my entries with these ids (one array parameter), returning how many: the one place
    calendar rows are deleted (so it can move to a definer function)."""
    if not entry_ids:
        return 0
    statement = text("select count(*) from public.delete_rows('public.content_calendar', cast(:ids as uuid[]))")
    deleted: int = session.connection().execute(statement, {"ids": list(entry_ids)}).scalar_one()
    return deleted


def mark_published_posts_done(session: Session) -> list[UUID]:
    """Marks the calendar entry each live post's publication fulfils: of its unmarked `blog`
    entries planned before it went live (created by its published_at) or dated by then, the one
    starting first, unless one of its `blog` entries is marked already (a re-run finds none). A
    later entry for the post (an update planned for next month, or added after it went live) waits
    for `calendar done`; entries of other kinds (its newsletter, its social posts) are not its
    publication; nor is an entry of a live post whose published_at is unknown (raw SQL stores one).

    Starts from the pending entries (a partial index keeps them few) and looks each post up by id.
    """
    statement = (
        update(ContentCalendar)
        .where(
            col(ContentCalendar.id).in_(select(_fulfilled_entries().c.id)),
            col(ContentCalendar.status) != CalendarStatus.PUBLISHED,
        )
        .values(status=CalendarStatus.PUBLISHED)
        .returning(col(ContentCalendar.id))
    )
    return list(session.connection().execute(statement).scalars().all())


def _fulfilled_entries(*, now: datetime | None = None) -> Subquery:
    """The entry each post's publication fulfils (see mark_published_posts_done), for the posts
    live now, or also those scheduled to go live by `now` (what a run at `now` would mark: their
    published_at is when they go live)."""
    due = (col(Blog.status) == BlogStatus.PUBLISHED) if now is None else (
        (col(Blog.status) == BlogStatus.PUBLISHED)
        | ((col(Blog.status) == BlogStatus.SCHEDULED) & (col(Blog.published_at) <= now))
    )  # fmt: skip
    pending = (
        select(ContentCalendar.id, ContentCalendar.blog_id, ContentCalendar.created_at, _starts().label("starts"))
        .where(
            ContentCalendar.content_type == CalendarContentType.BLOG, ContentCalendar.status != CalendarStatus.PUBLISHED
        )
        .subquery("pending")
    )
    marked = aliased(ContentCalendar)
    fulfilled = select(marked.id).where(
        marked.blog_id == pending.c.blog_id,
        marked.content_type == CalendarContentType.BLOG,
        marked.status == CalendarStatus.PUBLISHED,
    )
    live_at = col(Blog.published_at)
    return (
        select(pending.c.id)
        .join(Blog, col(Blog.id) == pending.c.blog_id)
        .where(MY_POSTS, due, (pending.c.created_at <= live_at) | (pending.c.starts <= live_at), ~fulfilled.exists())
        .ext(distinct_on(pending.c.blog_id))
        .order_by(pending.c.blog_id, pending.c.starts.asc().nulls_last(), pending.c.created_at, pending.c.id)
        .subquery()
    )


def _starts() -> ColumnElement[datetime]:
    """When an entry starts, in SQL, as times.instant has it: its date and time (midnight for an
    all-day entry) as wall time in its zone, the earlier instant of a wall time the clocks pass
    twice, and a skipped one with the offset before the change (PostgreSQL's own rule for those).
    NULL for an undated entry. A zone PostgreSQL's timezone() does not take (the column checks only
    its length; raw SQL or another client may store any text) counts as UTC, and a date outside years 1-9999
    as -infinity or infinity, so one such row cannot fail the statement for the whole account."""
    day, zone = col(ContentCalendar.scheduled_date), col(ContentCalendar.timezone)
    wall = day + func.coalesce(col(ContentCalendar.scheduled_time), time(0, 0))
    utc = literal("UTC", Text)

    def instant(tz: ColumnElement[str] | Mapped[str], local: ColumnElement[Any]) -> ColumnElement[datetime]:
        return func.timezone(tz, local, type_=TIMESTAMPTZ)  # a wall time there -> the instant

    def wall_time(tz: ColumnElement[str] | Mapped[str], moment: ColumnElement[Any]) -> ColumnElement[datetime]:
        return func.timezone(tz, moment, type_=DateTime())  # an instant -> the wall time there

    later = instant(zone, wall)  # PostgreSQL takes the offset after the change for a repeated time
    day_before = later - timedelta(days=1)
    offset_before = wall_time(zone, day_before) - wall_time(utc, day_before)
    earlier = instant(utc, wall - offset_before)
    known = func.public.is_time_zone(zone, type_=Boolean)  # 0125: asks timezone() itself, no zone list
    return case(
        (day < date(1, 1, 2), literal_column("'-infinity'::timestamptz", TIMESTAMPTZ)),
        (day > date(9999, 12, 30), literal_column("'infinity'::timestamptz", TIMESTAMPTZ)),
        (zone == utc, instant(utc, wall)),
        (known, func.least(later, case((wall_time(zone, earlier) == wall, earlier)))),
        else_=instant(utc, wall),
    )


def entries_of_posts_due(session: Session, *, now: datetime) -> int:
    """How many entries a run at `now` would mark (for --dry-run)."""
    return session.exec(select(func.count()).select_from(_fulfilled_entries(now=now))).one()


def due_social_posts(session: Session, *, now: datetime) -> list[UUID]:
    from blogster_cli.models.social import SocialMediaPost  # its tables only where due work reads them

    query = select(SocialMediaPost.id).where(
        SocialMediaPost.post_status == SocialPostStatus.SCHEDULED, col(SocialMediaPost.scheduled_time) <= now
    )
    return list(session.exec(query.order_by(col(SocialMediaPost.scheduled_time))).all())


def due_newsletters(session: Session, *, now: datetime) -> list[UUID]:
    from blogster_cli.models.newsletters import EmailNewsletter

    query = select(EmailNewsletter.id).where(
        EmailNewsletter.status == NewsletterStatus.SCHEDULED, col(EmailNewsletter.scheduled_time) <= now
    )
    return list(session.exec(query.order_by(col(EmailNewsletter.scheduled_time))).all())


def next_times(session: Session, *, now: datetime) -> list[tuple[str, datetime]]:
    """The next scheduled post, social post and newsletter after `now`, each as (kind, time)."""
    from blogster_cli.models.newsletters import EmailNewsletter
    from blogster_cli.models.social import SocialMediaPost

    found: list[tuple[str, datetime]] = []
    post = session.exec(
        select(func.min(Blog.published_at)).where(
            MY_POSTS, Blog.status == BlogStatus.SCHEDULED, col(Blog.published_at) > now
        )
    ).one()
    social = session.exec(
        select(func.min(SocialMediaPost.scheduled_time)).where(
            SocialMediaPost.post_status == SocialPostStatus.SCHEDULED, col(SocialMediaPost.scheduled_time) > now
        )
    ).one()
    newsletter = session.exec(
        select(func.min(EmailNewsletter.scheduled_time)).where(
            EmailNewsletter.status == NewsletterStatus.SCHEDULED, col(EmailNewsletter.scheduled_time) > now
        )
    ).one()
    for kind, moment in (("post", post), ("social", social), ("newsletter", newsletter)):
        if moment is not None:
            found.append((kind, moment))
    return found


# An upcoming entry as `calendar suggest` scores it: id, date, time, zone, optimal_time_score.
EntryTime = tuple[UUID, date, time | None, str, float | None]


def upcoming_times(session: Session, *, since: date, batch_size: int) -> Iterator[list[EntryTime]]:
    """The entries not yet published with a date from `since` (a day early, for time zones ahead
    of UTC), `batch_size` at a time, as EntryTime.

    Read through a server-side cursor, so memory holds one batch whatever the calendar's size:
    `calendar suggest` loading every upcoming entry as a ContentCalendar held 387 MiB for 100,000
    (an imported calendar) and took 13.5 s, 5.5 s with no score changed; now 4 MiB, 3.9 s and
    0.4 s (bench/bench_calendar.py). The caller may write between batches; the cursor keeps
    reading what was there when it opened.
    """
    query = core_select(  # five columns: SQLModel's select() types four at most
        col(ContentCalendar.id), col(ContentCalendar.scheduled_date), col(ContentCalendar.scheduled_time),
        col(ContentCalendar.timezone), col(ContentCalendar.optimal_time_score),
    ).where(
        col(ContentCalendar.status) != CalendarStatus.PUBLISHED,
        col(ContentCalendar.scheduled_date) >= since - timedelta(days=1),
    )  # fmt: skip
    result = session.connection().execute(query.execution_options(yield_per=batch_size))
    for rows in result.partitions():
        yield [(entry_id, day, at, zone, score) for entry_id, day, at, zone, score in rows if day is not None]


def set_time_scores(session: Session, *, scores: dict[UUID, float]) -> int:
    """Writes each entry's optimal_time_score in one statement (arrays through unnest(), as
    update_imported); returns how many rows it wrote."""
    if not scores:
        return 0
    statement = text(
        "update public.content_calendar c set optimal_time_score = t.score"
        " from unnest(cast(:ids as uuid[]), cast(:scores as double precision[])) as t(id, score) where c.id = t.id"
    )
    return session.connection().execute(statement, {"ids": list(scores), "scores": list(scores.values())}).rowcount


def next_start(session: Session, *, now: datetime) -> datetime | None:
    """When my first entry not yet published starts after `now` (`_starts`: each in its own zone),
    found in SQL: one row back, where loading every upcoming entry to compare them in Python
    took 6.5 s for 200,000 entries (red team 27b F6). Infinite starts (dates past 9999) are left out."""
    pending = (
        select(_starts().label("starts"))
        .where(
            ContentCalendar.status != CalendarStatus.PUBLISHED,
            col(ContentCalendar.scheduled_date) >= now.date() - timedelta(days=1),  # a day early, as upcoming_times
        )
        .subquery("pending")
    )
    finite = literal_column("'infinity'::timestamptz", TIMESTAMPTZ)
    query = select(func.min(pending.c.starts)).where(pending.c.starts > now, pending.c.starts < finite)
    found: datetime | None = session.exec(query).one()
    return found


def daily_views(session: Session, *, since: date) -> list[tuple[date, int, list[int] | None]]:
    """My blogs' views per UTC date since `since`, with views per UTC hour summed where collected."""
    rows = session.exec(
        select(col(BlogAnalytics.date), col(BlogAnalytics.views), col(BlogAnalytics.views_by_hour)).where(
            col(BlogAnalytics.date) >= since, BlogAnalytics.author_id == literal_column(MY_ID)
        )
    ).all()
    merged: dict[date, tuple[int, list[int] | None]] = {}
    for day, views, hourly in rows:
        total, hours = merged.get(day, (0, None))
        if hourly is not None:
            hours = [a + b for a, b in zip(hours or [0] * 24, hourly, strict=True)]
        merged[day] = (total + views, hours)
    return [(day, total, hours) for day, (total, hours) in sorted(merged.items())]
