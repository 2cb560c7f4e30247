"""The mail hold kept in the Blogster home (services/mail_hold.py): two runs changing it at once
lose nothing, each profile keeps its own, the key stays in the credential store, and a store that
cannot keep the key makes a hold of this process's memory rather than a failed run."""

from __future__ import annotations

import json
import re
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from blogster_cli.services import mail_hold
from blogster_cli.services.mail_hold import (
    CLOCK_SLACK,
    FILE_NAME,
    KEY_CREDENTIAL,
    RETRY_AT_MOST,
    RETRY_FIRST,
    MailHold,
    _fingerprint,
)

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


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """The clock the hold reads (beside the run's time) stands at `moment`: the tests of the clock
    step rule hold whatever the date."""
    with patch.object(mail_hold, "_clock", lambda: moment, create=True):
        yield


def _held_an_hour(folder: Path, store: Store, *, at: datetime) -> datetime:
    """Seven failures in a row from `at`, each try at the end of the wait: the last one holds for an
    hour. When that hold ends."""
    for _ in range(7):
        held, _ = MailHold.kept_in(folder, section="default", store=store).failed(
            "newsletters", settings=SETTINGS, error="refused", now=at
        )
        at = held.retry_at
    assert held.retry_at - held.since > RETRY_AT_MOST and held.failures == 7
    return at


def test_overlapping_runs_keep_the_wait_and_count_each_failure(tmp_path: Path) -> None:
    """Two runs at the end of an hour's wait, Y's time read 2 s after X's: Y failed and held for an
    hour from its time; X (which looked before) then saw no hold (an hour and 2 s ahead of its time
    read as the clock stepping back), logged in and started again at one failure and a minute's
    wait, saying the error again as news."""
    store = Store()
    x_now = _held_an_hour(tmp_path, store, at=NOW)
    x, y = (MailHold.kept_in(tmp_path, section="default", store=store) for _ in range(2))
    y_held, _ = y.failed("newsletters", settings=SETTINGS, error="refused", now=x_now + timedelta(seconds=2))
    assert y_held.failures == 8
    with clock_at(x_now):  # (the worst case: no help from the clock, the slack alone)
        assert x.holding("newsletters", settings=SETTINGS, now=x_now) == y_held  # was None
        x_held, news = x.failed("newsletters", settings=SETTINGS, error="refused", now=x_now)
    assert (x_held.failures, x_held.retry_at, news) == (9, y_held.retry_at, False)  # was 1, x_now + 1 min, True
    later = MailHold.kept_in(tmp_path, section="default", store=store)
    assert later.holding("newsletters", settings=SETTINGS, now=x_now + timedelta(minutes=1, seconds=1)) == x_held


def test_runs_at_once_count_every_failure(tmp_path: Path) -> None:
    """Twenty runs failing at once, each with its time read before it waited for the lock (and for
    the others): each failure counts (was 5 or 6 of 20; once the wait reached an hour, a run whose time
    was older than the last hold's saw a clock step back and started again at one)."""
    store = Store()
    now = datetime.now(UTC)
    start = threading.Barrier(20)

    def fail(n: int) -> None:
        hold = MailHold.kept_in(tmp_path, section="default", store=store)  # a run of its own: its own lock
        start.wait()
        hold.failed("newsletters", settings=SETTINGS, error="refused", now=now - timedelta(seconds=n))

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = MailHold.kept_in(tmp_path, section="default", store=store).holding("newsletters", settings=SETTINGS, now=now)
    assert held is not None and held.failures == 20, held
    assert held.retry_at - now <= RETRY_AT_MOST


def test_a_run_whose_time_is_long_past_still_sees_a_fresh_hold(tmp_path: Path) -> None:
    """cron's run-due reads its time when it starts and sends newsletters after publishing and
    building: a hold another run made meanwhile is read against the clock, under the lock."""
    store = Store()
    ends = _held_an_hour(tmp_path, store, at=NOW - timedelta(minutes=64))  # the last try a minute ago
    assert ends == NOW + timedelta(minutes=59)
    hold = MailHold.kept_in(tmp_path, section="default", store=store)
    stale = NOW - timedelta(minutes=20)  # its time, read 20 minutes ago
    with clock_at(NOW):
        assert hold.holding("newsletters", settings=SETTINGS, now=stale) is not None  # was None: it logged in
        held, news = hold.failed("newsletters", settings=SETTINGS, error="refused", now=stale)
    assert (held.failures, news, held.retry_at) == (8, False, ends)  # was 1, True, stale + 1 min


