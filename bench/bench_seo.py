"""`seo import-positions` on a 50,000-row Search Console export, and the hand-written SQL it replaced.

    python bench/bench_seo.py [--rows 50000]

50,000 rows is the most the Search Analytics API returns per request (the web page exports
1,000). On a throwaway embedded PostgreSQL with one account that owns 200 posts:

    import: `seo import-positions` end to end (parse, map pages to posts, create the keywords,
            upsert the positions with SQLModel statements in chunks, recompute previous/change)
    reimport: the same file again (every row an update)
    executemany: the same upsert of 5,000 of those rows as SQLAlchemy's executemany of a SQLModel
               INSERT ... ON CONFLICT statement (one round trip per row), in the same run: why
               repositories/upserts.py sends one statement over a JSON parameter instead.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import_export import create_account
from scaling import bench_scale
from timing import timed

from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.services import seo

POSTS = 200
WORDS = "shell terminal zsh bash prompt alias habit git vim tmux fish history config script".split()


def export(rows: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = ["Query,Page,Clicks,Impressions,CTR,Position"]
    seen = set()
    while len(lines) <= rows:
        query = " ".join(rng.sample(WORDS, 3))
        page = f"https://ada.dev/posts/post-{rng.randrange(POSTS):03d}/"
        if (query, page) in seen:
            continue
        seen.add((query, page))
        impressions = rng.randrange(1, 5000)
        clicks = rng.randrange(0, impressions // 10 + 1)
        lines.append(f"{query},{page},{clicks},{impressions},{clicks / impressions:.2%},{rng.uniform(1, 60):.1f}")
    return "\n".join(lines) + "\n"


def executemany(acting, day: date, limit: int) -> int:
    """The same upsert as SQLAlchemy's executemany of INSERT ... ON CONFLICT (what a SQLModel statement does)."""
    from sqlalchemy.dialects.postgresql import insert
    from sqlmodel import select

    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.models.extended import SerpPosition

    with orm_unit_of_work(acting) as session:
        rows = [
            {"blog_id": row.blog_id, "keyword_id": row.keyword_id, "check_date": day, "url": row.url,
             "clicks": row.clicks, "impressions": row.impressions, "ctr": row.ctr, "rank_position": row.rank_position}
            for row in session.exec(select(SerpPosition).limit(limit))
        ]  # fmt: skip
        statement = insert(SerpPosition)
        figures = ("rank_position", "url", "clicks", "impressions", "ctr")
        upsert = statement.on_conflict_do_update(
            index_elements=["blog_id", "keyword_id", "check_date", "search_engine", "device_type", "search_locale"],
            set_={name: statement.excluded[name] for name in figures},
        )
        session.connection().execute(upsert, rows)
        return len(rows)


def measure(acting, rows: int, peer_rows: int = 5000) -> None:
    """Print the import, re-import and executemany figures for an account that owns posts post-000..post-199."""
    with acting.db.connect() as conn:  # the export's pages are on ada.dev: the account's site must be there
        conn.execute(
            "update subdomain_settings set custom_domain = 'ada.dev' where user_id = %s", (acting.actor.user_id,)
        )
    text = export(rows)
    day = date(2026, 11, 30)
    first_s, first = timed(
        lambda: seo.import_positions(acting, text=text, source="gsc.csv", check_date=day, base_domain="")
    )
    print(
        f"seo import-positions: {rows / first_s:,.0f} rows/s ({rows} rows, {first_s:.2f} s; {first.inserted} inserted)"
    )
    again_s, again = timed(
        lambda: seo.import_positions(acting, text=text, source="gsc.csv", check_date=day, base_domain="")
    )
    print(f"seo reimport: {rows / again_s:,.0f} rows/s ({again_s:.2f} s; {again.updated} updated)")
    if not first.inserted:
        raise SystemExit(f"seo import-positions stored none of the {rows} rows: {first}")
    peer_s, count = timed(lambda: executemany(acting, day, min(peer_rows, rows)))
    ratio = (rows / again_s) / (count / peer_s)
    print(f"seo upsert by SQLAlchemy executemany: {count / peer_s:,.0f} rows/s ({count} rows, {peer_s:.2f} s);"
          f" the whole reimport is {ratio:.1f}x faster than this upsert alone")  # fmt: skip
    print("load: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale = bench_scale()
    parser.add_argument("--rows", type=int, default=max(1000, round(50_000 * scale)))
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-seo-"))
    server = embedded_server(scratch / "home")
    try:
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
        measure(acting, args.rows)
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
