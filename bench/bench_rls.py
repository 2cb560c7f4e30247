"""What row level security costs on Blogster's hottest reads.

    python bench/bench_rls.py [--blogs 1000000] [--users 10000] [--runs 30]

Starts a throwaway embedded PostgreSQL (or uses BLOGSTER_BENCH_DATABASE_URL, a
superuser URL of a scratch database), applies the migrations, generates accounts,
their roles, blogs, analytics and tag links server-side in bulk, ANALYZEs, then prints
`name: value unit` lines for four reads: `blogs_list` (the statement `blogster blogs
list` runs: every column, the tags of each post), `own_blog_list_minimal` (four columns,
no tags: the worst case for RLS's fixed cost per query), `visible_feed` and
`dashboard_stats`:

(a) per query, the server's execution time (EXPLAIN ANALYZE with TIMING OFF and
    BUFFERS OFF, median of --explain-runs, the two sides interleaved) as the user under
    RLS and as the superuser with the owner filter written out, their ratio (goal <= 1.2)
    and whether each plan reaches the big tables by index; and the own list's floor: the
    superuser running it with the policy's filter added and the id precomputed;
(b) per unit of work from Python, including the role switch (acting_transaction):
    median wall time over --runs, and the bare role switch on its own.

Bulk loading runs with session_replication_role = replica, which skips the per-row
triggers (metrics, revisions) and FK checks: word_count and reading_time are written
directly. That is fine for measuring reads; it is not how the application writes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blogster_cli.db import migrations
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.repositories.blogs import BlogFilter, list_own_query

BIG_TABLES = {"blogs", "blog_analytics", "blogs_to_tags"}
TAGS = 500
MOST_TAGS_PER_BLOG = 4

# The fewest columns and no tags: the worst case for RLS's fixed cost per query.
OWN_LIST = (
    "select id, title, status, updated_at from public.blogs"
    " where author_id = {who} and deleted_at is null order by updated_at desc limit 50"
)
# The brief's literal query: under RLS "blogs" is everything the user may read
# (every published post plus their own), so the superuser twin spells that out.
VISIBLE_FEED_USER = (
    "select id, title, status, updated_at from public.blogs where deleted_at is null order by updated_at desc limit 50"
)
VISIBLE_FEED_SUPERUSER = (
    "select id, title, status, updated_at from public.blogs where deleted_at is null"
    " and (status = 'published' or author_id = {who}) order by updated_at desc limit 50"
)


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


# -- data ---------------------------------------------------------------------------------


@contextmanager
def bulk_load(conn: psycopg.Connection, what: str) -> Iterator[None]:
    """One timed transaction that skips per-row triggers and FK checks (see the docstring)."""
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("set local session_replication_role = replica")
        conn.execute("set local synchronous_commit = off")
        yield
    log(f"{what} in {time.perf_counter() - started:.1f}s")


def load(conn: psycopg.Connection, *, users: int, blogs: int, analytics_days: int) -> None:
    started = time.perf_counter()
    conn.execute(
        "insert into auth.users (email) select 'bench-' || g || '@example.com' from generate_series(1, %s) g", (users,)
    )
    conn.execute(
        """
        do $$
        declare r record;
        begin
          for r in select u.role_name from auth.users u where u.email like 'bench-%' loop
            execute format('create role %I nologin in role authenticated', r.role_name);
          end loop;
        end
        $$
        """
    )
    log(f"{users} accounts and roles in {time.perf_counter() - started:.1f}s")

    with bulk_load(conn, f"{blogs} blogs"):
        conn.execute(
            """
            insert into public.blogs (title, slug, content, status, author_id, word_count, reading_time,
                                      created_at, updated_at, published_at, deleted_at)
            select 'Post ' || g,
                   'post-' || g,
                   jsonb_build_object('version', 1, 'markdown', repeat('word ', 120 + mod(g, 500)),
                                      'sections', '[]'::jsonb, 'front_matter', null, 'source', null),
                   (array['published', 'published', 'published', 'draft', 'draft', 'scheduled', 'archived'])
                     [1 + mod(abs(hashtext('status' || g)), 7)]::public.blog_status,
                   u.id, 120 + mod(g, 500), ceil((120 + mod(g, 500)) / 200.0)::int,
                   created, created + make_interval(secs => mod(abs(hashtext('edit' || g)), 86400)),
                   created + interval '1 hour',
                   case when mod(abs(hashtext('trash' || g)), 50) = 0 then now() end
            from generate_series(1, %(blogs)s) g
            cross join lateral (
              select now() - make_interval(days => mod(abs(hashtext('day' || g)), 365),
                                           secs => mod(abs(hashtext('sec' || g)), 86400)) as created) c
            join (select id, row_number() over (order by id) - 1 as n from auth.users) u
              on u.n = mod(abs(hashtext('user' || g)), %(users)s)
            """,
            {"blogs": blogs, "users": users},
        )

    with bulk_load(conn, "analytics"):
        conn.execute(
            """
            insert into public.blog_analytics (blog_id, author_id, date, views, unique_visitors, bounce_rate)
            select b.id, b.author_id, (now() at time zone 'UTC')::date - d * 20, 1 + (hashtext(b.id::text || d) & 1023),
                   1 + (hashtext(b.id::text || d) & 511), (hashtext(d || b.id::text) & 1023) / 1023.0
            from public.blogs b cross join generate_series(0, %s - 1) d
            where b.status = 'published'
            """,
            (analytics_days,),
        )

    with bulk_load(conn, "tag links"):
        conn.execute("insert into public.blog_tags (name) select 'topic-' || g from generate_series(1, %s) g", (TAGS,))
        conn.execute(
            """
            insert into public.blogs_to_tags (blog_id, tag_id, author_id)
            select distinct b.id, t.ids[1 + mod(abs(hashtext(b.id::text || k)), %(tags)s)], b.author_id
            from public.blogs b
            cross join (select array_agg(id order by name) as ids from public.blog_tags) t
            cross join lateral generate_series(1, mod(abs(hashtext(b.id::text)), %(most)s + 1)) k
            """,
            {"tags": TAGS, "most": MOST_TAGS_PER_BLOG},
        )
    started = time.perf_counter()
    conn.execute("analyze")
    log(f"analyze in {time.perf_counter() - started:.1f}s")


def typical_user(conn: psycopg.Connection) -> tuple[str, str, int]:
    """An account with the median number of blogs: (user id, role name, blog count)."""
    return conn.execute(
        """
        with counts as (select author_id, count(*) as n from public.blogs group by author_id)
        select u.id::text, u.role_name, c.n from counts c join auth.users u on u.id = c.author_id
        order by c.n, u.id offset (select count(*) / 2 from counts) limit 1
        """
    ).fetchone()


# -- measurements ---------------------------------------------------------------------------


def plan_facts(plan: dict) -> tuple[bool, list[str]]:
    """Whether the big tables are reached by index only (no sequential scan), and the scan nodes."""
    scans, stack = [], [plan]
    while stack:
        node = stack.pop()
        if "Relation Name" in node:
            scans.append(f"{node['Node Type']} on {node['Relation Name']}")
        stack.extend(node.get("Plans", []))
    indexed = not any(s.startswith("Seq Scan") and s.split(" on ")[1] in BIG_TABLES for s in scans)
    return indexed, scans


def explain_once(conn: psycopg.Connection, query: str, role: str | None) -> dict:
    """One EXPLAIN ANALYZE without per-node clocks or buffer counters: they cost time per
    plan node, and the RLS plan has more nodes (initplans), so they would inflate it."""
    statement = "explain (analyze, timing off, buffers off, format json) " + query
    if role:
        with acting_transaction(conn, role):
            return conn.execute(statement).fetchone()[0][0]
    with conn.transaction():
        return conn.execute(statement).fetchone()[0][0]


def explain_pair(
    conn: psycopg.Connection, first: str, second: str, first_role: str | None, runs: int
) -> tuple[tuple[float, bool, list[str]], tuple[float, bool, list[str]]]:
    """Median execution time, index use and scans of `first` (as `first_role`) and `second`
    (as the superuser), runs interleaved so that drift (other processes, CPU frequency)
    hits both sides alike."""
    results: tuple[list[dict], list[dict]] = ([], [])
    for _ in range(runs):
        results[0].append(explain_once(conn, first, first_role))
        results[1].append(explain_once(conn, second, None))
    summaries = []
    for side in results:
        indexed, scans = plan_facts(side[-1]["Plan"])
        summaries.append((statistics.median(r["Execution Time"] for r in side), indexed, scans))
    return summaries[0], summaries[1]


def unit_of_work_ms(conn: psycopg.Connection, role: str | None, query: str | None, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        if role:
            with acting_transaction(conn, role):
                if query:
                    conn.execute(query).fetchall()
        else:
            with conn.transaction():
                conn.execute(query).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def superuser_dashboard(conn: psycopg.Connection, user_id: str) -> str:
    """dashboard_stats' own query with the literal id where it calls auth.uid()."""
    body = conn.execute("select pg_get_viewdef('public.dashboard_stats'::regclass, true)").fetchone()[0]
    if "auth.uid()" not in body:
        raise RuntimeError("could not find auth.uid() in the dashboard_stats definition")
    return body.replace("auth.uid()", f"'{user_id}'::uuid").rstrip().rstrip(";")


