"""After a configuration error, when that mail is tried again: the workers and the cron commands.

A refused login, a server that refuses our sender for good (5xx at MAIL FROM), an untrusted
certificate: trying again cannot help until something changes, and each try of a wrong login
counts towards the mail provider locking the account. So that mail is held: it is tried again at
once when the settings it goes with change (a new password through `newsletter smtp-password` or
BLOGSTER_SMTP_PASSWORD, read at each run), else after a wait that doubles from RETRY_FIRST up to
RETRY_AT_MOST (for a fix made elsewhere: the provider unlocked the account, the server's
certificate was renewed): about one login an hour at most, where it was one a minute. The wait
doubles with each failed try under the same settings, whatever the server's reply said (a
provider's reply may carry a new session id each time); the error is news, to be said again,
only when the settings or its text changed.

Where a hold is kept. `kept(ctx)` keeps the profile's holds in the Blogster home
(`mail-hold.json`, 0600, written whole under `mail-hold.lock`), so `serve-workers`, `calendar
run-due`, `newsletter send-due` and `workers send-newsletters` share one hold per profile, and
a command cron starts each minute makes one login, not one a minute. A missing or damaged
file, or a record in it that does not parse, is no hold: whatever the file holds (JSON nested
too deep to read, more than a MiB, a value of the wrong type at any level) never fails a run.
`MailHold()` alone holds in this process's memory only (where there is no home to keep it in, or
the key below cannot be kept).

When the clock went back. A hold dated further ahead than any wait can be (the clock was set back,
or a run with `--now` ahead made it) is no hold: a clock set back by hours never holds mail for
hours. "Further ahead" is measured from the later of the run's time and the clock as read when the
hold is read (under the lock, for a change), and allows CLOCK_SLACK (5 minutes) beyond
RETRY_AT_MOST: runs that overlap read their times at different moments (cron's run-due reads its
time when it starts, and sends newsletters after publishing and building), so a run's time may be
older than the time of a hold another run made meanwhile. Read against its own time alone, that
fresh hold looked like a clock step back: the run logged in, and the wait went back to a minute.
A failure under a hold that has not ended (a run that looked before another held the mail) counts
towards the wait, and never moves the retry earlier.

How the settings are compared without keeping the password anywhere new. A hold remembers the
settings it was made under as a fingerprint: an HMAC-SHA256 of the SMTP URL, the password, the
From and its account (and SSL_CERT_FILE / SSL_CERT_DIR), under a random 256-bit key. Kept holds
take that key from the profile's credential store (`smtp:hold-key`: the OS keyring, else the 0600
credentials file), where `newsletter smtp-password` keeps the password itself; it is made at the
first hold. So the hold file alone tells nothing about the password (without the key each
fingerprint is a random string), and whoever can read the key can read the store, and the stored
password with it. A password from BLOGSTER_SMTP_PASSWORD is not in the store: someone who can read
both the store and the hold file could test guesses of it offline while a hold lasts (the record
is dropped once the mail goes). That reader already has every secret Blogster keeps (the session
token, a stored SMTP password), and neither file alone helps. `MailHold()` alone draws its key per
object and never keeps it: nothing it holds outlives the process.
"""

from __future__ import annotations

import fcntl
import hmac
import json
import os
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from blogster_cli.context import AppContext

RETRY_FIRST = timedelta(minutes=1)
RETRY_AT_MOST = timedelta(hours=1)
CLOCK_SLACK = timedelta(minutes=5)
"""How much further ahead than RETRY_AT_MOST a hold may be dated and still be one (see above)."""
_DOUBLINGS_AT_MOST = 6  # 1 min * 2**6 is past RETRY_AT_MOST: the wait stops growing there

KEY_CREDENTIAL = "smtp:hold-key"
"""The fingerprints' key in the credential store (hex), beside the SMTP password."""
FILE_NAME = "mail-hold.json"
LOCK_NAME = "mail-hold.lock"
LOCK_WAIT_S = 5.0
"""How long a change waits for another process's (a change holds the lock for a few file operations)."""
_VERSION = 1
_MOST_READ = 1 << 20
"""A hold file larger than this is damaged (each profile keeps a record or two per account)."""
_T = TypeVar("_T")


@dataclass(frozen=True)
class Held:
    """Why mail is held, since when, and from when it is tried again (with the same settings)."""

    error: str
    since: datetime
    retry_at: datetime
    failures: int
    """Tries that failed with these settings in a row."""
    settings: bytes
    """The settings' fingerprint (see the module docstring)."""


class SecretStore(Protocol):
    """Where the fingerprints' key is kept: the profile's CredentialStore."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class _NotKept(Exception):
    """The hold file or the key cannot be kept here: this MailHold holds in memory from now on."""


def _fingerprint(key: bytes, settings: Sequence[str | None]) -> bytes:
    """The settings' keyed hash (their order matters; None differs from "")."""
    text = json.dumps(list(settings), ensure_ascii=True)  # a lone surrogate too, unambiguous
    return hmac.digest(key, text.encode(), "sha256")


