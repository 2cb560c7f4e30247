"""What every command needs: the profile, its settings, the database and the secrets.

Built once per process by the front end (CLI or TUI) and handed to services. Each
part is created on first use, so `blogster --help` touches none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from blogster_cli.config import DEFAULT_PROFILE, Settings, config_path, load_settings
from blogster_cli.errors import ConfigError

if TYPE_CHECKING:
    from datetime import tzinfo

    from blogster_cli.actors import Timeouts
    from blogster_cli.credentials import CredentialStore
    from blogster_cli.db.connection import Database


@dataclass
class AppContext:
    profile: str = DEFAULT_PROFILE
    database_url: str | None = None
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        self.settings = load_settings(self.profile, database_url=self.database_url)

    @cached_property
    def database(self) -> Database:
        from blogster_cli.db.connection import open_database

        settings = self.settings
        return open_database(
            self._with_stored_password(settings.database_url),
            source=settings.source_of("database_url"),
            connect_timeout_s=settings.connect_timeout_s,
        )

    def _with_stored_password(self, url: str | None) -> str | None:
        """The config file's database URL with the password `config set` kept in the keyring
        (an environment variable or --database-url is taken as it is)."""
        if not url or not self.settings.source_of("database_url").startswith(str(config_path())):
            return url
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        from blogster_cli.credentials import DATABASE_PASSWORD_KEY

        try:
            if "password" in conninfo_to_dict(url):
                return url
        except Exception:  # not a connection string: open_database says so
            return url
        password = self.credentials.get(DATABASE_PASSWORD_KEY)
        return url if password is None else make_conninfo(url, password=password)

    @cached_property
    def credentials(self) -> CredentialStore:
        from blogster_cli.credentials import CredentialStore

        return CredentialStore(self.profile)

    @cached_property
    def tzinfo(self) -> tzinfo:
        """The timezone setting as a tzinfo: the one place it is read (shown times, typed dates)."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(self.settings.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"timezone {self.settings.timezone!r} is not a known time zone (blogster config set timezone ...)"
            ) from None

    @property
    def timeouts(self) -> Timeouts:
        from blogster_cli.actors import Timeouts

        return Timeouts(self.settings.statement_timeout_ms, self.settings.lock_timeout_ms)
