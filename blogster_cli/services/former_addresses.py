"""`posts addresses`: the former addresses of my post (the slugs and times it was published
under, migration 0203) and the addresses it keeps from its import (the old site's URL, its
aliases, the address its generator gave it: `content.imported_addresses`), and forgetting them
(0205): a slug or alias that said too much stops being a redirect page at the next `site build`,
a visit `analytics ingest` counts for the post, and (a former slug) the post's id in the feeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser
from blogster_cli.content.errors import ContentError
from blogster_cli.content.imported_addresses import KeptAddress, forgetting, kept_addresses
from blogster_cli.content.slugs import composed
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.publish.placement import case_only_aliases
from blogster_cli.publish.urls import clean_path, page_paths
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import former_addresses as address_rows
from blogster_cli.repositories import site as site_rows
from blogster_cli.services.post_steps import content_to_store, find_own
from blogster_cli.wording import quoted

if TYPE_CHECKING:
    from blogster_cli.db.acting import Connection
    from blogster_cli.repositories.blogs import BlogRow


@dataclass(frozen=True)
class FormerAddress:
    slug: str
    published_at: datetime | None
    """When the post was published under the slug; None where the stored time is unreadable."""


@dataclass(frozen=True)
class FormerAddresses:
    """My post's slug, its former addresses (oldest first) and those it keeps from its import,
    what is left after forgetting."""

    slug: str
    addresses: list[FormerAddress]
    imported: list[KeptAddress]
    """Its old site's URL first (`is_url`: where its page is), then the aliases it redirects from;
    none that is its page's address (no redirect is written there)."""
    forgotten: int
    """How many entries this call removed."""


def former_addresses(
    acting: ActingUser, *, ref: str, forget: Sequence[str] = (), forget_all: bool = False
) -> FormerAddresses:
    """My post's former and imported addresses; with `forget` or `forget_all`, those removed first.
    Each to forget must name some (a former slug; an imported address, as listed or by its last
    part): else NotFound, nothing removed. The old site's URL is the post's page: naming only that
    is InvalidInput, nothing removed, and `forget_all` keeps it."""
    if forget and forget_all:
        raise InvalidInput("give --forget SLUG or --forget-all, not both")
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref, with_content=True, trashed=None)
        before = address_rows.own_former_addresses(conn, blog_id=row.id)
        kept = _imported(conn, row)
        if forget_all:
            slugs = {slug for slug, _ in before}
            paths = {entry.address for entry in kept if not entry.is_url}
        else:
            slugs, paths = _named(row.slug, before, kept, forget)
        after, kept_after = before, kept
        if slugs:
            address_rows.forget(conn, blog_id=row.id, slugs=None if forget_all else sorted(slugs))
            after = address_rows.own_former_addresses(conn, blog_id=row.id)
        if paths:
            _forget_imported(conn, row, paths)
            kept_after = _imported(conn, row)
    return FormerAddresses(
        row.slug,
        [FormerAddress(slug, _time(published)) for slug, published in after],
        kept_after,
        len(before) - len(after) + len(kept) - len(kept_after),
    )


def _imported(conn: Connection, row: BlogRow) -> list[KeptAddress]:
    """The addresses `row` keeps from its import, but for its page's own, in any letter case (an alias
    there makes no redirect: `placement.case_only_aliases`): its page is at its old site's URL, else
    at its permalink in my site's pattern."""
    kept = kept_addresses(address_rows.own_address_document(conn, blog_id=row.id))
    url = next((entry.address for entry in kept if entry.is_url), None)
    settings = site_rows.own_settings(conn)
    if settings is None:  # no site yet: no page, nor redirect, but at its URL
        page = url
    else:
        page = next(iter(page_paths(settings.permalink, url=url, slug=row.slug, published_at=row.published_at)), None)
    at_page = {page, *case_only_aliases(page, [entry.address for entry in kept])}
    return [entry for entry in kept if entry.is_url or entry.address not in at_page]


def _named(
    slug: str, former: list[tuple[str, str]], kept: list[KeptAddress], forget: Sequence[str]
) -> tuple[set[str], set[str]]:
    """(former slugs, imported addresses) that `forget` names: a former slug as stored (NFC); an
    alias as listed, as a path (`/old/a` is `/old/a/`) or by its last part (`a`, `a.html`: `_last`)."""
    slugs: set[str] = set()
    paths: set[str] = set()
    had = {stored for stored, _ in former}
    for name in forget:
        text = composed(name)
        path = clean_path(text)
        named = [entry for entry in kept if path == entry.address or text in _last(entry.address)]
        aliases = {entry.address for entry in named if not entry.is_url}
        if text not in had and not aliases:
            url = next((entry for entry in named if entry.is_url), None)
            if url is not None:
                raise InvalidInput(
                    f"'{slug}' is at {url.address}, its old site's URL (front matter `{url.kept_in}`): that is its page,"
                    " not a redirect, and is not forgotten; nothing forgotten"
                )
            raise NotFound(f"'{slug}' has no former address {quoted(name, 200)}")
        slugs |= {text} & had
        paths |= aliases
    return slugs, paths


def _last(address: str) -> tuple[str, str]:
    """The last part of an address, as written and without `.html`: (`a`, `a`) of `/old/a/`,
    (`a.html`, `a`) of Jekyll's `/2021/03/04/a.html`."""
    last = address.rstrip("/").rpartition("/")[2]
    return last, last.removesuffix(".html")


def _forget_imported(conn: Connection, row: BlogRow, paths: set[str]) -> None:
    """Stores my post's content with the aliases at `paths` forgotten (`imported_addresses.forgetting`)
    through the update every save makes; refused, nothing stored, where Python cannot read all of it."""
    if row.left_out or row.content is None:
        why = "; ".join(str(left) for left in row.left_out) or "none stored"
        raise InvalidInput(
            f"'{row.slug}': its imported addresses were not forgotten: its stored content is unreadable ({why})"
        )
    document = address_rows.own_address_document(conn, blog_id=row.id)
    try:
        changed = forgetting(row.content, document, paths)
    except ContentError as error:
        raise InvalidInput(f"'{row.slug}': its imported addresses were not forgotten: {error}") from None
    content = content_to_store(row, front_matter=changed["front_matter"], source=changed["source"])
    blog_rows.update(conn, blog_id=row.id, values={"content": content})


def _time(stored: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stored)
    except ValueError:
        return None
