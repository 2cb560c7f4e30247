"""Reader segments from counted page views of posts: where visits come from, on what device, and how readers
behave (the caller passes the views of its posts alone, those `analytics report` counts).

Visits are sessionised as in aggregate.py (one visitor's page views with no gap over 30
minutes). Segments (a visitor can be in several):
- source, by the referrer of the visit's first page view: search (a search engine's domain),
  social (a social network's), referral (any other site), direct (no referrer);
- device, by the user agent: desktop, mobile, tablet (views counted before devices were
  recorded are in no device segment);
- behaviour: returning readers (visits on two or more days), new readers (one day),
  engaged readers (two or more page views per visit on average), bouncers (one page view in
  every visit);
- all readers.
Each segment reports its size (distinct visitors), engagement (views, visits, pages per visit,
bounce rate, average visit length in seconds), behaviour (returning share, visits per visitor,
busiest UTC hour), demographics (shares of devices and sources among its visits), content
preferences (its most viewed posts) and interests (the tags of what it reads, most read first).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, groupby
from typing import Any

from blogster_cli.analytics.aggregate import PageView, split_visits, utc_day

SEARCH_ENGINES = (
    "google.", "bing.com", "duckduckgo.com", "yahoo.", "yandex.", "baidu.com", "ecosia.org", "search.brave.com",
    "startpage.com", "qwant.com", "kagi.com",
)  # fmt: skip
SOCIAL_NETWORKS = (
    "facebook.com", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in", "reddit.com", "news.ycombinator.com",
    "instagram.com", "pinterest.com", "youtube.com", "mastodon.social", "bsky.app", "threads.net", "tiktok.com",
    "lobste.rs",
)  # fmt: skip
SOURCES = ("search", "social", "referral", "direct")
DEVICES = ("desktop", "mobile", "tablet")
SEGMENTS = (
    "all readers", *(f"{source} visitors" for source in SOURCES), *(f"{device} readers" for device in DEVICES),
    "returning readers", "new readers", "engaged readers", "bouncers",
)  # fmt: skip
TOP = 5

Visit = list[PageView]


def source_of(domain: str) -> str:
    """search, social, referral or direct for a referrer domain ('' when there was none)."""
    if not domain:
        return "direct"
    host = domain.lower().removeprefix("www.").removeprefix("m.")
    if any(host.startswith(name) or f".{name}" in f".{host}" for name in SEARCH_ENGINES):
        return "search"
    if any(host == name or host.endswith(f".{name}") for name in SOCIAL_NETWORKS):
        return "social"
    return "referral"


@dataclass
class Segment:
    """One reader_profiles row."""

    segment_name: str
    segment_size: int
    engagement_metrics: dict[str, Any]
    behavior_patterns: dict[str, Any]
    demographic_data: dict[str, Any]
    content_preferences: dict[str, Any]
    interests: list[str] = field(default_factory=list)


def _shares(counter: Counter[str], total: int) -> dict[str, float]:
    return {key: round(count / total, 4) for key, count in counter.most_common()} if total else {}


@dataclass
class _Figures:
    """One segment's running figures: its visits are added as each visitor's are read, not kept."""

    visitors: int = 0
    returning: int = 0
    views: int = 0
    visits: int = 0
    bounces: int = 0
    seconds: int = 0
    hours: Counter[int] = field(default_factory=Counter)
    devices: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    posts: Counter[str] = field(default_factory=Counter)

    def add_visit(self, visit: Visit) -> None:
        self.views += len(visit)
        self.visits += 1
        self.bounces += len(visit) == 1
        self.seconds += visit[-1][1] - visit[0][1]
        self.hours.update(view[1] // 3600 % 24 for view in visit)
        self.devices[visit[0][4] or "unknown"] += 1
        self.sources[source_of(visit[0][3])] += 1
        self.posts.update(view[2] for view in visit if view[2] is not None)


def _segment(
    name: str, figures: _Figures, slug_of: Callable[[str], str | None], tags_of: Mapping[str, Sequence[str]]
) -> Segment:
    tags: Counter[str] = Counter()
    for post, count in figures.posts.items():
        for tag in tags_of.get(post, ()):
            tags[tag] += count
    count, visitors, views = figures.visits, figures.visitors, figures.views
    return Segment(
        segment_name=name,
        segment_size=visitors,
        engagement_metrics={
            "views": views,
            "visits": count,
            "pages_per_visit": round(views / count, 3) if count else None,
            "bounce_rate": round(figures.bounces / count, 4) if count else None,
            "avg_visit_seconds": round(figures.seconds / count, 1) if count else None,
        },  # fmt: skip
        behavior_patterns={
            "returning_share": round(figures.returning / visitors, 4) if visitors else None,
            "visits_per_visitor": round(count / visitors, 3) if visitors else None,
            "busiest_hour_utc": figures.hours.most_common(1)[0][0] if figures.hours else None,
        },
        demographic_data={"devices": _shares(figures.devices, count), "sources": _shares(figures.sources, count)},
        content_preferences={
            "top_posts": {slug: views for post, views in figures.posts.most_common(TOP) if (slug := slug_of(post))}
        },
        interests=[tag for tag, _ in tags.most_common(TOP)],
    )


def segments(
    page_views: Iterable[PageView],
    *,
    slug_of: Callable[[str], str | None] = lambda post: post,
    tags_of: Mapping[str, Sequence[str]] | None = None,
) -> list[Segment]:
    """Every segment of SEGMENTS (empty ones with size 0), from page views of any order."""
    by_visitor: dict[int, list[PageView]] = defaultdict(list)
    for view in page_views:
        by_visitor[view[0]].append(view)
    for views in by_visitor.values():
        views.sort(key=lambda view: view[1])
    return visitor_ordered_segments(chain.from_iterable(by_visitor.values()), slug_of=slug_of, tags_of=tags_of)


def visitor_ordered_segments(
    page_views: Iterable[PageView],
    *,
    slug_of: Callable[[str], str | None] = lambda post: post,
    tags_of: Mapping[str, Sequence[str]] | None = None,
) -> list[Segment]:
    """`segments` of views that come visitor by visitor, each visitor's in time order (as the database
    streams them): one visitor's views are held at a time, and each segment's running figures."""
    figures = {name: _Figures() for name in SEGMENTS}
    for _, one_visitor in groupby(page_views, key=lambda view: view[0]):
        views = list(one_visitor)
        visits = list(split_visits(views))
        returning = len({utc_day(view[1]) for view in views}) > 1
        behaviour = ["returning readers" if returning else "new readers"]
        if len(views) / len(visits) >= 2:
            behaviour.append("engaged readers")
        if len(views) == len(visits):
            behaviour.append("bouncers")
        joined: set[str] = set()
        for visit in visits:
            names = ["all readers", f"{source_of(visit[0][3])} visitors", *behaviour]
            if visit[0][4] in DEVICES:
                names.append(f"{visit[0][4]} readers")
            for name in names:
                figures[name].add_visit(visit)
            joined.update(names)
        for name in joined:
            figures[name].visitors += 1
            figures[name].returning += returning
    return [_segment(name, figures[name], slug_of, tags_of or {}) for name in SEGMENTS]
