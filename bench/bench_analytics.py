"""`analytics ingest` side by side with GoAccess on the same generated combined log, in one run.

    python bench/bench_analytics.py [--lines 1000000]

Generates a combined log (--lines, default 1,000,000 x BLOGSTER_BENCH_SCALE) of a blog with
200 posts: browsers and crawlers (Googlebot, bingbot, feed readers...), static files, 404s and
a few 500s, query strings, search and social referrers, over 30 days. Not tuned to any real log.
Then, on a throwaway embedded PostgreSQL with one account that owns the 200 posts:

    goaccess: `goaccess LOG --log-format=COMBINED -o report.json` (Debian package goaccess)
    parse: the pure parser and sessioniser (analytics.aggregate.analyse_file, both cores)
    ingest: `analytics ingest` end to end (read, parse, store page views and ledger, recompute
            blog_analytics), and its ratio to goaccess (goal >= 1, i.e. at least as fast)
    ingest_with_startup: the same plus what a fresh process spends importing the ingest before it
            reads a line, which `ingest` (run in this process) leaves out and goaccess's figure
            includes of its own: `blogster analytics ingest` pays it on every run
    reingest: the same log again (nothing new: the ledger's hashes are checked)
    seo: `seo import-positions` of a 50,000-row Search Console export (x BLOGSTER_BENCH_SCALE) for
         the same account, and the executemany upsert it does not use (bench_seo.py)
    agreement: total lines and unique visitors against GoAccess's JSON (goal within 1%), and views
               and visitors per post against GoAccess's per-URL figures under the same filters
               (--ignore-crawlers --no-query-string, 4xx/5xx ignored; goal within 5%)

Lines/s are wall-clock on a shared 2-core machine; the ratios compare runs made in the same minute.
CPU seconds (user + system, from /proc, workers and the PostgreSQL server included) say what
each side cost whatever the load; on a loaded machine they are the steadier comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import_export import create_account
from bench_seo import measure as seo_measure
from scaling import bench_scale
from timing import tree_cpu_seconds

from blogster_cli.analytics.aggregate import analyse_file
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.services.analytics_ingest import ingest

POSTS = 200
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1"
    " Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
]
REFERRERS = ["-", "-", "-", "https://www.google.com/", "https://duckduckgo.com/", "https://news.ycombinator.com/",
             "https://twitter.com/", "https://bench.example.com/"]  # fmt: skip
ASSETS = ["/static/site.css", "/static/app.js", "/favicon.ico", "/images/cover.png"]


def generate(path: Path, count: int, seed: int = 13) -> None:
    """A combined log of `count` lines; visitors read a few pages each, then leave."""
    rng = random.Random(seed)
    slugs = [f"post-{n:03d}" for n in range(POSTS)]
    popularity = [1 / (rank + 1) for rank in range(POSTS)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    span = 30 * 86400
    lines: list[tuple[float, str]] = []
    written = 0
    while written < count:
        moment = start + timedelta(seconds=rng.randrange(span))
        crawler = rng.random() < 0.12
        agent = rng.choice(CRAWLERS) if crawler else rng.choice(BROWSERS)
        ip = f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        referrer = rng.choice(REFERRERS)
        for _page in range(rng.randint(1, 6)):
            roll = rng.random()
            if roll < 0.6:
                path_ = f"/posts/{rng.choices(slugs, popularity)[0]}/"
                if rng.random() < 0.1:
                    path_ += f"?utm_source=feed&n={rng.randrange(100)}"
            elif roll < 0.75:
                path_ = "/"
            elif roll < 0.92:
                path_ = rng.choice(ASSETS)
            else:
                path_ = f"/posts/missing-{rng.randrange(50)}/"
            status = 404 if "missing" in path_ else (500 if rng.random() < 0.005 else 200)
            stamp = moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
            size = rng.randrange(200, 50000)
            text = f'{ip} - - [{stamp}] "GET {path_} HTTP/1.1" {status} {size} "{referrer}" "{agent}"\n'
            lines.append((moment.timestamp(), text))
            written += 1
            referrer = "https://bench.example.com/"
            moment += timedelta(seconds=rng.randrange(5, 400))
            if written >= count:
                break
    lines.sort(key=lambda entry: entry[0])  # a server writes its log in time order
    with path.open("w") as out:  # line by line: a 10,000,000-line log is ~2 GB of text
        out.writelines(text for _moment, text in lines)


def goaccess(log: Path, report: Path, *extra: str) -> tuple[float, dict] | None:
    """Seconds GoAccess took and its JSON report (plus the CPU seconds it used, "cpu_seconds"),
    or None when it is not installed."""
    if shutil.which("goaccess") is None:
        return None
    started, cpu = time.perf_counter(), tree_cpu_seconds(os.getpid())
    subprocess.run(
        ["goaccess", str(log), "--log-format=COMBINED", "-o", str(report), "--no-progress", *extra],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seconds, cpu = time.perf_counter() - started, tree_cpu_seconds(os.getpid()) - cpu
    return seconds, json.loads(report.read_text()) | {"cpu_seconds": cpu}


def startup_seconds() -> float:
    """Wall seconds of a fresh Python process importing the ingest and the modules its first run imports."""
    modules = "blogster_cli.services.analytics_ingest, blogster_cli.services.site_address, psycopg"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {modules}"], check=True, cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - started


def per_post(report: dict) -> dict[str, tuple[int, int]]:
    """GoAccess's per-URL hits and visitors for post pages."""
    figures = {}
    for item in report["requests"]["data"]:
        url = item["data"]
        if url.startswith("/posts/post-"):
            figures[url.split("/")[2]] = (item["hits"]["count"], item["visitors"]["count"])
    return figures


