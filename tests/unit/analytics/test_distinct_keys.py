"""The run's unique visitors as 64-bit keys (red team 55 F1): counted exactly, each once, across merges."""

from __future__ import annotations

import pickle
import random
from array import array
from datetime import date, timedelta

from blogster_cli.analytics import distinct_keys
from blogster_cli.analytics.aggregate import visitor_day
from blogster_cli.analytics.distinct_keys import DistinctKeys


def test_keys_are_counted_once_however_often_and_in_whatever_parts_they_come(monkeypatch):
    monkeypatch.setattr(distinct_keys, "FEWEST_MERGED", 100)  # many merges of a few keys
    keys = [random.getrandbits(64) - (1 << 63) for _ in range(3000)] + [-(1 << 63), (1 << 63) - 1, 0]
    total = DistinctKeys()
    for start in range(0, 20_000, 700):  # every key about six times, parts of 700 repeating earlier ones
        part = DistinctKeys(keys[index % len(keys)] for index in range(start, start + 700))
        total.update(pickle.loads(pickle.dumps(part)))  # as a worker's chunk comes back
        total.add(array("q", keys[:5]))
    assert len(total) == len(set(keys)) == 3003
    assert total == DistinctKeys(sorted(keys, reverse=True)) != DistinctKeys(keys[1:])
    assert len(DistinctKeys()) == 0 and DistinctKeys() == DistinctKeys() != total


def test_a_visitor_day_tells_days_and_visitors_apart():
    visitors = [random.getrandbits(64) - (1 << 63) for _ in range(200)] + [-(1 << 63), (1 << 63) - 1]
    days = [date(2001, 1, 1) + timedelta(days=shift) for shift in range(300)]
    keys = array("q", (visitor_day(visitor, day) for visitor in visitors for day in days))  # each a signed 64-bit
    assert len(DistinctKeys(keys)) == len(visitors) * len(days)


def test_a_few_keys_are_counted_without_importing_numpy():
    """A small log's visitors: numpy's import cost an ingest of a few lines ~70 ms."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from array import array\n"
        "from blogster_cli.analytics.distinct_keys import DistinctKeys\n"
        "keys = DistinctKeys([3, 1, 3])\n"
        "keys.add(array('q', [2, 1]))\n"
        "assert len(keys) == 3 and 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
