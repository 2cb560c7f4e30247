"""`analytics ingest` against real PostgreSQL: known answers, idempotency, rotation, a killed run, the lock."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import separate_unit_of_work
from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.services.analytics_ingest import ingest
from tests.conftest import shared_data

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
OTHER_BROWSER = "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
DAY = date(2026, 12, 1)


def line(ip: str, time_: str, path: str, status: int = 200, agent: str = BROWSER, ref: str = "-", day: int = 1) -> str:
    return f'{ip} - - [{day:02d}/Dec/2026:{time_} +0000] "GET {path} HTTP/1.1" {status} 512 "{ref}" "{agent}"\n'


HAND_MADE_LOG = [
    line("10.0.0.1", "10:00:00", "/posts/alpha/?utm=x#top", ref="https://www.google.com/search?q=a"),
    line("10.0.0.1", "10:00:01", "/static/site.css"),
    line("10.0.0.1", "10:02:00", "/posts/beta/"),
    line("10.0.0.1", "12:02:00", "/posts/alpha/"),
    line("10.0.0.1", "10:05:00", "/posts/alpha", agent=OTHER_BROWSER, ref="https://news.ycombinator.com/"),
    line("66.249.66.1", "10:06:00", "/posts/alpha/", agent=GOOGLEBOT),
    line("10.0.0.9", "10:07:00", "/posts/missing/", status=404),
    "this is not a log line\n",
]


def many_lines(count: int) -> list[str]:
    """A deterministic log, a line every 5 minutes: 40 visitors reading 5 pages each in turn."""
    paths = ["/posts/alpha/", "/posts/beta/", "/", "/posts/gamma/", "/about/"]
    out = []
    for n in range(count):
        moment = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=n * 300)
        ref = "https://duckduckgo.com/" if n % 7 == 0 else "-"
        out.append(
            f'10.1.0.{n // 5 % 40} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "GET {paths[n * 3 % 5]} HTTP/1.1" 200 512'
            f' "{ref}" "{BROWSER}"\n'
        )
    return out


@pytest.fixture
def author(db, make_user, superuser):
    """An account with posts alpha, beta and gamma; returns its ActingUser."""

    def create() -> ActingUser:
        actor = make_user()
        for slug in ("alpha", "beta", "gamma"):
            superuser.execute(
                "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
                (actor.user_id, slug.title(), slug),
            )
        return ActingUser(db, actor)

    return create


def figures(superuser, acting: ActingUser) -> dict[tuple[str, date], tuple]:
    rows = superuser.execute(
        "select b.slug, a.date, a.views, a.unique_visitors, a.avg_time_on_page, a.bounce_rate, a.referrers"
        " from blog_analytics a join blogs b on b.id = a.blog_id where a.author_id = %s",
        (acting.actor.user_id,),
    ).fetchall()
    return {(slug, day): tuple(rest) for slug, day, *rest in rows}


def write(path: Path, lines: list[str], *, gz: bool = False) -> Path:
    data = "".join(lines).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_known_answers_are_stored_per_post_and_day(author, superuser, tmp_path):
    acting = author()
    summary = ingest(acting, sources=[str(write(tmp_path / "access.log", HAND_MADE_LOG))])
    assert (summary.lines, summary.parsed, summary.malformed, summary.crawlers) == (8, 7, 1, 1)
    assert summary.malformed_sample == ["this is not a log line"]
    assert (summary.unique_visitors, summary.matched, summary.page_views) == (3, 4, 4)
    stored = figures(superuser, acting)
    assert stored[("alpha", DAY)] == (3, 2, 120.0, 2 / 3, {"google.com": 1, "news.ycombinator.com": 1})
    assert stored[("beta", DAY)] == (1, 1, None, None, {})
    assert set(stored) == {("alpha", DAY), ("beta", DAY)}


def test_the_same_file_twice_counts_once(author, superuser, tmp_path):
    acting = author()
    log = write(tmp_path / "access.log", HAND_MADE_LOG)
    ingest(acting, sources=[str(log)])
    before = figures(superuser, acting)
    again = ingest(acting, sources=[str(log), str(log)])
    assert [f.known for f in again.files] == ["counted", "counted"]
    assert (again.lines, again.page_views) == (0, 0)
    assert figures(superuser, acting) == before


def test_identical_lines_are_all_counted_and_only_once(author, superuser, tmp_path):
    acting = author()
    same = line("10.0.0.1", "10:00:00", "/posts/alpha/")
    log = write(tmp_path / "access.log", [same] * 5)
    ingest(acting, sources=[str(log)])
    ingest(acting, sources=[str(log)])
    assert figures(superuser, acting)[("alpha", DAY)][0] == 5
    write(log, [same] * 8)  # the server wrote three more identical requests
    assert ingest(acting, sources=[str(log)]).lines == 3
    assert figures(superuser, acting)[("alpha", DAY)][0] == 8


def test_a_rotated_overlapping_log_counts_each_request_once(author, superuser, tmp_path):
    lines = many_lines(900)
    reference = author()
    ingest(reference, sources=[str(write(tmp_path / "all.log", lines))])

    acting = author()
    ingest(acting, sources=[str(write(tmp_path / "access.log", lines[:300]))])  # cron, before rotation
    # logrotate: the grown access.log became access.log.1.gz; a new access.log has the rest.
    write(tmp_path / "access.log.1.gz", lines[:650], gz=True)
    write(tmp_path / "access.log", lines[650:])
    run = ingest(acting, sources=[str(tmp_path / "access.log.1.gz"), str(tmp_path / "access.log")])
    assert [f.known for f in run.files] == ["resumed", "new"]
    assert run.lines == 600
    assert figures(superuser, acting) == figures(superuser, reference)
    assert len(figures(superuser, acting)) >= 9  # three posts over three days


def test_small_batches_give_the_figures_of_one_batch(author, superuser, tmp_path):
    lines = many_lines(600)
    whole, batched = author(), author()
    ingest(whole, sources=[str(write(tmp_path / "a.log", lines))])
    ingest(batched, sources=[str(tmp_path / "a.log")], batch_bytes=1000)
    assert figures(superuser, batched) == figures(superuser, whole)


def test_a_last_line_still_being_written_waits_for_the_next_run(author, superuser, tmp_path):
    acting = author()
    log = tmp_path / "access.log"
    full = line("10.0.0.1", "10:00:00", "/posts/alpha/")
    log.write_text(full + full[:30])
    assert ingest(acting, sources=[str(log)]).lines == 1
    log.write_text(full + full)
    assert ingest(acting, sources=[str(log)]).lines == 1
    assert figures(superuser, acting)[("alpha", DAY)][0] == 2


def test_a_log_that_differs_after_a_known_first_line_is_another_log(author, superuser, tmp_path):
    """Anyone can make two logs open with the same request: the second is counted as a log of its own,
    once (it was refused for ever; test_analytics_ingest_keys has the rest)."""
    acting = author()
    first = line("10.0.0.1", "10:00:00", "/posts/alpha/")
    log = write(tmp_path / "access.log", [first, line("10.0.0.2", "10:00:01", "/posts/beta/")])
    ingest(acting, sources=[str(log)])
    other = write(tmp_path / "other.log", [first, line("10.0.0.3", "10:00:02", "/posts/gamma/")])
    run = ingest(acting, sources=[str(other)])
    assert (run.files[0].known, run.lines) == ("new", 2)
    assert figures(superuser, acting)[("gamma", DAY)][0] == 1
    assert ingest(acting, sources=[str(other), str(log)]).lines == 0


def test_map_pattern_ignores_query_strings_and_fragments(author, superuser, tmp_path):
    acting = author()
    log = write(
        tmp_path / "access.log",
        [
            line("10.0.0.1", "10:00:00", "/blog/2026/alpha.html?ref=x"),
            line("10.0.0.2", "10:00:00", "/blog/misc/beta.html#comments"),
            line("10.0.0.3", "10:00:00", "/posts/gamma/"),
        ],
    )
    run = ingest(acting, sources=[str(log)], map_pattern="/blog/*/{slug}.html")
    assert run.matched == 2
    assert set(figures(superuser, acting)) == {("alpha", DAY), ("beta", DAY)}
    with pytest.raises(InvalidInput):
        ingest(acting, sources=[str(log)], map_pattern="/blog/no-slug")


def test_site_permalink_and_kept_old_urls_map_without_map(author, superuser, tmp_path):
    acting = author()
    superuser.execute(
        "update subdomain_settings set permalink = '/{year}/{month}/{slug}/' where user_id = %s",
        (acting.actor.user_id,),
    )
    content = {"version": 1, "markdown": "x", "sections": [], "source": {"dialect": "hugo"},
               "front_matter": {"fields": {"url": "/old/gamma-post/", "aliases": ["/g.html"]}}}  # fmt: skip
    superuser.execute(
        "update blogs set content = %s where author_id = %s and slug = 'gamma'",
        (Jsonb(content), acting.actor.user_id),
    )
    log = write(
        tmp_path / "access.log",
        [
            line("10.0.0.1", "10:00:00", "/2026/12/alpha/"),
            line("10.0.0.2", "10:00:00", "/old/gamma-post/?from=feed"),
            line("10.0.0.3", "10:00:00", "/g.html"),
            line("10.0.0.4", "10:00:00", "/posts/beta/"),  # not the permalink pattern any more
        ],
    )
    run = ingest(acting, sources=[str(log)])
    assert run.matched == 3
    stored = figures(superuser, acting)
    assert stored[("alpha", DAY)][0] == 1 and stored[("gamma", DAY)][0] == 2
    assert ("beta", DAY) not in stored


def test_gzip_and_stdin_read_like_plain_files(author, superuser, tmp_path):
    import io

    plain, zipped, piped = author(), author(), author()
    ingest(plain, sources=[str(write(tmp_path / "a.log", HAND_MADE_LOG))])
    ingest(zipped, sources=[str(write(tmp_path / "a.log.gz", HAND_MADE_LOG, gz=True))])
    ingest(piped, sources=["-"], stdin=io.BytesIO(gzip.compress("".join(HAND_MADE_LOG).encode())))
    assert figures(superuser, plain) == figures(superuser, zipped) == figures(superuser, piped)
    # the gzipped copy is the same log: nothing new for the plain one's account
    assert ingest(plain, sources=[str(tmp_path / "a.log.gz")]).files[0].known == "counted"


def test_overlapping_runs_wait_for_the_lock(author, tmp_path):
    acting = author()
    log = write(tmp_path / "access.log", HAND_MADE_LOG)
    with separate_unit_of_work(acting) as conn:
        analytics_rows.take_ingest_lock(conn)
        with pytest.raises(Conflict):
            ingest(acting, sources=[str(log)], lock_wait_s=0.3)
    assert ingest(acting, sources=[str(log)]).lines == 8


KILLED_RUN = """
import sys, uuid
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.services.analytics_ingest import ingest
acting = ActingUser(Database(sys.argv[1]), Actor(uuid.UUID(sys.argv[2]), "x@example.com"))
ingest(acting, sources=[sys.argv[3]], batch_bytes=int(sys.argv[4]), workers=1)
"""


def killed_mid_ingest(db, superuser, acting, log: Path) -> int:
    """Ingests `log` as `acting` in a child process (20,000-byte batches) and SIGKILLs it once it
    has counted five batches (or after 60 s); how many batches the killed run counted."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, db.conninfo, str(acting.actor.user_id), str(log), "20000"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    deadline = time.monotonic() + 60
    counted = 0
    while time.monotonic() < deadline and child.poll() is None:
        counted = superuser.execute(
            "select count(*) from analytics_ingest_ranges where author_id = %s", (acting.actor.user_id,)
        ).fetchone()[0]
        if counted >= 5:
            break
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    # A COMMIT the child sent before it died still completes on the server: wait for its session to
    # end before counting what the killed run stored (read too soon, a batch counted itself later).
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and superuser.execute(
            "select count(*) from pg_stat_activity where datname = current_database()"
            " and pid <> pg_backend_pid() and backend_type = 'client backend' and state <> 'idle'"
        ).fetchone()[0]
    ):
        time.sleep(0.01)
    return counted


