"""Per post per day figures from parsed requests, with visits sessionised per visitor.

Definitions (also in `analytics ingest --help` and README):
- view: a GET or HEAD request answered 2xx/3xx that is not from a crawler, for a path that maps to a post
  (never a static file nor one of Blogster's own tracking requests: a widget's /_i/..., a newsletter's
  open image or unsubscribe link); such a request for a page that is no post is a page view too, kept for
  visits (time on page, bounce) but counted in no post's views (nor `audience segments`);
- unique visitor: distinct IP + day + user agent (as GoAccess counts them); a post's day counts
  its own, the site's day (`site_days`) each visitor once whatever the posts they read;
- visit (session): the page views of one visitor (IP + user agent) with no gap over 30 minutes;
- time on page: seconds from a view to the visitor's next page view in the same visit
  (the last view of a visit has no measurable time and is left out of the average);
- bounce rate: the share of visits landing on the post that have a single page view;
- a widget's start or completion (`beacons`): its /_i/TRACKING-ID/start or /complete request, not from
  a crawler, answered 2xx, 304 or 404 (a static host, with no handler for it, answers 404);
- a line of a virtual-host format for another host than the site's (`site_hosts`) is another site's
  request: read and parsed, then counted only in `other_sites` (no visitor, crawler, view or beacon).
"""

from __future__ import annotations

import gc
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from hashlib import blake2b
from itertools import chain
from multiprocessing import get_context
from urllib.parse import SplitResult, urlsplit

from blogster_cli.analytics.crawlers import AGENT_CHARS, is_crawler
from blogster_cli.analytics.devices import device_class
from blogster_cli.analytics.distinct_keys import DistinctKeys
from blogster_cli.analytics.logformat import (
    VHOST_FORMATS,
    Fields,
    LogFormat,
    clf_fields,
    parse_line,
    vhost_fields,
    vhost_name,
)
from blogster_cli.analytics.paths import BEACON_PREFIX, PathMatcher, beacon, is_asset, is_tracking
from blogster_cli.analytics.short_keys import short_key_cache

SESSION_GAP_SECONDS = 30 * 60
PAGE_METHODS = frozenset({"GET", "HEAD"})
"""The request methods of a page view: a page read (HEAD: its headers). A form's POST, a PUT, an OPTIONS
probe are no page read; the widgets' requests (a beacon may be a POST) are counted whatever their method."""
TOP_REFERRERS = 10
MALFORMED_SAMPLE_SIZE = 3
OTHER_HOSTS_KEPT = 100
"""The other sites' virtual hosts a result counts lines of by name (a warning names the first few); the
lines of more (nginx's $host is what the client sent) are counted in `other_sites` alone."""
HOST_CHARS = 253

# (visitor: a 64-bit hash of IP and user agent, epoch seconds, the post's key (slug, or a stored
#  post id) or None for a page that is no post, referrer domain or "", device class or None)
PageView = tuple[int, int, str | None, str, str | None]


@dataclass
class ChunkResult:
    """What one worker returns for its slice of lines: counters and the page views it saw."""

    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    crawlers: int = 0
    malformed_sample: list[str] = field(default_factory=list)
    visitor_keys: DistinctKeys = field(default_factory=DistinctKeys)
    """`visitor_day` of each visitor seen, 8 bytes each: never the agent itself, which may be 1 MiB."""
    page_views: list[PageView] = field(default_factory=list)
    stored: list[StoredViews] = field(default_factory=list)
    """The page views as the ingest stores them (`pack_views`), when the worker packed them."""
    unmatched_sample: list[str] = field(default_factory=list)
    """A few paths of page views on no post (not the home page): no post pattern or kept old URL matched them,
    or the slug they name is none of my posts' (`process_lines`' `posts`): why none of a log's views is on a post."""
    beacons: Counter[tuple[str, str]] = field(default_factory=Counter)
    """The widgets' requests counted, by (tracking id, "start" or "complete") (`counts_beacon`)."""
    other_sites: int = 0
    """Requests of a virtual-host log for other hosts than my site's: parsed, then skipped."""
    other_hosts: Counter[str] = field(default_factory=Counter)
    """Those lines by virtual host (`vhost_name`), for at most OTHER_HOSTS_KEPT hosts."""


