"""Your public profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import profiles as profile_rows

EDITABLE = ("username", "full_name", "avatar_url", "website", "company", "bio")


@dataclass(frozen=True)
class ProfilePublic:
    id: UUID
    username: str | None
    full_name: str | None
    avatar_url: str | None
    website: str | None
    company: str | None
    bio: str | None
    created_at: datetime
    updated_at: datetime


_SELECT = (
    "select id, username, full_name, avatar_url, website, company, bio, created_at, updated_at from public.profiles"
)


def get_profile(acting: ActingUser) -> ProfilePublic:
    with unit_of_work(acting) as conn:
        row = conn.execute(_SELECT + " where id = %s", (acting.actor.user_id,)).fetchone()
    if row is None:
        raise NotFound("your profile is missing")
    return ProfilePublic(*row)


def _check_url(field: str, value: str) -> None:
    """http(s) with a host; no space or control character (an ESC sequence shown with the profile
    recolours a terminal, a line break splits the page's markup)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value or not value.isprintable():
        raise InvalidInput(f"--{field.replace('_', '-')} must be an http:// or https:// URL")


def update_profile(acting: ActingUser, *, changes: dict[str, str]) -> ProfilePublic:
    """Applies the given changes ('' clears a field) and returns the new profile."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    values = {k: (v.strip() or None) for k, v in changes.items()}
    for field in ("website", "avatar_url"):
        value = values.get(field)
        if value:
            _check_url(field, value)
    if not values:
        return get_profile(acting)
    with unit_of_work(acting) as conn:
        row = profile_rows.update(
            conn, user_id=acting.actor.user_id, values=values, returning=list(ProfilePublic.__dataclass_fields__)
        )
    if row is None:
        raise NotFound("your profile is missing")
    return ProfilePublic(*row)
