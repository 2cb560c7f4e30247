"""Which AI endpoint, model and key a command uses, decided without I/O.

The rule that matters: a key is only ever sent where it was meant to go. A key
stored by `blogster ai setup` is bound to the base URL it was stored with; a key
from OPENAI_API_KEY goes only to BLOGSTER_AI_BASE_URL, else to OpenAI's own API.
Any other combination sends no key at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from blogster_cli.errors import ConfigError, InvalidInput
from blogster_cli.url_secrets import read_as_written, without_password

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
KEY_CREDENTIAL = "ai_api_key"
SETUP_HINT = "run `blogster ai setup` (or set BLOGSTER_AI_BASE_URL, BLOGSTER_AI_MODEL and OPENAI_API_KEY)"


class NoProviderConfigured(ConfigError):
    """Nothing says which AI provider to use: no base URL, key or BLOGSTER_AI_* variable
    (`ai status` reports it; every command that calls the provider fails with it, exit 6)."""


def normalise_base_url(url: str) -> str:
    """One spelling per endpoint, so the key-to-URL binding compares like with like; refused (its
    password as ***) unless the HTTP client reads it as written (`read_as_written`: a raw '/' in a
    password would make the host and port of its start, and show it in the client's error)."""
    cleaned = url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s\x00-\x1f\x7f]+(/[^\s\x00-\x1f\x7f]*)?", cleaned):
        raise InvalidInput(f"the AI base URL must be an http:// or https:// URL, not {without_password(url)!r}")
    if not read_as_written(cleaned):
        raise InvalidInput(
            f"the AI base URL {without_password(cleaned)!r} is not one an HTTP client reads as written: a port"
            " must be a number, and a '/', '?' or '#' in a user:password@ percent-encoded (%2F, %3F, %23)"
        )
    return cleaned


def _configured_base_url(url: str, where: str) -> str:
    """A base URL from the environment or the profile's settings, normalised; a bad one is a
    configuration error (exit 6) naming where it comes from."""
    try:
        return normalise_base_url(url)
    except InvalidInput as exc:
        raise ConfigError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class StoredKey:
    """An API key as kept in the keyring, with the only base URL it may be sent to."""

    base_url: str
    api_key: str = field(repr=False)

    def to_secret(self) -> str:
        return json.dumps({"base_url": self.base_url, "api_key": self.api_key})

    @classmethod
    def from_secret(cls, secret: str | None) -> StoredKey | None:
        if not secret:
            return None
        try:
            data = json.loads(secret)
            return cls(base_url=normalise_base_url(data["base_url"]), api_key=str(data["api_key"]))
        except (ValueError, KeyError, TypeError, InvalidInput):
            return None


@dataclass(frozen=True)
class ProviderConfig:
    """Everything needed to call the provider. The key is never printed (repr hides it)."""

    base_url: str
    model: str
    api_key: str | None = field(repr=False)
    key_source: str
    """'environment', 'keyring', 'credentials_file' or 'none': said by `ai status`, instead of the key."""
    timeout_s: float = 60.0
    max_retries: int = 2

    @property
    def shown_url(self) -> str:
        """The base URL as messages show it: a password in it (`http://user:pw@host/v1`) as ***."""
        return without_password(self.base_url)


def resolve_provider(
    *,
    env: Mapping[str, str],
    base_url: str | None,
    model: str | None,
    stored_key: StoredKey | None,
    key_store: str,
    timeout_s: float = 60.0,
    max_retries: int = 2,
) -> ProviderConfig:
    """The provider for one command: environment first, then the profile's settings."""
    env_key = env.get("OPENAI_API_KEY") or None
    env_url = env.get("BLOGSTER_AI_BASE_URL")
    env_base = _configured_base_url(env_url, "BLOGSTER_AI_BASE_URL") if env_url else None
    chosen_base = env_base or (_configured_base_url(base_url, "ai_base_url") if base_url else None)
    if chosen_base is None and (env_key or stored_key):
        chosen_base = stored_key.base_url if stored_key and not env_key else OPENAI_BASE_URL
    if chosen_base is None:
        raise NoProviderConfigured(f"no AI provider configured: {SETUP_HINT}")
    chosen_model = env.get("BLOGSTER_AI_MODEL") or model
    if not chosen_model and chosen_base == OPENAI_BASE_URL:
        chosen_model = DEFAULT_OPENAI_MODEL
    if not chosen_model:
        raise ConfigError(f"no AI model configured for {without_password(chosen_base)}: {SETUP_HINT}")
    if env_key and chosen_base == (env_base or OPENAI_BASE_URL):
        api_key, source = env_key, "environment"
    elif stored_key and stored_key.base_url == chosen_base:
        api_key, source = stored_key.api_key, key_store
    else:
        api_key, source = None, "none"
    return ProviderConfig(
        base_url=chosen_base,
        model=chosen_model,
        api_key=api_key,
        key_source=source,
        timeout_s=timeout_s,
        max_retries=max_retries,
    )
