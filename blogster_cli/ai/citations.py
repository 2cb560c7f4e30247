"""APA and MLA citations of a research source, stored in research_sources.citation_format."""

from __future__ import annotations

import datetime as dt

MONTHS_MLA = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def apa(*, title: str, url: str | None, author: str | None, published: dt.date | None) -> str:
    """Author. (2024, March 5). Title. URL"""
    when = f"({published.year}, {published:%B} {published.day})" if published else "(n.d.)"
    parts = [f"{author.rstrip('.')}." if author else None, f"{when}.", f"{title.rstrip('.')}.", url]
    return " ".join(p for p in parts if p)


def mla(*, title: str, url: str | None, author: str | None, published: dt.date | None) -> str:
    """Author. "Title." 5 Mar. 2024, URL."""
    when = f"{published.day} {MONTHS_MLA[published.month - 1]} {published.year}" if published else None
    tail = ", ".join(p for p in (when, url) if p)
    parts = [
        f"{author.rstrip('.')}." if author else None,
        f"\u201c{title.rstrip('.')}.\u201d",
        f"{tail}." if tail else None,
    ]
    return " ".join(p for p in parts if p)


def citation_formats(*, title: str, url: str | None, author: str | None, published: dt.date | None) -> dict[str, str]:
    return {
        "apa": apa(title=title, url=url, author=author, published=published),
        "mla": mla(title=title, url=url, author=author, published=published),
    }
