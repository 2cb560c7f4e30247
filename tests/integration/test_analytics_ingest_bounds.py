"""`analytics ingest` and `audience segments` on bounded memory, a cut-off .gz, and what post_days_updated counts."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from blogster_cli.analytics.aggregate import post_days
from blogster_cli.analytics.audience import segments
from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.services import analytics_ingest
from blogster_cli.services.analytics_ingest import ingest
from blogster_cli.services.audience import refresh_segments
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import figures, line, many_lines, write

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

author = base.author


def test_a_cut_off_gz_counts_its_complete_lines_and_the_whole_file_adds_the_rest(author, superuser, tmp_path):
    lines = many_lines(3000)
    reference, acting = author(), author()
    ingest(reference, sources=[str(write(tmp_path / "all.log", lines))])
    packed = gzip.compress("".join(lines).encode())
    cut = tmp_path / "access.log.1.gz"
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    first = ingest(acting, sources=[str(cut)])
    assert first.files[0].ended_early
    assert 0 < first.lines < len(lines)  # was: "cannot read", and the batch read so far was dropped
    whole = ingest(acting, sources=["-"], stdin=io.BytesIO(packed))
    assert not whole.files[0].ended_early
    assert (whole.files[0].known, first.lines + whole.lines) == ("resumed", len(lines))
    assert figures(superuser, acting) == figures(superuser, reference)


def test_post_days_updated_counts_the_days_this_log_changed(author, tmp_path):
    acting = author()
    ingest(acting, sources=[str(write(tmp_path / "month.log", many_lines(8640)))])  # 30 days x 3 posts
    later = [
        line("10.9.0.1", "10:00:00", "/posts/alpha/", day=15),
        line("10.9.0.1", "10:01:00", "/posts/beta/", day=20),
    ]
    # A two-line log of days 15 and 20: it was 21 (every post-day from the 15th to the 21st rewritten).
    assert ingest(acting, sources=[str(write(tmp_path / "late.log", later))]).post_days_updated == 2


def test_the_database_stream_gives_the_figures_and_segments_of_the_stored_views(author, tmp_path):
    acting = author()
    ingest(acting, sources=[str(write(tmp_path / "a.log", many_lines(2000)))], batch_bytes=20_000)
    with unit_of_work(acting) as conn:
        streamed = [view for view, _new in analytics_rows.views_by_visitor(conn, since=_at(0), until=_at(20))]
    assert len(streamed) == 2000 and [view[0] for view in streamed] == sorted(view[0] for view in streamed)
    shuffled = streamed[1::2] + streamed[::2]
    assert post_days(shuffled) == post_days(streamed)
    assert segments(shuffled) == segments(streamed)


def test_audience_segments_memory_does_not_grow_with_views(author, tmp_path):
    """Before, `audience segments` held every stored view of the period as a tuple, and each
    segment's visits in lists (60,000 views: a peak over 10 MiB; 1.4 million: 872 MB); now the
    database sorts them and they stream, one visitor's at a time. (The ingest's recompute still
    holds the views of the days it recomputes up to `IN_MEMORY_VIEWS`, and streams them above.)"""
    acting = author()
    log = write(tmp_path / "a.log", _recent_lines(60_000))
    ingest(acting, sources=[str(log)], workers=1, batch_bytes=1 << 20)
    refresh_segments(acting, days=1)  # its modules imported before measuring
    tracemalloc.start()
    try:
        found = refresh_segments(acting, days=100)
        segments_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found[0].engagement_metrics["views"] == 36_000  # the views of posts: 3 of the 5 paths (h293 M3)
    assert segments_peak < 10 << 20, f"segments peak {segments_peak >> 20} MiB"


def test_the_recompute_streams_many_views_in_bounded_memory_with_the_same_figures(
    author, superuser, tmp_path, monkeypatch
):
    """Before, the recompute held every view of the days it recomputes as a tuple, however many: a
    2 MB gzip of 6.8 million identical lines took 2.56 GB. Above IN_MEMORY_VIEWS the database sorts
    them and they stream, folded one at a time (here the bound is lowered instead of writing millions)."""
    log = write(tmp_path / "a.log", many_lines(60_000))  # 208 days of 40 visitors, 3 posts
    held, streamed = author(), author()
    recompute, peaks = analytics_ingest._recompute_post_days, {}

    def measured(acting):  # the recompute's own peak: traced from its start only (tracing the parse too took 20 s)
        tracemalloc.start()
        try:
            return recompute(acting)
        finally:
            peaks[acting.actor.user_id] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    monkeypatch.setattr(analytics_ingest, "_recompute_post_days", measured)
    for acting, at_most in ((held, 1_000_000), (streamed, 1_000)):
        monkeypatch.setattr(analytics_ingest, "IN_MEMORY_VIEWS", at_most)
        ingest(acting, sources=[str(log)], workers=1, batch_bytes=1 << 20)
    assert figures(superuser, streamed) == figures(superuser, held) != {}
    assert _site_days(superuser, streamed) == _site_days(superuser, held) != []
    streamed_peak, held_peak = peaks[streamed.actor.user_id], peaks[held.actor.user_id]
    assert streamed_peak < 6 << 20 and streamed_peak * 2 < held_peak, (
        f"peaks {streamed_peak >> 10} and {held_peak >> 10} KiB"
    )


def test_the_run_counts_its_unique_visitors_in_a_few_bytes_each(author, tmp_path):
    """F1 (red team 55): the run's unique visitors were a set of (visitor, day) tuples, about 170 bytes each
    (a 768 MiB log of 5.33 million visitor-days peaked at 1.8 GB; here 141 bytes more a key); now 8 bytes each
    held, about 17 while they are merged (here 29 with the batches' own), counted as exactly.
    The visitors are a crawler's requests over many days (no page view to store): the keys alone grow."""

    def log(name: str, days: int) -> Path:
        start = date(2001, 1, 1)
        lines = [
            f'10.0.0.{visitor} - - [{start + timedelta(days=day):%d/%b/%Y}:10:00:00 +0000] "GET / HTTP/1.1" 200 5'
            f' "-" "{base.GOOGLEBOT}"\n'
            for day in range(days)
            for visitor in range(100)
        ]
        return write(tmp_path / name, lines)

    ingest(
        author(), sources=[str(log("warm.log", 10))], workers=1, accept_unmatched=True
    )  # its modules imported before measuring
    peaks = {}
    for days in (100, 400):
        path = log(f"{days}.log", days)
        tracemalloc.start()
        try:
            summary = ingest(author(), sources=[str(path)], workers=1, batch_bytes=1 << 18, accept_unmatched=True)
            peaks[days] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (summary.unique_visitors, summary.crawlers) == (100 * days, 100 * days)
    per_key = (peaks[400] - peaks[100]) / (100 * 300)
    assert per_key < 60, f"{per_key:.0f} bytes more a visitor-day (peaks {peaks[100] >> 10}, {peaks[400] >> 10} KiB)"


def _site_days(superuser, acting) -> list[tuple[object, ...]]:
    return superuser.execute(
        "select date, unique_visitors from analytics_daily_visitors where author_id = %s order by date",
        (acting.actor.user_id,),
    ).fetchall()


def _at(day: int) -> datetime:
    return datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=day)


def _recent_lines(count: int) -> list[str]:
    """`many_lines`, a line a minute up to an hour ago (segments read the last days up to now)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=count + 60)
    return [
        text.replace(
            text[text.index("[") + 1 : text.index("]")], f"{start + timedelta(minutes=n):%d/%b/%Y:%H:%M:%S} +0000"
        )
        for n, text in enumerate(many_lines(count))
    ]
