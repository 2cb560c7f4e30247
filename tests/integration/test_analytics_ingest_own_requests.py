"""`analytics ingest` and Blogster's own requests, against real PostgreSQL: a widget's starts and completions
are no page views and are added to the item once per log line, across runs, rotations and a killed run;
each recomputed day's views per UTC hour (blog_analytics.views_by_hour) are exact, however often recounted."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services.analytics_ingest import ingest
from tests.integration.test_analytics_ingest import (
    BROWSER,
    GOOGLEBOT,
    figures,
    killed_mid_ingest,
    line,
    many_lines,
    write,
)
from tests.unit.analytics.test_own_requests import real_log, with_beacons

PXE = "doing-pxe-without-dhcp-control"


@pytest.fixture
def author(db, make_user, superuser):
    """An account with the real log's post, posts alpha and beta, and a poll "pxe-poll" (and "shells")."""

    def create() -> ActingUser:
        actor = make_user()
        for slug in (PXE, "alpha", "beta"):
            superuser.execute(
                "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
                (actor.user_id, slug.title(), slug),
            )
        for tracking_id in ("pxe-poll", "shells"):
            superuser.execute(
                "insert into interactive_content (user_id, content_type, title, tracking_id) values (%s, 'poll', %s, %s)",
                (actor.user_id, tracking_id, tracking_id),
            )
        return ActingUser(db, actor)

    return create


def counts(superuser, acting: ActingUser, tracking_id: str = "pxe-poll") -> tuple[int, int, float | None]:
    return superuser.execute(
        "select participation_count, completion_count, completion_rate from interactive_content"
        " where user_id = %s and tracking_id = %s",
        (acting.actor.user_id, tracking_id),
    ).fetchone()


def beacon(ip: str, time_: str, tracking_id: str, kind: str, status: int = 204, agent: str = BROWSER) -> str:
    return line(ip, time_, f"/_i/{tracking_id}/{kind}", status=status, agent=agent)


def test_a_polls_requests_leave_the_posts_figures_of_a_real_log_as_without_them(author, superuser, tmp_path):
    """Without the fix, each start and completion was a page view: a visit reading the post then answering
    the poll was no bounce, its time on page was the seconds to the poll, and page_views counted them."""
    plain, polled = author(), author()
    lines = real_log()
    with_poll, starts, completions = with_beacons(lines)
    without = ingest(plain, sources=[str(write(tmp_path / "plain.log", lines))], map_pattern="/linux/{slug}")
    run = ingest(polled, sources=[str(write(tmp_path / "polled.log", with_poll))], map_pattern="/linux/{slug}")
    assert run.lines == without.lines + starts + completions
    assert (run.page_views, run.matched) == (without.page_views, without.matched)
    assert figures(superuser, polled) == figures(superuser, plain)
    assert any(slug == PXE for slug, _ in figures(superuser, polled))
    assert (run.interactive_starts, run.interactive_completions) == (starts, completions)
    assert counts(superuser, polled) == (starts, completions, completions / starts)


def test_starts_accumulate_once_per_line_across_runs_and_a_rotation(author, superuser, tmp_path):
    """`interactive stats --from-log` set the counts from one log: after logrotate, the new small log's
    counts replaced the history (322 -> 10). The ingest adds what is new and never a line twice."""
    acting = author()
    first = [beacon("10.0.0.1", "10:00:00", "shells", "start"), beacon("10.0.0.1", "10:00:30", "shells", "complete"),
             beacon("10.0.0.2", "10:01:00", "shells", "start")]  # fmt: skip
    log = write(tmp_path / "access.log", first)
    ingest(acting, sources=[str(log)])
    assert counts(superuser, acting, "shells") == (2, 1, 0.5)
    ingest(acting, sources=[str(log)])
    assert counts(superuser, acting, "shells") == (2, 1, 0.5)
    grown = [*first, beacon("10.0.0.3", "11:00:00", "shells", "start")]
    write(tmp_path / "access.log.1.gz", grown, gz=True)  # logrotate: the grown log, compressed
    write(tmp_path / "access.log", [beacon("10.0.0.4", "12:00:00", "shells", "start", status=404),
                                    beacon("10.0.0.4", "12:00:09", "shells", "complete", status=404)])  # fmt: skip
    run = ingest(acting, sources=[str(tmp_path / "access.log.1.gz"), str(tmp_path / "access.log")])
    assert (run.interactive_starts, run.interactive_completions) == (2, 1)
    assert counts(superuser, acting, "shells") == (4, 2, 0.5)
    assert ingest(acting, sources=[str(tmp_path / "access.log.1.gz"), str(tmp_path / "access.log")]).lines == 0
    assert counts(superuser, acting, "shells") == (4, 2, 0.5)


