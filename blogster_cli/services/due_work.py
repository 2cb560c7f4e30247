"""Due work for cron: publish scheduled posts whose time has come, mark their calendar entries, rebuild the site,
then post the due social posts and send the due newsletters (social_posting.post_due and
newsletters.send_due: the calls the workers' minute jobs make for every account).

publish_due_posts is the one path that publishes due posts: `calendar run-due` (one account),
`workers publish-due` and the workers' minute job (every account, each as its author) all
call it. Safe to run again and to run twice at once, from any of them. Publishing goes through publishing.publish_due
(one UPDATE: a concurrent run waits on the row locks and then skips what the first flipped,
so each post gets exactly one `published` activity). Marking calendar entries reconciles
with the posts' state rather than remembering the last run, so a run killed between the
steps is finished by the next one; the site is rebuilt when something went live or the
output's manifest lags behind the published posts (whoever published, changed or took them down) or the
settings every page shows (the site's title, theme, address, the time zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.db.acting import unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work, orm_unit_of_work
from blogster_cli.errors import BlogsterError, file_system_message
from blogster_cli.repositories import calendar as calendar_rows
from blogster_cli.repositories import publishing as publication_rows
from blogster_cli.repositories import scheduled_jobs
from blogster_cli.services import publishing
from blogster_cli.services.every_account import EveryAccount, for_every_account

if TYPE_CHECKING:
    from blogster_cli.services.mail_hold import MailHold
    from blogster_cli.services.newsletters import SendReport, SmtpSettings
    from blogster_cli.services.social_posting import SocialAccess, SocialPostOutcome


@dataclass(frozen=True)
class PublishedPost:
    id: UUID
    slug: str
    title: str
    published_at: datetime


@dataclass
class DueReport:
    """What one run did (or, with dry_run, would do)."""

    now: datetime
    dry_run: bool
    published: list[PublishedPost] = field(default_factory=list)
    calendar_marked: int = 0
    social_due: list[UUID] = field(default_factory=list)
    newsletters_due: list[UUID] = field(default_factory=list)
    social_posted: list[SocialPostOutcome] = field(default_factory=list)
    newsletters_sent: list[SendReport] = field(default_factory=list)
    """The sends this run made: those that mailed, those the daily sending limit held, those that failed."""
    newsletters_busy: list[SendReport] = field(default_factory=list)
    """Due newsletters this run mailed nobody for because another run was sending them or held the
    account's sending turn (SendReport.counted_as "busy"): apart, so none reads as sent."""
    site_rebuilt: bool = False
    site_files_written: int = 0
    site_files_left: list[str] = field(default_factory=list)
    """Files in the site folder the rebuild left as they are (edited by hand, or not its own)."""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Said, not failed: a post stored scheduled with no time, which is skipped; a stored custom domain
    the site's address ignores (the rebuild's warnings); posts published with no site folder to
    rebuild (NO_SITE)."""


@dataclass(frozen=True)
class DuePublication:
    """Posts one publish_due_posts call published, and calendar entries it marked published."""

    published: list[PublishedPost]
    calendar_marked: int


@dataclass(frozen=True)
class Distribution:
    """How to post due social posts and send due newsletters (the same calls the workers make);
    smtp None when no SMTP server is configured (a due newsletter is then reported as an error).
    `hold`: where a configuration error holds the newsletters (mail_hold.kept: shared with the
    workers and every other run of the profile), so a run each minute does not log in each minute;
    while held, each run reports it as an error, saying until when."""

    social: SocialAccess
    smtp: SmtpSettings | None
    hold: MailHold | None = None


@dataclass(frozen=True)
class SiteTarget:
    out: Path
    base_domain: str
    timezone: str


NO_SITE = "the site is not rebuilt: no site folder is set (`blogster config set site_out DIR` names the one to rebuild)"
"""A run that published posts without a SiteTarget says so: their pages are not in any site yet."""


def run_due(
    acting: ActingUser, *, now: datetime | None = None, dry_run: bool = False, site: SiteTarget | None = None,
    distribution: Distribution | None = None,
) -> DueReport:  # fmt: skip
    """Does (or with `dry_run` lists) everything due at `now`; failures are reported, not raised
    (a `now` outside the times anything can be scheduled at is bad input: InvalidInput)."""
    from blogster_cli.planning import times

    if now is not None:
        times.within_window(now, f"--now {now.isoformat()}")
    now = now or datetime.now(UTC)
    report = DueReport(now=now, dry_run=dry_run)
    if dry_run:
        return _preview(acting, report, site)
    marked = 0
    try:
        publication = publish_due_posts(acting, now=now)
        report.published, marked = publication.published, publication.calendar_marked
    except BlogsterError as exc:
        report.errors.append(f"publishing: {exc}")
    try:
        report.notes = publishing.never_due(publishing.schedule(acting))
    except BlogsterError as exc:
        report.errors.append(f"publishing: {exc}")
    try:
        with orm_unit_of_work(acting) as session:  # also finishes the marking of a run that failed above
            report.calendar_marked = marked + len(calendar_rows.mark_published_posts_done(session))
            report.social_due = calendar_rows.due_social_posts(session, now=now)
            report.newsletters_due = calendar_rows.due_newsletters(session, now=now)
    except BlogsterError as exc:
        report.errors.append(f"calendar: {exc}")
        return report
    if site is not None and (report.published or _site_lags(acting, site, report)):
        _rebuild(acting, site, report)
    elif site is None and report.published:
        report.notes.append(NO_SITE)
    if distribution is not None:
        _distribute(acting, distribution, report)
    return report


def _distribute(acting: ActingUser, distribution: Distribution, report: DueReport) -> None:
    """Posts the due social posts and sends the due newsletters, through the workers' own calls."""
    from blogster_cli.services import newsletters, social_posting

    if report.social_due:
        try:
            report.social_posted = social_posting.post_due(acting, access=distribution.social, now=report.now)
        except BlogsterError as exc:
            report.errors.append(f"social: {exc}")
        report.errors += [f"social post {o.id}: {o.error}" for o in report.social_posted if o.error]
    if report.newsletters_due and distribution.smtp is None:
        report.errors.append("newsletters: due, but no SMTP server is configured (smtp_url or BLOGSTER_SMTP_URL)")
    elif report.newsletters_due and distribution.smtp is not None:
        try:
            sends = newsletters.send_due(acting, smtp=distribution.smtp, now=report.now, hold=distribution.hold)
        except BlogsterError as exc:
            sends = []
            report.errors.append(f"newsletters: {exc}")
        report.newsletters_busy = [r for r in sends if r.counted_as == "busy"]
        report.newsletters_sent = [r for r in sends if r.counted_as != "busy"]
        report.errors += [f"newsletter {r.id}: {r.error}" for r in report.newsletters_sent if r.error]


