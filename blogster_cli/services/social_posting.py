"""Posting scheduled social posts when their time comes: the workers' minute job, `workers
post-social` and `social post-due` (cron), and `calendar run-due` all go through `post_due`.

Each due post is posted in its own guard unit of work that holds the post's row lock
(FOR NO KEY UPDATE SKIP LOCKED, only while it is still scheduled) across the platform
call and records the platform's post id, or the failure, in that same transaction. A
second run at the same time skips the locked post; one after the first committed finds it
published. The database drops the lock when its holder dies, so after a SIGKILL the next
run posts the post that was in flight again, with the same Idempotency-Key (the post's
id) so a platform that honours the header keeps one copy; every post recorded before
is never sent again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.db.orm import driver_connection, orm_guard_unit_of_work, orm_service_unit_of_work, orm_unit_of_work
from blogster_cli.distribution import social as rules
from blogster_cli.repositories import scheduled_jobs
from blogster_cli.repositories import social as social_rows
from blogster_cli.services.every_account import EveryAccount, for_every_account
from blogster_cli.services.platform_accounts import PlatformEndpoint, own_social_entry, token_variable
from blogster_cli.url_secrets import masked_line
from blogster_cli.vocabulary import SocialPostStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.context import AppContext
    from blogster_cli.credentials import CredentialStore
    from blogster_cli.db.connection import Database
    from blogster_cli.models.social import SocialMediaPost, SocialMediaProfile

MAX_ERROR_CHARS = 500
"""The longest reason kept in social_media_posts.error (its check constraint, 0131)."""


@dataclass(frozen=True)
class SocialAccess:
    """Where each platform's API is, and where its tokens are (never shown)."""

    base_urls: dict[str, str]
    credentials: CredentialStore
    token_owner: UUID | None = None
    """The account BLOGSTER_<PLATFORM>_TOKEN belongs to: the one the command runs as (the workers:
    the account their profile is logged in as). One person's token, never every account's posts."""
    base_domain: str = ""
    """The platform's domain (`site_base_domain`): the posts' links to a site with no address of its own."""

    def token(self, profile: SocialMediaProfile) -> str | None:
        """BLOGSTER_<PLATFORM>_TOKEN (cron, workers) for its owner's profiles, else the profile's keyring entry."""
        variable = self.token_variable_of(profile)
        if variable is not None:
            return os.environ[variable]
        # Only an entry `social connect` made for this profile's own account and platform (red team 23).
        entry = own_social_entry(profile.access_token, account=profile.user_id, platform=str(profile.platform))
        return None if entry is None else self.credentials.get(entry)

    def token_variable_of(self, profile: SocialMediaProfile) -> str | None:
        """BLOGSTER_<PLATFORM>_TOKEN when it is set and this profile's token (its owner's), else None."""
        variable = token_variable(str(profile.platform))
        if os.environ.get(variable) and self.token_owner is not None and profile.user_id == self.token_owner:
            return variable
        return None


def social_access(ctx: AppContext, *, token_owner: UUID | None) -> SocialAccess:
    """Where to post, and whose posts the environment's tokens are for (SocialAccess.token_owner)."""
    settings = ctx.settings
    urls = {"twitter": settings.twitter_url.rstrip("/"), "linkedin": settings.linkedin_url.rstrip("/")}
    return SocialAccess(
        base_urls=urls, credentials=ctx.credentials, token_owner=token_owner, base_domain=settings.site_base_domain
    )


@dataclass(frozen=True)
class SocialPostOutcome:
    id: UUID
    platform: str
    handle: str | None
    action: str
    """'posted', 'failed' (the post is marked failed: fix it and `social schedule` it again) or
    'waiting' (it stays scheduled for a run that can post it: its blog post is scheduled but not live
    yet, its profile has no handle, no token for its profile on this machine, or the platform could
    not be reached: no connection, so nothing was sent)."""
    platform_post_id: str | None
    url: str | None
    error: str | None = None


def post_due(acting: ActingUser, *, access: SocialAccess, now: datetime | None = None) -> list[SocialPostOutcome]:
    """Posts my scheduled social posts whose time has come; posts another run holds are skipped."""
    moment = now or datetime.now(UTC)
    with orm_unit_of_work(acting) as session:
        due = social_rows.due_post_ids(session, now=moment)
    outcomes = (_post_one(acting, post_id=post_id, access=access, now=moment) for post_id in due)
    return [outcome for outcome in outcomes if outcome is not None]


def post_due_for_every_account(
    db: Database, *, access: SocialAccess, timeouts: Timeouts, now: datetime | None = None
) -> EveryAccount[SocialPostOutcome]:
    """post_due for each account with a due social post, as that account (RLS applies): the
    outcomes of every account's posts, and the accounts whose share failed."""
    moment = now or datetime.now(UTC)
    with orm_service_unit_of_work(db) as session:
        accounts = scheduled_jobs.accounts_with_due_social_posts(session, now=moment)
    done = for_every_account(
        db, accounts, lambda acting: post_due(acting, access=access, now=moment), timeouts=timeouts
    )
    return EveryAccount([outcome for outcomes in done.results for outcome in outcomes], done.failures)


