"""blogster calendar: plan entries, view them by month, week or agenda, ICS in and out, and due work for cron."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION
from blogster_cli.cli.params import FILE_PATH, FOLDER_PATH, parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context, configured_site_out, site_folder
from blogster_cli.errors import InvalidInput
from blogster_cli.id_prefixes import short
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.actors import ActingUser
    from blogster_cli.models.calendar import CalendarEntryPublic
    from blogster_cli.planning.model import PlannedEvent
    from blogster_cli.services.calendar import ImportRemoval, ScheduledPost

app = command_group("calendar")

LIST_COLUMNS = ["id", "date", "time", "type", "status", "title"]
Parsed = TypeVar("Parsed")


def _timezone() -> str:
    """The zone the calendar is typed and shown in: the `timezone` setting, as every command's."""
    from blogster_cli.services import calendar

    return calendar.check_timezone(app_context().settings.timezone)


def _parse(parser: Callable[[str], Parsed], text: str, option: str, shape: str, kind: str) -> Parsed:
    """`parser(text)`: text of another shape is shown the one it takes; text of that shape naming no
    `kind` (25:00, 2026-13) is told why, as --at and --date are."""
    from blogster_cli.planning.times import NoSuchTime, no_such_time

    try:
        return parser(text)
    except NoSuchTime as reason:
        raise no_such_time(f"{option} {text!r}", reason, kind=kind) from None
    except ValueError:
        raise InvalidInput(f"{option} {text!r} is not like {shape}") from None


def _clock(text: str | None) -> time | None:
    from blogster_cli.planning.times import parse_clock

    return None if text is None else _parse(parse_clock, text, "--time", "09:30", "time")


def _moment(text: str | None) -> datetime | None:
    """--now: read as every typed time (planning/times.parse_at): in your timezone unless it carries an offset."""
    if text is None:
        return None
    from blogster_cli.planning.times import parse_at

    at = parse_at(text, timezone=app_context().tzinfo, name="--now")
    if at.note:
        output.message(f"note: {at.note}")
    return at.moment


def _in_range(days: Callable[[], Parsed]) -> Parsed:
    """Days a view shows, or a one-line error when they pass year 9999 (or come before year 1)."""
    from blogster_cli.planning.times import OutOfRange

    try:
        return days()
    except OutOfRange as exc:
        raise InvalidInput(str(exc)) from None


def _record(entry: CalendarEntryPublic, timezone: str) -> dict[str, object]:
    """A table row: a timed entry's date and time as they are in `timezone`."""
    from blogster_cli.planning import times

    day, at = entry.scheduled_date, entry.scheduled_time
    if at is not None and entry.starts_at is not None:
        local = times.local(entry.starts_at, timezone)
        day, at = local.date(), local.time()
    shown = "all day" if at is None else times.clock(at)
    return {
        "id": str(entry.id), "date": day, "time": shown, "type": entry.content_type,
        "status": entry.status, "title": entry.title,
    }  # fmt: skip


def _show(
    acting: ActingUser, entries: Sequence[CalendarEntryPublic], fmt: str | None, json: bool, limit: int | None
) -> None:
    from blogster_cli.cli.listing import chosen_format, limited, show_list

    if chosen_format(fmt, json) == "json":
        output.print_json(list(limited(entries, limit)))
    else:
        timezone = _timezone()
        show_list([_record(e, timezone) for e in entries], LIST_COLUMNS, fmt=fmt, json=False, limit=limit)