@pytest.mark.parametrize("back", [timedelta(hours=3), RETRY_AT_MOST + CLOCK_SLACK + timedelta(seconds=1)])
def test_a_clock_set_back_never_holds_longer_than_the_longest_wait(tmp_path: Path, back: timedelta) -> None:
    """The intent of the rule kept: a hold dated further ahead than the longest wait and the slack
    is no hold (the clock went back, or a run with `--now` ahead made it)."""
    store = Store()
    ends = _held_an_hour(tmp_path, store, at=NOW)
    hold = MailHold.kept_in(tmp_path, section="default", store=store)
    last = hold.holding("newsletters", settings=SETTINGS, now=ends - RETRY_AT_MOST)
    assert last is not None and last.retry_at == ends
    went_back = ends - back
    with clock_at(went_back):
        assert hold.holding("newsletters", settings=SETTINGS, now=went_back) is None
        held, news = hold.failed("newsletters", settings=SETTINGS, error="refused", now=went_back)
    assert (held.failures, held.retry_at - went_back, news) == (1, RETRY_FIRST, True)
    # Within the slack it still holds (a run whose time was read a little before the hold was made).
    nearly = held.retry_at - RETRY_AT_MOST - CLOCK_SLACK
    with clock_at(nearly):
        assert hold.holding("newsletters", settings=SETTINGS, now=nearly) == held


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


UNREADABLE = {
    "nested too deep": b'{"version": 1, "profiles": ' + _nested(100_000) + b"}",
    "nested in the profile": b'{"version": 1, "profiles": {"default": {"newsletters": ' + _nested(100_000) + b"}}}",
    "nested in another profile": b'{"version": 1, "profiles": {"other": ' + _nested(100_000) + b"}}",
    "over a MiB": b'{"version": 1, "profiles": {}}' + b" " * (1 << 20),
    "extreme offsets": json.dumps(
        {
            "version": 1,
            "profiles": {
                "default": {
                    "newsletters": {
                        "error": "refused",
                        "since": "0001-01-01T00:00:00+23:59",
                        "retry_at": "9999-12-31T23:59:59-23:59",
                        "failures": 3,
                        "settings": "00",
                    }
                }
            },
        }  # fmt: skip
    ).encode(),
}


