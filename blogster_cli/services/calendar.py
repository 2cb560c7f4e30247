"""The content calendar: plan entries, move them, view them in my timezone, ICS in and out, suggest times.

Entries keep a local wall time and the zone it was typed in, so 09:00 stays 09:00 across a
DST change; views convert each entry's instant into the zone they are shown in.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import MAX_TITLE_CHARS  # a plan names a post: a post title's limit
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import ConfigError, Conflict, FileSystemError, InvalidInput
from blogster_cli.models.calendar import CalendarEntryPublic, ContentCalendar
from blogster_cli.planning import times
from blogster_cli.planning.model import PlannedEvent
from blogster_cli.repositories import calendar as calendar_rows
from blogster_cli.services.post_steps import find_own
from blogster_cli.vocabulary import BlogStatus, CalendarContentType, CalendarStatus
from blogster_cli.wording import already_exists

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.planning.ics import Recurrence
    from blogster_cli.planning.suggest import Suggestion

FEED_NAME = "calendar.ics"
Choice = TypeVar("Choice", bound=StrEnum)


def check_timezone(name: str) -> str:
    try:
        times.zone(name)
    except times.UnknownTimezone:
        raise ConfigError(f"unknown timezone {name!r} (setting 'timezone')") from None
    return name


def _representable(day: date | None, at: time | None, timezone: str, what: str = "") -> None:
    """Refuse a wall time whose UTC instant Python cannot hold (9999-12-31 23:00 in New York)."""
    if day is None:
        return
    try:
        times.checked_instant(day, at, timezone)
    except times.OutOfRange as exc:
        raise InvalidInput(f"{what}{exc}") from None


def _typed_time(day: date, at: time | None, timezone: str) -> None:
    """Refuse a typed --time the clocks skip that day, as --at refuses one (`times.check_wall_time`)."""
    times.check_wall_time(day, at, timezone, f"--date {day} --time {at:%H:%M}" if at is not None else "")


def _public(entry: ContentCalendar) -> CalendarEntryPublic:
    starts_at = (
        times.instant(entry.scheduled_date, entry.scheduled_time, entry.timezone) if entry.scheduled_date else None
    )
    return CalendarEntryPublic.model_validate(entry, update={"starts_at": starts_at})


def _event(entry: ContentCalendar) -> PlannedEvent:
    return PlannedEvent(
        uid=entry.uid or f"{entry.id}@blogster", title=entry.title or "", day=entry.scheduled_date or date.min,
        at=entry.scheduled_time, timezone=entry.timezone, description=entry.description,
        content_type=entry.content_type, status=entry.status, sequence=entry.sequence, topic=entry.topic_category,
        audience=list(entry.target_audience), updated_at=entry.updated_at, id=entry.id,
    )  # fmt: skip


def _member(value: str, allowed: type[Choice], what: str) -> Choice:
    try:
        return allowed(value)
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not one of {', '.join(allowed)}") from None


def _choice(value: str | None, allowed: type[Choice], what: str) -> Choice | None:
    return None if value is None else _member(value, allowed, what)


def _title(title: str, what: str = "") -> str:
    cleaned = " ".join(_without_byte_order_marks(title).split())
    if not cleaned:
        raise InvalidInput(f"{what}an entry needs a title")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise InvalidInput(f"{what}a title has at most {MAX_TITLE_CHARS} characters")
    return cleaned


def _without_byte_order_marks(text: str) -> str:
    """U+FEFF is a byte-order mark pasted along with a file's text, never meant as content; iCalendar
    readers drop it from the start of a value, so an entry keeping it would not export faithfully."""
    return text.replace("\ufeff", "")


def _optional_text(text: str | None) -> str | None:
    cleaned = _without_byte_order_marks(text).strip() if text is not None else ""
    return cleaned or None


def _blog_id(session: Session, ref: str | None) -> UUID | None:
    if ref is None:
        return None
    return find_own(driver_connection(session), ref).id


def _time_or_all_day(at: time | None, all_day: bool) -> None:
    """An entry has a time or is all day, not both."""
    if at is not None and all_day:
        raise InvalidInput("--time and --all-day contradict each other: give one of them")


def add(
    acting: ActingUser, *, title: str, day: date, at: time | None = None, timezone: str, blog: str | None = None,
    content_type: str = CalendarContentType.BLOG, topic: str | None = None, audience: Sequence[str] = (),
    description: str | None = None, all_day: bool = False,
) -> CalendarEntryPublic:  # fmt: skip
    """Plans one entry for a local date (and time) in `timezone`; `all_day` says so outright (as
    `move` takes it), the same as giving no time."""
    _time_or_all_day(at, all_day)
    entry = ContentCalendar(
        title=_title(title), description=_optional_text(description), scheduled_date=day, scheduled_time=at,
        timezone=check_timezone(timezone), content_type=_member(content_type, CalendarContentType, "type"),
        topic_category=_optional_text(topic), target_audience=list(audience),
    )  # fmt: skip
    _representable(day, at, entry.timezone)
    _typed_time(day, at, entry.timezone)
    with orm_unit_of_work(acting) as session:
        entry.blog_id = _blog_id(session, blog)
        return _public(calendar_rows.insert(session, entry=entry))


def entries(
    acting: ActingUser, *, start: date | None = None, end: date | None = None, content_type: str | None = None,
    status: str | None = None,
) -> list[CalendarEntryPublic]:  # fmt: skip
    """My entries dated in [start, end], soonest first."""
    content_type = _choice(content_type, CalendarContentType, "type")
    status = _choice(status, CalendarStatus, "status")
    with orm_unit_of_work(acting) as session:
        rows = calendar_rows.in_range(session, start=start, end=end, content_type=content_type, status=status)
        return [_public(row) for row in rows]


ENTRY = id_prefixes.Named("calendar entry", "calendar entries", "blogster calendar list", other_key="UID")


def _one(session: Session, ref: str) -> ContentCalendar:
    """The entry `ref` names: its id (before another entry's UID that is that id), the first
    characters of it, or its UID."""
    prefix = id_prefixes.usable(ref, ENTRY)
    found = calendar_rows.find(session, prefix=prefix, uid=ref.strip())
    return found[0] if found and str(found[0].id) == prefix else id_prefixes.only(found, ref, ENTRY)


def move(
    acting: ActingUser, *, ref: str, day: date | None = None, at: time | None = None, all_day: bool = False,
    timezone: str | None = None,
) -> CalendarEntryPublic:  # fmt: skip
    """Moves an entry to another local date and/or time, typed in `timezone` (its SEQUENCE grows)."""
    if day is None and at is None and not all_day:
        raise InvalidInput("say where to move it: --date, --time or --all-day")
    _time_or_all_day(at, all_day)
    with orm_unit_of_work(acting) as session:
        entry = _one(session, ref)
        if day is not None:
            entry.scheduled_date = day
        if at is not None or all_day:
            entry.scheduled_time = at
        if at is not None and timezone is not None:  # a typed time means the zone it was typed in
            entry.timezone = check_timezone(timezone)
        _representable(entry.scheduled_date, entry.scheduled_time, entry.timezone)
        if at is not None and entry.scheduled_date is not None:
            _typed_time(entry.scheduled_date, at, entry.timezone)
        session.add(entry)
        session.flush()
        session.refresh(entry)
        return _public(entry)


@dataclass(frozen=True)
class ScheduledPost:
    """A scheduled post an entry is planned for: `publish SLUG --at TIME` moves it."""

    slug: str
    publishes_at: datetime


def post_left_behind(acting: ActingUser, *, entry: CalendarEntryPublic) -> ScheduledPost | None:
    """The post `entry` is planned for (`calendar add --blog`) when it is scheduled to go live at
    another time than the entry starts (an all-day entry: on another day, in the entry's zone);
    else None. An entry is a plan and the post's schedule its own: moving one never moves the
    other (`calendar run-due` marks the entry a publication fulfils, wherever it is dated), so
    `calendar move` says what stayed."""
    from blogster_cli.repositories import blogs as blog_rows

    if entry.blog_id is None or entry.scheduled_date is None:
        return None
    with orm_unit_of_work(acting) as session:
        post = blog_rows.find_own(driver_connection(session), ref=str(entry.blog_id))
    if post is None or post.status != BlogStatus.SCHEDULED or post.published_at is None:
        return None
    if entry.scheduled_time is None:
        same = times.local(post.published_at, entry.timezone).date() == entry.scheduled_date
    else:
        same = post.published_at == entry.starts_at
    return None if same else ScheduledPost(post.slug, post.published_at)


def done(acting: ActingUser, *, ref: str) -> CalendarEntryPublic:
    """Marks an entry published (done)."""
    with orm_unit_of_work(acting) as session:
        entry = _one(session, ref)
        entry.status = CalendarStatus.PUBLISHED
        session.add(entry)
        session.flush()
        session.refresh(entry)
        return _public(entry)


def remove(acting: ActingUser, *, ref: str) -> CalendarEntryPublic:
    with orm_unit_of_work(acting) as session:
        entry = _one(session, ref)
        shown = _public(entry)
        if calendar_rows.delete(session, entry_ids=[entry.id]) != 1:
            raise Conflict(f"calendar entry {ref!r} changed while removing it; try again")
        return shown


SCHEDULED_POST = "scheduled"
"""The status of a scheduled post's event among the entries (PlannedEvent.post)."""


def view(acting: ActingUser, *, start: date, end: date, timezone: str) -> list[PlannedEvent]:
    """My entries falling on local days [start, end] of `timezone`, as wall times there, and my
    scheduled posts going live on those days (`scheduled_posts`) but those an entry shown on the
    same day is linked to (that entry stands for it)."""
    check_timezone(timezone)
    with orm_unit_of_work(acting) as session:
        rows = calendar_rows.in_range(
            session, start=times.days_after(start, -1, clamp=True), end=times.days_after(end, 1, clamp=True)
        )
        shown = []
        linked: set[tuple[UUID, date]] = set()
        for row in rows:
            event = _event(row)
            if row.scheduled_time is not None and row.scheduled_date is not None:
                moment = times.local(times.instant(row.scheduled_date, row.scheduled_time, row.timezone), timezone)
                event = replace(event, day=moment.date(), at=moment.time(), timezone=timezone)
            if start <= event.day <= end:
                shown.append(event)
                if row.blog_id is not None:
                    linked.add((row.blog_id, event.day))
        posts = _scheduled_posts(session, start=start, end=end, timezone=timezone)
        return shown + [post for blog_id, post in posts if (blog_id, post.day) not in linked]


def scheduled_posts(acting: ActingUser, *, start: date, end: date, timezone: str) -> list[PlannedEvent]:
    """My scheduled posts going live on local days [start, end] of `timezone`, as events at their
    wall time there: status SCHEDULED_POST, `post` their slug, no entry id (the calendar does not
    move them: `publish SLUG --at` does)."""
    check_timezone(timezone)
    with orm_unit_of_work(acting) as session:
        return [post for _, post in _scheduled_posts(session, start=start, end=end, timezone=timezone)]


def _scheduled_posts(session: Session, *, start: date, end: date, timezone: str) -> list[tuple[UUID, PlannedEvent]]:
    from blogster_cli.repositories import publishing as publication_rows

    found = []
    for row in publication_rows.scheduled_own(driver_connection(session)):
        if row.published_at is None:
            continue
        moment = times.local(row.published_at, timezone)
        if start <= moment.date() <= end:
            event = PlannedEvent(
                uid=f"{row.id}@blogster-post", title=row.title, day=moment.date(), at=moment.time(),
                timezone=timezone, content_type=CalendarContentType.BLOG, status=SCHEDULED_POST, post=row.slug,
            )  # fmt: skip
            found.append((row.id, event))
    return found


def export_ics(acting: ActingUser, *, name: str = "Blogster content calendar") -> bytes:
    """All my dated entries as one iCalendar file."""
    from blogster_cli.planning.ics import to_ics

    with orm_unit_of_work(acting) as session:
        events = [_event(row) for row in calendar_rows.in_range(session) if row.scheduled_date is not None]
    return to_ics(events, name=name, stamp=datetime.now(UTC))


def write_ics(acting: ActingUser, *, path: Path, force: bool) -> int:
    """Writes my calendar to `path` atomically (a subscriber never reads half a file); returns the
    event count. Not `force`: a file there is refused (Conflict, as `db backup` refuses it)."""
    data = export_ics(acting)
    _write_atomically(path, data, overwrite=force)
    return data.count(b"BEGIN:VEVENT")


def feed(acting: ActingUser, *, out: Path) -> Path:
    """Writes calendar.ics into the site output folder `out` (made if missing, as `site build`
    makes it), for calendar programs to subscribe to."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileSystemError.writing(out, exc) from None
    target = out / FEED_NAME
    write_ics(acting, path=target, force=True)  # the site's own file, rewritten at each build
    return target


def _write_atomically(path: Path, data: bytes, *, overwrite: bool) -> None:
    from blogster_cli.private_files import replace_whole

    try:
        replace_whole(path, data, partial=path.with_name(f".{path.name}.{os.getpid()}.tmp"), overwrite=overwrite)
    except FileExistsError:
        raise Conflict(already_exists(path)) from None
    except OSError as exc:  # a missing or unwritable folder: exit 8, as every other file written
        raise FileSystemError.writing(path, exc) from None


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    recurring: list[Recurrence] = field(default_factory=list)
    """Each recurring event: its occurrences in the next 12 months imported as entries (or why none)."""
    notes: list[str] = field(default_factory=list)
    """What was read otherwise than written: an event given twice, an unknown TZID, a SEQUENCE out of range,
    a wall time the clocks skip (`_gap_notes`)."""


def _ics_text(path: Path, data: bytes | None) -> tuple[str, str]:
    """An iCalendar file's text (undecodable bytes replaced, as icalendar decodes them) and how
    messages name it: the file the user named at `path` (a regular file, read through no link:
    content/files.py, so a link planted where a calendar is expected does not import, or quote,
    what it points to), or `data`, standard input's bytes (`--ics -`), when given."""
    from blogster_cli.content.files import read_named_text
    from blogster_cli.planning.ics import MAX_ICS_BYTES

    if data is None:
        return read_named_text(path, errors="replace", limit=MAX_ICS_BYTES), str(path)
    if len(data) > MAX_ICS_BYTES:
        raise InvalidInput(f"cannot read standard input: larger than {MAX_ICS_BYTES // 2**20} MiB")
    return data.decode("utf-8-sig", errors="replace"), "standard input"


def import_ics(
    acting: ActingUser, *, path: Path, timezone: str, today: date | None = None, data: bytes | None = None
) -> ImportReport:
    """Adds each event of the iCalendar file at `path` (or `data`: see _ics_text) once: a UID
    already in my calendar updates that entry.

    A recurring event adds its occurrences from `today` (in `timezone`) for 12 months, each
    under a UID of its own (planning/ics.py). The whole file is one unit of work: all of it
    is imported, or nothing.
    """
    from blogster_cli.planning.ics import InvalidCalendar, read_ics

    zone = times.zone(check_timezone(timezone))
    text, named = _ics_text(path, data)
    try:
        read = read_ics(
            text, default_timezone=timezone, types={t.value for t in CalendarContentType},
            statuses={s.value for s in CalendarStatus}, today=today or datetime.now(zone).date(),
        )  # fmt: skip
    except (InvalidCalendar, times.UnknownTimezone) as exc:
        raise InvalidInput(f"{named}: {exc}") from None
    latest = {event.uid: event for event in read.events}  # a UID twice in one file: the last wins
    titles = {}  # checked, as the dates are, before anything is written
    for uid, event in latest.items():
        _representable(event.day, event.at, event.timezone, f"event {uid[:80]!r}: ")
        titles[uid] = _title(event.title, f"event {uid[:80]!r}: ")
    wanted: dict[str, dict[str, object]] = {
        uid: {
            "title": titles[uid],
            "description": _optional_text(event.description),
            "scheduled_date": event.day,
            "scheduled_time": event.at,
            "timezone": event.timezone,
            "content_type": event.content_type,
            "status": event.status,
            "topic_category": _optional_text(event.topic),
        }
        for uid, event in latest.items()
    }
    with orm_unit_of_work(acting) as session:
        existing = calendar_rows.by_uids(session, uids=list(latest))
        new = [{"uid": uid, "sequence": latest[uid].sequence, **v} for uid, v in wanted.items() if uid not in existing]
        added = calendar_rows.insert_unless_there(session, entries=new)
        if len(added) < len(new):  # another import of the file added those meanwhile
            existing |= calendar_rows.by_uids(session, uids=[u for u in wanted if u not in existing and u not in added])
        for uid, entry in existing.items():
            wanted[uid].update(_in_own_zone(latest[uid], entry))
        changed = [
            {"id": entry.id, **wanted[uid]}
            for uid, entry in existing.items()
            if any(getattr(entry, key) != value for key, value in wanted[uid].items())
        ]
        updated = calendar_rows.update_imported(session, entries=changed)
    notes = [*read.notes, *_gap_notes(wanted)]
    return ImportReport(len(added), updated, len(existing) - len(changed), read.recurring, notes)


def _gap_notes(wanted: dict[str, dict[str, object]]) -> list[str]:
    """A note per imported event whose wall time the clocks skip: `calendar add --time` refuses
    such a time, an event is placed an hour later by the clock, as RFC 5545 and calendar programs
    place it, and said so, as `calendar move` says it of an entry moved to that day."""
    notes = []
    for uid, values in wanted.items():
        day, at, timezone = values["scheduled_date"], values["scheduled_time"], values["timezone"]
        if isinstance(day, date) and isinstance(at, time) and isinstance(timezone, str):
            note = times.gap_note(day, at, timezone)
            if note is not None:
                notes.append(f"event {uid[:80]!r}: {note}")
    return notes


def _in_own_zone(event: PlannedEvent, entry: ContentCalendar) -> dict[str, object]:
    """The start of `event`, read from a file for `entry` (the same UID), in the entry's own zone when
    the file names none for it (a DATE, a UTC or floating time: read in the timezone setting for a new
    entry): re-importing my export after changing the setting leaves the entry as it is, instead
    of moving it to the new zone (an all-day entry's day then starting at another instant). Nothing
    when the file names a zone, or the entry's zone cannot hold that start (year 9999)."""
    if event.unzoned_start is None or event.timezone == entry.timezone:
        return {}
    from blogster_cli.planning.ics import wall_time

    try:
        day, at, timezone = wall_time(event.unzoned_start, entry.timezone)
        times.checked_instant(day, at, timezone)
    except (OverflowError, times.OutOfRange):
        return {}
    return {"scheduled_date": day, "scheduled_time": at, "timezone": timezone}


@dataclass(frozen=True)
class ImportRemoval:
    path: Path
    removed: int
    """The entries importing the file made, removed (or, in a dry run, that would be)."""
    kept: int
    """Entries with the file's UIDs made in Blogster (an export of this calendar imported back updated
    them, adding nothing): never removed."""


def remove_imported(
    acting: ActingUser, *, path: Path, dry_run: bool = False, data: bytes | None = None
) -> ImportRemoval:
    """Removes the entries importing the iCalendar file at `path` (or `data`: see _ics_text) made: an import undone.

    Those are my entries with the UIDs its events give (its recurring events' occurrences whatever
    day they were imported on: planning/ics.event_uids), but for the ones made in Blogster, which an
    import only updates. The file is read as `import_ics` reads it; all of them go in one unit of
    work, or none. `dry_run` counts them and removes nothing.
    """
    from blogster_cli.planning.ics import InvalidCalendar, event_uids

    text, named = _ics_text(path, data)
    try:
        made = event_uids(text)
    except InvalidCalendar as exc:
        raise InvalidInput(f"{named}: {exc}") from None
    with orm_unit_of_work(acting) as session:
        found = calendar_rows.imported_with_uids(
            session, uids=sorted(made.uids), occurrence_bases=sorted(made.occurrence_bases)
        )
        imported = [entry_id for entry_id, by_import in found if by_import]
        removed = len(imported) if dry_run else calendar_rows.delete(session, entry_ids=imported)
    return ImportRemoval(path, removed, len(found) - len(imported))


def _score_upcoming(session: Session, found: Suggestion, *, since: date) -> int:
    """Sets each upcoming entry's optimal_time_score to `found.score` of its time: how many there are."""
    scored = 0
    for batch in calendar_rows.upcoming_times(session, since=since, batch_size=SCORED_AT_ONCE):
        changed = {}
        for entry_id, day, at, zone, old_score in batch:
            score = found.score(times.instant(day, at or time(found.hour), zone))
            if score != old_score:  # an unchanged score is not written (nor its updated_at moved)
                changed[entry_id] = score
        calendar_rows.set_time_scores(session, scores=changed)
        scored += len(batch)
    return scored


@dataclass(frozen=True)
class TimeSuggestion:
    weekday: str
    hour: int
    timezone: str
    days_counted: int
    next_slot: datetime
    entries_scored: int
    hour_source: str
    """"views" when the hour is the one the readers' hourly views (blog_analytics.views_by_hour) favour,
    "default" when no day of the period has them and the hour is planning.suggest.DEFAULT_HOUR."""
    days_with_hours: int
    """Of days_counted, those with views per hour (written by `analytics ingest` when it recomputes a day)."""
    weekday_source: str
    """"views" when the weekday is the one the readers' daily views favour, "default" when the period has
    no reader visit (a new blog): the slot is planning.suggest.by_default's and no entry is scored."""


SCORED_AT_ONCE = 5_000  # upcoming entries read, scored and written at a time: memory stays flat


def suggest(acting: ActingUser, *, timezone: str, days: int = 90, now: datetime | None = None) -> TimeSuggestion:
    """The weekday and hour my readers visit most (last `days` days of blog_analytics); scores my upcoming entries.

    Each upcoming entry's optimal_time_score becomes how good its time is, 0..1 (1: the suggested slot),
    SCORED_AT_ONCE entries at a time in one unit of work: all the scores are written, or none. Without
    a reader visit in the period the slot is a default (weekday_source "default") and no score changes.
    """
    import calendar as weekdays

    from blogster_cli.planning.suggest import DailyViews, by_default, next_slot
    from blogster_cli.planning.suggest import suggest as best_time

    check_timezone(timezone)
    if days < 7:
        raise InvalidInput("--days must be at least 7 (a week of figures)")
    now = now or datetime.now(UTC)
    with orm_unit_of_work(acting) as session:
        figures = calendar_rows.daily_views(session, since=now.date() - timedelta(days=days))
        learnt = best_time((DailyViews(*row) for row in figures), timezone=timezone)
        scored = 0 if learnt is None else _score_upcoming(session, learnt, since=now.date())
    found = learnt or by_default(timezone)  # a default slot is no reader's: the entries keep their scores
    return TimeSuggestion(
        weekday=weekdays.day_name[found.weekday], hour=found.hour, timezone=timezone, days_counted=found.days_counted,
        next_slot=next_slot(found, after=now), entries_scored=scored, hour_source=found.hour_source,
        days_with_hours=found.days_with_hours, weekday_source=found.weekday_source,
    )  # fmt: skip
