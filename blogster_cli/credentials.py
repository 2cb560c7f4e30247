"""Secrets (session tokens, shared-server passwords) in the OS keyring.

Where no keyring backend exists (headless servers, containers) they go to a
dedicated credentials file readable by the owner only (0600), which `doctor`
flags. They never go to the config file or the database in clear.

Finding out that no backend exists costs importing keyring and trying each backend
(~100 ms of CPU, more than the database work of a command), so the choice is noted
beside the file (`keyring-choice`, no secret in it) each time it is made; a read
(`CredentialStore.get`) then goes straight to the file where the note (or keyring's
own PYTHON_KEYRING_BACKEND, which comes first) says the file is the store, and a
secret it does not find there is looked for the full way. Writes and deletes always
take the full way, which notes the choice again.

The file is changed by many commands (`auth login` and `logout`, `config set`, `newsletter
smtp-password`, the mail hold), for any profile: each change reads, changes and rewrites it under
one lock, through a temporary file of its own (`private_files.SharedPrivateFile`, as the config
file is), so that two at once lose neither's secret; the next change removes `credentials.json.partial`,
the temporary file older versions left there. The profile index (PROFILE_INDEX) is changed under the
same lock in a keyring too.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from blogster_cli.config import file_being_changed, home_dir
from blogster_cli.url_secrets import LIBPQ_SECRETS

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from blogster_cli.errors import ConfigError
    from blogster_cli.private_files import SharedPrivateFile

SERVICE = "blogster"
# An entry listing the profiles that have stored secrets, since keyrings cannot be listed.
# Its name starts with ':' so that it cannot be any profile's '<profile>:<name>'.
PROFILE_INDEX = ":profiles"
# A stored token column that holds "keyring:<entry>" names a keyring entry, not the token
# (social accounts): the rule both connecting an account and posting with it follow.
KEYRING_PREFIX = "keyring:"
# The password of the config file's database URL (`config set database_url` moves it here).
DATABASE_PASSWORD_KEY = "database_password"
# Each of libpq's secrets in the config file's database URL (its password, sslpassword,
# oauth_client_secret), kept here by `config set database_url` and put back by AppContext.database.
DATABASE_SECRET_KEYS = {name: f"database_{name}" for name in LIBPQ_SECRETS}  # "password": DATABASE_PASSWORD_KEY
# The SMTP password: `newsletter smtp-password` keeps it here, and `config set smtp_url` moves a
# URL's `user:password@` here; a newsletter's send reads it back (BLOGSTER_SMTP_PASSWORD overrides it).
SMTP_PASSWORD_KEY = "smtp:password"

FILE_CHOSEN = "file"
FAIL_BACKEND = "keyring.backends.fail.Keyring"


def credentials_file() -> Path:
    return home_dir() / "credentials.json"


def choice_file() -> Path:
    """Where the last choice of store is noted: FILE_CHOSEN, or the keyring backend's class."""
    return home_dir() / "keyring-choice"


def _note_choice(backend: KeyringBackend | None) -> None:
    """Notes the store `_usable_keyring` chose (unless PYTHON_KEYRING_BACKEND chose it: it says so itself)."""
    import os

    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    choice = FILE_CHOSEN if backend is None else f"{type(backend).__module__}.{type(backend).__qualname__}"
    path = choice_file()
    try:
        if path.read_text(encoding="utf-8") == choice:
            return
    except OSError:
        pass
    if not path.parent.is_dir():  # no home yet: a command before quickstart creates nothing for a note
        return
    try:
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(choice, encoding="utf-8")
        partial.replace(path)  # whole or not at all: a reader sees the old note or the new one
    except OSError:
        pass  # no note: the next read takes the full way


def file_is_the_store() -> bool:
    """Whether the credentials file is the store, known without importing keyring: keyring's own
    PYTHON_KEYRING_BACKEND names its 'fail' backend, or (unset) the last choice noted was the file."""
    import os

    named = os.environ.get("PYTHON_KEYRING_BACKEND")
    if named:
        return named == FAIL_BACKEND
    try:
        return choice_file().read_text(encoding="utf-8") == FILE_CHOSEN
    except OSError:
        return False


def _usable_keyring() -> KeyringBackend | None:
    """The keyring backend, or None when only the 'fail' backend is available."""
    import sys

    import keyring
    from keyring.backends import chainer, fail

    # keyring loads its macOS backend everywhere; off macOS that module's import looks for the
    # Security framework by running ldconfig, the compiler and the linker (nine programs, 50-150 ms
    # before the first command's query), fails, and the backend is never chosen ("macOS required").
    # Marked absent, the import fails at once: the same backends, the same choice.
    skipped = sys.platform != "darwin" and "keyring.backends.macOS.api" not in sys.modules
    if skipped:
        sys.modules["keyring.backends.macOS.api"] = None  # type: ignore[assignment]
    try:
        backend = keyring.get_keyring()
    finally:
        if skipped and sys.modules.get("keyring.backends.macOS.api", 0) is None:
            del sys.modules["keyring.backends.macOS.api"]
    usable = None if isinstance(backend, fail.Keyring) else backend
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        usable = None
    _note_choice(usable)
    return usable