def _clock() -> datetime:
    return datetime.now(UTC)


def _stepped_back(held: Held, now: datetime) -> bool:
    """Whether `held` is dated further ahead than any wait (the clock went back, a run with `--now`
    ahead made it): from the later of `now` (the run's) and the clock read now, beyond CLOCK_SLACK."""
    return held.retry_at - max(now, _clock()) > RETRY_AT_MOST + CLOCK_SLACK


def _next(previous: Held | None, *, settings: bytes, error: str, now: datetime) -> tuple[Held, bool]:
    """The hold after a failure under `settings`, and whether it is news (to be said). A previous
    hold dated further ahead than any wait is none; one under the same settings that has not ended
    keeps its retry if that is later (a run that looked before another run held the mail)."""
    if previous is not None and _stepped_back(previous, now):
        previous = None
    same = previous is not None and hmac.compare_digest(previous.settings, settings)
    failures = previous.failures + 1 if previous is not None and same else 1
    wait = min(RETRY_FIRST * 2 ** min(failures - 1, _DOUBLINGS_AT_MOST), RETRY_AT_MOST)
    since = previous.since if previous is not None and same else now
    retry_at = max(previous.retry_at, now + wait) if previous is not None and same else now + wait
    held = Held(error=error, since=since, retry_at=retry_at, failures=failures, settings=settings)
    return held, not (same and previous is not None and previous.error == error)


