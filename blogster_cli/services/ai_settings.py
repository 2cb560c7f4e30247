"""Which AI provider this profile uses: set up, described and checked (no database)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from blogster_cli.ai.provider import KEY_CREDENTIAL, ProviderConfig, StoredKey, normalise_base_url, resolve_provider
from blogster_cli.config import write_setting
from blogster_cli.context import AppContext
from blogster_cli.errors import BlogsterError, InvalidInput


def provider_config(ctx: AppContext) -> ProviderConfig:
    """The provider for this command (ConfigError saying how to set one up if there is none)."""
    settings = ctx.settings
    return resolve_provider(
        env=os.environ,
        base_url=settings.ai_base_url,
        model=settings.ai_model,
        stored_key=StoredKey.from_secret(ctx.credentials.get(KEY_CREDENTIAL)),
        key_store=ctx.credentials.kind,
        timeout_s=float(settings.ai_timeout_s),
        max_retries=settings.ai_max_retries,
    )


def price_table(ctx: AppContext) -> dict[str, float]:
    """The ai_prices setting as a table (checked when it was set or loaded)."""
    from blogster_cli.ai.pricing import parse_prices

    return parse_prices(ctx.settings.ai_prices or "")


@dataclass(frozen=True)
class ProviderSettings:
    """The provider a command now uses, as `ai setup` reports it: never the key, only where it comes from."""

    base_url: str
    """A password in the URL as ***."""
    model: str
    key: str
    """Where the key comes from ('environment', 'keyring', 'credentials_file', 'none'), as `ai status` says."""


def setup(ctx: AppContext, *, base_url: str, model: str, api_key: str | None) -> ProviderSettings:
    """Saves base URL and model in the profile and the key in the keyring, bound to that URL; returns
    the provider commands now use (the environment's BLOGSTER_AI_* first, as for every command)."""
    url = normalise_base_url(base_url)
    if not model.strip():
        raise InvalidInput("the model name is empty")
    write_setting(ctx.profile, "ai_base_url", url)
    write_setting(ctx.profile, "ai_model", model.strip())
    if api_key:
        ctx.credentials.set(KEY_CREDENTIAL, StoredKey(base_url=url, api_key=api_key).to_secret())
    else:
        # A key kept for another endpoint must not follow the profile to this one.
        ctx.credentials.delete(KEY_CREDENTIAL)
    ctx.settings.ai_base_url, ctx.settings.ai_model = url, model.strip()
    provider = provider_config(ctx)
    return ProviderSettings(base_url=provider.shown_url, model=provider.model, key=provider.key_source)


@dataclass(frozen=True)
class ProviderStatus:
    base_url: str | None
    model: str | None
    key: str
    """Where the key comes from ('environment', 'keyring', 'credentials_file', 'none'): never the key itself."""
    reachable: bool
    """Whether the server answered, an error too (a refused key, HTTP 500: `problem` says which); not
    when it could not be connected to or did not answer in time."""
    model_available: bool
    problem: str | None
    configured: bool = True
    """False: no provider is set up at all (base_url and model None, nothing checked; see `setup`)."""
    setup: str | None = None
    """How to set one up, when none is configured."""


def status(ctx: AppContext) -> ProviderStatus:
    """What is configured, and whether the endpoint answers and offers the model; with nothing
    configured, a report saying so and how to set it up (not an error: nothing is wrong yet)."""
    from blogster_cli.ai.provider import SETUP_HINT, NoProviderConfigured
    from blogster_cli.services.ai_provider import NotReached, UnusableURL, list_models

    try:
        provider = provider_config(ctx)
    except NoProviderConfigured:
        return ProviderStatus(None, None, "none", False, False, None, configured=False, setup=SETUP_HINT)
    shown = provider.shown_url  # a report: never a password in the URL
    try:
        models = list_models(provider)
    except BlogsterError as exc:  # a status report states the failure instead of raising it
        # Any answer (a refused key, HTTP 404 or 500, one unreadable) reached the server: the problem says what.
        reached = not isinstance(exc, (NotReached, UnusableURL))
        return ProviderStatus(shown, provider.model, provider.key_source, reached, False, str(exc))
    available = provider.model in models
    problem = None if available else f"the endpoint does not list model {provider.model!r}"
    return ProviderStatus(shown, provider.model, provider.key_source, True, available, problem)


def models(ctx: AppContext) -> list[str]:
    from blogster_cli.services.ai_provider import list_models

    return list_models(provider_config(ctx))