@pytest.mark.parametrize("data", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_hold_file_is_no_hold_and_is_rewritten(tmp_path: Path, data: bytes) -> None:
    """JSON nested too deep made every send-due and run-due fail ("unexpected failure",
    RecursionError) until the file was removed."""
    (tmp_path / FILE_NAME).write_bytes(data)
    hold = MailHold.kept_in(tmp_path, section="default", store=Store())
    assert hold.holding("newsletters", settings=SETTINGS, now=NOW) is None
    hold.release("newsletters")
    held, news = hold.failed("newsletters", settings=SETTINGS, error="refused", now=NOW)
    assert (held.failures, news, hold.is_kept) == (1, True, True)
    assert hold.holding("newsletters", settings=SETTINGS, now=NOW) == held
    assert json.loads((tmp_path / FILE_NAME).read_bytes())["version"] == 1


def test_other_profiles_records_that_parse_are_kept(tmp_path: Path) -> None:
    store = Store()
    other = MailHold.kept_in(tmp_path, section="other", store=store)
    kept, _ = other.failed("newsletters", settings=SETTINGS, error="refused", now=NOW)
    everything = json.loads((tmp_path / FILE_NAME).read_bytes())
    everything["profiles"]["other"]["bad"] = [[["x"]]]
    everything["profiles"]["third"] = "not an object"
    (tmp_path / FILE_NAME).write_text(json.dumps(everything))
    MailHold.kept_in(tmp_path, section="default", store=store).failed(
        "newsletters", settings=SETTINGS, error="refused", now=NOW
    )
    assert set(json.loads((tmp_path / FILE_NAME).read_bytes())["profiles"]) == {"default", "other"}
    assert other.holding("newsletters", settings=SETTINGS, now=NOW) == kept


KEY = bytes(range(32))
DEEP = re.compile(r'"\\u0000deep(\d+)"')
"""A string standing for an array nested that deep, in the file's text (see _text)."""
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.integers(min_value=500, max_value=100_000).map("\x00deep{}".format),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
TIMES = st.sampled_from(
    [
        NOW.isoformat(),
        (NOW + timedelta(minutes=30)).isoformat(),
        (NOW + timedelta(days=400)).isoformat(),
        "2030-01-01T09:30:00",
        "2030-01-01T09:30:00+14:00",
        "2030-01-01T09:30:00-23:59",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59+00:00",
        "soon",
    ]
)
RECORD = st.fixed_dictionaries(
    {
        "error": st.text(max_size=8) | JSON,
        "since": TIMES | JSON,
        "retry_at": TIMES | JSON,
        "failures": st.integers(min_value=-2, max_value=2**70) | JSON,
        "settings": st.just(_fingerprint(KEY, SETTINGS).hex()) | st.binary(max_size=33).map(bytes.hex) | JSON,
    }
)
SECTION = st.dictionaries(st.sampled_from(["newsletters", "newsletters:x"]), RECORD | JSON, max_size=2) | JSON
PROFILES = st.dictionaries(st.sampled_from(["default", "other"]), SECTION, max_size=2) | JSON


def _text(value: object) -> bytes:
    return DEEP.sub(lambda deep: "[" * int(deep[1]) + "]" * int(deep[1]), json.dumps(value)).encode()


VALID = {
    "error": "refused", "since": NOW.isoformat(), "retry_at": (NOW + timedelta(minutes=30)).isoformat(),
    "failures": 3, "settings": _fingerprint(KEY, SETTINGS).hex(),
}  # fmt: skip


def _one_changed(field: str | None, value: object, profile: str) -> bytes:
    """A hold as written, but for `field` (None: none changed)."""
    record = VALID if field is None else {**VALID, field: value}
    return _text({"version": 1, "profiles": {profile: {"newsletters": record}}})


FILE = st.one_of(
    st.builds(
        _one_changed,
        st.sampled_from([None, *VALID]),
        TIMES | st.sampled_from(["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]) | JSON | st.integers(),
        st.sampled_from(["default", "default", "other"]),
    ),
    st.binary(max_size=64),
    JSON.map(_text),
    st.builds(lambda version, profiles: _text({"version": version, "profiles": profiles}), st.just(1) | JSON, PROFILES),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=FILE, at=st.sampled_from([NOW, NOW + timedelta(minutes=59), NOW - timedelta(hours=2)]))
def test_whatever_the_file_holds_the_hold_is_sound(data: bytes, at: datetime) -> None:
    """Any content: no exception, a hold from the file never lasts longer than the longest wait and
    the slack, and a failure is held (and written back readable)."""
    with tempfile.TemporaryDirectory() as folder, clock_at(at):
        (Path(folder) / FILE_NAME).write_bytes(data)
        store = Store()
        store.set(KEY_CREDENTIAL, KEY.hex())
        hold = MailHold.kept_in(Path(folder), section="default", store=store)
        for scope in ("newsletters", "newsletters:x"):
            found = hold.holding(scope, settings=SETTINGS, now=at)
            assert found is None or at < found.retry_at <= at + RETRY_AT_MOST + CLOCK_SLACK
            event("held by the file" if found else "not held")
        held, _ = hold.failed("newsletters", settings=SETTINGS, error="refused", now=at)
        assert held.failures >= 1 and at < held.retry_at <= at + RETRY_AT_MOST + CLOCK_SLACK
        assert hold.is_kept and hold.holding("newsletters", settings=SETTINGS, now=at) == held
        hold.release("newsletters", "newsletters:x")
        assert hold.holding("newsletters", settings=SETTINGS, now=at) is None
