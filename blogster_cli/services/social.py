"""Social media profiles (tokens in the keyring, a reference in the database) and social post drafts.

Drafts come from `generate social` or by hand; each save checks the platform's length
limit. social_media_profiles.access_token holds "keyring:<entry>", never the token.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.credentials import KEYRING_PREFIX
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.distribution import social as rules
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.models.social import SocialMediaPost, SocialMediaProfile
from blogster_cli.repositories import social as social_rows
from blogster_cli.services.platform_accounts import own_social_entry, social_token_prefix
from blogster_cli.vocabulary import SocialPlatform, SocialPostStatus

if TYPE_CHECKING:
    from blogster_cli.credentials import CredentialStore

HANDLE = re.compile(r"[^\s:]{1,100}")


def _platform(name: str) -> SocialPlatform:
    try:
        return SocialPlatform(name.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown platform {name!r}; choose one of: {', '.join(SocialPlatform)}") from None


@dataclass(frozen=True)
class ProfilePublic:
    id: Any
    platform: str
    handle: str | None
    connected: bool
    token: str
    """Where its token is kept ('keyring' or 'credentials_file'), else 'none': never the token."""


def _profile_public(row: SocialMediaProfile, credentials: CredentialStore) -> ProfilePublic:
    token = credentials.kind if row.access_token else "none"
    return ProfilePublic(row.id, str(row.platform), row.profile_id, row.is_connected, token)


def list_profiles(acting: ActingUser, *, credentials: CredentialStore) -> list[ProfilePublic]:
    with orm_unit_of_work(acting) as session:
        return [_profile_public(p, credentials) for p in social_rows.profiles(session)]


def connect_profile(
    acting: ActingUser, *, credentials: CredentialStore, platform: str, handle: str, token: str
) -> ProfilePublic:
    """Stores the token in the keyring and the profile (with only a reference to it) in the database."""
    chosen = _platform(platform)
    if chosen == SocialPlatform.LINKEDIN:  # posted as urn:li:person:HANDLE: a member id, not a name
        try:
            handle = rules.linkedin_member_id(handle)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    if not HANDLE.fullmatch(handle.strip()):
        raise InvalidInput("the handle must be 1-100 characters without spaces or ':'")
    if not token.strip():
        raise InvalidInput("the token is empty")
    handle = handle.strip()
    entry = social_token_prefix(acting.actor.user_id, chosen.value) + handle
    credentials.set(entry, token.strip())
    with orm_unit_of_work(acting) as session:
        row = social_rows.profile_for(session, platform=chosen, handle=handle)
        if row is None:  # a stand-in made by `generate social` becomes this account
            row = social_rows.profile_for(session, platform=chosen, handle=None)
            row = row if row is not None and row.profile_id is None else None
        row = row or SocialMediaProfile(platform=chosen)
        row.profile_id, row.profile_name = handle, handle
        row.access_token, row.is_connected = KEYRING_PREFIX + entry, True
        social_rows.save(session, row=row)
        return _profile_public(row, credentials)


@dataclass(frozen=True)
class DisconnectedProfile(ProfilePublic):
    token_left_alone: bool = False
    """Its token reference named no keyring entry `social connect` made for this account and
    platform (the column is the account's to write: `keyring:session`, another account's entry):
    the reference is cleared, nothing is deleted from the keyring."""


def disconnect_profile(
    acting: ActingUser, *, credentials: CredentialStore, platform: str, handle: str | None
) -> DisconnectedProfile:
    """Forgets the profile's token: its keyring entry, if `social connect` made it (as posting reads no other)."""
    chosen = _platform(platform)
    with orm_unit_of_work(acting) as session:
        row = social_rows.profile_for(session, platform=chosen, handle=handle)
        if row is None:
            raise NotFound(f"no {platform} profile" + (f" {handle!r}" if handle else ""))
        entry = own_social_entry(row.access_token, account=acting.actor.user_id, platform=chosen.value)
        if entry is not None:
            credentials.delete(entry)
        left_alone = bool(row.access_token) and entry is None
        row.access_token, row.refresh_token, row.is_connected = None, None, False
        social_rows.save(session, row=row)
        return DisconnectedProfile(**vars(_profile_public(row, credentials)), token_left_alone=left_alone)