def publish_due_posts(acting: ActingUser, *, now: datetime) -> DuePublication:
    """Publishes the acting account's posts due at `now` and marks their calendar entries.

    One UPDATE publishes (a concurrent call waits on the row locks, then skips what the
    first flipped: each post gets exactly one `published` activity); the calendar step
    reconciles with the posts' state, so a call killed between the two is finished by the next.
    """
    rows = publishing.publish_due(acting, now=now)
    with orm_unit_of_work(acting) as session:
        marked = len(calendar_rows.mark_published_posts_done(session))
    return DuePublication([PublishedPost(r.id, r.slug, r.title, r.published_at) for r in rows], marked)


def publish_due_for_every_author(db: Database, *, timeouts: Timeouts, now: datetime | None = None) -> EveryAccount[int]:
    """publish_due_posts for each account with a due post, as that account (RLS, its own
    activity rows); each account's result is how many of its posts went live. The workers'
    minute job and `workers publish-due`."""
    moment = now or datetime.now(UTC)
    with orm_service_unit_of_work(db) as session:
        authors = scheduled_jobs.authors_with_due_posts(session, now=moment)
    return for_every_account(
        db, authors, lambda acting: len(publish_due_posts(acting, now=moment).published), timeouts=timeouts
    )


def _preview(acting: ActingUser, report: DueReport, site: SiteTarget | None) -> DueReport:
    with unit_of_work(acting) as conn:
        scheduled = publication_rows.scheduled_own(conn)
    report.published = [
        PublishedPost(r.id, r.slug, r.title, r.published_at)
        for r in scheduled
        if r.published_at is not None and r.published_at <= report.now and not r.empty
    ]
    report.notes = publishing.never_due(scheduled)
    if site is None and report.published:
        report.notes.append(NO_SITE)
    with orm_unit_of_work(acting) as session:
        report.calendar_marked = calendar_rows.entries_of_posts_due(session, now=report.now)
        report.social_due = calendar_rows.due_social_posts(session, now=report.now)
        report.newsletters_due = calendar_rows.due_newsletters(session, now=report.now)
    return report


