"""Publishing posts now or at a time, taking them down, and publishing what has come due.

Each post is its own unit of work: when several are named, every one is either fully
published (status, date and its one activity row) or reported with the reason, and
the others go ahead. A name that finds none of your posts is a mistyped command, not one
post's outcome: it is refused before any post changes. `publish_due` is what a scheduler
(`calendar run-due`) calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import only_headings, publish_problems
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.planning.times import AT_FORMAT as AT_FORMAT  # re-exported: the --at shape, for scripts and tests
from blogster_cli.planning.times import parse_at
from blogster_cli.repositories import activities
from blogster_cli.repositories import publishing as publication_rows
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.repositories.publishing import DueRow, ScheduledRow
from blogster_cli.services.media_files import featured_missing
from blogster_cli.services.post_steps import find_own, markdown_of, publication
from blogster_cli.vocabulary import ActivityType, BlogStatus


@dataclass(frozen=True)
class Outcome:
    """What happened to one named post: `status` is its new status, or None with `error` set."""

    ref: str
    slug: str | None = None
    status: str | None = None
    published_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    note: str | None = None
    """Said with the outcome: a past --at published now, an ambiguous wall time taken as the first,
    a post already as asked (`changed` False)."""
    changed: bool = True
    """False: the post was already as asked (published, or a draft): nothing was done, not a failure."""
    failure: BlogsterError | None = field(default=None, repr=False, compare=False)
    """The error itself (its kind decides the exit code); not part of --json."""


def readiness(row: BlogRow, *, featured_missing: bool = False) -> tuple[list[str], list[str]]:
    """(problems that block publishing, warnings that do not); `featured_missing`: the featured
    image names a stored picture that is gone (media_files.featured_missing)."""
    markdown = markdown_of(row)
    problems = publish_problems(
        title=row.title, slug=row.slug, markdown=markdown, from_template=row.template_id is not None
    )
    warnings = []
    if not problems and only_headings(markdown):  # headings alone (a template's, its comments taken out)
        warnings.append("only headings, no text of its own")
    if not (row.meta_description or "").strip():
        warnings.append("no meta description")
    if not (row.featured_image or "").strip():
        warnings.append("no featured image")
    elif featured_missing:
        warnings.append(f"its featured image {row.featured_image} is not stored (removed?), so the site shows none")
    return problems, warnings


def _publish_one(acting: ActingUser, ref: str, at: datetime | None, now: datetime, note: str | None) -> Outcome:
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref, with_content=True)
        problems, warnings = readiness(row, featured_missing=featured_missing(conn, row.featured_image))
        if problems:
            raise InvalidInput(f"'{row.slug}' cannot be published: {', '.join(problems)}")
        live = publication(BlogStatus.PUBLISHED, stated=at, stored=row.published_at, now=now)
        later = live.status == BlogStatus.SCHEDULED
        if row.status == BlogStatus.PUBLISHED:
            if later:
                raise InvalidInput(f"'{row.slug}' is already published: unpublish it first to schedule it")
            since = f" (since {row.published_at:%Y-%m-%d})" if row.published_at else ""
            return Outcome(
                ref=ref, slug=row.slug, status=row.status, published_at=row.published_at,
                note=f"already published{since}; left as it is", changed=False,
            )  # fmt: skip
        if at is not None and not later:
            passed = f"{at:%Y-%m-%d %H:%M %Z} has passed: published now, dated then"
            note = f"{note}; {passed}" if note else passed
        status, published_at = live.status, live.published_at or now
        if at is None and published_at == row.published_at:
            # published before (unpublish keeps the date) or dated by its file: its URL and place in
            # feeds stay; --at dates it otherwise
            kept = f"keeps its publication date, {published_at:%Y-%m-%d} (--at to date it otherwise)"
            note = f"{note}; {kept}" if note else kept
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
        return Outcome(ref=ref, slug=row.slug, status=status, published_at=published_at, warnings=warnings, note=note)


def _each(acting: ActingUser, refs: list[str], action: Callable[[str], Outcome]) -> list[Outcome]:
    """`action` on each named post, once each, after checking that every name finds a post of
    yours (NotFound, with its "did you mean", before anything changes)."""
    if not refs:
        raise InvalidInput("name at least one post")
    named = list(dict.fromkeys(refs))
    with unit_of_work(acting) as conn:
        for ref in named:
            find_own(conn, ref)
    outcomes = []
    for ref in named:
        try:
            outcomes.append(action(ref))
        except BlogsterError as exc:
            outcomes.append(Outcome(ref=ref, error=str(exc), failure=exc))
    return outcomes


def publish(
    acting: ActingUser, *, refs: list[str], at: str | None = None, timezone: tzinfo = UTC, at_name: str = "--at"
) -> list[Outcome]:
    """Publishes each post now, or schedules it when `at` is in the future (a past `at` publishes
    now, dated `at`, and its outcome's note says so). Without `at`, a post with a publication date
    already past (published before: unpublish keeps the date) keeps it, and its note says so. `at_name`: what an error calls `at`."""
    parsed = parse_at(at, timezone=timezone, name=at_name) if at is not None else None
    moment, note = (parsed.moment, parsed.note) if parsed is not None else (None, None)
    now = datetime.now(UTC)
    return _each(acting, refs, lambda ref: _publish_one(acting, ref, moment, now, note))


def check_at(at: str, *, timezone: tzinfo = UTC, at_name: str = "--at") -> None:
    """Refuses (InvalidInput, `publish`'s message) a time `publish` would refuse, before any post is
    touched: a form asking the time keeps it to be corrected."""
    parse_at(at, timezone=timezone, name=at_name)


def _unpublish_one(acting: ActingUser, ref: str) -> Outcome:
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref)
        if row.status == BlogStatus.DRAFT:
            return Outcome(ref=ref, slug=row.slug, status=row.status, note="already a draft", changed=False)
        if row.status not in (BlogStatus.PUBLISHED, BlogStatus.SCHEDULED):
            raise InvalidInput(f"'{row.slug}' is not published or scheduled")
        # A published post keeps its date, which publishing it again keeps; a scheduled one never went out.
        kept = row.published_at if row.status == BlogStatus.PUBLISHED else None
        if not publication_rows.set_publication(
            conn, blog_id=row.id, status=BlogStatus.DRAFT, published_at=kept, expected_status=row.status
        ):
            raise BlogsterError(f"'{row.slug}' changed while unpublishing; try again")
        activities.record(
            conn, type=ActivityType.STATUS, title=row.title, description=f"Took '{row.title}' back to draft",
            blog_id=row.id, metadata={"slug": row.slug, "from": row.status, "to": BlogStatus.DRAFT},
        )  # fmt: skip
        return Outcome(ref=ref, slug=row.slug, status=BlogStatus.DRAFT)


def unpublish(acting: ActingUser, *, refs: list[str]) -> list[Outcome]:
    """Takes published or scheduled posts back to draft (a scheduled one will not go out)."""
    return _each(acting, refs, lambda ref: _unpublish_one(acting, ref))


def schedule(acting: ActingUser) -> list[ScheduledRow]:
    """My scheduled posts, soonest first (one stored without a time last, with published_at None)."""
    with unit_of_work(acting) as conn:
        return publication_rows.scheduled_own(conn)


def publish_due(acting: ActingUser, *, now: datetime | None = None) -> list[DueRow]:
    """Publishes my scheduled posts whose time has come, each with its one `published` activity
    (one stored scheduled without a time, or with nothing in it, never does: `never_due` lists those)."""
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


def never_due(rows: list[ScheduledRow]) -> list[str]:
    """A note for each scheduled post that is never published: one stored without a time (refused
    now; rows from before stay), or one with nothing to publish (stored by raw SQL)."""
    notes = []
    for r in rows:
        if r.published_at is None:
            notes.append(
                f"'{r.slug}' is scheduled with no time, so it is never published: give it one with"
                f" `blogster publish {r.slug} --at TIME`"
            )
        elif r.empty:
            notes.append(f"'{r.slug}' is scheduled but has no title or content, so it is never published")
    return notes
