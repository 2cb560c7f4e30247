"""What every command needs: the profile, its settings, the database and the secrets.

Built once per process by the front end (CLI or TUI) and handed to services. Each
part is created on first use, so `blogster --help` touches none of them. A process that runs
for long (`serve-workers`) reads the settings again when the config file changes
(`refresh_settings`, before each job), so `config set` reaches it without a restart; a file
that does not read for a moment (a hand edit in progress) leaves the settings in use as they were.
"""

from __future__ import annotations

import os
import threading
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

_READ_FINE = object()  # AppContext._failed_state while the last read of the config file worked


@dataclass
class AppContext:
    profile: str = DEFAULT_PROFILE
    database_url: str | None = None
    check_schema: bool = False
    """Database.check_schema: the front ends turn it on, but for the commands that migrate the schema."""
    settings: Settings = field(init=False)
    _settings_read_from: tuple[int, ...] | None = field(init=False, default=None, repr=False, compare=False)
    _refreshing: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False, compare=False)
    # The config file's state when it last failed to read (_READ_FINE: the last read worked).
    _failed_state: object = field(init=False, default=_READ_FINE, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._settings_read_from = _config_file_state()  # before the read: a change during it is read again
        self.settings = load_settings(self.profile, database_url=self.database_url)

    def refresh_settings(self) -> ConfigError | None:
        """Reads the settings again if the config file changed since they were read (`config set`
        under a running worker): one stat when it did not. What was built from the old ones stays:
        the database connection (database_url, connect_timeout_s need a restart).

        A file that does not read (bad TOML, a bad value, unreadable: a hand edit in progress)
        changes nothing: the settings in use stay, and the file is read again at the next call
        until it reads. The problem is returned the first time that version of the file fails
        (for one warning), None on every other call: a later call with the file as it was, a
        read that worked, or nothing to read."""
        with self._refreshing:
            state = _config_file_state()
            if state == self._settings_read_from:
                return None
            try:
                settings = load_settings(self.profile, database_url=self.database_url)
            except ConfigError as exc:
                problem = exc
            except (OSError, ValueError) as exc:  # unreadable for now, or not UTF-8 (UnicodeDecodeError)
                problem = ConfigError(f"{config_path()}: cannot be read ({_reason(exc)})")
            else:
                if settings.timezone != self.settings.timezone:
                    self.__dict__.pop("tzinfo", None)  # the cached_property, read again on next use
                self.settings, self._settings_read_from = settings, state
                self._failed_state = _READ_FINE
                return None
            if state == self._failed_state:
                return None  # said already, and the file has not changed since
            self._failed_state = state
            return problem

    @cached_property
    def database(self) -> Database:
        from blogster_cli.db.connection import open_database

        settings = self.settings
        return open_database(
            self._with_stored_password(settings.database_url),
            source=settings.source_of("database_url"),
            connect_timeout_s=settings.connect_timeout_s,
            check_schema=self.check_schema,
        )

    def _with_stored_password(self, url: str | None) -> str | None:
        """The config file's database URL with the secrets `config set` kept in the keyring: its
        password, sslpassword and oauth_client_secret (credentials.DATABASE_SECRET_KEYS), each
        unless the URL names its own (an environment variable or --database-url is taken as it is)."""
        if not url or not self.settings.source_of("database_url").startswith(str(config_path())):
            return url
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        from blogster_cli.credentials import DATABASE_SECRET_KEYS

        try:
            named = conninfo_to_dict(url)
        except Exception:  # not a connection string: open_database says so
            return url
        wanted = {entry: name for name, entry in DATABASE_SECRET_KEYS.items() if name not in named}
        # One read of the profile's stored secrets (the credentials file read once), not one per entry.
        found = {wanted[entry]: secret for entry, secret in self.credentials.get_many(wanted).items()}
        return make_conninfo(url, **found) if found else url

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


def _reason(exc: OSError | ValueError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _config_file_state() -> tuple[int, ...] | None:
    """What tells a changed config file from the one read: its inode, size and times (None: none)."""
    try:
        stat = os.stat(config_path())
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
