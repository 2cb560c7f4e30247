"""An id or the first characters of it, as commands take them (`newsletter send 3f2a`): one set
of rules and messages for every kind of row, so each command checks a prefix the same way.

Pure (no database): a repository runs the query (`id::text LIKE 'prefix%'`, the prefix's `%`
and `_` escaped, at most 2 rows, inside the acting account's RLS) and `only` says what came
back. Importable from every layer, like blogster_cli.vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from blogster_cli.errors import InvalidInput, NotFound

MIN_CHARS = 4  # shorter prefixes name several rows too often to be worth typing
SHOWN_CHARS = 8  # what a list on a terminal shows of an id, as messages do ("8 characters are enough")
ROWS_NEEDED = 2  # a query returning this many rows says the prefix is ambiguous
_ID_CHARS = re.compile(r"[0-9a-f-]+")
_FULL_ID = 36

Row = TypeVar("Row")


@dataclass(frozen=True)
class Named:
    """What an id names, as messages say it: `one` and `many` ("newsletter", "newsletters"),
    the command listing them, and `other_key` when a row is also named another way ("UID")."""

    one: str
    many: str
    listing: str
    other_key: str = ""

    @property
    def a_one(self) -> str:
        return f"{'an' if self.one[0] in 'aeiou' else 'a'} {self.one}"


def usable(ref: str, named: Named) -> str | None:
    """For a row also named another way: `ref` lower-cased when it can start an id, else None
    (it can only be the other key); an empty `ref` is InvalidInput (exit 2)."""
    wanted = ref.strip().lower()
    if not wanted:
        raise InvalidInput(_name_it(named))
    return wanted if _starts_id(wanted) else None


def prefix(ref: str, named: Named) -> str:
    """`ref` lower-cased as the prefix to look up, or InvalidInput (exit 2) saying why it cannot start an id."""
    wanted = ref.strip()
    if not wanted:
        raise InvalidInput(_name_it(named))
    if not _ID_CHARS.fullmatch(wanted.lower()):
        raise InvalidInput(
            f"{wanted[:40]!r} is not {named.a_one} id or the start of one (hex digits, as `{named.listing}` shows them)"
        )
    if len(wanted) < MIN_CHARS:
        raise InvalidInput(
            f"{wanted!r} is too short: give at least the first {MIN_CHARS} characters of the {named.one}'s id"
        )
    return wanted.lower()


def only(found: Sequence[Row], ref: str, named: Named) -> Row:
    """The one row a lookup of `ref` found (limit it to ROWS_NEEDED rows); NotFound (exit 3) for
    none, InvalidInput (exit 2) for several: typing more of the id picks one."""
    wanted = ref.strip()
    if len(found) > 1:
        raise InvalidInput(f"{wanted[:40]!r} names several {named.many}; type more of the id")
    if found:
        return found[0]
    if named.other_key and not _starts_id(wanted.lower()):  # only the other key was looked up,
        # but a mistyped id (8e46a31x) lands here too: the message names both ways of naming a row
        raise NotFound(f"no {named.one} with id or {named.other_key} {wanted[:40]!r} (see `{named.listing}`)")
    how = "id" if len(wanted) >= _FULL_ID else "id starting"
    other = f", nor with that {named.other_key}" if named.other_key else ""
    raise NotFound(f"no {named.one} with {how} {wanted[:40]!r}{other} (see `{named.listing}`)")


def short(row_id: object) -> str:
    """One row's id as a message names it: its first SHOWN_CHARS characters, which any command
    naming the row takes back (`prefix`)."""
    return str(row_id)[:SHOWN_CHARS]


def shown(ids: Sequence[str]) -> list[str]:
    """`ids` as a list on a terminal shows them: each one's first SHOWN_CHARS characters, or as many
    more as tell apart the ids listed (one length for all, so the column stays aligned; an id
    listed twice is one id). A command takes any of them back (`prefix`)."""
    distinct = set(ids)
    longest = max(map(len, distinct), default=0)
    length = SHOWN_CHARS
    while length < longest and len({i[:length] for i in distinct}) < len(distinct):
        length += 1
    return [i[:length] for i in ids]


def _starts_id(wanted: str) -> bool:
    return len(wanted) >= MIN_CHARS and _ID_CHARS.fullmatch(wanted) is not None


def _name_it(named: Named) -> str:
    return f"name {named.a_one}: its id, or its first characters (see `{named.listing}`)"
