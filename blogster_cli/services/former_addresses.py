"""`posts addresses`: the former addresses of my post (the slugs and times it was published
under, migration 0203), and forgetting them (0205): a slug that said too much stops being a
redirect page at the next `site build` and the post's id in the feeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from blogster_cli.actors import ActingUser
from blogster_cli.content.slugs import composed
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import former_addresses as address_rows
from blogster_cli.services.post_steps import find_own


@dataclass(frozen=True)
class FormerAddress:
    slug: str
    published_at: datetime | None
    """When the post was published under the slug; None where the stored time is unreadable."""


@dataclass(frozen=True)
class FormerAddresses:
    """My post's slug and its former addresses, oldest first (what is left after forgetting)."""

    slug: str
    addresses: list[FormerAddress]
    forgotten: int
    """How many entries this call removed."""


def former_addresses(
    acting: ActingUser, *, ref: str, forget: Sequence[str] = (), forget_all: bool = False
) -> FormerAddresses:
    """My post's former addresses; with `forget` (slugs) or `forget_all`, those removed first.
    Each slug to forget must be one of them (else NotFound, nothing removed)."""
    if forget and forget_all:
        raise InvalidInput("give --forget SLUG or --forget-all, not both")
    with unit_of_work(acting) as conn:
        row = find_own(conn, ref, trashed=None)
        before = address_rows.own_former_addresses(conn, blog_id=row.id)
        slugs = [composed(slug) for slug in forget]  # as slugs are stored (NFC)
        had = {slug for slug, _ in before}
        unknown = next((slug for slug in slugs if slug not in had), None)
        if unknown is not None:
            raise NotFound(f"'{row.slug}' has no former address {unknown!r}")
        after = before
        if slugs or (forget_all and before):
            address_rows.forget(conn, blog_id=row.id, slugs=None if forget_all else slugs)
            after = address_rows.own_former_addresses(conn, blog_id=row.id)
    return FormerAddresses(
        row.slug, [FormerAddress(slug, _time(published)) for slug, published in after], len(before) - len(after)
    )


def _time(stored: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stored)
    except ValueError:
        return None
