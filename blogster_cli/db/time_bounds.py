"""Dates PostgreSQL stores and Python cannot hold, read as the nearest ones Python can.

PostgreSQL accepts 'infinity', '-infinity', years past 9999 and years BC in every date and
timestamp column; Python's `date` and `datetime` stop at years 1 and 9999, and psycopg
refuses the rest with a DataError. An account may date its own rows so (a post published
at 'infinity'), and then every other account reading them (the public feed, an assigned
review) would fail: so each connection reads them as `date.max` / `datetime.max` (and the
minima) instead. Everything else is read by psycopg's own loaders.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import Format

if TYPE_CHECKING:
    from psycopg.abc import AdaptContext, Buffer

# Each type, with the values it is read as below year 1 and above year 9999.
_BOUNDS: dict[str, tuple[date, date]] = {
    "date": (date.min, date.max),
    "timestamp": (datetime.min, datetime.max),
    "timestamptz": (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)),
}


def _side(data: bytes) -> int:
    """-1 for a value before year 1 ('-infinity', a date BC), 1 for one after 9999 ('infinity',
    a five-digit year), 0 for anything else (a DataError for another reason, such as a DateStyle
    other than ISO, which must still fail)."""
    if data in (b"infinity", b"-infinity"):
        return -1 if data.startswith(b"-") else 1
    if data.endswith(b" BC"):
        return -1
    year = data.split(b"-", 1)[0]
    return 1 if len(year) > 4 and year.isdigit() else 0


class _BoundedLoader(Loader):
    """psycopg's text loader for the type, with its out-of-range values clamped."""

    low: Any
    high: Any

    def __init__(self, oid: int, context: AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        default = psycopg.adapters.get_loader(oid, Format.TEXT)
        assert default is not None
        self._load = default(oid, context).load  # psycopg's own, in C where installed

    def load(self, data: Buffer) -> Any:
        try:
            return self._load(data)
        except psycopg.DataError:
            side = _side(bytes(data))
            if side == 0:
                raise
            return self.low if side < 0 else self.high


_LOADERS = {
    name: type(f"Bounded{name.title()}Loader", (_BoundedLoader,), {"low": low, "high": high})
    for name, (low, high) in _BOUNDS.items()
}


def read_out_of_range_dates_as_bounds(conn: psycopg.Connection) -> None:
    """Registers the clamping loaders on `conn` (text format, the one Blogster reads)."""
    for name, loader in _LOADERS.items():
        conn.adapters.register_loader(name, loader)
