"""The cycle collector is off while the ingest makes its many acyclic objects, and as it was after."""

from __future__ import annotations

import gc

import pytest

from blogster_cli.analytics import aggregate
from blogster_cli.analytics.aggregate import collector_paused, store_blocks
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher

LINE = b'10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n'


def test_the_collector_is_off_while_paused_and_on_again_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_workers_parse_with_the_collector_off(monkeypatch) -> None:
    collecting: list[bool] = []
    process_block = aggregate.process_block

    def recorded(*args, **kwargs):
        collecting.append(gc.isenabled())
        return process_block(*args, **kwargs)

    monkeypatch.setattr(aggregate, "process_block", recorded)
    [result] = store_blocks(
        [(LINE, LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]), frozenset(), {"alpha": "id"}, None)]
    )
    assert (collecting, result.stored[0].matched) == ([False], 1)
    assert gc.isenabled()
