"""Cross-posting a published post to dev.to, Hashnode or WordPress, never twice.

Three steps: (1) read the post, make its copy with no transaction open, and record the intent
(the copy's row, committed before any remote call); (2) lock the copy's row (skipping it, as 'busy', when another run holds
it), then update the remote copy whose id we hold, else look for one we made before by
its canonical URL, the current one and the one the row held (a crash between a remote
create and step 3 left it there, maybe before the post's slug changed), else create one,
never twice blindly (`platform_api.create_unless_there`); a copy gone from the platform (404
for the id we hold) is forgotten and looked up, then made again. An id is sent back only to the
site it came from (0126); one recorded before 0126, with no site, only once the post with that id
on the configured site is our copy of this post (the site may have changed since): else it is
looked up and made as for a copy of another site; (3) record the remote id, its site
and URL, or the failure's reason (keeping an earlier id, so the next run updates that
copy), in the transaction that holds the lock. That
transaction does nothing but hold the lock during the remote call: a lock the database
drops when the process dies, where a claim column would need a lease before a re-run
after SIGKILL could go ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import driver_connection, orm_guard_unit_of_work, orm_unit_of_work
from blogster_cli.distribution.crosspost import (
    PLATFORMS,
    Article,
    absolute_media_html,
    absolute_media_markdown,
    cli_name,
    for_platform,
    media_url,
)
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import republishing
from blogster_cli.services.platform_accounts import PlatformEndpoint
from blogster_cli.services.post_steps import find_own, markdown_of
from blogster_cli.services.site_address import address_never_chosen, published_address
from blogster_cli.vocabulary import BlogStatus

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class CrosspostOutcome:
    slug: str
    platform: str
    action: str
    """'created', 'updated' (a copy we knew), 'recovered' (found by its canonical URL), 're-created'
    (the copy we knew was gone from the platform: a new one was made), 'failed', or 'busy' (another
    run was talking to the platform about this copy: nothing was sent)."""
    platform_post_id: str | None
    platform_url: str | None
    canonical_url: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    """What the copy shows as written that it should not: Liquid a post imported from Jekyll still
    holds outside code (`content.liquid`), which the platform's readers see as text; the CLI adds what
    it says of a sent copy's link back (the site's address not set, a stored one it leaves out)."""


@dataclass(frozen=True)
class CopyPublic:
    slug: str
    platform: str
    publication_status: str
    platform_post_id: str | None
    platform_url: str | None
    canonical_url: str | None
    last_error: str | None
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class _Intent:
    copy_id: UUID
    known_remote_id: str | None
    known_url: str | None
    stored_canonical_url: str | None
    """The canonical URL the row held before this run: a killed run's create carried it."""
    article: Article
    warnings: list[str]


def _record_intent(acting: ActingUser, *, ref: str, platform: str, base_domain: str) -> _Intent:
    """The post read, then its copy as the platform gets it made with no transaction open (reading the
    body for readers and rendering it are the CPU's work, a long one for a big post: no xid, snapshot
    or lock held meanwhile), then the intent recorded, still before any remote call."""
    from blogster_cli.content.liquid import dialect_of, for_readers, leftover_warning
    from blogster_cli.publish.markdown import render_post
    from blogster_cli.publish.titles import shown_title, without_lifted_heading

    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        row = find_own(conn, ref, with_content=True)
        if row.status != BlogStatus.PUBLISHED or row.published_at is None:
            raise InvalidInput(f"'{row.slug}' is not published: publish it first, so the copy can point back to it")
        config, canonical = published_address(conn, row, base_domain=base_domain)
    # A Jekyll post's `{{ site.baseurl }}` as its site's address: its pictures and links lead there.
    shown_to_readers = for_readers(dialect_of(row.content), markdown_of(row), base=config.base_url.rstrip("/"))
    markdown, warning = shown_to_readers.markdown, leftover_warning(row.slug, shown_to_readers)
    media = media_url(config.base_url)  # pictures as `images add` links them point at the site
    # Every platform's title is plain text: the words the site shows (`*Why* we ship` as `Why we ship`).
    title, from_heading = shown_title(row.title, markdown)
    shown, page = markdown, render_post(markdown).html
    if from_heading:  # the platform shows the title above the body: its own heading left out, as on its page
        shown, page = without_lifted_heading(markdown, page)
    article = Article(
        title=title, markdown=absolute_media_markdown(shown, media), html=absolute_media_html(page, media),
        description=row.meta_description, tags=list(row.tags), canonical_url=canonical, slug=row.slug,
    )  # fmt: skip
    article = for_platform(platform, article)  # its players, gists and videos as the platform shows them
    warnings = [warning] if warning else []
    with orm_unit_of_work(acting) as session:
        copy = republishing.claim(session, blog_id=row.id, platform=PLATFORMS[platform], canonical_url=canonical)
        return _Intent(copy.id, copy.platform_post_id, copy.platform_url, copy.canonical_url, article, warnings)