def percent(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / theirs * 100 if theirs else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale = bench_scale()
    parser.add_argument("--lines", type=int, default=max(10_000, round(1_000_000 * scale)))
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-analytics-"))
    server = embedded_server(scratch / "home")
    try:
        log = scratch / "access.log"
        started = time.perf_counter()
        generate(log, args.lines)
        print(
            f"log: {args.lines} lines, {log.stat().st_size / 2**20:.0f} MiB (generated in {time.perf_counter() - started:.1f} s)"
        )
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        with db.connect() as conn:
            conn.execute(
                "insert into blogs (author_id, title, slug, status, published_at)"
                " select %s, 'Post ' || n, 'post-' || lpad(n::text, 3, '0'), 'published', now()"
                " from generate_series(0, %s) n",
                (acting.actor.user_id, POSTS - 1),
            )

        postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        peer = goaccess(log, scratch / "report.json")
        if peer is None:
            print("goaccess: skipped, peer missing (apt-get install -y goaccess); no ratio or agreement figures")
        else:
            print(
                f"goaccess: {args.lines / peer[0]:,.0f} lines/s ({peer[0]:.2f} s, {peer[1]['cpu_seconds']:.2f} CPU s)"
            )

        started = time.perf_counter()
        parsed = analyse_file(str(log), LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]))
        parse_s = time.perf_counter() - started
        ratio = f", ratio to goaccess {peer[0] / parse_s:.2f}" if peer else ""
        print(f"parse: {parsed.lines / parse_s:,.0f} lines/s ({parse_s:.2f} s){ratio}")

        started = time.perf_counter()
        ours_cpu, db_cpu = tree_cpu_seconds(os.getpid()), tree_cpu_seconds(postmaster)
        summary = ingest(acting, sources=[str(log)])
        ingest_s = time.perf_counter() - started
        ours_cpu = tree_cpu_seconds(os.getpid()) - ours_cpu
        db_cpu = tree_cpu_seconds(postmaster) - db_cpu
        ratio = f", ratio to goaccess {peer[0] / ingest_s:.2f} (goal >= 1)" if peer else ""
        print(
            f"ingest: {args.lines / ingest_s:,.0f} lines/s ({ingest_s:.2f} s, {summary.page_views} page views stored){ratio}"
        )
        startup = startup_seconds()
        ratio = f", ratio to goaccess {peer[0] / (ingest_s + startup):.2f}" if peer else ""
        print(
            f"ingest_with_startup: {args.lines / (ingest_s + startup):,.0f} lines/s ({ingest_s + startup:.2f} s, of which"
            f" {startup:.2f} s a fresh process's start-up and imports){ratio}"
        )
        cpu_ratio = f", ratio to goaccess's {peer[1]['cpu_seconds'] / (ours_cpu + db_cpu):.2f}" if peer else ""
        print(
            f"ingest_cpu: {ours_cpu + db_cpu:.2f} CPU s ({ours_cpu:.2f} blogster and its workers,"
            f" {db_cpu:.2f} PostgreSQL){cpu_ratio}"
        )

        started = time.perf_counter()
        again = ingest(acting, sources=[str(log)])
        print(f"reingest: {time.perf_counter() - started:.2f} s ({again.lines} new lines)")
        seo_measure(acting, max(1000, round(50_000 * scale)))

        if peer is None:
            return
        general = peer[1]["general"]
        print(
            f"agreement_total_lines: ours {summary.lines}, goaccess {general['total_requests']}"
            f" ({percent(summary.lines, general['total_requests']):.2f}% apart, goal <= 1%)"
        )
        print(
            f"agreement_unique_visitors: ours {summary.unique_visitors}, goaccess {general['unique_visitors']}"
            f" ({percent(summary.unique_visitors, general['unique_visitors']):.2f}% apart, goal <= 1%)"
        )
        ignored = [f"--ignore-status={code}" for code in (404, 500)]
        filtered = goaccess(log, scratch / "filtered.json", "--ignore-crawlers", "--no-query-string", *ignored)
        theirs = per_post(filtered[1]) if filtered else {}
        with db.connect() as conn:
            ours = {
                slug: (views, visitors)
                for slug, views, visitors in conn.execute(
                    "select b.slug, sum(a.views)::int, sum(a.unique_visitors)::int"
                    " from blog_analytics a join blogs b on b.id = a.blog_id group by b.slug"
                )
            }
        views_apart = max(percent(ours.get(slug, (0, 0))[0], hits) for slug, (hits, _) in theirs.items())
        visitors_apart = max(percent(ours.get(slug, (0, 0))[1], visitors) for slug, (_, visitors) in theirs.items())
        print(f"agreement_post_views: at most {views_apart:.2f}% apart over {len(theirs)} posts (goal <= 5%)")
        print(f"agreement_post_visitors: at most {visitors_apart:.2f}% apart over {len(theirs)} posts (goal <= 5%)")
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
