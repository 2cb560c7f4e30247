"""Tokens for the platforms posts are cross-posted to: kept in the keyring, never in the database.

`BLOGSTER_<PLATFORM>_TOKEN` (e.g. BLOGSTER_DEVTO_TOKEN) overrides the stored token, so
cron jobs need no keyring; each platform's base URL is a setting (`devto_url`, ...)
with its own BLOGSTER_<PLATFORM>_URL override. WordPress takes "user:application-password".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from uuid import UUID

from blogster_cli.context import AppContext
from blogster_cli.credentials import KEYRING_PREFIX
from blogster_cli.distribution.crosspost import PLATFORMS, platform_name
from blogster_cli.errors import ConfigError, InvalidInput


def credential_name(platform: str) -> str:
    """The keyring entry of a platform's token (under the profile)."""
    return f"platform:{platform}"


def social_token_prefix(account: UUID, platform: str) -> str:
    """How the keyring entries of `account`'s social profile tokens on `platform` begin (the
    handle follows): `social connect` names them so, and posting uses only an entry that does."""
    return f"social:{account.hex}:{platform}:"


def own_social_entry(reference: str | None, *, account: UUID | None, platform: str) -> str | None:
    """The keyring entry a social profile's access_token names ("keyring:<entry>"), if it is one
    `social connect` made for `account` on `platform`; else None. The column is the account's to
    write, and the store holds the operator's other secrets (other accounts' tokens, the session)
    under names anyone can guess (red team 23): posting reads, and disconnecting deletes, no other."""
    if not reference or not reference.startswith(KEYRING_PREFIX) or account is None:
        return None
    entry = reference.removeprefix(KEYRING_PREFIX)
    return entry if entry.startswith(social_token_prefix(account, platform)) else None


def token_variable(platform: str) -> str:
    return f"BLOGSTER_{platform.upper()}_TOKEN"


@dataclass(frozen=True)
class PlatformEndpoint:
    """Where and as whom to call one platform; the token is never shown (repr, --json)."""

    platform: str
    base_url: str
    token: str = field(repr=False)
    token_variable: str | None = None
    """The environment variable the token came from (it overrides the stored one), for the hint of a
    refused token; None: the stored token."""


@dataclass(frozen=True)
class PlatformStatus:
    platform: str
    base_url: str | None
    token: str
    """Where the token comes from ('environment', 'keyring', 'credentials_file' or 'none'): never the token itself."""


def _parsed(platform: str) -> str:
    try:
        return platform_name(platform)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _base_url(ctx: AppContext, platform: str) -> str | None:
    url: str | None = getattr(ctx.settings, f"{platform}_url")
    return url.rstrip("/") if url else None


def connect(ctx: AppContext, *, platform: str, token: str) -> PlatformStatus:
    """Stores the token in the keyring (or the 0600 credentials file where there is none)."""
    name = _parsed(platform)
    token = token.strip()
    if not token:
        raise InvalidInput("the token is empty")
    if name == "wordpress" and ":" not in token:
        raise InvalidInput("a WordPress token is 'user:application-password' (Users > Profile > Application Passwords)")
    ctx.credentials.set(credential_name(name), token)
    return _status(ctx, name)


def disconnect(ctx: AppContext, *, platform: str) -> PlatformStatus:
    name = _parsed(platform)
    ctx.credentials.delete(credential_name(name))
    return _status(ctx, name)


def _status(ctx: AppContext, name: str) -> PlatformStatus:
    if os.environ.get(token_variable(name)):
        source = "environment"
    elif ctx.credentials.get(credential_name(name)):
        source = ctx.credentials.kind
    else:
        source = "none"
    return PlatformStatus(platform=name, base_url=_base_url(ctx, name), token=source)


def list_platforms(ctx: AppContext) -> list[PlatformStatus]:
    return [_status(ctx, name) for name in PLATFORMS]


def endpoint(ctx: AppContext, *, platform: str) -> PlatformEndpoint:
    """The URL and token for a cross-post (ConfigError saying how to connect when either is missing)."""
    name = _parsed(platform)
    variable = token_variable(name) if os.environ.get(token_variable(name)) else None
    token = os.environ.get(variable) if variable else ctx.credentials.get(credential_name(name))
    if not token:
        raise ConfigError(
            f"not connected to {name}: run `blogster platforms connect {name} --token-stdin` (the token on standard"
            f" input) or set {token_variable(name)}"
        )
    base_url = _base_url(ctx, name)
    if not base_url:
        raise ConfigError(
            f"no {name} URL: run `blogster config set {name}_url https://...` or set BLOGSTER_{name.upper()}_URL"
        )
    return PlatformEndpoint(platform=name, base_url=base_url, token=token, token_variable=variable)
