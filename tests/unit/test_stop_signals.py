"""stop_signals.taken, which `sync --watch`, `site serve` and `blogster tui` stop by (h323)."""

from __future__ import annotations

import signal

import pytest

from blogster_cli import stop_signals


@pytest.fixture
def dispositions():
    """SIGTERM and SIGHUP as this process had them, put back after the test."""
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    yield
    for signum, handler in before.items():
        signal.signal(signum, handler)


def test_the_first_stop_is_answered_once_and_later_ones_change_nothing_after_too(dispositions):
    came: list[signal.Signals] = []
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    with stop_signals.taken([signal.SIGTERM, signal.SIGHUP], came.append):
        signal.raise_signal(signal.SIGHUP)
        signal.raise_signal(signal.SIGTERM)
    signal.raise_signal(signal.SIGTERM)  # the process is ending by the first: still nothing
    assert came == [signal.SIGHUP]


def test_without_a_stop_the_handlers_before_are_put_back_and_an_ignored_one_stays_ignored(dispositions):
    def before(signum: int, frame: object) -> None:
        raise AssertionError("not while taken")

    signal.signal(signal.SIGTERM, before)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    came: list[signal.Signals] = []
    with stop_signals.taken([signal.SIGTERM, signal.SIGHUP], came.append):
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        signal.raise_signal(signal.SIGHUP)
    assert came == []
    assert signal.getsignal(signal.SIGTERM) is before and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
