"""How the benchmark scripts size their work from BLOGSTER_BENCH_SCALE (bench/run.py --scale).

At scale 1.0 (or above) a benchmark does its full-size work; below it, generated data is
multiplied by the scale (with a floor that keeps the figure meaningful) and fixed real corpora
(CLINC150, the documentation pages' queries) are cut with `stratified_sample`, which keeps every
class represented, so a reduced run (CI's) still goes through every code path.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def bench_scale() -> float:
    """BLOGSTER_BENCH_SCALE, 1.0 when unset."""
    return float(os.environ.get("BLOGSTER_BENCH_SCALE", "1"))


def scaled(full: int, scale: float, minimum: int) -> int:
    """`full` times `scale`, at least `minimum`: exactly `full` at scale 1.0."""
    return max(minimum, round(full * scale))


def stratified_sample(
    rows: Sequence[T], key: Callable[[T], Hashable], share: float, *, minimum: int = 1, seed: int = 0
) -> list[T]:
    """About `share` of each group of `rows` (grouped by `key`), at least `minimum` of each
    (or the whole group when it is smaller), in their original order; the same rows for the
    same arguments. All the rows, unchanged, when `share` is 1 or more."""
    if share >= 1:
        return list(rows)
    if share <= 0:
        raise ValueError("share must be above 0")
    groups: dict[Hashable, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(key(row), []).append(index)
    rng = random.Random(seed)
    chosen: list[int] = []
    for indices in groups.values():
        wanted = min(len(indices), max(minimum, round(len(indices) * share)))
        chosen += rng.sample(indices, wanted)
    return [rows[i] for i in sorted(chosen)]