class MailHold:
    """Holds by scope (a kind of mail, or one sender's): in this process's memory (`MailHold()`),
    or kept in the Blogster home for every process of a profile (`kept`). Safe across job threads
    and across processes."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._held: dict[str, Held] = {}
        self._lock = threading.Lock()
        self._file: _HoldFile | None = None

    @classmethod
    def kept_in(cls, folder: Path, *, section: str, store: SecretStore) -> MailHold:
        """Holds kept in `folder` (the Blogster home) under `section` (the profile), keyed by the
        key in `store` (the profile's credential store)."""
        hold = cls()
        hold._file = _HoldFile(folder, section=section, store=store)
        return hold

    @property
    def is_kept(self) -> bool:
        """Whether holds outlive this process (False: memory only, from the start or since the
        file or the key could not be kept)."""
        return self._file is not None

    def holding(self, scope: str, *, settings: Sequence[str | None], now: datetime) -> Held | None:
        """The hold on `scope` while it lasts: None once its wait is over or the settings changed."""
        kept = self._file
        if kept is not None:
            try:
                held = kept.read().get(scope)  # (then the clock is read: no older than the hold's maker's)
                if held is None or now >= held.retry_at or _stepped_back(held, now):
                    return None
                key = kept.key(create=False)
            except _NotKept:
                self._file = None
                return None
            same = key is not None and hmac.compare_digest(held.settings, _fingerprint(key, settings))
            return held if same else None
        with self._lock:
            held = self._held.get(scope)
        if held is None or now >= held.retry_at or _stepped_back(held, now):
            return None
        return held if hmac.compare_digest(held.settings, _fingerprint(self._key, settings)) else None

    def failed(self, scope: str, *, settings: Sequence[str | None], error: str, now: datetime) -> tuple[Held, bool]:
        """Holds `scope` after a configuration error: the hold, and whether it is news (the first,
        or the settings or the error changed; False: a retry failed the same way, said already)."""
        kept = self._file
        if kept is not None:
            try:
                with kept.changing() as holds:  # read, changed and written under the lock, the clock read inside
                    key = kept.key(create=True)
                    assert key is not None
                    held, news = _next(holds.get(scope), settings=_fingerprint(key, settings), error=error, now=now)
                    holds[scope] = held
                return held, news
            except _NotKept:
                self._file = None
        with self._lock:
            held, news = _next(self._held.get(scope), settings=_fingerprint(self._key, settings), error=error, now=now)
            self._held[scope] = held
        return held, news

    def release(self, *scopes: str) -> None:
        """Ends the holds on `scopes` (their mail went)."""
        kept = self._file
        if kept is not None:
            try:
                if any(scope in kept.read() for scope in scopes):  # most runs: nothing held, nothing written
                    with kept.changing() as holds:
                        for scope in scopes:
                            holds.pop(scope, None)
                return
            except _NotKept:
                self._file = None
        with self._lock:
            for scope in scopes:
                self._held.pop(scope, None)


def kept(ctx: AppContext) -> MailHold:
    """The profile's holds, shared by every process of it (see the module docstring)."""
    from blogster_cli.config import home_dir

    return MailHold.kept_in(home_dir(), section=ctx.profile, store=ctx.credentials)


class _HoldFile:
    """`mail-hold.json`: {"version": 1, "profiles": {profile: {scope: record}}}, 0600, replaced whole
    under an exclusive flock of `mail-hold.lock` (read-modify-write: two runs at once lose nothing)."""

    def __init__(self, folder: Path, *, section: str, store: SecretStore) -> None:
        self.path, self.lock_path = folder / FILE_NAME, folder / LOCK_NAME
        self.section, self.store = section, store

    def _everything(self) -> dict[str, Any]:
        """The whole file as read (a missing or damaged one: empty; JSON nested deeper than the
        parser goes, or more than _MOST_READ bytes, is damaged)."""
        try:  # a reader sees the old file or the new one, whole; never a link's target, nor waits on a FIFO
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return {}
        try:
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return {}
                data = handle.read(_MOST_READ + 1)
            loaded = json.loads(data) if len(data) <= _MOST_READ else None
        except (OSError, ValueError, RecursionError, MemoryError):
            return {}
        if not isinstance(loaded, dict) or loaded.get("version") != _VERSION:
            return {}
        if not isinstance(loaded.get("profiles"), dict):
            return {}
        return loaded

    def read(self) -> dict[str, Held]:
        """This profile's holds; a record that does not parse is none."""
        return _holds(self._everything().get("profiles", {}).get(self.section))

    @contextmanager
    def changing(self) -> Iterator[dict[str, Held]]:
        """This profile's holds to change in place, written back whole when the block ends; the
        other profiles' records are kept as they were (those that parse: a record that does not is
        no hold, and whatever a damaged one held could fail the write). _NotKept when the file
        cannot be kept."""
        from blogster_cli.private_files import FILE_MODE, replace_whole

        with self._locked():
            profiles = {name: _holds(section) for name, section in self._everything().get("profiles", {}).items()}
            holds = profiles.pop(self.section, {})
            yield holds
            profiles[self.section] = holds
            records = {
                name: {scope: _record(held) for scope, held in section.items()}
                for name, section in profiles.items()
                if section
            }
            data = json.dumps({"version": _VERSION, "profiles": records}, ensure_ascii=True).encode()
            try:
                replace_whole(self.path, data, mode=FILE_MODE)
            except OSError as exc:
                raise _NotKept(str(exc)) from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from blogster_cli.private_files import open_lock_file, private_dir, try_lock

        try:
            private_dir(self.path.parent)
            fd = open_lock_file(self.lock_path, create=True)
        except OSError as exc:
            raise _NotKept(str(exc)) from None
        assert fd is not None
        try:
            deadline = time.monotonic() + LOCK_WAIT_S
            while not try_lock(fd, fcntl.LOCK_EX):
                if time.monotonic() > deadline:
                    raise _NotKept(f"{self.lock_path} is held by another process")
                time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # and the lock with it

    def key(self, *, create: bool) -> bytes | None:
        """The fingerprints' key from the store; made and stored when `create` and there is none
        (call it under the lock then, so that two runs cannot each make one)."""
        found = self._stored_key()
        if found is not None or not create:
            return found
        made = secrets.token_bytes(32)
        self._guarded(lambda: self.store.set(KEY_CREDENTIAL, made.hex()))
        return made

    def _stored_key(self) -> bytes | None:
        text = self._guarded(lambda: self.store.get(KEY_CREDENTIAL))
        try:
            key = bytes.fromhex(text or "")
        except ValueError:
            return None
        return key if len(key) == 32 else None

    @staticmethod
    def _guarded(call: Callable[[], _T]) -> _T:
        """A call to the credential store; whatever its backend raises (a keyring's D-Bus error, a
        full disk) means the key cannot be kept here, never a failed run."""
        try:
            return call()
        except Exception as exc:  # keyring backends raise their own kinds
            raise _NotKept(str(exc)) from None


def _record(held: Held) -> dict[str, Any]:
    return {
        "error": held.error, "since": held.since.isoformat(), "retry_at": held.retry_at.isoformat(),
        "failures": held.failures, "settings": held.settings.hex(),
    }  # fmt: skip


def _holds(section: object) -> dict[str, Held]:
    """A profile's records that parse (a section that is no object: none)."""
    if not isinstance(section, dict):
        return {}
    holds = {}
    for scope, record in section.items():
        held = _parsed(record)
        if isinstance(scope, str) and held is not None:
            holds[scope] = held
    return holds


def _parsed(record: object) -> Held | None:
    if not isinstance(record, dict):
        return None
    try:
        error, failures = record["error"], record["failures"]
        since, retry_at = datetime.fromisoformat(record["since"]), datetime.fromisoformat(record["retry_at"])
        settings = bytes.fromhex(record["settings"])
        if since.tzinfo is None or retry_at.tzinfo is None:  # compared with aware times
            return None
        since, retry_at = since.astimezone(UTC), retry_at.astimezone(UTC)  # (said as UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not isinstance(error, str) or type(failures) is not int or failures < 1:
        return None
    return Held(error=error, since=since, retry_at=retry_at, failures=failures, settings=settings)