class CredentialStore:
    """Secrets for one profile: keyring entries named '<profile>:<name>', or the 0600 file."""

    def __init__(self, profile: str):
        self.profile = profile

    @cached_property
    def _backend(self) -> KeyringBackend | None:
        return _usable_keyring()

    @property
    def backend_name(self) -> str:
        if self._backend is None:
            return f"file {credentials_file()} (no OS keyring available)"
        return f"keyring {type(self._backend).__module__}.{type(self._backend).__name__}"

    @property
    def uses_file(self) -> bool:
        return self._backend is None

    @property
    def kind(self) -> str:
        """Where a secret stored now goes, as `--json` and messages name it: 'keyring' or 'credentials_file'."""
        return "credentials_file" if self.uses_file else "keyring"

    def _key(self, name: str) -> str:
        return f"{self.profile}:{name}"

    def get(self, name: str) -> str | None:
        return self.get_many([name]).get(name)

    def get_many(self, names: Iterable[str]) -> dict[str, str]:
        """This profile's stored secrets among `names` (name -> secret; the ones not stored left out),
        read together: one read of the credentials file where it is the store. Where the file is known
        to be the store, it is read without loading keyring, and the secrets it lacks are looked for
        the full way (the keyring, if one has become usable since the choice was noted)."""
        keys = {name: self._key(name) for name in names}
        entries: dict[str, str] | None = None
        found: dict[str, str] = {}
        if "_backend" not in self.__dict__ and file_is_the_store():  # the file, without loading keyring
            entries = _read_file()
            found = {name: entries[key] for name, key in keys.items() if key in entries}
            if len(found) == len(keys):
                return found
        if self._backend is None:
            entries = _read_file() if entries is None else entries  # read above: the same store
            return {name: entries[key] for name, key in keys.items() if key in entries}
        for name, key in keys.items():
            if name not in found and (stored := self._get_raw(key)) is not None:
                found[name] = stored
        return {name: found[name] for name in keys if name in found}  # in the order asked

    def set(self, name: str, value: str) -> None:
        # The profile index's read, change and rewrite (and, in the file, the secret's) under the
        # credentials file's lock, whichever the store: two commands storing secrets for two new
        # profiles at once lose neither from the index.
        with file_lock():
            self._remember_profile()
            self._set_raw(self._key(name), value)

    def _set_raw(self, key: str, value: str) -> None:
        if self._backend is not None:
            self._backend.set_password(SERVICE, key, value)
            return
        with file_lock():
            entries = _read_file(to_change=True)
            entries[key] = value
            _write_file(entries)

    def _get_raw(self, key: str) -> str | None:
        if self._backend is not None:
            stored: str | None = self._backend.get_password(SERVICE, key)
            return stored
        return _read_file().get(key)

    def _remember_profile(self) -> None:
        known = self.known_profiles()
        if self.profile not in known:
            self._set_raw(PROFILE_INDEX, json.dumps(sorted({*known, self.profile})))

    def known_profiles(self) -> builtins.set[str]:
        """Every profile that has stored a secret in this keyring or file (and may still hold one)."""
        try:
            listed = json.loads(self._get_raw(PROFILE_INDEX) or "[]")
        except ValueError:
            listed = []
        in_file = {key.split(":", 1)[0] for key in _read_file() if ":" in key} if self._backend is None else set()
        return ({name for name in listed if isinstance(name, str)} | in_file) - {""}

    def delete(self, name: str) -> None:
        if self._backend is not None:
            import keyring.errors

            try:
                self._backend.delete_password(SERVICE, self._key(name))
            except keyring.errors.PasswordDeleteError:
                pass
            return
        with file_lock():
            entries = _read_file(to_change=True)
            if entries.pop(self._key(name), None) is not None:
                _write_file(entries)


def _read_file(*, to_change: bool = False) -> dict[str, str]:
    """The credentials file's entries. A file that does not read as them (a hand edit, a disk
    error) holds none for a lookup; a change refuses it (ConfigError) rather than write its one
    entry over every secret the file may still hold."""
    path = credentials_file()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        if to_change:
            raise _unreadable(path, exc.strerror if isinstance(exc, OSError) else "not JSON") from None
        return {}
    if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
        if to_change:
            raise _unreadable(path, "not an object of names and secrets")
        return {}
    return entries


def _unreadable(path: Path, reason: str | None) -> ConfigError:
    from blogster_cli.errors import ConfigError

    return ConfigError(
        f"{path} cannot be read as a credentials file ({reason or 'unreadable'}), so nothing was written"
        " to it: move it aside (its secrets are lost to Blogster) and log in again"
    )


CREDENTIALS_LOCK_WAIT_S = 30.0
"""How long a change waits for another command's change to the credentials file."""


@cache
def _shared_file() -> SharedPrivateFile:
    """The credentials file as the commands changing it share it (private_files.SharedPrivateFile;
    busy: the config file's words)."""
    from blogster_cli.private_files import SharedPrivateFile

    return SharedPrivateFile(
        credentials_file, busy=file_being_changed, wait_s=CREDENTIALS_LOCK_WAIT_S, older_partial=True
    )


@contextmanager
def file_lock() -> Iterator[None]:
    """Serialises changes to the credentials file across processes (`credentials.json.lock`
    beside it; re-entrant): held around each read, change and rewrite of it."""
    with _shared_file().lock():
        yield


def _write_file(entries: dict[str, str]) -> None:
    """The credentials file replaced (0600 from creation; inside `file_lock`, around the read it changes)."""
    _shared_file().replace(json.dumps(entries).encode("utf-8"))


def file_permission_problem() -> str | None:
    """A sentence for `doctor` when the credentials file is readable by others."""
    path = credentials_file()
    if not path.exists():
        return None
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return f"{path} has mode {mode:o}; it must be 600 (run: chmod 600 {path})"
    return None