@app.command()
def add(
    title: str = typer.Argument(..., help="What you plan to publish."),
    day: date = typer.Option(..., "--date", parser=parse_date, help="YYYY-MM-DD, in your timezone."),
    at: str | None = typer.Option(None, "--time", help="HH:MM in your timezone (default: all day)."),
    blog: str | None = typer.Option(None, "--blog", help="The post it is for (slug or id)."),
    content_type: str = typer.Option("blog", "--type", help="blog, newsletter or social."),
    topic: str | None = typer.Option(None, "--topic", help="A topic category."),
    audience: list[str] = typer.Option([], "--audience", help="A target audience (repeat for several)."),
    description: str | None = typer.Option(None, "--description", help="Notes for the entry."),
    all_day: bool = typer.Option(False, "--all-day", help="No time: the whole day (as without --time)."),
    json: bool = JSON_OPTION,
) -> None:
    """Plan an entry on a date (and time) in your timezone.

    Example: blogster calendar add "Launch post" --date 2099-12-07 --time 09:00 --topic launch
    """
    from blogster_cli.services import calendar

    acting = acting_user()
    entry = calendar.add(
        acting, title=title, day=day, at=_clock(at), timezone=_timezone(), blog=blog,
        content_type=content_type, topic=topic, audience=audience, description=description, all_day=all_day,
    )  # fmt: skip
    when = f" at {entry.scheduled_time:%H:%M} {entry.timezone}" if entry.scheduled_time is not None else ""
    output.print_json(entry) if json else output.message(f"Planned {short(entry.id)} for {entry.scheduled_date}{when}.")
    _note_gap(entry)


def _note_gap(entry: CalendarEntryPublic) -> None:
    """A note on stderr when the entry's wall time is one the clocks skip (`times.gap_note`: a time
    kept as the entry moved to another day; a typed one is refused) or pass twice (`times.fold_note`)."""
    from blogster_cli.planning.times import fold_note, gap_note

    if entry.scheduled_date is not None:
        for noted in (gap_note, fold_note):
            note = noted(entry.scheduled_date, entry.scheduled_time, entry.timezone)
            if note is not None:
                output.message(f"note: {note}")


