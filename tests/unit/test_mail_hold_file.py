"""The mail hold kept in the Blogster home (services/mail_hold.py): two runs changing it at once
lose nothing, each profile keeps its own, the key stays in the credential store, and a store that
cannot keep the key makes a hold of this process's memory rather than a failed run."""

from __future__ import annotations

import json
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blogster_cli.services.mail_hold import FILE_NAME, KEY_CREDENTIAL, MailHold

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
SETTINGS = ("smtp://letters@mail.example:587", "a-password", None, "None")


class Store:
    """A credential store in memory (the profile's CredentialStore, as far as the hold uses it)."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}
        self.lock = threading.Lock()

    def get(self, name: str) -> str | None:
        with self.lock:
            return self.entries.get(name)

    def set(self, name: str, value: str) -> None:
        with self.lock:
            self.entries[name] = value


class Broken:
    def get(self, name: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set(self, name: str, value: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


def test_runs_at_once_lose_no_hold(tmp_path: Path) -> None:
    store = Store()
    scopes = [f"newsletters:{n}" for n in range(24)]
    start = threading.Barrier(len(scopes))

    def fail(scope: str) -> None:
        hold = MailHold.kept_in(tmp_path, section="default", store=store)  # a run of its own: its own lock
        start.wait()
        for attempt in range(5):
            hold.failed(scope, settings=SETTINGS, error="refused", now=NOW + timedelta(minutes=attempt))

    threads = [threading.Thread(target=fail, args=(scope,)) for scope in scopes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh = MailHold.kept_in(tmp_path, section="default", store=store)
    later = NOW + timedelta(minutes=5)
    held = {scope: fresh.holding(scope, settings=SETTINGS, now=later) for scope in scopes}
    assert all(h is not None and h.failures == 5 for h in held.values()), held
    assert len(store.entries) == 1 and len(bytes.fromhex(store.entries[KEY_CREDENTIAL])) == 32  # one key made
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600


def test_each_profile_keeps_its_own_holds_and_settings_compare_by_key(tmp_path: Path) -> None:
    ada, bob = Store(), Store()
    ada_hold = MailHold.kept_in(tmp_path, section="ada", store=ada)
    bob_hold = MailHold.kept_in(tmp_path, section="bob", store=bob)
    held, news = ada_hold.failed("newsletters", settings=SETTINGS, error="refused", now=NOW)
    assert news and held.retry_at == NOW + timedelta(minutes=1)
    bob_hold.failed("newsletters", settings=SETTINGS, error="refused", now=NOW)
    bob_hold.release("newsletters")
    assert MailHold.kept_in(tmp_path, section="ada", store=ada).holding("newsletters", settings=SETTINGS, now=NOW)
    assert bob_hold.holding("newsletters", settings=SETTINGS, now=NOW) is None
    changed = (*SETTINGS[:1], "another-password", *SETTINGS[2:])
    assert ada_hold.holding("newsletters", settings=changed, now=NOW) is None
    # The file alone (the key lost, or another user's store): its fingerprints match nothing.
    assert (
        MailHold.kept_in(tmp_path, section="ada", store=Store()).holding("newsletters", settings=SETTINGS, now=NOW)
        is None
    )
    assert b"a-password" not in (tmp_path / FILE_NAME).read_bytes()
    assert set(json.loads((tmp_path / FILE_NAME).read_bytes())["profiles"]) == {"ada"}


def test_a_store_that_cannot_keep_the_key_holds_in_memory(tmp_path: Path) -> None:
    hold = MailHold.kept_in(tmp_path, section="default", store=Broken())
    held, news = hold.failed("newsletters", settings=SETTINGS, error="refused", now=NOW)
    assert news and not hold.is_kept and hold.holding("newsletters", settings=SETTINGS, now=NOW) == held
    assert not (tmp_path / FILE_NAME).exists()


@pytest.mark.parametrize("replies", [["refused 1", "refused 2", "refused 3"], ["refused"] * 3])
def test_the_wait_doubles_with_each_failure_under_the_same_settings(tmp_path: Path, replies: list[str]) -> None:
    hold = MailHold.kept_in(tmp_path, section="default", store=Store())
    waits, news = [], []
    at = NOW
    for reply in replies:
        held, said = hold.failed("newsletters", settings=SETTINGS, error=reply, now=at)
        waits.append(held.retry_at - at)
        news.append(said)
        at = held.retry_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert news == [True, replies[1] != replies[0], replies[2] != replies[1]]
