"""`analytics ingest`: web server logs into page views, per post per day blog_analytics and the site's
unique visitors per day (analytics_daily_visitors, each visitor once a day whatever the posts they read).

Each batch of complete lines commits its page views together with its ledger row, so a run
killed at any point leaves only whole batches behind, and the next run resumes after them
(analytics/ledger.py tells what was counted). blog_analytics and the daily visitors are then
recomputed from the stored page views for the days the new batches touched (a visit may span
batches, files and midnight; a visitor may come back in a later run), and those batches are
marked summarised in the same transaction (with each day's views per UTC hour, read by `calendar
suggest`). The widgets' starts and completions a batch holds (/_i/TRACKING-ID/start|complete, never page
views) are added to my interactive content in the transaction that records the batch, so they too count
once per line and accumulate across runs and rotated logs (`interactive stats --from-log` runs this).
One account's runs are serialised by a row lock held on a second connection for the whole run. A log
(or a log's new part) whose head has no request in the chosen format is refused before anything of it is
recorded (`_format_refusal`): once recorded, a log is never read again, so its requests could never be
counted in the right format. In a virtual-host format (Apache's vhost_combined), the lines of other hosts
than my site's (as the CSV imports take a URL: services/post_addresses) are other sites' requests: read,
skipped, and counted (`other_sites`, the first hosts in `other_hosts`). In a log shared by several sites
that is what every run finds, so it is a warning only while none of the log's requests, in this run or
an earlier one (the ledger: `log_has_views`), was a page view of my site: then my site's address is
likely not what the log calls it, and what is read now is never read again.
Until a view on one of my posts is counted, a new log with page views none of which is on one of my posts
(some not on the home page) is refused, nothing of it recorded (`_unmatched_refusal`), unless
`accept_unmatched`: its paths are likely not my posts' addresses (no --map yet, or the posts not created
yet), and once recorded it could not be counted again with the right ones. Once the paths are known to
match, such a log is a quiet day's, counted with a warning (refused, cron would fail on it every run).
A log an earlier release recorded that way is not read again: the ledger does not keep a batch's widget
starts and completions, which a second reading would add again.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.analytics.aggregate import (
    HOST_CHARS,
    MALFORMED_SAMPLE_SIZE,
    ChunkResult,
    PageView,
    PostDay,
    SiteVisitors,
    StoreTask,
    add_other_hosts,
    collector_paused,
    merge,
    post_days,
    site_days,
    split_lines,
    store_blocks,
    utc_day,
    visitor_ordered_post_days,
)
from blogster_cli.analytics.ledger import (
    Batch,
    FileKeys,
    Known,
    LogReader,
    batches,
    open_log,
    skip_counted,
)
from blogster_cli.analytics.logformat import VHOST_FORMATS, LogFormat, check_format, log_lines, parse_line
from blogster_cli.db.acting import Connection, separate_unit_of_work, unit_of_work
from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.services.parallel import parallel_map
from blogster_cli.services.post_addresses import AddressPlan, PostFinder, address_plan
from blogster_cli.wording import plural, shortened

BATCH_BYTES = 16 << 20
PARALLEL_MIN_BYTES = 1 << 20
LOCK_WAIT_SECONDS = 600.0
IN_MEMORY_VIEWS = 1_000_000
"""The views the recompute holds in memory (about 200 MB); above that the database streams them
sorted, in bounded memory but slower: a log of millions of identical lines costs no more memory."""
STREAMED_VIEWS_PER_MS = 20
"""The slowest pace at which the database sorts the views it streams (about 120 a ms measured on 2 busy
cores): the statement timeout of a streamed recompute is at least its views over this."""
STDIN = "-"
PUT_BACK_BYTES = 2 * BATCH_BYTES + (1 << 20)
"""What may be read of a log, comparing it with one recorded under an earlier key form, before it is
known to be another log (two batches: another log differs at its first request, in the first range or two)."""
FORMAT_PROBE_BYTES = 1 << 20
"""The head of a log's new part whose lines tell whether it is in the chosen format (`_format_refusal`)."""
UNMATCHED_PROBE_BYTES = 64 << 20
"""The head of a new log held back, parsed but not recorded, until one of its page views is on one of my posts
(`_unmatched_refusal`): all of most logs. A longer log none of whose page views in it is on a post is refused."""