def _post_one(acting: ActingUser, *, post_id: UUID, access: SocialAccess, now: datetime) -> SocialPostOutcome | None:
    from blogster_cli.services.platform_api import SOCIAL_PLATFORMS, NotReached, PlatformError, social_client_for
    from blogster_cli.services.site_address import post_link

    with orm_guard_unit_of_work(acting) as guard:
        found = social_rows.lock_due_post(guard, post_id=post_id, now=now)
        if found is None:  # another run is posting it, or has posted it
            return None
        post, profile = found
        platform, handle = str(profile.platform), profile.profile_id
        blog = social_rows.linked_blog(guard, blog_id=post.blog_id)
        linked = (
            None
            if blog is None
            else rules.LinkedPost(blog.slug, blog.status, blog.published_at, blog.deleted_at is not None)
        )
        token = access.token(profile)
        link = (
            None
            if blog is None
            else post_link(
                driver_connection(guard), slug=blog.slug, published_at=blog.published_at, base_domain=access.base_domain
            )
        )
        error, made = None, None
        if platform not in SOCIAL_PLATFORMS:
            error = f"posting to {platform} is not supported (only {', '.join(SOCIAL_PLATFORMS)}): post it by hand"
        elif linked is not None and rules.goes_live(linked):  # its page is not live yet: it stays scheduled
            return _waiting(
                guard, post, platform=platform, handle=handle,
                reason=f"waiting for its blog post: {rules.not_live(linked, UTC)}",
            )  # fmt: skip
        elif linked is None or not rules.is_live(linked):  # back to draft (or trashed) since: a link to nowhere
            why = "its blog post is gone" if linked is None else rules.not_live(linked, UTC)
            error = (
                f"not posted: {why}, so the post would link to a page that does not exist;"
                f" publish it, then `blogster social schedule {post.id} --at TIME` again"
            )
        elif link is None:  # no site settings: the post would carry no link to its blog post
            error = "not posted: you have no site settings (subdomain) yet, so the post would carry no link"
        elif not handle:  # a stand-in profile (`social new` before `social profiles connect`): it stays scheduled
            return _waiting(
                guard, post, platform=platform, handle=handle,
                reason=f"your {platform} profile has no handle: {_connect_hint(platform)}",
            )  # fmt: skip
        elif not token:  # this machine cannot post it (yet): it stays scheduled, not failed
            return _waiting(
                guard, post, platform=platform, handle=handle,
                reason=f"no token for your {platform} profile here: {_connect_hint(platform, handle)}"
                f" or set {token_variable(platform)}",
            )  # fmt: skip
        else:
            client = social_client_for(
                PlatformEndpoint(
                    platform=platform, base_url=access.base_urls[platform], token=token,
                    token_variable=access.token_variable_of(profile),
                ),
                handle=handle,
            )  # fmt: skip
            try:
                text = rules.compose(post.content or "", list(post.hashtags), link)
                made = client.post(text, idempotency_key=str(post.id))
            except NotReached as exc:  # nothing was sent (no connection): it stays due for the next run
                return _waiting(guard, post, platform=platform, handle=handle, reason=_kept_error(str(exc), token))
            except (PlatformError, LookupError, TypeError, ValueError) as exc:
                error = str(exc) if isinstance(exc, PlatformError) else f"{platform} answered in an unexpected shape"
            finally:
                client.http.close()
        if made is None:
            error = _kept_error(error or f"{platform} did not take the post", token)
            post.post_status, post.error = SocialPostStatus.FAILED, error
        else:
            post.post_status, post.platform_post_id, post.error = SocialPostStatus.PUBLISHED, made.id, None
        social_rows.save(guard, row=post)
        return SocialPostOutcome(
            id=post.id, platform=platform, handle=handle, action="failed" if made is None else "posted",
            platform_post_id=made.id if made else None, url=made.url if made else None, error=error,
        )  # fmt: skip


def _connect_hint(platform: str, handle: str | None = None) -> str:
    """The command that connects the profile (its handle and token), runnable off a terminal too."""
    name = handle or ("MEMBER_ID" if platform == "linkedin" else "NAME")
    return f"connect it with `blogster social profiles connect {platform} --handle {name} --token-stdin` (the token on standard input)"


def _waiting(
    guard: Session, post: SocialMediaPost, *, platform: str, handle: str | None, reason: str
) -> SocialPostOutcome:
    """The post stays scheduled, for a run that can post it: the reason is kept for `social list`
    (written once, not at every run)."""
    if post.error != reason:
        post.error = reason
        social_rows.save(guard, row=post)
    return SocialPostOutcome(
        id=post.id,
        platform=platform,
        handle=handle,
        action="waiting",
        platform_post_id=None,
        url=None,
        error=reason,
    )


def _kept_error(message: str, token: str | None) -> str:
    """A failure as stored in social_media_posts.error and printed: one line of at most
    MAX_ERROR_CHARS, the token masked in every form a server could echo (the platform clients
    already mask their own messages; this holds for any other message too)."""
    from blogster_cli.services.platform_api import secret_forms

    return masked_line(message, secret_forms(token) if token else [], limit=MAX_ERROR_CHARS)