def test_a_run_killed_mid_ingest_then_rerun_counts_everything_once(author, superuser, tmp_path, db):
    lines = many_lines(30_000)
    log = write(tmp_path / "access.log", lines)
    reference = author()
    ingest(reference, sources=[str(log)])

    acting = author()
    counted = killed_mid_ingest(db, superuser, acting, log)
    total_batches = log.stat().st_size // 20000
    assert 5 <= counted < total_batches, "the child was not killed mid-ingest"
    assert not figures(superuser, acting)  # killed before any recompute

    rerun = ingest(acting, sources=[str(log)])
    assert rerun.files[0].known == "resumed"
    assert 0 < rerun.lines < len(lines)
    assert figures(superuser, acting) == figures(superuser, reference)
    views = superuser.execute(
        "select count(*) from analytics_ingest_ranges, string_to_table(views, E'\\n') where author_id = %s",
        (acting.actor.user_id,),
    ).fetchone()[0]
    assert views == len(lines)


def test_the_real_log_agrees_with_goaccess(author, superuser):
    """GoAccess 1.7 counts 3,456 valid requests and 672 unique visitors in this log."""
    log = shared_data("access_logs", "hackers-access.log")
    summary = ingest(author(), sources=[str(log)], accept_unmatched=True)  # its paths are none of alpha's, beta's
    assert (summary.lines, summary.parsed, summary.malformed) == (3456, 3456, 0)
    assert summary.unique_visitors == 672
    # Its robots all send browser user agents: none can be told apart by the list.
    assert summary.crawlers == 0