@dataclass
class IngestedFile:
    """One log of the run: how it related to what was counted before, and what was new."""

    name: str
    known: str
    new_bytes: int = 0
    new_lines: int = 0
    ended_early: bool = False
    """A .gz cut short: its complete lines were counted, the complete file later adds the rest."""
    refused: str | None = None
    """Why nothing of it was counted (no line of it is in the chosen format); None when it was read."""
    same_opening_lines: int = 0
    """Counted as a new log although its first lines are those of a log counted before (a later line
    differs): how many. Another site's log that opens with the same request, or that log rewritten
    (anonymised, a last line changed), whose lines are then counted a second time."""
    other_sites: int = 0
    """Its new lines for other sites than mine (a virtual-host log), skipped."""
    site_seen: bool = False
    """A page view of my site was counted from this log, in this run or an earlier one."""
    first_view: int | None = None
    last_view: int | None = None
    """Epoch seconds of its first and last page view counted in this run (the summary's first and last day)."""


@dataclass
class IngestSummary:
    """The run's figures (`--json`); unique_visitors counts IP + day + agent over every request not answered
    4xx, crawlers and pages other than posts included, as GoAccess does: the reports count only the posts' readers."""

    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    malformed_sample: list[str] = field(default_factory=list)
    crawlers: int = 0
    other_sites: int = 0
    """Requests of a virtual-host log (`--format vhost-combined`, `vhost-common`) for other hosts than your
    site's: parsed, not counted (no visitors, crawlers or page views)."""
    other_hosts: list[str] = field(default_factory=list)
    """Those requests' hosts, most requests first (the first OTHER_HOSTS_KEPT hosts the run met)."""
    page_views: int = 0
    matched: int = 0
    unique_visitors: int = 0
    post_days_updated: int = 0
    newsletter_hits: int = 0
    """Newsletter opens and clicks read (tracked requests, ?nl=..&r=..), added to my newsletters' rates."""
    newsletter_unsubscribes: int = 0
    """My subscribers marked unsubscribed by the unsubscribe-link requests read (as `newsletter unsubscribe --from-log`)."""
    interactive_starts: int = 0
    """Starts of my quizzes, polls, surveys and calculators read (/_i/ID/start), added to their participation_count."""
    interactive_completions: int = 0
    """Their completions read (/_i/ID/complete), added to the completion_count their completion_rate is made of."""
    unmatched_sample: list[str] = field(default_factory=list)
    """A few paths of page views that matched none of your posts (not the home page)."""
    first_day: date | None = None
    last_day: date | None = None
    """The UTC days of the first and last page view counted in this run (None without one): `analytics report
    --from/--to` shows them (a historic log's days are not the last 30)."""
    files: list[IngestedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the run counted that may be wrong: a log that may be one counted before, views on no post."""
    seconds: float = 0.0


def ingest(
    acting: ActingUser,
    *,
    sources: Sequence[str],
    stdin: BinaryIO | None = None,
    log_format: LogFormat = LogFormat.COMBINED,
    map_pattern: str | None = None,
    base_domain: str = "",
    accept_unmatched: bool = False,
    batch_bytes: int = BATCH_BYTES,
    workers: int | None = None,
    lock_wait_s: float = LOCK_WAIT_SECONDS,
    on_progress: Callable[[int], None] = lambda _bytes: None,
) -> IngestSummary:
    """Count the new requests of each log (plain or gzip; '-' is `stdin`) exactly once."""
    started = time.perf_counter()
    for source in sources:
        if source != STDIN and not Path(source).is_file():
            raise InvalidInput(f"cannot read {source}: {'not a file' if Path(source).exists() else 'no such file'}")
    plan = address_plan(acting, map_pattern=map_pattern, base_domain=base_domain)
    if not accept_unmatched:  # once a view on my posts was counted, their paths are known to match
        with unit_of_work(acting) as conn:
            accept_unmatched = analytics_rows.latest_view_day(conn) is not None
    site_hosts = _site_hosts(plan, log_format)
    summary = IngestSummary()
    run_total = ChunkResult()
    worker_count = workers if workers is not None else min(2, os.cpu_count() or 1)
    with ExitStack() as stack:
        _take_lock(acting, stack, lock_wait_s)
        for source in sources:
            with _opened(source, stdin) as stream:
                summary.files.append(
                    _ingest_one(
                        acting, source, LogReader(open_log(stream)), plan, log_format, site_hosts, batch_bytes,
                        worker_count, run_total, summary, on_progress, accept_unmatched=accept_unmatched,
                    )
                )  # fmt: skip
        summary.post_days_updated = _recompute_post_days(acting)
    summary.lines, summary.parsed, summary.malformed = run_total.lines, run_total.parsed, run_total.malformed
    summary.malformed_sample, summary.crawlers = run_total.malformed_sample, run_total.crawlers
    summary.other_sites = run_total.other_sites
    summary.other_hosts = sorted(run_total.other_hosts, key=lambda host: (-run_total.other_hosts[host], host))
    summary.unique_visitors = len(run_total.visitor_keys)
    summary.unmatched_sample = run_total.unmatched_sample
    firsts = [file.first_view for file in summary.files if file.first_view is not None]
    lasts = [file.last_view for file in summary.files if file.last_view is not None]
    summary.first_day = utc_day(min(firsts)) if firsts else None
    summary.last_day = utc_day(max(lasts)) if lasts else None
    summary.warnings = _warnings(summary, plan)
    if site_hosts is not None and any(file.other_sites and not file.site_seen for file in summary.files):
        summary.warnings += [
            f"{text}; the logs read now are counted and are not read again"
            for text in PostFinder(plan, site_hosts).other_sites(run_total.other_hosts, total=run_total.other_sites)
        ]
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _site_hosts(plan: AddressPlan, log_format: LogFormat) -> frozenset[str] | None:
    """The virtual hosts whose lines count (my site's URL, custom domain and subdomain, and the hosts of my
    imported posts' kept addresses, as the CSV imports take a URL); None for a format without hosts.

    A site with no address known is refused: every line would be another site's, and a counted log is not read again.
    """
    if log_format not in VHOST_FORMATS:
        return None
    hosts = plan.own_hosts | plan.former_hosts
    if not hosts:
        raise InvalidInput(
            f"--format {log_format}: your site's address is not known, so its lines cannot be told from other"
            " sites': set it first (blogster site settings set custom-domain HOST, or url URL)"
        )
    return hosts


def _take_lock(acting: ActingUser, stack: ExitStack, wait_s: float) -> None:
    """Hold my ingest lock until `stack` closes, waiting up to `wait_s` for a run that holds it."""
    wait_ms = max(1, int(wait_s * 1000))
    lock_conn = stack.enter_context(
        separate_unit_of_work(replace(acting, timeouts=Timeouts(statement_ms=wait_ms + 1000, lock_ms=wait_ms)))
    )
    try:
        analytics_rows.take_ingest_lock(lock_conn)
    except Conflict:
        raise Conflict(f"another analytics ingest of your account is still running after {wait_s:g} s") from None


@contextmanager
def _opened(source: str, stdin: BinaryIO | None) -> Iterator[BinaryIO]:
    if source == STDIN:
        if stdin is None:
            raise InvalidInput("'-' reads standard input, which is not available here")
        yield stdin
        return
    try:
        with open(source, "rb") as stream:
            yield stream
    except OSError as exc:
        raise InvalidInput(f"cannot read {source}: {exc.strerror}") from None


def _parsed_batches(
    reader: LogReader, batch_bytes: int, whole: Callable[[bytes], bool], log_format: LogFormat, plan: AddressPlan,
    site_hosts: frozenset[str] | None, workers: int,
) -> Generator[tuple[Batch, ChunkResult]]:  # fmt: skip
    """Each new batch of the log with its parsed lines, in order.

    A batch of PARALLEL_MIN_BYTES or more is split over `workers` processes (services/parallel),
    which parse the next batches while the caller stores this one; a log whose first batch is
    smaller, or whose new part is one batch, is parsed here, without starting a process: starting
    them (~0.2 s) costs more than they save on one batch, which this process parses at ~50 MiB/s.
    """
    pending = batches(reader, batch_bytes, whole)
    first = next(pending, None)
    if first is None:
        return
    if len(first.data) < PARALLEL_MIN_BYTES or not _goes_on(reader):
        workers = 1
    parts_of: deque[tuple[Batch, int]] = deque()

    def tasks() -> Iterator[list[StoreTask]]:
        for batch in chain([first], pending):
            parts = split_lines(batch.data, workers if len(batch.data) >= PARALLEL_MIN_BYTES else 1)
            parts_of.append((batch, len(parts)))
            for part in parts:
                yield [(part, log_format, plan.matcher, plan.own_hosts, plan.post_ids, site_hosts)]

    parsed = parallel_map(store_blocks, tasks(), workers=workers, preload=[store_blocks.__module__])
    for _, results in parsed:
        batch, count = parts_of.popleft()
        for _ in range(count - 1):
            results = results + next(parsed)[1]
        yield batch, merge(results)


def _goes_on(reader: LogReader) -> bool:
    """Whether the log has bytes after those read: a byte peeked, not read (a log that cannot be read
    on goes on: its error comes in its turn, after the batches before it)."""
    try:
        return bool(reader.peek(1))
    except (OSError, EOFError):
        return True


def _ingest_one(
    acting: ActingUser, name: str, reader: LogReader, plan: AddressPlan, log_format: LogFormat,
    site_hosts: frozenset[str] | None, batch_bytes: int, workers: int, run_total: ChunkResult,
    summary: IngestSummary, on_progress: Callable[[int], None], *, accept_unmatched: bool,
) -> IngestedFile:  # fmt: skip
    """Skip what was counted of this log, then count the rest batch by batch (a new log's first batches held
    back until one of its page views is on a post: `_unmatched_refusal`)."""

    whole = _parses_as(log_format)
    try:
        keys = reader.file_keys([_parses_as(each_format) for each_format in LogFormat])
    except (OSError, EOFError) as exc:
        raise InvalidInput(f"cannot read {name}: {exc}") from None
    if keys is None:
        return IngestedFile(name, Known.NEW)
    try:
        file_key, known, same_lines = _skip_counted(acting, reader, keys)
        on_progress(reader.offset)
        ingested = IngestedFile(name, known, same_opening_lines=same_lines if known is Known.NEW else 0)
        if known in (Known.COUNTED, Known.DIFFERS):
            return ingested
        ingested.refused = _format_refusal(name, reader, log_format, new_log=known is Known.NEW)
        if ingested.refused is None and site_hosts is not None and known is Known.NEW and not plan.address_set:
            ingested.refused = _site_refusal(name, reader, log_format, PostFinder(plan, site_hosts))
        if ingested.refused is not None:
            ingested.same_opening_lines = 0
            return ingested
        if site_hosts is not None and known is Known.RESUMED:
            with unit_of_work(acting) as conn:
                ingested.site_seen = analytics_rows.log_has_views(conn, file_key=file_key)

        def store(batch: Batch, result: ChunkResult) -> None:
            # Before the batch is marked counted: a crash in between applies them again, which
            # changes nothing (each reader counts once), rather than never.
            summary.newsletter_hits += _newsletter_engagement(acting, batch.data)
            summary.newsletter_unsubscribes += _newsletter_unsubscribes(acting, batch.data)
            with unit_of_work(acting) as conn:
                analytics_rows.record_batch(
                    conn, file_key=file_key, batch=batch, lines=result.lines, views=result.stored
                )
                if result.beacons:  # in the batch's transaction: counted once, with the batch
                    starts, completions = analytics_rows.add_participation(conn, beacons=result.beacons)
                    summary.interactive_starts += starts
                    summary.interactive_completions += completions
            _add(run_total, result)
            summary.page_views += sum(part.views for part in result.stored)
            summary.matched += sum(part.matched for part in result.stored)
            ingested.new_bytes += batch.end - batch.start
            ingested.new_lines += result.lines
            ingested.other_sites += result.other_sites
            ingested.site_seen = ingested.site_seen or any(part.views for part in result.stored)
            moments = [ingested.first_view, ingested.last_view] + [
                moment for part in result.stored for moment in (part.first, part.last)
            ]
            known_moments = [moment for moment in moments if moment is not None]
            ingested.first_view, ingested.last_view = min(known_moments, default=None), max(known_moments, default=None)
            on_progress(batch.end - batch.start)

        # Uncommitted until released: a run killed meanwhile recorded nothing of the log, as a refused one.
        judged = known is Known.NEW and not accept_unmatched and not summary.matched
        held: list[tuple[Batch, ChunkResult]] | None = [] if judged else None
        with closing(_parsed_batches(reader, batch_bytes, whole, log_format, plan, site_hosts, workers)) as parsed:
            for batch, result in parsed:
                if held is None:
                    store(batch, result)
                    continue
                held.append((batch, result))
                if any(part.matched for part in result.stored):  # the first on a post: those held are counted
                    pass
                elif held[-1][0].end - held[0][0].start < UNMATCHED_PROBE_BYTES:
                    continue
                elif refusal := _unmatched_refusal(name, held, plan, whole_log=False):
                    ingested.refused, ingested.same_opening_lines = refusal, 0
                    return ingested
                for each_batch, each_result in held:
                    store(each_batch, each_result)
                held = None
        if held and (refusal := _unmatched_refusal(name, held, plan, whole_log=True)):
            ingested.refused, ingested.same_opening_lines = refusal, 0
            return ingested
        for each_batch, each_result in held or []:
            store(each_batch, each_result)
    except (OSError, EOFError) as exc:  # a truncated or corrupt .gz: what was committed stays counted
        raise InvalidInput(f"cannot read {name}: {exc}") from None
    if ingested.known == Known.RESUMED and not ingested.new_bytes:
        ingested.known = Known.COUNTED
    ingested.ended_early = reader.ended_early
    return ingested


def _parses_as(log_format: LogFormat) -> Callable[[bytes], bool]:
    """Whether a line of the log (bytes) is a request in `log_format`."""

    def parses(line: bytes) -> bool:
        return parse_line(line.decode("utf-8", errors="replace"), log_format) is not None

    return parses


def _skip_counted(acting: ActingUser, reader: LogReader, keys: FileKeys) -> tuple[str, Known, int]:
    """The key to record the log's new batches under, how it relates to what was counted, and, for a new
    log, how many of its first lines are those of a counted log: read past the ranges of the first of its
    keys whose ranges its bytes match (a log stays under the key it was first recorded by).

    A log whose bytes differ from those recorded under its current key is another log that opens the
    same way (two sites' logs that both begin with one visitor's request): it is known by the key
    `skip_counted` names it by, looked up in turn, and counted from its first byte as a new log under
    the last of them when none matches. Under an earlier key form, another log's bytes only mean that
    the log is not that one (new logs get current keys). The bytes compared are put back for that, up
    to PUT_BACK_BYTES (more: refused, as before).
    """
    with unit_of_work(acting) as conn:
        counted_by_key = analytics_rows.counted_ranges(conn, file_keys=keys.all())
    new_key = keys.current
    same_lines = 0
    for file_key in keys.all():
        on_current = file_key == keys.current
        counted = counted_by_key.get(file_key)
        while counted:
            skipped = skip_counted(reader, counted, put_back_limit=PUT_BACK_BYTES)
            if skipped.known is not Known.DIFFERS:
                return file_key, skipped.known, 0
            if skipped.other_key is None or skipped.other_key == file_key:  # the latter: a ledger row not ours
                return file_key, Known.DIFFERS, 0
            if not on_current:
                break
            file_key = new_key = skipped.other_key
            same_lines = max(same_lines, skipped.same_lines, 1)  # its key's line at least: the key matched
            with unit_of_work(acting) as conn:
                counted = analytics_rows.counted_ranges(conn, file_keys=[file_key]).get(file_key)
    return new_key, Known.NEW, same_lines


def _format_refusal(name: str, reader: LogReader, log_format: LogFormat, *, new_log: bool) -> str | None:
    """Why the new part of the log (a new log, or what follows its counted part) is not counted, or None.

    It is refused, nothing of it recorded, when none of the lines in its first FORMAT_PROBE_BYTES (all
    of it, when shorter) is a request in `log_format`, and either
    - another format reads one of them: the wrong `--format`. Once recorded as counted, a log is never
      read again, so its requests could never be counted in the right format; or
    - the log is new: a file in no format `--format` takes (an error log, a custom format), which no
      later run could count either once recorded.
    What follows a counted part and that no format reads is counted, as malformed lines: a log read in
    that format before whose new lines are only scanners' junk (a TLS handshake sent to port 80). A
    rotated copy that ends with such lines must not be refused on every run.

    A real log has some malformed lines, which never decide alone: one line of the head that parses is
    enough, and a megabyte of lines (thousands of requests) none of which parses is no log in that
    format. A line the log ends on without its newline is judged only when some format reads it (else
    the server may still be writing it); a head without a complete line (one line over a megabyte) is
    not judged. The probe reads up to the first line that parses: in the chosen format, one line.
    """
    head = reader.peek(FORMAT_PROBE_BYTES)
    whole = len(head) < FORMAT_PROBE_BYTES
    check = check_format(_head_lines(head, whole=whole), log_format)
    if check.parses or not check.lines or (check.looks_like is None and not new_log):
        return None
    noun = "line" if new_log else "new line"
    if check.lines == 1:
        what = f"its {'only' if whole else 'first'} {noun} is not a {log_format} request"
    else:
        what = f"none of its {'' if whole else 'first '}{plural(check.lines, noun)} is a {log_format} request"
    if check.looks_like is not None:
        how = f"{'it looks' if check.lines == 1 else 'they look'} like {check.looks_like}: try --format {check.looks_like}"
    else:
        others = ", ".join(other.value for other in LogFormat if other is not log_format)
        how = f"nor one in the other formats --format takes ({others}); it begins {check.first[:80]!r}"
    return f"{name}: {what} (--format {log_format}); {how}; nothing of it was counted"


def _site_refusal(name: str, reader: LogReader, log_format: LogFormat, finder: PostFinder) -> str | None:
    """Why a new virtual-host log is not counted while my site's address (custom domain or url) is not set,
    or None: none of the requests in its first FORMAT_PROBE_BYTES is for my site's hosts (my subdomain, my
    imported posts' old hosts). Counted, every line would be skipped as another site's and the log never
    read again; refused, nothing of it is recorded, and once the address is set the same log is
    counted whole. A site whose address is set is not refused (its lines may be few in a busy shared log,
    h254): a warning names the other sites instead.
    """
    head = reader.peek(FORMAT_PROBE_BYTES)
    whole = len(head) < FORMAT_PROBE_BYTES
    hosts: Counter[str] = Counter()
    for text in _head_lines(head, whole=whole):
        request = parse_line(text, log_format)
        if request is None:
            continue
        if request.vhost in finder.hosts:
            return None
        hosts[request.vhost[:HOST_CHARS]] += 1
    if not hosts:
        return None
    ordered = sorted(hosts, key=lambda host: (-hosts[host], host))
    shown = ", ".join(shortened(host, 80) for host in ordered[:3]) + (", ..." if len(ordered) > 3 else "")
    mine = ", ".join(sorted(finder.hosts)) or "not known"
    claimable = next((host for host in ordered if finder.claimable(host)), "HOST")
    count = plural(sum(hosts.values()), "request")
    return (
        f"{name}: none of its {'' if whole else 'first '}{count} is for your site ({shortened(mine, 120)}):"
        f" they are for {shown}, and your site's address is not set; set it first (blogster site settings set"
        f" custom-domain {shortened(claimable, 80)}, or url URL); nothing of it was counted"
    )


def _unmatched_refusal(
    name: str, held: Sequence[tuple[Batch, ChunkResult]], plan: AddressPlan, *, whole_log: bool
) -> str | None:
    """Why a new log is not counted, or None: it has page views (in its first UNMATCHED_PROBE_BYTES, all of
    it when `whole_log`), none of them on one of my posts and some not on the home page (`unmatched_sample`:
    views of the home page alone say nothing of the paths). Counted, its views would stay on no post and the
    log would never be read again; refused, nothing of it is recorded, and the same log is counted once
    --map gives my posts' paths (or the posts exist). --accept-unmatched counts it as it is."""
    views = sum(part.views for _, result in held for part in result.stored)
    paths: list[str] = []
    for _, result in held:
        paths += [path for path in result.unmatched_sample if path not in paths]
    if not paths or any(part.matched for _, result in held for part in result.stored):
        return None
    examples, slugs = _on_no_post(paths[:MALFORMED_SAMPLE_SIZE], plan)
    first = "" if whole_log else "first "
    posts = "one of your posts" if plan.post_ids or slugs else "a post: you have no post with a slug yet"
    advice = (
        "create or import those posts first, or give --map '/prefix/{slug}' if these are not your posts' paths"
        if slugs
        else "create the posts, give --map '/prefix/{slug}' if their paths are not your permalink pattern"
    )
    return (
        f"{name}: none of its {first}{plural(views, 'page view')} is on {posts}{examples}; nothing of it was"
        f" counted: {advice}, and ingest it again (--accept-unmatched counts it as it is, never to be read again)"
    )


def _on_no_post(paths: Sequence[str], plan: AddressPlan) -> tuple[str, bool]:
    """A few paths of views on no post, as shown in a message, and whether some of them fit my posts' pattern:
    those name a slug I have no post with (yet), which the message names, as a path of other addresses is not."""
    slugs = list(dict.fromkeys(slug for path in paths if (slug := plan.matcher.slug_for(path)) is not None))
    shown = ", ".join(repr(shortened(path, 80)) for path in paths)
    if not slugs:
        return f" (paths such as {shown})", False
    names = ", ".join(repr(shortened(slug, 80)) for slug in slugs)
    which = "the slug" if len(slugs) == 1 else "any of the slugs"
    return f" (paths such as {shown}; you have no post with {which} {names})", True


def _head_lines(head: bytes, *, whole: bool) -> Iterator[str]:
    """The lines of a log's head, one at a time (cut at newlines only, as `log_lines` cuts): each complete
    line, then the one the log ends on without its newline when it is all of the log and some format reads it."""
    start = 0
    while (newline := head.find(b"\n", start)) >= 0:
        yield head[start:newline].decode("utf-8", errors="replace")
        start = newline + 1
    tail = head[start:].decode("utf-8", errors="replace")
    if whole and tail.strip() and any(parse_line(tail, other) for other in LogFormat):
        yield tail


def _warnings(summary: IngestSummary, plan: AddressPlan) -> list[str]:
    """The run's `warning:` lines: a log counted whole that may be one counted before, views on no post."""
    warnings = [
        f"{file.name}: its first {_lines_are(file.same_opening_lines)} of a log counted before, a later one"
        " differs: counted as another log from its first line (if it is that log rewritten, as when addresses"
        " are anonymised, its requests are now counted twice)"
        for file in summary.files
        if file.same_opening_lines and file.refused is None
    ]
    if plan.post_ids and summary.page_views and not summary.matched:
        examples, slugs = _on_no_post(summary.unmatched_sample, plan) if summary.unmatched_sample else ("", False)
        advice = (
            "create or import those posts before the next log (or give --map PATTERN if these are not your"
            " posts' paths)"
            if slugs
            else "if your posts' addresses are not your permalink pattern, give --map PATTERN from the next log on"
        )
        warnings.append(
            f"none of the {plural(summary.page_views, 'page view')} read is on one of your posts{examples}:"
            f" {advice}; the logs read now are counted and are not read again"
        )
    return warnings


def _lines_are(count: int) -> str:
    return "line is that" if count == 1 else f"{count} lines are those"


def _newsletter_engagement(acting: ActingUser, data: bytes) -> int:
    """The newsletter tracking requests in `data`, recorded as `newsletter stats --from-log` does."""
    if b"nl=" not in data:
        return 0
    from blogster_cli.distribution.newsletter import TRACKED_REQUEST
    from blogster_cli.services import newsletters

    lines = [line for line in _log_lines(data) if "nl=" in line and TRACKED_REQUEST.search(line)]
    if lines:
        newsletters.record_engagement(acting, log_lines=lines)
    return len(lines)


def _newsletter_unsubscribes(acting: ActingUser, data: bytes) -> int:
    """The unsubscribe-link requests in `data`, recorded as `newsletter unsubscribe --from-log` does."""
    from blogster_cli.distribution.newsletter import UNSUBSCRIBE_PATH

    marker = UNSUBSCRIBE_PATH.encode()
    if marker not in data:
        return 0
    from blogster_cli.services import newsletters

    lines = [line for line in _log_lines(data) if UNSUBSCRIBE_PATH in line]
    return newsletters.unsubscribe_from_log(acting, log_lines=lines)


def _log_lines(data: bytes) -> list[str]:
    return log_lines(data.decode("utf-8", errors="replace"))


def _add(total: ChunkResult, part: ChunkResult) -> None:
    """Fold a batch's counters into the run's (its page views are stored, not kept)."""
    total.lines += part.lines
    total.parsed += part.parsed
    total.malformed += part.malformed
    total.crawlers += part.crawlers
    total.other_sites += part.other_sites
    add_other_hosts(total.other_hosts, part.other_hosts)
    total.malformed_sample.extend(part.malformed_sample[: MALFORMED_SAMPLE_SIZE - len(total.malformed_sample)])
    for path in part.unmatched_sample:
        if len(total.unmatched_sample) < MALFORMED_SAMPLE_SIZE and path not in total.unmatched_sample:
            total.unmatched_sample.append(path)
    total.visitor_keys.update(part.visitor_keys)


def _recompute_post_days(acting: ActingUser) -> int:
    """blog_analytics and the site's daily visitors for the days of the views of batches not summarised
    yet (this run's or a killed run's), and the day either side; returns the post-days whose figures changed.

    Visits are rebuilt from the stored views a day either side, so a visit crossing midnight or a batch
    border counts the same as if the log had been read at once. A new view changes the figures of its
    visit's previous view (time on page, bounce) and next one (landing), which may be the day before or
    after; other days are left as they are.
    """
    with unit_of_work(acting) as conn:
        span = analytics_rows.unsummarised_span(conn)
        if span is None:
            analytics_rows.mark_summarised(conn)
            return 0
        first_day, last_day = utc_day(int(span[0].timestamp())), utc_day(int(span[1].timestamp())) + timedelta(days=1)
        since, until = _midnight(first_day, -1), _midnight(last_day, 2)
        at_most = analytics_rows.views_at_most(conn, since=since, until=until)
    in_memory = at_most <= IN_MEMORY_VIEWS
    if not in_memory:  # the database sorts them all before the first row: long work, given the time it takes
        statement_ms = max(acting.timeouts.statement_ms, at_most // STREAMED_VIEWS_PER_MS)
        acting = replace(acting, timeouts=replace(acting.timeouts, statement_ms=statement_ms))
    with unit_of_work(acting) as conn, collector_paused():
        # A stored post id is no foreign key (0046): one that is not (or no longer) my post's counts for none.
        own_posts = analytics_rows.own_post_ids(conn)
        if in_memory:
            views, new_days = analytics_rows.page_views_between(conn, since=since, until=until)
            by_post, by_site = post_days(views), site_days(views, own_posts)
        else:
            by_post, by_site, new_days = _streamed_days(conn, since, until, own_posts)
        days = {utc_day((day + shift) * 86400) for day in new_days for shift in (-1, 0, 1)}
        changed = analytics_rows.save_post_days(
            conn, post_days=[day for day in by_post if day.day in days and day.slug in own_posts]
        )
        # The site's visitors of those days, each once whatever the posts they read (0109): from every
        # stored view, so a visitor of an earlier run, file or batch is not counted again.
        analytics_rows.save_site_days(conn, visitors={day: count for day, count in by_site.items() if day in days})
        analytics_rows.mark_summarised(conn)
    return changed


def _streamed_days(
    conn: Connection, since: datetime, until: datetime, own_posts: set[str]
) -> tuple[list[PostDay], dict[date, int], set[int]]:
    """The post-days, site days and new days (epoch days) of my views in [since, until), folded as the
    database streams them visitor by visitor: memory holds the figures, not the views."""
    visitors = SiteVisitors(own_posts)
    new_days: set[int] = set()

    def passing(rows: Iterator[tuple[PageView, bool]]) -> Iterator[PageView]:
        for view, new in rows:
            if new:
                new_days.add(view[1] // 86400)
            visitors.add(view)
            yield view

    by_post = visitor_ordered_post_days(passing(analytics_rows.views_by_visitor(conn, since=since, until=until)))
    return by_post, visitors.per_day(), new_days


def _midnight(day: date, shift_days: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=shift_days)
