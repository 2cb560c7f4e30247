"""Two imports of one file into one account at once store each keyword once (0209's unique key).

Each import's writes are held at a barrier until the other has reached its own, so both have
looked up the account's keywords (and found none) before either writes: the race two processes
running `seo import-keywords` on one file hit (every keyword stored twice).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.repositories import seo as seo_rows
from blogster_cli.services import seo
from tests.integration.test_seo_positions import GSC_DAY1, import_positions, world

__all__ = ["world"]  # the fixture, as test_seo_positions makes it

KEYWORDS = "Keyword,Volume,KD,CPC\n" + "".join(f"keyword {n},{n},{n % 100},0.5\n" for n in range(2000))


@pytest.fixture
def writes_together(monkeypatch):
    """Each import's first insert or upsert waits (at most 10 s) until the other import reaches its own;
    the first through then keeps its transaction open 1 s after its write, past LOCK_MS: the other
    import's write waits for the keywords it added (the statement timeout bounds that wait, not
    lock_timeout: a 100,000-line import holds them for longer than lock_timeout)."""
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()

    def held(write: Callable[..., Any]) -> Callable[..., Any]:
        def wait_then_write(*args: Any, **kwargs: Any) -> Any:
            if getattr(waited, "once", False):
                return write(*args, **kwargs)
            waited.once = True
            try:
                first = barrier.wait() == 0
            except threading.BrokenBarrierError:
                return write(*args, **kwargs)  # the other import is over
            written = write(*args, **kwargs)
            if first:
                time.sleep(1)
            return written

        return wait_then_write

    monkeypatch.setattr(seo_rows, "insert_rows", held(seo_rows.insert_rows))
    monkeypatch.setattr(seo_rows, "upsert_rows", held(seo_rows.upsert_rows))
    return barrier


LOCK_MS = 200


def both(call: Callable[[], Any]) -> list[Any]:
    with ThreadPoolExecutor(2) as pool:
        return [future.result() for future in [pool.submit(call), pool.submit(call)]]


def test_two_keyword_imports_at_once_store_each_keyword_once(db, make_user, superuser, writes_together):
    acting = ActingUser(db, make_user(), Timeouts(lock_ms=LOCK_MS))
    results = both(lambda: seo.import_keywords(acting, text=KEYWORDS, source="k.csv"))
    writes_together.abort()
    assert sum(result.inserted for result in results) == 2000
    assert sum(result.updated for result in results) == 2000
    counts = superuser.execute("select count(*), count(distinct lower(keyword)) from keyword_research").fetchone()
    assert counts == (2000, 2000)
    again = seo.import_keywords(acting, text=KEYWORDS.upper(), source="k.csv")  # case ignored, as before
    assert (again.inserted, again.updated) == (0, 2000)
    assert superuser.execute("select count(*) from keyword_research").fetchone()[0] == 2000


def test_two_position_imports_at_once_add_each_keyword_and_position_once(world, superuser, writes_together):
    alice = replace(world[0], timeouts=Timeouts(lock_ms=LOCK_MS))
    results = both(lambda: import_positions(alice, text=GSC_DAY1, source="gsc.csv", check_date=date(2026, 11, 28)))
    assert sum(result.inserted for result in results) == 3
    keywords = superuser.execute("select keyword from keyword_research order by keyword").fetchall()
    assert keywords == [("shell aliases",), ("terminal habits",), ("zsh prompt",)]
    assert superuser.execute("select count(*) from serp_positions").fetchone()[0] == 3


def test_two_imports_of_the_same_keywords_in_opposite_orders_at_once_both_succeed(db, make_user, writes_together):
    """Each import writes its keywords in one order whatever its file's (by the unique key): two files
    listing them the other way round, written at once, each waited for the other's later rows, and
    the server ended one as a deadlock ("try again", exit 5)."""
    acting = ActingUser(db, make_user(), Timeouts(lock_ms=LOCK_MS))
    lines = [f"keyword {n},{n},{n % 100},0.5\n" for n in range(5000)]
    files = iter(["Keyword,Volume,KD,CPC\n" + "".join(lines), "Keyword,Volume,KD,CPC\n" + "".join(reversed(lines))])
    lock = threading.Lock()

    def one() -> Any:
        with lock:
            text = next(files)
        return seo.import_keywords(acting, text=text, source="k.csv")

    results = both(one)
    writes_together.abort()
    assert sum(result.inserted for result in results) == 5000
    assert sum(result.updated for result in results) == 5000