def crosspost(acting: ActingUser, *, ref: str, endpoint: PlatformEndpoint, base_domain: str) -> CrosspostOutcome:
    """Creates or updates the post's copy on `endpoint.platform`; a failure is recorded and returned.

    While it talks to the platform, this run holds the copy's row lock (the guard's unit of
    work) and records the outcome in that same transaction: a second run at the same time
    finds the copy locked and answers 'busy' without calling the platform, so two runs never
    both create it. The lock is released by the database when its holder dies (SIGKILL), so
    a re-run goes ahead at once and finds the copy the killed run made by its canonical URL.
    """
    from blogster_cli.services.platform_api import (
        NotThere,
        PlatformError,
        client_for,
        create_unless_there,
        id_problem,
    )

    intent = _record_intent(acting, ref=ref, platform=endpoint.platform, base_domain=base_domain)
    article = intent.article
    with orm_guard_unit_of_work(acting) as guard:
        copy = republishing.lock(guard, copy_id=intent.copy_id, canonical_url=article.canonical_url)
        if copy is None:
            return CrosspostOutcome(
                slug=article.slug, platform=endpoint.platform, action="busy", platform_post_id=intent.known_remote_id,
                platform_url=intent.known_url, canonical_url=article.canonical_url, warnings=intent.warnings,
            )  # fmt: skip
        known_id, known_url = (
            copy.platform_post_id,
            copy.platform_url,
        )  # as the last run (maybe a concurrent one) left it
        # Every canonical URL a copy of ours may carry: the post's, and the one the row held before
        # (a run killed inside the create, then a slug change, left a copy with the old one).
        canonicals = list(dict.fromkeys(u for u in (article.canonical_url, intent.stored_canonical_url) if u))
        client = client_for(endpoint)
        action = "updated"
        site = endpoint.base_url  # the copy's id means something there only (0126)
        here = copy.platform_site == site
        site_unknown = copy.platform_site is None  # recorded before 0126: on this site, or on one configured then
        try:
            # An id an earlier version stored unchecked (a 100 KB one) is not sent back: the copy
            # is looked up by its canonical URL instead, as after a crash. Nor is one of a copy made
            # on another site: its id there would name some other post on this one.
            usable = known_id is not None and (here or site_unknown) and id_problem(known_id) is None
            remote_id = known_id if usable else None
            made, gone = None, False
            holder = republishing.holder_of(guard, copy=copy, remote_id=remote_id, site=site) if remote_id else None
            if holder is not None and site_unknown:
                remote_id = None  # that id is another copy's on this site: this one's was made elsewhere
            elif holder is not None:
                # Two copies with one id (an earlier version took such answers): neither is written.
                raise PlatformError(
                    f"the copy of your post {holder!r} has the same id {remote_id} on this site (an earlier"
                    " version recorded it for both): nothing was sent, so neither copy is overwritten"
                )
            if remote_id is not None and site_unknown:
                # Sent back only if the post with that id here is our copy of this post (by its link
                # to the original); another post, or none, means the copy was made on another site.
                here = client.is_our_copy(remote_id, canonicals)
                remote_id = remote_id if here else None
            if remote_id is not None:
                try:
                    made = client.update(remote_id, article)
                except NotThere:  # deleted on the platform: forgotten, looked up, then made again
                    gone = True
            if made is None:
                found = client.find(canonicals, article.slug)
                if (
                    found is not None
                    and republishing.holder_of(guard, copy=copy, remote_id=found.id, site=site) is None
                ):
                    made, action = client.update(found.id, article), "recovered"
                else:  # (a remote post that is another post's copy is never taken over)
                    made, was_there = create_unless_there(client, article, canonicals)
                    action = "recovered" if was_there else "re-created" if gone else "created"
            holder = republishing.holder_of(guard, copy=copy, remote_id=made.id, site=site)
            if holder is not None:
                raise PlatformError(
                    f"{client.http.label} answered with id {made.id}, which the copy of your post {holder!r}"
                    " already has: not recorded, so that copy is not overwritten"
                )
        except (PlatformError, LookupError, TypeError, AttributeError, ValueError) as exc:
            reason = (
                str(exc) if isinstance(exc, PlatformError) else f"{endpoint.platform} answered in an unexpected shape"
            )
            if known_id is None and intent.stored_canonical_url:
                # No copy recorded yet: the row keeps the canonical URL a killed run may have sent,
                # so the next run looks for that one too.
                copy.canonical_url = intent.stored_canonical_url
            republishing.record_failure(guard, copy=copy, error=reason)
            return CrosspostOutcome(
                slug=article.slug, platform=endpoint.platform, action="failed", platform_post_id=known_id,
                platform_url=known_url, canonical_url=article.canonical_url, error=reason, warnings=intent.warnings,
            )  # fmt: skip
        finally:
            client.http.close()
        url = made.url or (known_url if here else None)  # another site's URL says nothing of this one
        republishing.record_success(guard, copy=copy, remote_id=made.id, url=url, site=site)
    return CrosspostOutcome(
        slug=article.slug, platform=endpoint.platform, action=action, platform_post_id=made.id,
        platform_url=url, canonical_url=article.canonical_url, warnings=intent.warnings,
    )  # fmt: skip


def unchosen_site_address(acting: ActingUser, *, base_domain: str) -> str | None:
    """The address the copies' canonical links would name when my site's was never set (no `url`,
    no custom domain): https://SUBDOMAIN.BASE_DOMAIN/, which is real only when the operator chose
    `base_domain` (the caller knows); None once an address is set."""
    with orm_unit_of_work(acting) as session:
        return address_never_chosen(driver_connection(session), base_domain=base_domain)


def status(acting: ActingUser, *, ref: str | None = None) -> list[CopyPublic]:
    """Every copy of my posts (or of one post), with its state and last error."""
    with orm_unit_of_work(acting) as session:
        blog_id = find_own(driver_connection(session), ref).id if ref else None
        return [
            CopyPublic(
                slug=slug,
                platform=cli_name(copy.platform),
                publication_status=str(copy.publication_status),
                platform_post_id=copy.platform_post_id,
                platform_url=copy.platform_url,
                canonical_url=copy.canonical_url,
                last_error=copy.last_error,
                updated_at=copy.updated_at or copy.created_at,
            )  # fmt: skip
            for copy, slug in republishing.copies(session, blog_id=blog_id)
        ]
