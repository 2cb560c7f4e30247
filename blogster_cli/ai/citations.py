"""APA 7 and MLA 9 citations of a research source, stored in research_sources.citation_format.

A stored source has a title, URL, free-text author list (read by author_names), publication date and
type; it has no site name, publisher, journal, volume, issue or pages, so those elements are left
out, never guessed. The text is plain: titles APA or MLA set in italics are printed plain, as MLA's
quoted titles keep their curly quotes. Titles and URLs are kept as typed (APA's sentence case and
MLA's title case are the writer's; MLA 9 lets a URL keep its https://, which keeps it a link).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from blogster_cli.ai.author_names import AuthorName, Authors, initials, parse_authors
from blogster_cli.vocabulary import ResearchSourceType

MONTHS_MLA = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
APA_MOST_AUTHORS = 20  # APA 7 lists up to 20; past that the first 19, ". . .", and the last


@dataclass(frozen=True)
class CitedAs:
    """How a source type is cited, per APA 7 and MLA 9."""

    apa_full_date: bool  # (2024, March 5) for web pages, news, videos, episodes; (2024) for books, reports, data
    apa_description: str | None  # the bracketed kind after the title: "Title [Video]."
    mla_quoted: bool  # a part of a larger whole ("Title."); a standalone work is italic, so plain here
    mla_year_only: bool  # a book's date is its year


CITED_AS: dict[ResearchSourceType, CitedAs] = {
    ResearchSourceType.ARTICLE: CitedAs(apa_full_date=True, apa_description=None, mla_quoted=True, mla_year_only=False),
    ResearchSourceType.STUDY: CitedAs(apa_full_date=False, apa_description=None, mla_quoted=True, mla_year_only=False),
    ResearchSourceType.BOOK: CitedAs(apa_full_date=False, apa_description=None, mla_quoted=False, mla_year_only=True),
    ResearchSourceType.STATISTICS: CitedAs(
        apa_full_date=False, apa_description="[Data set]", mla_quoted=False, mla_year_only=False
    ),
    ResearchSourceType.VIDEO: CitedAs(apa_full_date=True, apa_description="[Video]", mla_quoted=True, mla_year_only=False),
    ResearchSourceType.PODCAST: CitedAs(
        apa_full_date=True, apa_description="[Audio podcast episode]", mla_quoted=True, mla_year_only=False
    ),
    ResearchSourceType.OTHER: CitedAs(apa_full_date=True, apa_description=None, mla_quoted=True, mla_year_only=False),
}  # fmt: skip


def apa(
    *, title: str, url: str | None, author: str | None, published: dt.date | None,
    kind: ResearchSourceType = ResearchSourceType.ARTICLE,
) -> str:  # fmt: skip
    """Doe, J., & Roe, B. (2024, March 5). Title. URL -- with no author the title leads:
    Title. (2024). URL. A title's own ? or ! stands for the period; nothing follows the URL."""
    cited = CITED_AS[kind]
    if published is None:
        when = "(n.d.)."
    elif cited.apa_full_date:
        when = f"({published.year}, {published:%B} {published.day})."
    else:
        when = f"({published.year})."
    what = f"{title} {cited.apa_description}." if cited.apa_description else _ended(title)
    authors = parse_authors(author)
    who = _ended(_apa_authors(authors)) if authors.names else None
    parts = [who, when, what] if who else [what, when]
    return " ".join(p for p in (*parts, url) if p)


def mla(
    *, title: str, url: str | None, author: str | None, published: dt.date | None,
    kind: ResearchSourceType = ResearchSourceType.ARTICLE,
) -> str:  # fmt: skip
    """Doe, Jane, and Bob Roe. "Title." 5 Mar. 2024, URL. -- with no author the title leads;
    a book's title is unquoted and its date is the year."""
    cited = CITED_AS[kind]
    when = None
    if published is not None:
        when = (
            str(published.year)
            if cited.mla_year_only
            else f"{published.day} {MONTHS_MLA[published.month - 1]} {published.year}"
        )
    what = _ended(title)
    if cited.mla_quoted:
        what = f"\u201c{what}\u201d"
    authors = parse_authors(author)
    tail = ", ".join(p for p in (when, url) if p)
    parts = [_ended(_mla_authors(authors)) if authors.names else None, what, f"{tail}." if tail else None]
    return " ".join(p for p in parts if p)


def citation_formats(
    *, title: str, url: str | None, author: str | None, published: dt.date | None, kind: ResearchSourceType
) -> dict[str, str]:
    return {
        "apa": apa(title=title, url=url, author=author, published=published, kind=kind),
        "mla": mla(title=title, url=url, author=author, published=published, kind=kind),
    }


def _apa_authors(authors: Authors) -> str:
    """Doe, J. / Doe, J., & Roe, B. / Doe, J., Roe, B., & Lee, A."""
    names = [_apa_name(n) for n in authors.names]
    if authors.more:
        return ", ".join([*names, "et al."])
    if len(names) > APA_MOST_AUTHORS:
        return f"{', '.join(names[: APA_MOST_AUTHORS - 1])}, . . . {names[-1]}"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])}, & {names[-1]}"


def _mla_authors(authors: Authors) -> str:
    """Doe, Jane / Doe, Jane, and Bob Roe / Doe, Jane, et al."""
    first = _mla_inverted(authors.names[0])
    if len(authors.names) == 1 and not authors.more:
        return first
    if len(authors.names) == 2 and not authors.more:
        return f"{first}, and {_mla_natural(authors.names[1])}"
    return f"{first}, et al."


def _apa_name(name: AuthorName) -> str:
    if not name.given:
        return name.family
    return ", ".join(p for p in (name.family, initials(name.given), name.suffix) if p)


def _mla_inverted(name: AuthorName) -> str:
    return ", ".join(p for p in (name.family, name.given, name.suffix) if p)


def _mla_natural(name: AuthorName) -> str:
    return ", ".join(p for p in (f"{name.given} {name.family}".strip(), name.suffix) if p)


def _ended(text: str) -> str:
    """An element ends with a period, unless it already ends with one, a question or an exclamation mark."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."