@dataclass(frozen=True)
class SocialPostPublic:
    id: Any
    slug: str
    platform: str
    handle: str | None
    status: str
    scheduled_time: dt.datetime | None
    error: str | None
    """Why the last try to post it failed (status failed), or why it waits (no token for its profile
    where it was tried); None once posted, and for a post never tried."""
    content: str
    hashtags: list[str]
    link: str | None
    """The blog post's address, which goes out after the text (counted in `length`); None while
    the account has no site settings."""
    length: int
    limit: int
    platform_post_id: str | None


def _post_public(post: SocialMediaPost, profile: SocialMediaProfile, slug: str, link: str | None) -> SocialPostPublic:
    content, hashtags = post.content or "", list(post.hashtags)
    return SocialPostPublic(
        id=post.id, slug=slug, platform=str(profile.platform), handle=profile.profile_id, status=str(post.post_status),
        content=content, hashtags=hashtags, link=link, length=rules.length(content, hashtags, str(profile.platform), link),
        limit=rules.PLATFORM_LIMITS[str(profile.platform)], scheduled_time=post.scheduled_time,
        platform_post_id=post.platform_post_id, error=post.error,
    )  # fmt: skip


def _checked(platform: str, content: str, hashtags: list[str], link: str | None) -> list[str]:
    found = rules.problems(platform, content, hashtags, link)
    if found:
        raise InvalidInput(f"not saved: {'; '.join(found)}")
    return rules.clean_hashtags(hashtags)


def _link(session: Any, *, slug: str, published_at: dt.datetime | None, base_domain: str) -> str | None:
    """The address of my blog post a social post links to (site_address.post_link)."""
    from blogster_cli.services.site_address import post_link

    return post_link(driver_connection(session), slug=slug, published_at=published_at, base_domain=base_domain)


def list_posts(acting: ActingUser, *, ref: str | None = None, base_domain: str) -> list[SocialPostPublic]:
    from blogster_cli.services.post_steps import find_own

    with orm_unit_of_work(acting) as session:
        blog_id = find_own(driver_connection(session), ref).id if ref else None
        return [
            _post_public(p, profile, slug, _link(session, slug=slug, published_at=published, base_domain=base_domain))
            for p, profile, slug, published in social_rows.posts(session, blog_id=blog_id)
        ]


def create_post(
    acting: ActingUser, *, ref: str, platform: str, content: str, hashtags: list[str], base_domain: str,
    handle: str | None = None,
) -> SocialPostPublic:  # fmt: skip
    """A draft written by hand, on my profile for the platform (a stand-in profile until one is connected);
    its length counts the link to the blog post that goes out with it."""
    from blogster_cli.services.post_steps import find_own

    chosen = _platform(platform)
    with orm_unit_of_work(acting) as session:
        blog = find_own(driver_connection(session), ref)
        link = _link(session, slug=blog.slug, published_at=blog.published_at, base_domain=base_domain)
        tags = _checked(chosen.value, content, hashtags, link)
        profile = social_rows.profile_for(session, platform=chosen, handle=handle)
        if profile is None:
            if handle is not None:
                raise NotFound(f"no {chosen.value} profile {handle!r}: connect it with `social profiles connect`")
            profile = SocialMediaProfile(platform=chosen, profile_name="(not connected)")
            social_rows.save(session, row=profile)
        post = SocialMediaPost(blog_id=blog.id, social_profile_id=profile.id, content=content.strip(), hashtags=tags)
        social_rows.save(session, row=post)
        return _post_public(post, profile, blog.slug, link)


SOCIAL_POST = id_prefixes.Named("social post", "social posts", "blogster social list")


def _one(session: Any, ref: str, *, locked: bool = True) -> tuple[SocialMediaPost, SocialMediaProfile]:
    return id_prefixes.only(
        social_rows.find_post(session, prefix=id_prefixes.prefix(ref, SOCIAL_POST), locked=locked), ref, SOCIAL_POST
    )


def _slug_and_link(session: Any, post: SocialMediaPost, base_domain: str) -> tuple[str, str | None]:
    """The slug of the blog post a social post links to, and its address."""
    from blogster_cli.repositories.blogs import find_own

    row = find_own(driver_connection(session), ref=str(post.blog_id))
    if row is None:
        return "", None
    return row.slug, _link(session, slug=row.slug, published_at=row.published_at, base_domain=base_domain)