def test_only_the_widgets_own_answered_requests_count(author, superuser, tmp_path):
    acting = author()
    log = write(
        tmp_path / "access.log",
        [
            beacon("10.0.0.1", "10:00:00", "shells", "start"),
            beacon("66.249.66.1", "10:00:01", "shells", "start", agent=GOOGLEBOT),  # a crawler
            beacon("10.0.0.2", "10:00:02", "shells", "start", status=403),  # refused
            beacon("10.0.0.2", "10:00:03", "shells", "complete", status=301),  # redirected: its target is logged
            line("10.0.0.3", "10:00:04", "/posts/alpha/", ref="https://x.org/_i/shells/start"),  # mentioned only
            line("10.0.0.3", "10:00:05", "/posts/beta/?q=/_i/shells/complete"),
            beacon("10.0.0.3", "10:00:06", "someone-elses", "start"),  # no item of mine
        ],
    )
    run = ingest(acting, sources=[str(log)])
    assert (run.interactive_starts, run.interactive_completions, run.page_views) == (1, 0, 2)
    assert counts(superuser, acting, "shells") == (1, 0, 0.0)


def test_a_run_killed_mid_ingest_then_rerun_counts_each_start_once(author, superuser, tmp_path, db):
    """A batch's starts are added in the transaction that records it: a killed run's last batch adds
    none, and the rerun adds each batch's once (newsletter engagement, a set of readers, may repeat)."""
    lines = many_lines(30_000)
    starts = 0
    for n in range(0, len(lines), 7):
        lines[n] += beacon(f"10.2.0.{n % 200}", "10:00:00", "pxe-poll", "start")
        starts += 1
    log = write(tmp_path / "access.log", lines)
    acting = author()
    counted = killed_mid_ingest(db, superuser, acting, log)
    assert 5 <= counted < log.stat().st_size // 20000, "the child was not killed mid-ingest"
    partial = counts(superuser, acting)[0]
    assert 0 < partial < starts
    rerun = ingest(acting, sources=[str(log)])
    assert rerun.files[0].known == "resumed" and rerun.interactive_starts == starts - partial
    assert counts(superuser, acting)[0] == starts


def hours(superuser, acting: ActingUser) -> dict[tuple[str, date], tuple[int, list[int] | None]]:
    rows = superuser.execute(
        "select b.slug, a.date, a.views, a.views_by_hour from blog_analytics a join blogs b on b.id = a.blog_id"
        " where a.author_id = %s",
        (acting.actor.user_id,),
    ).fetchall()
    return {(slug, day): (views, by_hour) for slug, day, views, by_hour in rows}


def test_views_by_hour_are_each_days_views_per_utc_hour_and_recounts_do_not_double(author, superuser, tmp_path):
    """0070's column was read by `calendar suggest` and written by nothing: it said 09:00 for ever."""
    acting, whole = author(), author()
    morning = [line(f"10.0.0.{n}", f"10:{n:02d}:00", "/posts/alpha/") for n in range(5)]
    later = [line("10.0.1.1", "10:59:59", "/posts/alpha/"), line("10.0.1.2", "23:30:00", "/posts/alpha/"),
             line("10.0.1.3", "00:10:00", "/posts/alpha/", day=2), line("10.0.1.3", "11:00:00", "/posts/beta/")]  # fmt: skip
    ingest(acting, sources=[str(write(tmp_path / "a.log", morning))])
    first = hours(superuser, acting)[("alpha", date(2026, 12, 1))]
    assert first == (5, [0] * 10 + [5] + [0] * 13)
    ingest(acting, sources=[str(write(tmp_path / "b.log", later))])
    ingest(acting, sources=[str(tmp_path / "a.log"), str(tmp_path / "b.log")])  # nothing new: nothing recounted
    ingest(whole, sources=[str(write(tmp_path / "all.log", morning + later))])
    expected = {
        ("alpha", date(2026, 12, 1)): (7, [0] * 10 + [6] + [0] * 12 + [1]),
        ("alpha", date(2026, 12, 2)): (1, [1] + [0] * 23),
        ("beta", date(2026, 12, 1)): (1, [0] * 11 + [1] + [0] * 12),
    }
    assert hours(superuser, acting) == hours(superuser, whole) == expected


def test_a_gzipped_real_log_with_a_poll_counts_as_the_plain_one(author, superuser, tmp_path):
    plain, zipped = author(), author()
    with_poll, starts, completions = with_beacons(real_log(), status=404)  # a static host: no handler for /_i/
    ingest(plain, sources=[str(write(tmp_path / "a.log", with_poll))], map_pattern="/linux/{slug}")
    (tmp_path / "a.log.gz").write_bytes(gzip.compress("".join(with_poll).encode()))
    ingest(zipped, sources=[str(tmp_path / "a.log.gz")], map_pattern="/linux/{slug}")
    assert counts(superuser, plain) == counts(superuser, zipped) == (starts, completions, completions / starts)
    assert hours(superuser, plain) == hours(superuser, zipped)
    assert all(by_hour is not None and sum(by_hour) == views for views, by_hour in hours(superuser, plain).values())
