"""An import's warnings, grouped and bounded: a link that leads to no page, a picture not in the
folder, an include not read, each named once per page, then the pages that share one (the same
kind, target and cause) gathered into a group.

A folder can give thousands: textual's docs, without the `docs/examples` their pages include,
give 488 includes not read; a page of 20,000 links to nowhere gives 20,000. A report lists at
most LISTED of them, the groups naming the most pages first, and counts the rest (`truncated`);
a warning repeats at most SHOWN_NAME characters of the name it is about (the target itself is
kept whole beside it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from blogster_cli.wording import quoted

INCLUDE = "include"  # an include not read (links.PAGE: a link to no page; links.PICTURE: a picture not in the folder)
LISTED = 2_000  # the warnings (a page's warning about one target) a report lists; the rest are counted
SHOWN_NAME = 200  # the characters of a target a warning repeats


@dataclass(frozen=True)
class PageWarning:
    page: str  # the page's path in the folder
    kind: str  # INCLUDE, links.PAGE or links.PICTURE
    target: str  # the include's name, the link's target, as written
    message: str  # without the page: "include 'a.md' is not in the folder"


@dataclass
class WarningGroup:
    """One warning (`message`, about `target`) and the pages it is about: `count` of them, all
    listed in `pages` unless the report's list was full (see grouped)."""

    kind: str
    target: str
    message: str
    count: int = 0
    pages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Grouped:
    groups: list[WarningGroup]  # the most pages first; in the order found among equals
    warnings: list[str]  # the same warnings one a line, "page: message", in the order found
    truncated: int  # the warnings neither lists: past LISTED


def shown(name: str) -> str:
    """`name` quoted as a warning repeats it: whole up to SHOWN_NAME characters, else its first
    ones and its length (a 100,000-character link target is not repeated whole)."""
    return repr(name) if len(name) <= SHOWN_NAME else quoted(name, SHOWN_NAME)


def grouped(found: Iterable[PageWarning], *, limit: int = LISTED) -> Grouped:
    """`found` (repeats dropped) gathered by kind, target and message; at most `limit` of them listed,
    those of the groups naming the most pages first (a group cut short keeps its `count`), the rest
    counted in `truncated`."""
    groups: dict[tuple[str, str, str], WarningGroup] = {}
    order: dict[tuple[str, str, str, str], int] = {}  # each warning once, in the order found
    for warning in found:
        key = (warning.kind, warning.target, warning.message)
        if (*key, warning.page) in order:
            continue
        order[(*key, warning.page)] = len(order)
        group = groups.setdefault(key, WarningGroup(*key))
        group.count += 1
        group.pages.append(warning.page)
    listed: list[WarningGroup] = []
    kept: list[tuple[int, str]] = []
    room = limit
    for group in sorted(groups.values(), key=lambda g: -g.count):  # sorted() is stable: found order
        if room <= 0:
            break
        group.pages = group.pages[:room]
        room -= len(group.pages)
        listed.append(group)
        key = (group.kind, group.target, group.message)
        kept += [(order[(*key, page)], f"{page}: {group.message}") for page in group.pages]
    truncated = len(order) - (limit - room)
    return Grouped(listed, [line for _, line in sorted(kept)], truncated)
