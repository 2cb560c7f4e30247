"""After a configuration error, when a long-running process (the workers) tries that mail again.

A refused login, a server that refuses our sender for good (5xx at MAIL FROM), an untrusted
certificate: trying again cannot help until something changes, and each try of a wrong login
counts towards the mail provider locking the account. So that mail is held: it is tried again at
once when the settings it goes with change (a new password through `newsletter smtp-password`,
read at each run), else after a wait that doubles from RETRY_FIRST up to RETRY_AT_MOST (for a fix
made elsewhere: the provider unlocked the account, the server's certificate was renewed): about
one login an hour at most, where it was one a minute.

The settings are compared by fingerprint: an HMAC under a key this process draws and never keeps,
so the password is held nowhere new, and nothing kept could be tried against guessed passwords.
A hold lives in this process's memory only: a restarted worker tries once again.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

RETRY_FIRST = timedelta(minutes=1)
RETRY_AT_MOST = timedelta(hours=1)
_DOUBLINGS_AT_MOST = 6  # 1 min * 2**6 is past RETRY_AT_MOST: the wait stops growing there


@dataclass(frozen=True)
class Held:
    """Why mail is held, since when, and from when it is tried again (with the same settings)."""

    error: str
    since: datetime
    retry_at: datetime
    failures: int
    """Tries that failed with this error and these settings in a row."""
    settings: bytes


class MailHold:
    """The holds of one process, by scope (a kind of mail, or one sender's): safe across job threads."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._held: dict[str, Held] = {}
        self._lock = threading.Lock()

    def fingerprint(self, *settings: str | None) -> bytes:
        """The settings' keyed hash (their order matters; None differs from "")."""
        text = json.dumps(list(settings), ensure_ascii=True)  # a lone surrogate too, unambiguous
        return hmac.digest(self._key, text.encode(), "sha256")

    def holding(self, scope: str, *, settings: bytes, now: datetime) -> Held | None:
        """The hold on `scope` while it lasts: None once its wait is over or the settings changed."""
        with self._lock:
            held = self._held.get(scope)
        if held is None or held.settings != settings or now >= held.retry_at:
            return None
        return held

    def failed(self, scope: str, *, settings: bytes, error: str, now: datetime) -> Held | None:
        """Holds `scope` after a configuration error; the hold when it is news (the first, or the
        settings or the error changed), None when a retry failed the same way (said already)."""
        with self._lock:
            previous = self._held.get(scope)
            again = previous is not None and previous.settings == settings and previous.error == error
            failures = previous.failures + 1 if previous is not None and again else 1
            wait = min(RETRY_FIRST * 2 ** min(failures - 1, _DOUBLINGS_AT_MOST), RETRY_AT_MOST)
            since = previous.since if previous is not None and again else now
            held = Held(error=error, since=since, retry_at=now + wait, failures=failures, settings=settings)
            self._held[scope] = held
        return None if again else held

    def release(self, scope: str) -> Held | None:
        """Ends the hold on `scope` (its mail went); the hold it ended, if any."""
        with self._lock:
            return self._held.pop(scope, None)
