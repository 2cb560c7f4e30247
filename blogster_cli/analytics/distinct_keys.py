"""Distinct 64-bit keys counted exactly in 8 bytes each: the run's unique visitors of `analytics ingest`.

A set of (visitor, day) tuples took about 170 bytes a key (5.33 million visitor-days of a 768 MiB log:
a 1.8 GB peak). Here the keys are machine integers: those added are appended to an array and, once they
are as many as those kept, sorted with them and their repeats dropped (numpy), so what is held is 8 bytes
a distinct key plus as many again at most, and about 17 bytes a key while they are merged.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FEWEST_MERGED = 1 << 16
"""Keys added are merged into those kept once they are this many at least (and as many as those kept)."""


class DistinctKeys:
    """Signed 64-bit keys, each counted once however often it is added (`len`)."""

    def __init__(self, keys: Iterable[int] = ()) -> None:
        """`keys` are held as given, not merged: a worker process's chunk (distinct already) never pays
        numpy's import; the run's total merges them."""
        self._kept: npt.NDArray[np.int64] | None = None  # sorted, each key once
        self._added = array("q", keys)  # not merged yet: may repeat each other and those kept

    def add(self, keys: array[int]) -> None:
        """Count `keys` (an array of signed 64-bit integers) too."""
        self._added.extend(keys)
        if len(self._added) >= max(FEWEST_MERGED, 0 if self._kept is None else len(self._kept)):
            self._merge()

    def update(self, other: DistinctKeys) -> None:
        """Count `other`'s keys too."""
        if other._kept is not None:
            self.add(array("q", other._kept.tobytes()))
        self.add(other._added)

    def __eq__(self, other: object) -> bool:
        """The same keys counted (as ChunkResults are compared)."""
        if not isinstance(other, DistinctKeys):
            return NotImplemented
        self._merge()
        other._merge()
        if self._kept is None or other._kept is None:
            return self._kept is other._kept
        return bool((len(self._kept) == len(other._kept)) and (self._kept == other._kept).all())

    __hash__ = None  # type: ignore[assignment]  # its keys change

    def __len__(self) -> int:
        if self._kept is None and len(self._added) < FEWEST_MERGED:  # a small log's: no numpy import (~70 ms)
            return len(set(self._added))
        self._merge()
        return 0 if self._kept is None else len(self._kept)

    def _merge(self) -> None:
        if not self._added:
            return
        import numpy as np  # only where keys are merged: the run's total, never a worker's chunk

        added = np.frombuffer(self._added, dtype=np.int64)
        keys = added.copy() if self._kept is None else np.concatenate((self._kept, added))
        self._kept, self._added = None, array("q")
        del added
        keys.sort()
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        self._kept = keys[first]
