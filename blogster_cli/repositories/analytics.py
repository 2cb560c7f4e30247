"""Access-log analytics storage: the ingest ledger with its page views, the ingest lock, blog_analytics,
the widgets' starts and completions (interactive_content, in the transaction of the batch that holds them).

psycopg, not SQLModel: a batch writes tens of thousands of page views in one value. The author
filters below are the meaning (my site); RLS is the security.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.repositories.site import ADDRESS_FIELDS, FRONT_MATTER_FIELDS, readable_documents

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.analytics.aggregate import PageView, PostDay, StoredViews
    from blogster_cli.analytics.ledger import Batch, CountedRange


@dataclass(frozen=True)
class PostAddress:
    """A post's slug, its publication time, and what holds its imported URL and aliases
    (`site.ADDRESS_FIELDS`) and its former addresses (`former_addresses`, migration 0203)."""

    id: UUID
    slug: str
    published_at: datetime | None
    document: dict[str, Any]
    published: bool
    """On my site: published (not a draft nor scheduled) with a publication time, as `site build` reads
    posts (`site.published_own`)."""


def own_post_addresses(conn: psycopg.Connection) -> list[PostAddress]:
    """The documents read as text (`site.readable_documents`): a value Python cannot read, written by
    the account's own SQL, is left out of its post's rather than ending the query with every post in it."""
    rows = conn.execute(
        f"select b.id, b.slug, b.published_at,"
        f" jsonb_build_object({ADDRESS_FIELDS}, 'former_addresses', b.former_addresses)::text,"
        " b.status = 'published' and b.published_at is not null"
        f" from public.blogs b, {FRONT_MATTER_FIELDS}"
        " where b.author_id = auth.uid() and b.deleted_at is null and b.slug is not null"
    ).fetchall()
    documents, _ = readable_documents([(str(post_id), text) for post_id, _, _, text, _ in rows])
    return [
        PostAddress(post_id, slug, published_at, documents[str(post_id)], on_site)
        for post_id, slug, published_at, _, on_site in rows
    ]


def own_post_ids(conn: psycopg.Connection) -> set[str]:
    """The ids (text) of my posts, deleted or not: those a stored page view may count for."""
    return {row[0] for row in conn.execute("select id::text from public.blogs where author_id = auth.uid()")}


def take_ingest_lock(conn: psycopg.Connection) -> None:
    """Lock my ingest row until this transaction ends (waits while another run holds it)."""
    conn.execute(
        "insert into public.analytics_ingest_locks as l default values"
        " on conflict (author_id) do update set locked_at = now()"
    )


def counted_ranges(conn: psycopg.Connection, *, file_keys: Sequence[str]) -> dict[str, list[CountedRange]]:
    """My counted ranges of the logs recorded under any of `file_keys`, by key, in offset order.

    A range's line digests come only when they are as many as a range keeps now (`ledger.line_digest_limit`):
    earlier releases kept one for each line, blank ones too, and a batch of blank lines held 64 MiB of them,
    all read on every run of that log. Such a range is checked whole, as one recorded before line digests.
    """
    from blogster_cli.analytics.ledger import BYTES_PER_LINE_DIGEST, FEWEST_LINE_DIGESTS, LINE_DIGEST_SIZE, CountedRange

    rows = conn.execute(
        "select file_key, start_offset, end_offset, range_hash,"
        "  case when octet_length(line_digests) <= %s * greatest(%s, (end_offset - start_offset) / %s)"
        "    then line_digests end"
        " from public.analytics_ingest_ranges"
        " where author_id = (select auth.uid()) and file_key = any(%s) order by file_key, start_offset",
        (LINE_DIGEST_SIZE, FEWEST_LINE_DIGESTS, BYTES_PER_LINE_DIGEST, list(file_keys)),
    ).fetchall()
    by_key: dict[str, list[CountedRange]] = {}
    for file_key, *counted_range in rows:
        by_key.setdefault(file_key, []).append(CountedRange(*counted_range))
    return by_key


def log_has_views(conn: psycopg.Connection, *, file_key: str) -> bool:
    """Whether a counted batch of my log recorded under `file_key` holds a page view (`analytics ingest`
    warns about a shared log's other sites only while none does)."""
    row = conn.execute(
        "select exists (select from public.analytics_ingest_ranges"
        " where author_id = (select auth.uid()) and file_key = %s and views is not null)",
        (file_key,),
    ).fetchone()
    return bool(row and row[0])


def record_batch(
    conn: psycopg.Connection, *, file_key: str, batch: Batch, lines: int, views: Sequence[StoredViews]
) -> None:
    """A batch's ledger row with its page views: what makes the batch counted, in one insert.

    The views travel in the row as one text (0046, analytics.aggregate.pack_views): a row per
    view cost two foreign-key checks, three index entries and an RLS check per request.
    """
    text = "\n".join(part.text for part in views if part.views)
    firsts = [part.first for part in views if part.first is not None]
    lasts = [part.last for part in views if part.last is not None]
    conn.execute(
        "insert into public.analytics_ingest_ranges"
        " (file_key, start_offset, end_offset, range_hash, line_digests, lines, first_view, last_view, views)"
        " values (%s, %s, %s, %s, %s, %s, to_timestamp(%s), to_timestamp(%s), %s)",
        (
            file_key, batch.start, batch.end, batch.digest, batch.line_digests, lines, min(firsts, default=None),
            max(lasts, default=None), text or None,
        ),
    )  # fmt: skip


def add_participation(conn: psycopg.Connection, *, beacons: Mapping[tuple[str, str], int]) -> tuple[int, int]:
    """Add a batch's widget requests, by (tracking id, "start" or "complete"), to my interactive content of
    those tracking ids; returns the starts and completions added (those of other ids count for nothing).

    Run in the transaction that records the batch (`record_batch`): counted once, with it. The rate is
    recomputed from the two counts (0133), at most 1.
    """
    ids = sorted({tracking_id for tracking_id, _ in beacons})
    starts = [beacons.get((tracking_id, "start"), 0) for tracking_id in ids]
    completions = [beacons.get((tracking_id, "complete"), 0) for tracking_id in ids]
    row = conn.execute(
        "with added as (update public.interactive_content i"
        "   set participation_count = i.participation_count + c.starts,"
        "       completion_count = i.completion_count + c.completions,"
        "       completion_rate = case when i.participation_count + c.starts > 0 then"
        "         least(1.0, (i.completion_count + c.completions)::float8 / (i.participation_count + c.starts)) end"
        "  from unnest(%s::text[], %s::int[], %s::int[]) as c(tracking_id, starts, completions)"
        " where i.user_id = (select auth.uid()) and i.tracking_id = c.tracking_id"
        " returning c.starts, c.completions)"
        " select coalesce(sum(starts), 0)::bigint, coalesce(sum(completions), 0)::bigint from added",
        (ids, starts, completions),
    ).fetchone()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def unsummarised_span(conn: psycopg.Connection) -> tuple[datetime, datetime] | None:
    """First and last page view of the counted batches whose days were not recomputed yet."""
    row = conn.execute(
        "select min(first_view), max(last_view) from public.analytics_ingest_ranges"
        " where author_id = (select auth.uid()) and not summarised"
    ).fetchone()
    return None if row is None or row[0] is None else (row[0], row[1])


def views_at_most(conn: psycopg.Connection, *, since: datetime, until: datetime) -> int:
    """An upper bound of my stored page views in [since, until), read without reading them: the log
    lines of the batches overlapping the window (a line is at most one view) and the views stored one a row."""
    row = conn.execute(
        "select coalesce((select sum(lines) from public.analytics_ingest_ranges where author_id = (select auth.uid())"
        "   and views is not null and first_view < %(until)s and last_view >= %(since)s), 0)"
        " + (select count(*) from public.analytics_page_views where author_id = (select auth.uid())"
        "   and viewed_at >= %(since)s and viewed_at < %(until)s)",
        {"since": since, "until": until},
    ).fetchone()
    return 0 if row is None else int(row[0])


def page_views_between(
    conn: psycopg.Connection, *, since: datetime, until: datetime
) -> tuple[list[PageView], set[int]]:
    """My stored page views in [since, until), shaped for analytics.aggregate.post_days, and the
    days (epoch days) of those in batches not summarised yet (new).

    Split in Python, held as a list (a post id, referrer or device text is held once, however many
    views carry it): faster than the database's sorted stream (`views_by_visitor`), for as many
    views as the caller can hold (`views_at_most` tells before). Those of the batches whose views
    overlap the window (0046), then those stored one a row before.
    """
    first, last = int(since.timestamp()), int(until.timestamp())
    views: list[PageView] = []
    new_days: set[int] = set()
    texts: dict[str, str] = {}
    with conn.cursor() as cursor:
        cursor.execute(
            "select views, not summarised from public.analytics_ingest_ranges where author_id = (select auth.uid())"
            " and views is not null and first_view < %s and last_view >= %s order by created_at, file_key, start_offset",
            (until, since),
        )
        for text, new in cursor:
            start = len(views)
            views.extend(_unpacked(text, first, last, texts))
            if new:
                new_days.update(view[1] // 86400 for view in views[start:])
        cursor.execute(
            "select visitor, extract(epoch from viewed_at)::bigint, blog_id::text, coalesce(referrer, ''), device"
            " from public.analytics_page_views"
            " where author_id = (select auth.uid()) and viewed_at >= %s and viewed_at < %s",
            (since, until),
        )
        views.extend(cursor.fetchall())
    return views, new_days


def _unpacked(text: str, first: int, last: int, texts: dict[str, str]) -> Iterator[PageView]:
    """The views of a batch's text (analytics.aggregate.pack_views) in [first, last) epoch seconds; bad
    rows skipped. Each post id, referrer and device is the one str of `texts` that has its value."""
    for row in text.split("\n"):
        fields = row.split("\t")
        if len(fields) != 5:
            continue
        blog_id, visitor, moment, referrer, device = fields
        try:
            seconds = int(moment)
            key = int(visitor)
        except ValueError:
            continue
        if first <= seconds < last:
            post = texts.setdefault(blog_id, blog_id) if blog_id else None
            yield key, seconds, post, texts.setdefault(referrer, referrer), texts.setdefault(device, device) or None


# A stored view line (analytics.aggregate.pack_views) is split once (offset 0 keeps the split from being
# inlined into each use); a line whose visitor or second is not a bigint is skipped, as is any other.
_INTEGER = "'^-?[0-9]{1,19}$'"
_BIGINT = "between -9223372036854775808 and 9223372036854775807"
_VIEWS_BY_VISITOR = f"""
select visitor, moment, post, referrer, device, new from (
  select g.number[1]::bigint as visitor, g.number[2]::bigint as moment, nullif(f.part[1], '') as post, f.part[4] as referrer,
         nullif(f.part[5], '') as device, r.new, r.batch, l.n
    from (select views, not summarised as new, row_number() over (order by created_at, file_key, start_offset) as batch
            from public.analytics_ingest_ranges
           where author_id = (select auth.uid()) and views is not null
             and first_view < %(until)s and last_view >= %(since)s) r,
         string_to_table(r.views, E'\\n') with ordinality l(line, n),
         lateral (select string_to_array(l.line, E'\\t') as part offset 0) f,
         lateral (select case when cardinality(f.part) = 5 and f.part[2] ~ {_INTEGER} and f.part[3] ~ {_INTEGER}
                  then array[f.part[2]::numeric, f.part[3]::numeric] end as number offset 0) g
   where g.number[1] {_BIGINT} and g.number[2] {_BIGINT}
  union all
  select visitor, extract(epoch from viewed_at)::bigint, blog_id::text, coalesce(referrer, ''), device, false, null, null
    from public.analytics_page_views
   where author_id = (select auth.uid()) and viewed_at >= %(since)s and viewed_at < %(until)s
) v
where moment >= %(first)s and moment < %(last)s and (post is not null or not %(posts_only)s)
order by visitor, moment, batch nulls last, n
"""


def views_by_visitor(
    conn: psycopg.Connection, *, since: datetime, until: datetime, posts_only: bool = False
) -> Iterator[tuple[PageView, bool]]:
    """My stored page views in [since, until), visitor by visitor and each visitor's in time order, with
    whether a batch not summarised yet holds it (it is new); with `posts_only`, those on a post alone
    (a view of a page that is no post, such as the home page, counts in no post's views).

    Sorted and streamed by the database (a server-side cursor), so memory does not grow with the views:
    analytics.aggregate folds them one at a time. Views of one second keep the order they were counted in.
    Those of the batches whose views overlap the window (0046), then those stored one a row before.
    """
    window = {
        "since": since, "until": until, "first": int(since.timestamp()), "last": int(until.timestamp()),
        "posts_only": posts_only,
    }  # fmt: skip
    with conn.cursor(name="views_by_visitor") as cursor:
        cursor.itersize = 2_000  # two fetches are held at once while the next one arrives
        cursor.execute(_VIEWS_BY_VISITOR, window)
        for visitor, moment, post, referrer, device, new in cursor:
            yield (visitor, moment, post, referrer, device), new


def mark_summarised(conn: psycopg.Connection) -> None:
    conn.execute(
        "update public.analytics_ingest_ranges set summarised = true where author_id = (select auth.uid()) and not summarised"
    )


def save_post_days(conn: psycopg.Connection, *, post_days: Sequence[PostDay]) -> int:
    """Upsert per post per day figures; PostDay.slug holds the post's id here (one JSON parameter).

    Returns how many rows were inserted or changed: a recomputed day with the same figures is not written.
    """
    import json

    if not post_days:
        return 0
    rows = [
        {"blog_id": d.slug, "date": d.day.isoformat(), "views": d.views, "unique_visitors": d.unique_visitors,
         "avg_time_on_page": d.avg_time_on_page, "bounce_rate": d.bounce_rate, "referrers": d.referrers,
         "views_by_hour": d.views_by_hour}
        for d in post_days
    ]  # fmt: skip
    return conn.execute(
        "insert into public.blog_analytics"
        " (blog_id, date, views, unique_visitors, avg_time_on_page, bounce_rate, referrers, views_by_hour)"
        " select blog_id, date, views, unique_visitors, avg_time_on_page, bounce_rate, referrers, views_by_hour"
        " from jsonb_to_recordset(%s::jsonb) as r(blog_id uuid, date date, views int, unique_visitors int,"
        " avg_time_on_page float8, bounce_rate float8, referrers jsonb, views_by_hour int[])"
        " on conflict (blog_id, date) do update set views = excluded.views,"
        " unique_visitors = excluded.unique_visitors, avg_time_on_page = excluded.avg_time_on_page,"
        " bounce_rate = excluded.bounce_rate, referrers = excluded.referrers, views_by_hour = excluded.views_by_hour"
        " where (blog_analytics.views, blog_analytics.unique_visitors, blog_analytics.avg_time_on_page,"
        " blog_analytics.bounce_rate, blog_analytics.referrers, blog_analytics.views_by_hour) is distinct from"
        " (excluded.views, excluded.unique_visitors, excluded.avg_time_on_page, excluded.bounce_rate,"
        " excluded.referrers, excluded.views_by_hour)",
        (json.dumps(rows),),
    ).rowcount


def save_site_days(conn: psycopg.Connection, *, visitors: Mapping[date, int]) -> None:
    """Upsert my site's unique visitors of these days (0109: each visitor once a day, whatever the posts)."""
    if not visitors:
        return
    days = sorted(visitors)
    conn.execute(
        "insert into public.analytics_daily_visitors (date, unique_visitors)"
        " select * from unnest(%s::date[], %s::int[])"
        " on conflict (author_id, date) do update set unique_visitors = excluded.unique_visitors",
        (days, [visitors[day] for day in days]),
    )


def own_post_days(conn: psycopg.Connection, *, since: date | None = None) -> list[tuple[Any, ...]]:
    """(slug, date, views, unique visitors, avg time on page, bounce rate, referrers) of my posts."""
    return conn.execute(
        "select b.slug, a.date, a.views, a.unique_visitors, a.avg_time_on_page, a.bounce_rate, a.referrers"
        " from public.blog_analytics a join public.blogs b on b.id = a.blog_id"
        " where a.author_id = (select auth.uid()) and (%s::date is null or a.date >= %s::date) order by a.date, b.slug",
        (since, since),
    ).fetchall()


def dashboard_row(conn: psycopg.Connection) -> dict[str, Any]:
    """My row of the dashboard_stats view."""
    with conn.cursor() as cursor:
        cursor.execute("select * from public.dashboard_stats")
        row = cursor.fetchone()
        names = [column.name for column in cursor.description or []]
    return dict(zip(names, row or [None] * len(names), strict=True))


# My days of [since, until] with blog_analytics rows (of one post with `blog`): (date, views, visitors).
# Without `blog` a day's visitors are the site's (0109: each visitor once, however many posts they
# read), never more than the sum of its posts' own (a post deleted for good takes its figures with
# it); a day without a site row (its page views were never stored, e.g. written by hand) shows that sum.
_DAYS = (
    "select a.date, sum(a.views)::bigint as views,"
    " least(coalesce(min(v.unique_visitors), sum(a.unique_visitors)), sum(a.unique_visitors))::bigint as visitors"
    " from public.blog_analytics a left join public.analytics_daily_visitors v"
    "   on %(blog)s::uuid is null and v.author_id = (select auth.uid()) and v.date = a.date"
    " where a.author_id = (select auth.uid()) and a.date between %(since)s and %(until)s"
    " and (%(blog)s::uuid is null or a.blog_id = %(blog)s::uuid)"
    " group by a.date"
)


def latest_view_day(conn: psycopg.Connection, *, blog_id: UUID | None = None) -> date | None:
    """The last day with views of my posts (of one with `blog_id`), or None."""
    row = conn.execute(
        "select max(date) from public.blog_analytics where author_id = (select auth.uid()) and views > 0"
        " and (%(blog)s::uuid is null or blog_id = %(blog)s::uuid)",
        {"blog": blog_id},
    ).fetchone()
    return None if row is None else row[0]


def window_totals(
    conn: psycopg.Connection, *, since: date, until: date, blog_id: UUID | None = None
) -> tuple[Any, ...]:
    """(views, visitors, bounce rate, time on page) of my posts over [since, until], both averages weighted by views.

    Visitors are the sum of each day's (`_DAYS`): a visitor counts once a day, as GoAccess's daily unique visitors.
    """
    row = conn.execute(
        "select coalesce(sum(views), 0)::bigint,"
        f" (select coalesce(sum(d.visitors), 0)::bigint from ({_DAYS}) d),"
        " sum(bounce_rate * views) filter (where bounce_rate is not null)"
        "   / nullif(sum(views) filter (where bounce_rate is not null), 0),"
        " sum(avg_time_on_page * views) filter (where avg_time_on_page is not null)"
        "   / nullif(sum(views) filter (where avg_time_on_page is not null), 0)"
        " from public.blog_analytics where author_id = (select auth.uid()) and date between %(since)s and %(until)s"
        " and (%(blog)s::uuid is null or blog_id = %(blog)s::uuid)",
        {"since": since, "until": until, "blog": blog_id},
    ).fetchone()
    if row is None:  # an aggregate without GROUP BY always returns its one row
        raise RuntimeError("the totals query returned no row")
    return row


def daily_totals(
    conn: psycopg.Connection, *, since: date, until: date, blog_id: UUID | None = None
) -> list[tuple[Any, ...]]:
    """(date, views, visitors) for every day of [since, until], zero where nothing was counted (`_DAYS`)."""
    return conn.execute(
        "select g::date, coalesce(d.views, 0)::bigint, coalesce(d.visitors, 0)::bigint"
        " from generate_series(%(since)s::date, %(until)s::date, interval '1 day') g"
        f" left join ({_DAYS}) d on d.date = g::date"
        " order by g",
        {"since": since, "until": until, "blog": blog_id},
    ).fetchall()


def top_posts(conn: psycopg.Connection, *, since: date, until: date, limit: int) -> list[tuple[Any, ...]]:
    """(slug, title, views, visitors, bounce rate, time on page) of my most viewed posts."""
    return conn.execute(
        "select b.slug, b.title, sum(a.views)::bigint, sum(a.unique_visitors)::bigint,"
        " sum(a.bounce_rate * a.views) filter (where a.bounce_rate is not null)"
        "   / nullif(sum(a.views) filter (where a.bounce_rate is not null), 0),"
        " sum(a.avg_time_on_page * a.views) filter (where a.avg_time_on_page is not null)"
        "   / nullif(sum(a.views) filter (where a.avg_time_on_page is not null), 0)"
        " from public.blog_analytics a join public.blogs b on b.id = a.blog_id"
        " where a.author_id = (select auth.uid()) and a.date between %s and %s"
        " group by b.id, b.slug, b.title order by 3 desc, b.slug limit %s",
        (since, until, limit),
    ).fetchall()


def top_referrers(
    conn: psycopg.Connection,
    *,
    since: date,
    until: date,
    limit: int,
    blog_id: UUID | None = None,
    own_hosts: Collection[str] = (),
) -> list[tuple[Any, ...]]:
    """(domain, views) summed over the referrers of my posts' days, but those of `own_hosts` (my site's
    addresses now: a day counted before I set one holds it as another site)."""
    return conn.execute(
        "select r.key, sum(r.value::bigint)::bigint from public.blog_analytics a, jsonb_each_text(a.referrers) r"
        " where a.author_id = (select auth.uid()) and a.date between %s and %s and (%s::uuid is null or a.blog_id = %s::uuid)"
        " and r.key <> all(%s::text[])"
        " group by r.key order by 2 desc, r.key limit %s",
        (since, until, blog_id, blog_id, sorted(own_hosts), limit),
    ).fetchall()


def freshness_inputs(conn: psycopg.Connection, *, today: date) -> list[tuple[Any, ...]]:
    """(id, slug, title, published_at, last change of its text, views 30 days, views the 30 before) of my
    published posts. The text's last change is its newest revision but the first (0152's trigger writes
    one on each change of the body; the first is the post's creation, or its import: an imported post
    of 2015 was not updated on the day it came in), None when there is none; updated_at moves with any
    change of the row (a tag, a title, the import itself)."""
    return conn.execute(
        "select b.id, b.slug, b.title, b.published_at,"
        " (select max(r.created_at) from public.blog_revisions r where r.blog_id = b.id and r.revision_number > 1),"
        " coalesce(sum(a.views) filter (where a.date between %(today)s::date - 29 and %(today)s::date), 0)::bigint,"
        " coalesce(sum(a.views) filter (where a.date between %(today)s::date - 59 and %(today)s::date - 30), 0)::bigint"
        " from public.blogs b left join public.blog_analytics a on a.blog_id = b.id and a.author_id = (select auth.uid())"
        " where b.author_id = auth.uid() and b.status = 'published' and b.deleted_at is null"
        " group by b.id order by b.slug",
        {"today": today},
    ).fetchall()


def save_freshness(conn: psycopg.Connection, *, rows: Sequence[dict[str, Any]]) -> None:
    """One content_freshness row per post: updated where it exists, inserted otherwise (checked now)."""
    import json

    if not rows:
        return
    payload = json.dumps(rows, default=str)
    columns = (
        "r(blog_id uuid, last_updated timestamptz, freshness_score float8, update_priority public.content_update_priority,"
        " recommended_updates jsonb, traffic_trend float8)"
    )
    conn.execute(
        "update public.content_freshness f set last_updated = r.last_updated, freshness_score = r.freshness_score,"
        " update_priority = r.update_priority, recommended_updates = r.recommended_updates,"
        f" traffic_trend = r.traffic_trend, checked_at = now() from jsonb_to_recordset(%s::jsonb) as {columns}"
        " where f.blog_id = r.blog_id",
        (payload,),
    )
    conn.execute(
        "insert into public.content_freshness (blog_id, last_updated, freshness_score, update_priority,"
        " recommended_updates, traffic_trend, checked_at)"
        " select r.blog_id, r.last_updated, r.freshness_score, r.update_priority, r.recommended_updates,"
        f" r.traffic_trend, now() from jsonb_to_recordset(%s::jsonb) as {columns}"
        " where not exists (select 1 from public.content_freshness f where f.blog_id = r.blog_id)",
        (payload,),
    )