@dataclass
class StoredViews:
    """Page views packed for storage: one text (see `pack_views`), how many, how many on posts, first/last second."""

    text: str
    views: int
    matched: int
    first: int | None
    last: int | None


@dataclass
class PostDay:
    """The figures of one post on one day, ready for blog_analytics."""

    slug: str
    day: date
    views: int
    unique_visitors: int
    avg_time_on_page: float | None
    bounce_rate: float | None
    referrers: dict[str, int]
    views_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    """The views in each UTC hour of the day (hour 0 first): they add up to `views`."""


@dataclass
class Summary:
    """The whole run's figures (the `--json` summary)."""

    lines: int
    parsed: int
    malformed: int
    malformed_sample: list[str]
    crawlers: int
    matched: int
    unique_visitors: int
    post_days: list[PostDay]


@short_key_cache(maxsize=65536)  # an agent may be a mebibyte: only short ones are kept (short_keys.py)
def visitor_hash(ip: str, user_agent: str) -> int:
    """A signed 64-bit key for IP + user agent: visitors are told apart without storing their IP."""
    digest = blake2b(f"{ip}\0{user_agent}".encode(errors="replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def visitor_day(visitor: int, day: date) -> int:
    """A signed 64-bit key for a visitor (`visitor_hash`) on a day: the visitor's hash with the day's bits
    flipped in. One day's visitors keep distinct keys; two days' keys meet as rarely as two hashes do."""
    return visitor ^ _day_bits(day)


@lru_cache(maxsize=4096)
def _day_bits(day: date) -> int:
    mixed = day.toordinal() * 0x9E3779B97F4A7C15 & 0xFFFF_FFFF_FFFF_FFFF  # a 64-bit multiplicative hash
    return mixed - (1 << 64) if mixed >> 63 else mixed


@lru_cache(maxsize=4096)
def utc_day(timestamp: int) -> date:
    """The UTC date of epoch seconds (blog_analytics.date is a UTC date)."""
    return datetime.fromtimestamp(timestamp - timestamp % 86400, UTC).date()


_split_url: Callable[[str], SplitResult] = getattr(urlsplit, "__wrapped__", urlsplit)
"""urlsplit without the lru_cache Python 3.11 puts on it, which kept 128 referrers and their parts, a
mebibyte each at most: `_referrer_domain` keeps what it needs itself."""


@short_key_cache(maxsize=65536)  # a referrer may be a mebibyte too
def _referrer_domain(referrer: str, own_hosts: frozenset[str]) -> str:
    if not referrer or referrer == "-":
        return ""
    try:
        host = (_split_url(referrer).hostname or "").removeprefix("www.")
    except ValueError:
        return ""
    return "" if host in own_hosts else host


def _requests(
    lines: Iterable[str], log_format: LogFormat, site_hosts: frozenset[str] | None, result: ChunkResult
) -> Iterator[tuple[str, Fields | None]]:
    """Each line with its fields (None when malformed), for any format; a virtual-host line for another
    host than `site_hosts` (None: any) is counted in `result.other_sites` instead."""
    if log_format in VHOST_FORMATS:
        yield from _site_requests(lines, log_format is LogFormat.VHOST_COMBINED, site_hosts, result)
        return
    if log_format is LogFormat.NGINX_JSON:
        for line in lines:
            request = parse_line(line.rstrip("\r\n"), log_format)
            yield line, None if request is None else (
                request.ip, request.timestamp, request.day, request.method, request.path, request.status,
                request.referrer, request.user_agent,
            )  # fmt: skip
        return
    combined = log_format is LogFormat.COMBINED
    for line in lines:
        yield line, clf_fields(line.rstrip("\r\n"), combined=combined)


def _site_requests(
    lines: Iterable[str], combined: bool, site_hosts: frozenset[str] | None, result: ChunkResult
) -> Iterator[tuple[str, Fields | None]]:
    """`_requests` of a virtual-host log: whether a host is my site's is told once per host written."""
    mine: dict[str, str | None] = {}  # host as written -> None when mine, else its name
    others = result.other_hosts
    for line in lines:
        found = vhost_fields(line.rstrip("\r\n"), combined=combined)
        if found is None:
            yield line, None
            continue
        host, fields = found
        if site_hosts is None:
            yield line, fields
            continue
        if host in mine:
            other = mine[host]
        else:
            name = vhost_name(host)
            other = mine[host] = None if name in site_hosts else name[:HOST_CHARS]
        if other is None:
            yield line, fields
            continue
        result.other_sites += 1
        if other in others or len(others) < OTHER_HOSTS_KEPT:
            others[other] += 1


def counts_beacon(status: int) -> bool:
    """Whether a widget's request answered `status` is a start or completion: 2xx, 304 (a cached answer
    checked) or 404 (a static host has no handler for /_i/: the README's widgets need no server). Not a
    redirect (the request it leads to is logged too), a refusal (400, 403, 429...) or a server error."""
    return 200 <= status < 300 or status in (304, 404)


# What a request path is, told once per distinct path of a chunk: (no page view: a static file or one
# of Blogster's own tracking requests, the post's slug or None, the widget request's (tracking id, kind)).
_Target = tuple[bool, str | None, tuple[str, str] | None]


def _target(path: str, matcher: PathMatcher, posts: Container[str] | None) -> _Target:
    if is_tracking(path):
        return True, None, beacon(path)
    if is_asset(path):
        return True, None, None
    slug = matcher.slug_for(path)
    return False, slug if posts is None or slug in posts else None, None


def process_lines(
    lines: Iterable[str], log_format: LogFormat, matcher: PathMatcher, own_hosts: frozenset[str],
    site_hosts: frozenset[str] | None = None, posts: Container[str] | None = None,
) -> ChunkResult:  # fmt: skip
    """Parse and classify lines: the per-chunk work, run in a worker process. In a virtual-host format,
    lines for other hosts than `site_hosts` (my site's: None takes every host) are other sites' requests.
    A path that fits the post patterns but names a slug that is none of `posts` (my posts' slugs; None: any
    slug is a post) is a page that is no post: in no post's views, and in `unmatched_sample` (a post
    not created or imported yet is why none of a log's views is on a post as much as a wrong --map).

    What is told from a user agent (crawler, device), a path (asset, post) or a referrer (domain)
    is worked out once per distinct value in this chunk: a log repeats few of each.
    """
    result = ChunkResult()
    visitor_keys: set[int] = set()
    page_views = result.page_views
    agents: dict[str, tuple[bool, str | None]] = {}
    paths: dict[str, _Target] = {}
    sampled: set[str] = set()  # the paths of page views on no post looked at for `unmatched_sample`
    beacons = result.beacons
    referrers: dict[str, str] = {}
    lines_read = parsed = crawlers = 0
    for line, request in _requests(lines, log_format, site_hosts, result):
        if request is None:
            if line.strip():
                lines_read += 1
                result.malformed += 1
                if len(result.malformed_sample) < MALFORMED_SAMPLE_SIZE:
                    result.malformed_sample.append(line.rstrip("\r\n")[:200])
            continue
        lines_read += 1
        parsed += 1
        ip, timestamp, day, method, path, status, referrer, user_agent = request
        visitor = 0
        if not 400 <= status < 500:
            visitor = visitor_hash(ip, user_agent)
            visitor_keys.add(visitor_day(visitor, day))
        told = user_agent[:AGENT_CHARS]  # what is told from an agent is told from its start (crawlers.py)
        agent = agents.get(told)
        if agent is None:
            agent = agents[told] = (is_crawler(told), device_class(told))
        if agent[0]:
            crawlers += 1
            continue
        if not 200 <= status < 400 and not (status == 404 and path.startswith(BEACON_PREFIX)):
            continue
        target = paths.get(path)
        if target is None:
            target = paths[path] = _target(path, matcher, posts)
        if target[0]:
            if target[2] is not None and counts_beacon(status):
                beacons[target[2]] += 1
            continue
        if method not in PAGE_METHODS:  # a form's POST, an OPTIONS probe...: no page was read
            continue
        if target[1] is None and path not in sampled and len(result.unmatched_sample) < MALFORMED_SAMPLE_SIZE:
            sampled.add(path)
            bare = path.partition("?")[0].partition("#")[0][:200]
            if bare != "/" and bare not in result.unmatched_sample:
                result.unmatched_sample.append(bare)
        domain = referrers.get(referrer)
        if domain is None:
            domain = referrers[referrer] = _referrer_domain(referrer, own_hosts)
        page_views.append((visitor, timestamp, target[1], domain, agent[1]))  # (a 2xx/3xx: `visitor` is set)
    result.lines, result.parsed, result.crawlers = (
        lines_read + result.other_sites, parsed + result.other_sites, crawlers,
    )  # fmt: skip
    result.visitor_keys = DistinctKeys(visitor_keys)
    return result


def merge(results: Iterable[ChunkResult]) -> ChunkResult:
    """One ChunkResult for several (counters added, samples and views concatenated)."""
    total = ChunkResult()
    for part in results:
        total.lines += part.lines
        total.parsed += part.parsed
        total.malformed += part.malformed
        total.crawlers += part.crawlers
        room = MALFORMED_SAMPLE_SIZE - len(total.malformed_sample)
        total.malformed_sample.extend(part.malformed_sample[:room])
        for path in part.unmatched_sample:
            if len(total.unmatched_sample) < MALFORMED_SAMPLE_SIZE and path not in total.unmatched_sample:
                total.unmatched_sample.append(path)
        total.visitor_keys.update(part.visitor_keys)
        total.page_views.extend(part.page_views)
        total.stored.extend(part.stored)
        total.beacons.update(part.beacons)
        total.other_sites += part.other_sites
        add_other_hosts(total.other_hosts, part.other_hosts)
    return total


def add_other_hosts(total: Counter[str], part: Counter[str]) -> None:
    """Add `part`'s lines per other host to `total`'s, keeping at most OTHER_HOSTS_KEPT hosts."""
    for host, count in part.items():
        if host in total or len(total) < OTHER_HOSTS_KEPT:
            total[host] += count


@dataclass
class _Accumulator:
    views: int = 0
    visitors: set[int] = field(default_factory=set)
    timed_seconds: int = 0
    timed_views: int = 0
    landings: int = 0
    bounces: int = 0
    referrers: Counter[str] = field(default_factory=Counter)
    hours: list[int] = field(default_factory=lambda: [0] * 24)


def split_visits(views: list[PageView]) -> Iterator[list[PageView]]:
    """Split one visitor's time-ordered page views at gaps over SESSION_GAP_SECONDS."""
    visit: list[PageView] = []
    for view in views:
        if visit and view[1] - visit[-1][1] > SESSION_GAP_SECONDS:
            yield visit
            visit = []
        visit.append(view)
    if visit:
        yield visit


def post_days(page_views: Iterable[PageView]) -> list[PostDay]:
    """Sessionise the page views per visitor and fold them into per post per (UTC) day figures."""
    by_visitor: dict[int, list[PageView]] = defaultdict(list)
    for view in page_views:
        by_visitor[view[0]].append(view)
    for views in by_visitor.values():
        views.sort(key=_moment)
    return visitor_ordered_post_days(chain.from_iterable(by_visitor.values()))


def visitor_ordered_post_days(page_views: Iterable[PageView]) -> list[PostDay]:
    """`post_days` of views that come visitor by visitor, each visitor's in time order (as the
    ingest streams them from the database): only the figures per post and day are held, not the views."""
    accumulators: dict[tuple[str, int], _Accumulator] = {}
    gap = SESSION_GAP_SECONDS
    previous: PageView | None = None
    landing = True
    for view in chain(page_views, [None]):
        if previous is not None:
            step = view[1] - previous[1] if view is not None and view[0] == previous[0] else gap + 1
            continued = step <= gap
            slug = previous[2]
            if slug is not None:
                key = (slug, previous[1] // 86400)
                figures = accumulators.get(key)
                if figures is None:
                    figures = accumulators[key] = _Accumulator()
                figures.views += 1
                figures.hours[previous[1] % 86400 // 3600] += 1
                figures.visitors.add(previous[0])
                if previous[3]:
                    figures.referrers[previous[3]] += 1
                if continued:
                    figures.timed_seconds += step
                    figures.timed_views += 1
                if landing:
                    figures.landings += 1
                    figures.bounces += not continued
            landing = not continued
        previous = view
    return [
        PostDay(
            slug=slug,
            day=utc_day(day * 86400),
            views=figures.views,
            unique_visitors=len(figures.visitors),
            avg_time_on_page=(figures.timed_seconds / figures.timed_views) if figures.timed_views else None,
            bounce_rate=(figures.bounces / figures.landings) if figures.landings else None,
            referrers=dict(figures.referrers.most_common(TOP_REFERRERS)),
            views_by_hour=figures.hours,
        )
        for (slug, day), figures in sorted(accumulators.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def _moment(view: PageView) -> int:
    return view[1]


@dataclass
class SiteVisitors:
    """Unique visitors per (UTC) day over the views of `posts`, fed one view at a time: each visitor
    (IP + user agent) once a day however many of the posts they read, as GoAccess counts a day's unique
    visitors. The sum of `post_days`' per post visitors counts a reader of two posts twice."""

    posts: Container[str]
    seen: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, view: PageView) -> None:
        post = view[2]
        if post is not None and post in self.posts:
            self.seen[view[1] // 86400].add(view[0])

    def per_day(self) -> dict[date, int]:
        return {utc_day(day * 86400): len(visitors) for day, visitors in sorted(self.seen.items())}


def site_days(page_views: Iterable[PageView], posts: Container[str]) -> dict[date, int]:
    """`SiteVisitors` of a collection of views."""
    visitors = SiteVisitors(posts)
    for view in page_views:
        visitors.add(view)
    return visitors.per_day()


def summarise(total: ChunkResult) -> Summary:
    """The run's counters plus the per post per day figures of its page views."""
    return Summary(
        lines=total.lines,
        parsed=total.parsed,
        malformed=total.malformed,
        malformed_sample=total.malformed_sample,
        crawlers=total.crawlers,
        matched=sum(view[2] is not None for view in total.page_views),
        unique_visitors=len(total.visitor_keys),
        post_days=post_days(total.page_views),
    )


def _chunk_worker(
    args: tuple[list[str], LogFormat, PathMatcher, frozenset[str]],
) -> ChunkResult:
    return process_lines(*args)


def analyse_lines(
    lines: Iterable[str],
    log_format: LogFormat,
    matcher: PathMatcher,
    *,
    own_hosts: frozenset[str] = frozenset(),
    workers: int | None = None,
    chunk_lines: int = 50_000,
) -> Summary:
    """Analyse a stream of lines over `workers` processes (both cores by default).

    Chunks of lines go to a spawn/forkserver-safe pool (module-level worker, picklable args);
    the sessionising runs once over the merged page views, since visits cross chunk borders.
    """
    worker_count = workers if workers is not None else min(2, os.cpu_count() or 1)

    def chunks() -> Iterator[tuple[list[str], LogFormat, PathMatcher, frozenset[str]]]:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= chunk_lines:
                yield batch, log_format, matcher, own_hosts
                batch = []
        if batch:
            yield batch, log_format, matcher, own_hosts

    if worker_count <= 1:
        return summarise(merge(_chunk_worker(chunk) for chunk in chunks()))
    with ProcessPoolExecutor(worker_count, mp_context=get_context("forkserver")) as pool:
        return summarise(merge(pool.map(_chunk_worker, chunks())))


def _range_worker(
    args: tuple[str, int, int, LogFormat, PathMatcher, frozenset[str]],
) -> ChunkResult:
    """Read and process bytes [start, end) of a plain file: the lines never cross processes."""
    path, start, end, log_format, matcher, own_hosts = args
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    text = data.decode("utf-8", errors="replace")
    return process_lines(text.splitlines(), log_format, matcher, own_hosts)


def line_aligned_ranges(path: str, parts: int) -> list[tuple[int, int]]:
    """Split a file into about `parts` byte ranges, each ending just after a newline (or at EOF)."""
    size = os.path.getsize(path)
    bounds = [0]
    with open(path, "rb") as handle:
        for index in range(1, parts):
            handle.seek(max(bounds[-1], size * index // parts))
            handle.readline()
            position = handle.tell()
            if bounds[-1] < position < size:
                bounds.append(position)
    bounds.append(size)
    return [(start, end) for start, end in zip(bounds, bounds[1:], strict=False) if end > start]


def analyse_file(
    path: str,
    log_format: LogFormat,
    matcher: PathMatcher,
    *,
    own_hosts: frozenset[str] = frozenset(),
    workers: int | None = None,
    chunk_bytes: int = 8 << 20,
) -> Summary:
    """Analyse a plain (uncompressed) log file, each worker reading its own byte ranges.

    Cheaper than `analyse_lines` for big files: only results, not lines, cross processes.
    """
    worker_count = workers if workers is not None else min(2, os.cpu_count() or 1)
    parts = max(worker_count, os.path.getsize(path) // chunk_bytes + 1)
    tasks = [(path, start, end, log_format, matcher, own_hosts) for start, end in line_aligned_ranges(path, parts)]
    if worker_count <= 1:
        return summarise(merge(map(_range_worker, tasks)))
    with ProcessPoolExecutor(worker_count, mp_context=get_context("forkserver")) as pool:
        return summarise(merge(pool.map(_range_worker, tasks)))


_BLANK_RUNS = re.compile(r"\n[ \t\r\n]*\n")
"""A run of blank lines (spaces, tabs, CRs between the newlines). One class repeated, not a group of
`[ \t\r]*\n` (which took 1.8 s a 16 MiB batch of newlines: 4 GiB of them in a 4 MB .gz, 250 s of CPU)."""


def process_block(
    args: tuple[bytes, LogFormat, PathMatcher, frozenset[str]], site_hosts: frozenset[str] | None = None,
    *, posts: Container[str] | None = None,
) -> ChunkResult:  # fmt: skip
    """`process_lines` over a block of complete lines (a worker task: one picklable argument)."""
    data, log_format, matcher, own_hosts = args
    # Blank lines count for nothing (process_lines): a run of them is one line break, so a log of
    # junk (a .gz of 512 MiB of newlines) is not 16 M Python strings a batch.
    lines = _BLANK_RUNS.sub("\n", data.decode("utf-8", errors="replace")).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return process_lines(lines, log_format, matcher, own_hosts, site_hosts, posts)


def process_blocks(tasks: list[tuple[bytes, LogFormat, PathMatcher, frozenset[str]]]) -> list[ChunkResult]:
    """`process_block` over each task: the chunk-to-results shape of services/parallel.parallel_map."""
    return [process_block(task) for task in tasks]


REFERRER_MAX = 255


def pack_views(views: list[PageView], post_ids: dict[str, str]) -> StoredViews:
    """Page views as stored in a batch's ledger row (0046): one a line, tab-separated post id (empty
    for a page that is no post), visitor, epoch seconds, referrer domain (bounded, may be empty) and
    device (may be empty). repositories/analytics reads them back.
    """
    rows = []
    matched = 0
    referrers: dict[str, str] = {}
    for visitor, moment, slug, referrer, device in views:
        post = post_ids.get(slug, "") if slug is not None else ""
        matched += post != ""
        clean = referrers.get(referrer)
        if clean is None:
            clean = referrers[referrer] = referrer[:REFERRER_MAX].replace("\t", " ").replace("\n", " ")
        rows.append(f"{post}\t{visitor}\t{moment}\t{clean}\t{device or ''}")
    moments = [view[1] for view in views]
    return StoredViews("\n".join(rows), len(rows), matched, min(moments, default=None), max(moments, default=None))


StoreTask = tuple[bytes, LogFormat, PathMatcher, frozenset[str], dict[str, str], frozenset[str] | None]
"""A block of lines, its format, the post patterns, my own hosts (referrers), my post ids by slug and my
site's hosts (virtual-host formats: the hosts whose lines count)."""


def store_blocks(tasks: list[StoreTask]) -> list[ChunkResult]:
    """`process_block` over each task with its page views packed for storage (`pack_views`, post ids by
    slug): what `analytics ingest` runs in its workers, so only text crosses processes. A slug that is no
    post of mine is a view on no post from the start, so its path is in `unmatched_sample`."""
    results = []
    with collector_paused():
        for data, log_format, matcher, own_hosts, post_ids, site_hosts in tasks:
            result = process_block((data, log_format, matcher, own_hosts), site_hosts, posts=post_ids)
            result.stored.append(pack_views(result.page_views, post_ids))
            result.page_views = []
            results.append(result)
    return results


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch's lines or the recompute's page views are made: they
    are hundreds of thousands of tuples and strings, none in a cycle, and each pass of the collector
    walked all of them (a third of the recompute's time). On again after, when it was on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def split_lines(data: bytes, parts: int) -> list[bytes]:
    """`data` cut into about `parts` pieces, each ending just after a newline (or at the end)."""
    pieces, start = [], 0
    for index in range(1, parts):
        cut = data.find(b"\n", max(start, len(data) * index // parts)) + 1
        if start < cut < len(data):
            pieces.append(data[start:cut])
            start = cut
    pieces.append(data[start:])
    return [piece for piece in pieces if piece]