def measure(conn: psycopg.Connection, *, explain_runs: int, runs: int) -> None:
    user_id, role, count = typical_user(conn)
    emit("bench.user_blog_count", str(count), "blogs")
    literal = sql.Literal(user_id).as_string(conn) + "::uuid"
    blogs_list = list_own_query(BlogFilter())[0].as_string(conn)  # what `blogster blogs list` runs
    if "auth.uid()" not in blogs_list:
        raise RuntimeError("list_own no longer names auth.uid(): update the superuser twin")
    queries = {
        "blogs_list": (blogs_list, blogs_list.replace("auth.uid()", literal)),
        "own_blog_list_minimal": (OWN_LIST.format(who="auth.uid()"), OWN_LIST.format(who=literal)),
        "visible_feed": (VISIBLE_FEED_USER, VISIBLE_FEED_SUPERUSER.format(who=literal)),
        "dashboard_stats": ("select * from public.dashboard_stats", superuser_dashboard(conn, user_id)),
    }
    for name, (as_user, as_superuser) in queries.items():
        explain_pair(conn, as_user, as_superuser, role, 3)  # warm the caches
        (user_ms, user_indexed, user_scans), (super_ms, super_indexed, super_scans) = explain_pair(
            conn, as_user, as_superuser, role, explain_runs
        )
        emit(f"{name}.server_rls", user_ms, "ms")
        emit(f"{name}.server_superuser", super_ms, "ms")
        emit(f"{name}.ratio", user_ms / super_ms if super_ms else float("nan"), "x")
        emit(f"{name}.rls_overhead", user_ms - super_ms, "ms")
        emit(f"{name}.indexed_rls", str(user_indexed).lower())
        emit(f"{name}.indexed_superuser", str(super_indexed).lower())
        log(f"{name} RLS plan: {', '.join(user_scans)}")
        log(f"{name} superuser plan: {', '.join(super_scans)}")
        emit(f"{name}.unit_of_work", unit_of_work_ms(conn, role, as_user, runs), "ms")
        emit(f"{name}.superuser_transaction", unit_of_work_ms(conn, None, as_superuser, runs), "ms")
    # What any RLS pays on the own list: the superuser running it with the policy's filter
    # added and the id already computed (no role, no privilege check, no auth.uid()).
    with_policy = OWN_LIST.format(who=literal).replace(
        " order by", f" and (author_id = (select {literal}) or (status = 'published' and deleted_at is null)) order by"
    )
    (floor_ms, _, _), (plain_ms, _, _) = explain_pair(
        conn, with_policy, OWN_LIST.format(who=literal), None, explain_runs
    )
    emit("own_blog_list_minimal.policy_filter_floor", floor_ms / plain_ms if plain_ms else float("nan"), "x")
    emit("role_switch.bare", unit_of_work_ms(conn, role, None, runs), "ms")


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blogs", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--analytics-days", type=int, default=3, help="analytics rows per published blog")
    parser.add_argument("--runs", type=int, default=30, help="repetitions of each unit of work")
    parser.add_argument("--explain-runs", type=int, default=101, help="repetitions of each EXPLAIN ANALYZE")
    args = parser.parse_args(argv)
    if args.users < 1 or args.blogs < 1:
        parser.error("--users and --blogs must be positive")

    external = os.environ.get("BLOGSTER_BENCH_DATABASE_URL")
    server, home = None, None
    if external:
        conninfo = external
    else:
        from blogster_cli.db.embedded import EmbeddedServer

        home = Path(tempfile.mkdtemp(prefix="blogster-bench-"))
        server = EmbeddedServer(home)
        started = time.perf_counter()
        server.ensure_running()
        conninfo = server.conninfo("blogster")
        log(f"embedded server up in {time.perf_counter() - started:.1f}s")
    try:
        db = Database(conninfo)
        migrations.apply(db)
        with db.connect() as conn:
            version = conn.execute("show server_version").fetchone()[0]
            emit("bench.server_version", version)
            emit("bench.blogs", str(args.blogs))
            emit("bench.users", str(args.users))
            started = time.perf_counter()
            load(conn, users=args.users, blogs=args.blogs, analytics_days=args.analytics_days)
            emit("bench.load_time", time.perf_counter() - started, "s")
            sizes = conn.execute(
                "select pg_size_pretty(pg_total_relation_size('public.blogs')),"
                " (select count(*) from public.blog_analytics)"
            ).fetchone()
            emit("bench.blogs_size", sizes[0])
            emit("bench.analytics_rows", str(sizes[1]))
            measure(conn, explain_runs=args.explain_runs, runs=args.runs)
            if external:
                drop_bench_roles(conn)
    finally:
        if server is not None:
            server.destroy()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    return 0


def drop_bench_roles(conn: psycopg.Connection) -> None:
    """On a shared server the generated roles outlive the database: remove them."""
    roles = [r for (r,) in conn.execute("select role_name from auth.users where email like 'bench-%'")]
    conn.execute("delete from auth.users where email like 'bench-%'")
    for role in roles:
        conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
    log(json.dumps({"dropped_roles": len(roles)}))


if __name__ == "__main__":
    raise SystemExit(main())
