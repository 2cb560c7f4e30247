"""Publishing posts now or at a time, taking them down, and publishing what has come due.

Each post is its own unit of work: when several are named, every one is either fully
published (status, date and its one activity row) or reported with the reason, and
the others go ahead. `publish_due` is what a scheduler (`calendar run-due`) calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.repositories import activities
from blogster_cli.repositories import publishing as publication_rows
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.repositories.publishing import ScheduledRow
from blogster_cli.services.post_steps import find_own, markdown_of
from blogster_cli.vocabulary import ActivityType, BlogStatus

AT_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Outcome:
    """What happened to one named post: `status` is its new status, or None with `error` set."""

    ref: str
    slug: str | None = None
    status: str | None = None
    published_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def parse_at(text: str, *, timezone: tzinfo) -> datetime:
    """'YYYY-MM-DD HH:MM' in the user's timezone, as an aware datetime."""
    try:
        naive = datetime.strptime(text.strip(), AT_FORMAT)
    except ValueError:
        raise InvalidInput(f"--at {text!r} is not a time like '2026-12-01 09:00'") from None
    moment = naive.replace(tzinfo=timezone)
    try:
        moment.astimezone(UTC)  # stored in UTC: '9999-12-31 23:59' in Honolulu is in year 10000 there
    except OverflowError:
        raise InvalidInput(f"--at {text!r} is out of range in UTC") from None
    return moment


def readiness(row: BlogRow) -> tuple[list[str], list[str]]:
    """(problems that block publishing, warnings that do not)."""
    problems = []
    if not row.title.strip():
        problems.append("it has no title")
    if not row.slug.strip():
        problems.append("it has no slug")
    if not markdown_of(row).strip():
        problems.append("it has no content")
    warnings = []
    if not (row.meta_description or "").strip():
        warnings.append("no meta description")
    if not (row.featured_image or "").strip():
        warnings.append("no featured image")
    return problems, warnings


def _publish_one(acting: ActingUser, ref: str, at: datetime | None, now: datetime) -> Outcome:
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref, with_content=True)
        problems, warnings = readiness(row)
        if problems:
            raise InvalidInput(f"'{row.slug}' cannot be published: {', '.join(problems)}")
        if row.status == BlogStatus.PUBLISHED:
            raise InvalidInput(f"'{row.slug}' is already published")
        later = at is not None and at > now
        status = BlogStatus.SCHEDULED if later else BlogStatus.PUBLISHED
        published_at = at or now
        if not publication_rows.set_publication(
            conn, blog_id=row.id, status=status, published_at=published_at, expected_status=row.status
        ):
            raise BlogsterError(f"'{row.slug}' changed while publishing; try again")
        kind = ActivityType.SCHEDULED if later else ActivityType.PUBLISHED
        verb = f"Scheduled '{row.title}' for {published_at.isoformat(timespec='minutes')}" if later else None
        activities.record(
            conn, type=kind, title=row.title, description=verb or f"Published '{row.title}'", blog_id=row.id,
            metadata={"slug": row.slug, "published_at": published_at.isoformat()},
        )  # fmt: skip
        return Outcome(ref=ref, slug=row.slug, status=status, published_at=published_at, warnings=warnings)


def _each(refs: list[str], action: Callable[[str], Outcome]) -> list[Outcome]:
    if not refs:
        raise InvalidInput("name at least one post")
    outcomes = []
    for ref in dict.fromkeys(refs):
        try:
            outcomes.append(action(ref))
        except BlogsterError as exc:
            outcomes.append(Outcome(ref=ref, error=str(exc)))
    return outcomes


def publish(acting: ActingUser, *, refs: list[str], at: str | None = None, timezone: tzinfo = UTC) -> list[Outcome]:
    """Publishes each post now, or schedules it when `at` is in the future (a past `at` backdates)."""
    moment = parse_at(at, timezone=timezone) if at is not None else None
    now = datetime.now(UTC)
    return _each(refs, lambda ref: _publish_one(acting, ref, moment, now))


def _unpublish_one(acting: ActingUser, ref: str) -> Outcome:
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref)
        if row.status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
            raise InvalidInput(f"'{row.slug}' is not published or scheduled")
        if not publication_rows.set_publication(
            conn, blog_id=row.id, status=BlogStatus.DRAFT, published_at=None, expected_status=row.status
        ):
            raise BlogsterError(f"'{row.slug}' changed while unpublishing; try again")
        activities.record(
            conn, type=ActivityType.STATUS, title=row.title, description=f"Took '{row.title}' back to draft",
            blog_id=row.id, metadata={"slug": row.slug, "from": row.status, "to": BlogStatus.DRAFT},
        )  # fmt: skip
        return Outcome(ref=ref, slug=row.slug, status=BlogStatus.DRAFT)


def unpublish(acting: ActingUser, *, refs: list[str]) -> list[Outcome]:
    """Takes published or scheduled posts back to draft (a scheduled one will not go out)."""
    return _each(refs, lambda ref: _unpublish_one(acting, ref))


def schedule(acting: ActingUser) -> list[ScheduledRow]:
    """My scheduled posts, soonest first."""
    with unit_of_work(acting) as conn:
        return publication_rows.scheduled_own(conn)


def publish_due(acting: ActingUser, *, now: datetime | None = None) -> list[ScheduledRow]:
    """Publishes my scheduled posts whose time has come, each with its one `published` activity."""
    with unit_of_work(acting) as conn:
        rows = publication_rows.publish_due_own(conn, now=now or datetime.now(UTC))
        activities.record_many(
            conn,
            rows=[
                (ActivityType.PUBLISHED, r.title, f"Published '{r.title}' (scheduled)", r.id, {"slug": r.slug})
                for r in rows
            ],
        )
        return rows