def _linked(session: Any, post: SocialMediaPost) -> rules.LinkedPost:
    """The blog post the social post links to (in the trash too)."""
    from blogster_cli.repositories.blogs import find_own

    row = find_own(driver_connection(session), ref=str(post.blog_id), trashed=None)
    if row is None:  # its blog post is mine (the row's own check): only a concurrent purge removes it
        raise NotFound("the blog post this social post links to is gone")
    return rules.LinkedPost(row.slug, str(row.status), row.published_at, row.deleted_at is not None)


def show_post(acting: ActingUser, *, ref: str, base_domain: str) -> SocialPostPublic:
    """One of my social posts, by its id or the id's first characters (read without waiting for a
    run that is posting it)."""
    with orm_unit_of_work(acting) as session:
        post, profile = _one(session, ref, locked=False)
        return _post_public(post, profile, *_slug_and_link(session, post, base_domain))


def edit_post(
    acting: ActingUser, *, ref: str, base_domain: str, content: str | None = None, hashtags: list[str] | None = None
) -> SocialPostPublic:
    with orm_unit_of_work(acting) as session:
        post, profile = _one(session, ref)
        if post.post_status == SocialPostStatus.PUBLISHED:
            raise InvalidInput("this post is already published; it cannot change")
        slug, link = _slug_and_link(session, post, base_domain)
        new_content = content if content is not None else post.content or ""
        post.hashtags = _checked(
            str(profile.platform), new_content, hashtags if hashtags is not None else list(post.hashtags), link
        )
        post.content = new_content.strip()
        social_rows.save(session, row=post)
        return _post_public(post, profile, slug, link)


def schedule_post(acting: ActingUser, *, ref: str, at: dt.datetime | None, base_domain: str) -> SocialPostPublic:
    """Schedules the post at `at`, or takes it back to a draft with None. `at` must be to come:
    a post is an outside effect, and a time past would go out at the next `post-due`. Only a post
    for a platform `social post-due` posts to (SOCIAL_PLATFORMS) is scheduled: any other would
    only be marked failed when its time came. Only a post whose blog post is live by `at`
    (published, or scheduled to go live by then: rules.live_by) is scheduled: any other would
    link to a page that does not exist."""
    from blogster_cli.services.platform_api import SOCIAL_PLATFORMS

    if at is not None and at <= dt.datetime.now(dt.UTC):
        raise InvalidInput(f"--at {at:%Y-%m-%d %H:%M} is in the past; give a time to come")
    with orm_unit_of_work(acting) as session:
        post, profile = _one(session, ref)
        if post.post_status == SocialPostStatus.PUBLISHED:
            raise InvalidInput("this post is already published")
        if at is not None and str(profile.platform) not in SOCIAL_PLATFORMS:
            raise InvalidInput(
                f"not scheduled: Blogster posts only to {' and '.join(SOCIAL_PLATFORMS)}; {str(profile.platform)} needs"
                " media or an app review, so post it there by hand"
            )
        slug, link = _slug_and_link(session, post, base_domain)
        _checked(str(profile.platform), post.content or "", list(post.hashtags), link)
        if at is not None and not rules.live_by(linked := _linked(session, post), at):
            raise InvalidInput(_not_live_yet(linked, at))
        if at is not None and link is None:
            raise NotFound("not scheduled: you have no site settings (subdomain) yet, so the post would carry no link")
        post.scheduled_time = at
        post.post_status = SocialPostStatus.SCHEDULED if at else SocialPostStatus.DRAFT
        social_rows.save(session, row=post)
        return _post_public(post, profile, slug, link)


def _not_live_yet(linked: rules.LinkedPost, at: dt.datetime) -> str:
    if rules.goes_live(linked) and linked.goes_live is not None:
        fix = f"schedule this post for {linked.goes_live.astimezone(at.tzinfo):%Y-%m-%d %H:%M} or later"
    elif linked.trashed:
        fix = f"restore it (`blogster posts restore {linked.slug}`) and publish it first"
    else:
        fix = f"publish it first, or schedule it to go live by then (`blogster publish {linked.slug} --at TIME`)"
    return f"not scheduled: {rules.not_live(linked, at.tzinfo)}, so the post would link to a page that does not exist; {fix}"


def remove_post(acting: ActingUser, *, ref: str, base_domain: str) -> SocialPostPublic:
    """Deletes one of my social posts; returns it as it was."""
    with orm_unit_of_work(acting) as session:
        post, profile = _one(session, ref)
        removed = _post_public(post, profile, *_slug_and_link(session, post, base_domain))
        social_rows.delete_post(session, post_id=post.id)
        return removed
