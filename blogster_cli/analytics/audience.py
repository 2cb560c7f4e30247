"""Reader segments from counted page views: where visits come from, on what device, and how readers behave.

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


def _segment(
    name: str, visits: Sequence[tuple[int, Visit]], days_by_visitor: Mapping[int, set[Any]],
    slug_of: Callable[[str], str | None], tags_of: Mapping[str, Sequence[str]],
) -> Segment:  # fmt: skip
    visitors = {visitor for visitor, _ in visits}
    views = sum(len(visit) for _, visit in visits)
    bounces = sum(len(visit) == 1 for _, visit in visits)
    seconds = sum(visit[-1][1] - visit[0][1] for _, visit in visits)
    hours: Counter[int] = Counter(view[1] // 3600 % 24 for _, visit in visits for view in visit)
    devices: Counter[str] = Counter(visit[0][4] or "unknown" for _, visit in visits)
    sources: Counter[str] = Counter(source_of(visit[0][3]) for _, visit in visits)
    posts: Counter[str] = Counter(view[2] for _, visit in visits for view in visit if view[2] is not None)
    tags: Counter[str] = Counter()
    for post, count in posts.items():
        for tag in tags_of.get(post, ()):
            tags[tag] += count
    count = len(visits)
    returning = sum(len(days_by_visitor[visitor]) > 1 for visitor in visitors)
    return Segment(
        segment_name=name,
        segment_size=len(visitors),
        engagement_metrics={
            "views": views,
            "visits": count,
            "pages_per_visit": round(views / count, 3) if count else None,
            "bounce_rate": round(bounces / count, 4) if count else None,
            "avg_visit_seconds": round(seconds / count, 1) if count else None,
        },  # fmt: skip
        behavior_patterns={
            "returning_share": round(returning / len(visitors), 4) if visitors else None,
            "visits_per_visitor": round(count / len(visitors), 3) if visitors else None,
            "busiest_hour_utc": hours.most_common(1)[0][0] if hours else None,
        },
        demographic_data={"devices": _shares(devices, count), "sources": _shares(sources, count)},
        content_preferences={
            "top_posts": {slug: views for post, views in posts.most_common(TOP) if (slug := slug_of(post))}
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
    members: dict[str, list[tuple[int, Visit]]] = {name: [] for name in SEGMENTS}
    days_by_visitor: dict[int, set[Any]] = {}
    for visitor, views in by_visitor.items():
        views.sort(key=lambda view: view[1])
        visits = list(split_visits(views))
        days_by_visitor[visitor] = {utc_day(view[1]) for view in views}
        behaviour = ["returning readers" if len(days_by_visitor[visitor]) > 1 else "new readers"]
        if sum(map(len, visits)) / len(visits) >= 2:
            behaviour.append("engaged readers")
        if all(len(visit) == 1 for visit in visits):
            behaviour.append("bouncers")
        for visit in visits:
            entry = (visitor, visit)
            members["all readers"].append(entry)
            members[f"{source_of(visit[0][3])} visitors"].append(entry)
            if visit[0][4] in DEVICES:
                members[f"{visit[0][4]} readers"].append(entry)
            for name in behaviour:
                members[name].append(entry)
    return [_segment(name, members[name], days_by_visitor, slug_of, tags_of or {}) for name in SEGMENTS]