def _site_lags(acting: ActingUser, site: SiteTarget, report: DueReport) -> bool:
    """Whether the site in `site.out` lags behind my live posts or my site's settings, whoever changed
    them since its last build (the workers' publish-due, `publish`, an edit, `unpublish`, `site settings
    set`, `config set timezone`): site_files.lags_behind, against the versions and the site key a build
    reads (four short queries, the theme's few files and the manifest: cheap enough for a run each
    minute). A failure to tell is reported, and the social posts and newsletters still go out."""
    from blogster_cli.repositories import site as site_rows
    from blogster_cli.services.site_address import own_site_key
    from blogster_cli.services.site_files import lags_behind

    try:
        with unit_of_work(acting) as conn:
            versions, tags = site_rows.published_versions(conn), site_rows.tag_signature(conn)
            key = own_site_key(conn, base_domain=site.base_domain, timezone=site.timezone)
        return lags_behind(site.out, versions=versions, tags=tags, site=key, owner=str(acting.actor.user_id))
    except BlogsterError as exc:
        report.errors.append(f"site: {exc}")
    except OSError as exc:
        report.errors.append(f"site: {site.out}: {exc.strerror or exc}")
    return False


def _rebuild(acting: ActingUser, site: SiteTarget, report: DueReport) -> None:
    from blogster_cli.services import site as site_build

    try:
        built = site_build.build(acting, out=site.out, base_domain=site.base_domain, timezone=site.timezone)
    except (BlogsterError, OverflowError) as exc:  # Overflow: a stored date the zone cannot show
        report.errors.append(f"site: {exc}")  # reported; the social posts and newsletters still go out
        return
    except OSError as exc:  # worded as `site build` says it ("cannot write DIR: read-only file system")
        report.errors.append(f"site: {file_system_message(exc)}")
        return
    except Exception as exc:  # a bug the account's own rows meet: it must not hold back every later run's sending
        first_line = (str(exc).strip().splitlines() or [""])[0]
        report.errors.append(f"site: unexpected failure: {type(exc).__name__}: {first_line}")
        return
    report.site_rebuilt = True
    report.site_files_written = built.written
    report.site_files_left = list(built.edited)
    report.notes.extend(built.warnings)


def next_change(acting: ActingUser, *, now: datetime | None = None) -> tuple[str, datetime] | None:
    """(what, when) of the next scheduled post, social post, newsletter or calendar entry after `now`."""
    now = now or datetime.now(UTC)
    with orm_unit_of_work(acting) as session:
        found = calendar_rows.next_times(session, now=now)
        entry_starts = calendar_rows.next_start(session, now=now)  # the earliest, in SQL: not every entry loaded
        if entry_starts is not None:
            found.append(("calendar", entry_starts))
    return min(found, key=lambda pair: pair[1]) if found else None
