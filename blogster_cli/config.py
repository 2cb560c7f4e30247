"""Where Blogster keeps things, and the settings a user can change.

Settings come from, in order of precedence: environment variables, the profile's
section of the TOML config file, then defaults. Secrets never live here: see
credentials.py.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from blogster_cli.errors import ConfigError

APP_NAME = "blogster"
DEFAULT_PROFILE = "default"


def home_dir() -> Path:
    """Root for data, config and the embedded cluster; BLOGSTER_HOME overrides the platform dirs."""
    override = os.environ.get("BLOGSTER_HOME")
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    """The TOML config file: beside the data under BLOGSTER_HOME, else the platform config dir."""
    if os.environ.get("BLOGSTER_HOME"):
        return home_dir() / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


@dataclass
class Settings:
    """One profile's settings. Each field can be set with `blogster config set KEY VALUE`."""

    database_url: str | None = None
    """A PostgreSQL URL to use instead of the embedded server (env: BLOGSTER_DATABASE_URL)."""
    timezone: str = "UTC"
    """Timezone for naive dates in imported posts and for calendar display (env: BLOGSTER_TIMEZONE)."""
    editor: str | None = None
    """Editor for `blogs edit`; falls back to $VISUAL, then $EDITOR, then vi (env: BLOGSTER_EDITOR)."""
    statement_timeout_ms: int = 30000
    """Longest a single statement may run before it is cancelled."""
    lock_timeout_ms: int = 5000
    """Longest a statement waits for a row lock before giving up."""
    session_days: int = 30
    """How long a login session stays valid on the embedded server."""
    ai_base_url: str | None = None
    """OpenAI-compatible endpoint for `generate` (env: BLOGSTER_AI_BASE_URL); set by `ai setup`."""
    ai_model: str | None = None
    """Model for `generate` (env: BLOGSTER_AI_MODEL); set by `ai setup`."""
    ai_timeout_s: int = 120
    """Longest one AI provider request may take, in seconds."""
    ai_max_retries: int = 2
    """Retries (with backoff) after a 429, a 5xx or a timeout from the AI provider."""

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]


ENV_OVERRIDES = {
    "database_url": "BLOGSTER_DATABASE_URL",
    "timezone": "BLOGSTER_TIMEZONE",
    "editor": "BLOGSTER_EDITOR",
}


def read_config_file(path: Path | None = None) -> dict:
    path = path or config_path()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None


def coerce(key: str, raw: object) -> object:
    """Turns a config value (from TOML or the command line) into the field's type."""
    if key not in Settings.keys():
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(Settings.keys())}")
    default = getattr(Settings(), key)
    if isinstance(default, int) and not isinstance(default, bool):
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{key} must be a whole number, not {raw!r}") from None
    return None if raw in ("", None) else str(raw)


def load_settings(profile: str = DEFAULT_PROFILE, *, database_url: str | None = None) -> Settings:
    """Settings for `profile`: file values, then environment, then an explicit --database-url."""
    section = read_config_file().get("profiles", {}).get(profile, {})
    settings = Settings()
    for key, value in section.items():
        setattr(settings, key, coerce(key, value))
    for key, env_name in ENV_OVERRIDES.items():
        if os.environ.get(env_name):
            setattr(settings, key, os.environ[env_name])
    if database_url:
        settings.database_url = database_url
    return settings


def write_setting(profile: str, key: str, value: str | None) -> None:
    """Sets (or, with None, removes) one key of one profile, keeping the rest of the file."""
    import tomli_w

    coerced = coerce(key, value) if value is not None else None
    document = read_config_file()
    section = document.setdefault("profiles", {}).setdefault(profile, {})
    if coerced is None:
        section.pop(key, None)
    else:
        section[key] = coerced
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(document), encoding="utf-8")
    tmp.replace(path)