def test_two_worker_processes_give_the_figures_of_one(author, superuser, tmp_path):
    log = write(tmp_path / "access.log", many_lines(16_000))
    batch_bytes = 3 << 19  # the first batch is over PARALLEL_MIN_BYTES: split over the workers; the rest is not
    assert log.stat().st_size > 2 * (1 << 20)
    one, two = author(), author()
    ingest(one, sources=[str(log)], workers=1, batch_bytes=batch_bytes)
    run = ingest(two, sources=[str(log)], workers=2, batch_bytes=batch_bytes)
    assert run.lines == 16_000
    assert figures(superuser, two) == figures(superuser, one)


def test_a_log_of_one_batch_is_parsed_without_worker_processes(author, superuser, tmp_path, monkeypatch):
    """Starting the workers costs more than they save on one batch: only a log with more uses them."""
    import blogster_cli.services.analytics_ingest as analytics_ingest

    asked: list[int] = []
    parallel_map = analytics_ingest.parallel_map

    def recorded(function, chunks, *, workers, preload=()):
        asked.append(workers)
        return parallel_map(function, chunks, workers=workers, preload=preload)

    monkeypatch.setattr(analytics_ingest, "parallel_map", recorded)
    log = write(tmp_path / "access.log", many_lines(16_000))
    assert log.stat().st_size > analytics_ingest.PARALLEL_MIN_BYTES
    one, two = author(), author()
    ingest(one, sources=[str(log)], workers=2)
    ingest(two, sources=[str(log)], workers=2, batch_bytes=3 << 19)
    assert asked == [1, 2]
    assert figures(superuser, two) == figures(superuser, one)


def test_the_recompute_folds_the_views_with_the_cycle_collector_off(author, tmp_path, monkeypatch):
    """Each pass of the collector walked every view held: a third of the recompute's time."""
    import gc

    import blogster_cli.services.analytics_ingest as analytics_ingest

    collecting: list[bool] = []
    post_days = analytics_ingest.post_days
    monkeypatch.setattr(
        analytics_ingest, "post_days", lambda views: collecting.append(gc.isenabled()) or post_days(views)
    )
    ingest(author(), sources=[str(write(tmp_path / "access.log", HAND_MADE_LOG))])
    assert collecting == [False]
    assert gc.isenabled()