@app.command("list")
def list_entries(
    since: date | None = typer.Option(None, "--from", parser=parse_date, help="First date, YYYY-MM-DD."),
    until: date | None = typer.Option(None, "--to", parser=parse_date, help="Last date, YYYY-MM-DD."),
    content_type: str | None = typer.Option(None, "--type", help="blog, newsletter or social."),
    status: str | None = typer.Option(None, "--status", help="planned, in_progress, ready or published."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your calendar entries by date.

    Example: blogster calendar list --from 2099-12-01 --json
    """
    from blogster_cli.services import calendar

    acting = acting_user()
    entries = calendar.entries(acting, start=since, end=until, content_type=content_type, status=status)
    _show(acting, entries, fmt, json, limit)


@app.command()
def move(
    ref: str = typer.Argument(..., help="The entry's id (8 characters are enough) or UID."),
    day: date | None = typer.Option(None, "--date", parser=parse_date, help="New date, YYYY-MM-DD."),
    at: str | None = typer.Option(None, "--time", help="New time, HH:MM in your timezone."),
    all_day: bool = typer.Option(False, "--all-day", help="Drop the time."),
    json: bool = JSON_OPTION,
) -> None:
    """Move an entry to another date or time (calendar programs see the change).

    The post an entry is for keeps its own schedule: when it is scheduled at another time, a note
    on stderr says when it goes live and the `publish --at` that moves it too.

    Example: blogster calendar move $(blogster calendar list --format ids | head -1) --date 2099-12-08
    """
    from blogster_cli.services import calendar

    acting = acting_user()
    entry = calendar.move(acting, ref=ref, day=day, at=_clock(at), all_day=all_day, timezone=_timezone())
    output.print_json(entry) if json else output.message(f"Moved {short(entry.id)} to {entry.scheduled_date}.")
    _note_gap(entry)
    post = calendar.post_left_behind(acting, entry=entry)
    if post is not None:
        output.message(
            f"note: the post '{post.slug}' still goes live at {output.local_time(post.publishes_at)} (moving an"
            f' entry does not move its post); to move it too: blogster publish {post.slug} --at "{_publish_at(entry, post)}"'
        )


def _publish_at(entry: CalendarEntryPublic, post: ScheduledPost) -> str:
    """The `publish --at` value (in the timezone setting, as publish reads it) for the moved entry's
    start; for an all-day entry, its day at the time of day the post goes live now."""
    from blogster_cli.planning.times import in_zone

    zone = app_context().tzinfo
    if entry.scheduled_time is not None and entry.starts_at is not None:
        return in_zone(entry.starts_at, zone).strftime("%Y-%m-%d %H:%M")
    return f"{entry.scheduled_date} {in_zone(post.publishes_at, zone):%H:%M}"  # dated: post_left_behind says so


@app.command()
def done(ref: str = typer.Argument(..., help="The entry's id or UID."), json: bool = JSON_OPTION) -> None:
    """Mark an entry published.

    Example: blogster calendar done $(blogster calendar list --format ids | head -1)
    """
    from blogster_cli.services import calendar

    entry = calendar.done(acting_user(), ref=ref)
    output.print_json(entry) if json else output.message(f"Marked {short(entry.id)} published.")


@app.command("rm")
def remove(
    ref: str | None = typer.Argument(None, help="The entry's id or UID."),
    imported: Path | None = typer.Option(
        None,
        "--imported",
        help="Instead, remove every entry importing this .ics file (- for standard input) added.",
        click_type=FILE_PATH,
    ),
    yes: bool = typer.Option(False, "--yes", help="With --imported: do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove an entry from the calendar, or with --imported FILE every entry `calendar import --ics FILE` added.

    `blogster calendar rm --imported wrong.ics` undoes an import: it removes the entries with the UIDs
    of the file's events (a recurring event's occurrences too, whenever imported), all or none, and
    keeps those made in Blogster, even when the file holds their UIDs (an export imported back). It
    says how many and asks first on a terminal; elsewhere give --yes.

    Example: blogster calendar rm $(blogster calendar list --format ids | tail -1)
    """
    from blogster_cli.services import calendar

    if imported is not None:
        if ref is not None:
            raise InvalidInput("give an entry or --imported FILE, not both")
        _remove_imported(imported, yes=yes, json=json)
        return
    if ref is None:
        raise InvalidInput("say which entry to remove (its id or UID), or give --imported FILE")
    entry = calendar.remove(acting_user(), ref=ref)
    output.print_json(entry) if json else output.message(f"Removed {short(entry.id)} ({entry.title}).")


def _remove_imported(ics: Path, *, yes: bool, json: bool) -> None:
    """`rm --imported`: without --yes, counts first and asks (as `posts purge` does); nothing found, nothing asked."""
    from blogster_cli.cli import ask
    from blogster_cli.services import calendar

    acting = acting_user()
    data = _stdin_bytes() if str(ics) == STDIO else None  # read once, for the count and the removal
    if not yes:
        found = calendar.remove_imported(acting, path=ics, dry_run=True, data=data)
        if not found.removed:
            _removed(found, json)
            return
        question = f"Remove {plural(found.removed, 'calendar entry', 'calendar entries')} imported from {_named(ics)}?"
        if not ask.yes(question, instead="use --yes"):
            raise typer.Abort()
    _removed(calendar.remove_imported(acting, path=ics, data=data), json)


def _named(ics: Path) -> str:
    return "standard input" if str(ics) == STDIO else str(ics)


def _removed(report: ImportRemoval, json: bool) -> None:
    if json:
        output.print_json(report)
        return
    output.message(
        f"Removed {plural(report.removed, 'calendar entry', 'calendar entries')} imported from {_named(report.path)}."
    )
    if report.kept:
        kept = plural(report.kept, "entry", "entries")
        output.message(f"note: kept {kept} made in Blogster whose UIDs the file holds (an import only updates those).")


@app.command()
def month(
    which: str | None = typer.Argument(None, help="YYYY-MM (default: this month)."), json: bool = JSON_OPTION
) -> None:
    """A month grid of your entries and scheduled posts, coloured by type and status.

    Example: blogster calendar month 2099-12
    """
    from blogster_cli.cli import calendar_views
    from blogster_cli.planning import grid, times
    from blogster_cli.services import calendar

    acting = acting_user()
    timezone = _timezone()
    first = (
        _parse(times.parse_month, which, "month", "2026-12", "month")
        if which is not None
        else _today(timezone).replace(day=1)
    )
    start, end = _in_range(lambda: grid.month_range(first))
    events = calendar.view(acting, start=start, end=end, timezone=timezone)
    if json:
        output.print_json(calendar_views.days_json(start, end, events, timezone))
    else:
        output.print_renderable(calendar_views.month_grid(first, events, timezone))


@app.command()
def week(
    which: date | None = typer.Argument(
        None, parser=parse_date, help="A day of the week to show, YYYY-MM-DD (default: today)."
    ),
    day: date | None = typer.Option(None, "--date", parser=parse_date, help="The same day, as an option."),
    json: bool = JSON_OPTION,
) -> None:
    """Your entries and scheduled posts of one week, Monday first.

    Example: blogster calendar week 2099-12-07
    """
    if which is not None and day is not None and which != day:
        raise InvalidInput(f"two days given ({which} and --date {day}): give one")
    day = which if which is not None else day
    from blogster_cli.cli import calendar_views
    from blogster_cli.planning import times
    from blogster_cli.services import calendar

    acting = acting_user()
    timezone = _timezone()
    monday = times.week_start(day or _today(timezone))
    sunday = _in_range(lambda: times.days_after(monday, 6))
    events = calendar.view(acting, start=monday, end=sunday, timezone=timezone)
    if json:
        output.print_json(calendar_views.days_json(monday, sunday, events, timezone))
    else:
        output.print_renderable(calendar_views.week_table(monday, events, timezone))


@app.command()
def agenda(
    days: int = typer.Option(14, "--days", min=1, max=366, help="How many days from today."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """What is coming, day by day, from today (--limit: the first N entries; --format csv, ids and
    count list the entries, ids being UIDs that move, done and rm take).

    Example: blogster calendar agenda --days 7
    """
    from blogster_cli.cli import calendar_views
    from blogster_cli.cli.listing import chosen_format, limited, show_list
    from blogster_cli.planning import times
    from blogster_cli.services import calendar

    chosen = chosen_format(fmt, json)
    acting = acting_user()
    timezone = _timezone()
    start = _today(timezone)
    end = _in_range(lambda: times.days_after(start, days - 1))
    events = list(limited(sorted(calendar.view(acting, start=start, end=end, timezone=timezone), key=_when), limit))
    if chosen in ("json", "yaml"):
        shown = calendar_views.days_json(start, end, events, timezone, skip_empty=True)
        output.print_json(shown) if chosen == "json" else output.print_yaml(shown)
    elif chosen == "table":
        output.print_renderable(calendar_views.agenda(events, timezone, days=days))
    else:
        records = [calendar_views.event_record(e) for e in events]
        show_list(records, calendar_views.EVENT_COLUMNS, fmt=chosen, json=False, id_key="uid")


def _when(event: PlannedEvent) -> tuple[date, time]:
    return (event.day, event.at or time.min)


def _today(timezone: str) -> date:
    from blogster_cli.planning import times

    return datetime.now(times.zone(timezone)).date()


STDIO = "-"  # --ics -: standard output (export) or input (import, rm --imported), as elsewhere


@app.command("export")
def export_ics(
    ics: Path = typer.Option(
        ..., "--ics", help="The .ics file to write, or - for standard output.", click_type=FILE_PATH
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
    json: bool = JSON_OPTION,
) -> None:
    """Write your calendar as an iCalendar file (same UIDs every time, so calendar programs update events).

    An existing file is refused (exit 5) unless --force.

    Example: blogster calendar export --ics plan.ics
    """
    from blogster_cli.services import calendar

    if str(ics) == STDIO:
        if json:
            raise InvalidInput("--json and --ics - would both write to standard output: give one of them")
        data = calendar.export_ics(acting_user())
        output.print_raw(data.decode("utf-8"))
        output.message(f"Wrote {plural(data.count(b'BEGIN:VEVENT'), 'event')} to standard output.")
        return
    count = calendar.write_ics(acting_user(), path=ics, force=force)
    output.print_json({"path": ics, "events": count}) if json else output.message(
        f"Wrote {plural(count, 'event')} to {ics}."
    )


def _stdin_bytes() -> bytes | None:
    """Standard input's bytes, for a file named `-` (None when `ics` is a file): read up to one byte
    past the largest calendar taken, so a bigger one is refused without being read whole."""
    import sys

    from blogster_cli.planning.ics import MAX_ICS_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stream (embedding): its characters, each at least a byte
        text: str = sys.stdin.read(MAX_ICS_BYTES + 1)
        return text.encode("utf-8", "surrogatepass")
    data: bytes = stream.read(MAX_ICS_BYTES + 1)
    return data


@app.command("import")
def import_ics(
    ics: Path = typer.Option(
        ..., "--ics", help="The .ics file to read, or - for standard input.", click_type=FILE_PATH
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Add the events of an iCalendar file; an event already imported (same UID) is updated, not added again.

    A recurring event adds its occurrences in the next 12 months (at most 366), each under a UID of its
    own; a note on stderr (and "recurring" in --json) says which were imported. A file whose recurring
    events would make more than 10,000 entries in all, or whose rules take too long to expand in all
    (a dozen that never match, such as February 30), is refused whole (exit 2).

    Example: blogster calendar import --ics plan.ics
    """
    from blogster_cli.services import calendar

    acting = acting_user()
    data = _stdin_bytes() if str(ics) == STDIO else None
    report = calendar.import_ics(acting, path=ics, timezone=_timezone(), data=data)
    if json:
        output.print_json(report)
    else:
        output.message(
            f"Imported {_named(ics)}: {report.created} new, {report.updated} updated, {report.unchanged} unchanged."
        )
    for note in [*(recurring.note for recurring in report.recurring), *report.notes]:
        output.message(f"note: {note}")


@app.command()
def feed(
    out: Path | None = typer.Option(
        None, "--out", help="Site output folder (default: site_out, else ./public).", click_type=FOLDER_PATH
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Write calendar.ics into the site output folder, for calendar programs to subscribe to (it is public there).

    Example: blogster calendar feed --out ~/site/public
    """
    from blogster_cli.services import calendar

    folder = site_folder(out)
    path = calendar.feed(acting_user(), out=folder)
    output.print_json({"path": path}) if json else output.message(f"Wrote {path}.")


@app.command()
def suggest(
    days: int = typer.Option(90, "--days", min=1, max=3660, help="How many days of analytics to learn from (1-3660)."),
    json: bool = JSON_OPTION,
) -> None:
    """The weekday and hour your readers visit most; scores your upcoming entries (optimal_time_score).

    The hour comes from your posts' views per hour, which `analytics ingest` records for the days it
    counts; without any in the period it is 09:00, and a note on stderr (hour_source "default" in
    --json, else "views") says so. Without any reader visit in the period (a new blog) it suggests
    Tuesdays at 09:00, says so on stderr (weekday_source "default" too) and scores no entry.

    Example: blogster calendar suggest --days 60
    """
    from blogster_cli.services import calendar

    acting = acting_user()
    found = calendar.suggest(acting, timezone=_timezone(), days=days)
    if found.weekday_source == "default":
        output.message(
            f"note: no reader visits in your analytics of the last {plural(days, 'day')} (`analytics ingest`"
            f" records them): {found.weekday}s at {found.hour:02d}:00 is a default, not your readers' time;"
            " no entry was scored"
        )
    elif found.hour_source == "default":
        output.message(
            f"note: none of the {plural(found.days_counted, 'day')} of views has them per hour (`analytics ingest`"
            f" records them for each day it counts): {found.hour:02d}:00 is a default, not your readers' hour"
        )
    if json:
        output.print_json(found)
    else:
        output.message(
            f"Publish on {found.weekday}s at {found.hour:02d}:00 ({found.timezone}); next: "
            f"{found.next_slot:%Y-%m-%d %H:%M}. Scored {plural(found.entries_scored, 'upcoming entry', 'upcoming entries')}."
        )


def _not_ahead(moment: datetime | None, *, dry_run: bool) -> datetime | None:
    """run-due's --now: an earlier time catches up on what was due by then; a later one would publish
    posts (and send mail) before their time, so it is only previewed (--dry-run)."""
    real = datetime.now(UTC)
    if moment is None or dry_run or moment <= real:
        return moment
    from blogster_cli.planning.times import in_zone

    tz = app_context().tzinfo
    raise InvalidInput(
        f"--now {in_zone(moment, tz):%Y-%m-%d %H:%M %Z} is after the real time ({in_zone(real, tz):%Y-%m-%d %H:%M %Z}):"
        " run-due would publish and send before then; add --dry-run to preview it"
    )


@app.command("run-due")
def run_due(
    now: str | None = typer.Option(
        None,
        "--now",
        help="Act as if it were this time (only what was due by then): 'YYYY-MM-DD HH:MM[:SS]' in your"
        " timezone, or with its offset (Z: UTC); 1970 to 9999 (default: now). A time still to come only"
        " with --dry-run (exit 2 without): a preview.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only say what is due."),
    json: bool = JSON_OPTION,
) -> None:
    """Publish posts whose scheduled time has come, mark their calendar entries, rebuild the site, then
    post due social posts and send due newsletters (as the workers do each minute), for cron. --json:
    each newsletter's send report under newsletters_sent, or under newsletters_busy when another run
    was sending it (or held the sending turn) and this one mailed nobody.

    Example: blogster calendar run-due --dry-run --json
    """
    from blogster_cli.errors import ConfigError
    from blogster_cli.services import due_work, mail_hold, newsletters, social_posting

    moment = _not_ahead(_moment(now), dry_run=dry_run)
    ctx = app_context()
    settings = ctx.settings
    folder = configured_site_out()
    site = due_work.SiteTarget(folder, settings.site_base_domain, settings.timezone) if folder else None
    acting = acting_user()
    try:
        smtp: newsletters.SmtpSettings | None = newsletters.smtp_settings(ctx, sender_owner=acting.actor.user_id)
    except ConfigError:
        smtp = None  # reported only if a newsletter is due
    distribution = due_work.Distribution(
        social=social_posting.social_access(ctx, token_owner=acting.actor.user_id), smtp=smtp,
        hold=mail_hold.kept(ctx),
    )  # fmt: skip
    report = due_work.run_due(acting, now=moment, dry_run=dry_run, site=site, distribution=distribution)
    counts = newsletters.due_counts(report.newsletters_sent + report.newsletters_busy)
    if json:
        output.print_json(report)
    else:
        verb = "would publish" if dry_run else "published"
        output.message(
            f"{verb} {plural(len(report.published), 'post')};"
            f" {plural(report.calendar_marked, 'calendar entry', 'calendar entries')} marked;"
            f" {plural(len(report.social_due), 'social post')} and {plural(len(report.newsletters_due), 'newsletter')} due"
            + ("" if dry_run else f", {sum(o.error is None for o in report.social_posted)} posted")
            + ("" if dry_run else f", {counts.sent} sent")
            + (f", {counts.held} held by your daily sending limit" if counts.held else "")
            + (f", {counts.busy} busy in another run" if counts.busy else "")
            + ("; site rebuilt." if report.site_rebuilt else ".")
        )
    for note in report.notes:
        output.message(f"note: {note}")
    if report.site_files_left:
        shown = ", ".join(report.site_files_left[:3]) + (" ..." if len(report.site_files_left) > 3 else "")
        output.message(
            f"note: the site rebuild left {plural(len(report.site_files_left), 'file')} it did not write or that"
            f" {'was' if len(report.site_files_left) == 1 else 'were'} edited since: {shown} (blogster site build --force overwrites them)"
        )
    for problem in report.errors:
        output.error(problem)
    if report.errors:
        raise typer.Exit(1)


@app.command("next-change")
def next_change(json: bool = JSON_OPTION) -> None:
    """When the next scheduled change happens (ISO 8601, for schedulers); nothing when none is planned.

    Example: blogster calendar next-change --json
    """
    from blogster_cli.services import due_work

    found = due_work.next_change(acting_user())
    if json:
        output.print_json({"what": found[0], "at": found[1]} if found else None)
    elif found:
        output.print_lines([found[1].astimezone(UTC).isoformat()])
    else:
        output.message("Nothing is scheduled.")
