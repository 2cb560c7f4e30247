"""What row level security costs on Blogster's hottest reads.

    python bench/bench_rls.py [--scale 1.0] [--count TABLE=ROWS ...] [--runs 501] [--explain-runs 101]
                              [--data-dir DIR [--fresh]] [--seed 1]

Starts a throwaway embedded PostgreSQL (or uses BLOGSTER_BENCH_DATABASE_URL, a
superuser URL of a scratch database), applies the migrations, fills it with
bench/generate.py at --scale (default BLOGSTER_BENCH_SCALE, else 1.0: 10,000 accounts,
1,000,000 posts, 10,000,000 analytics rows...; --count TABLE=ROWS sets one table's rows
instead, as in bench/generate.py), then prints `name: value unit` lines
for the reads: `blogs_list` (the statement `blogster blogs list` runs: every column,
the tags of each post), `blogs_show` and `revisions_list` (the statements of `blogster
blogs show SLUG` and `blogster revisions list`), `own_blog_list_minimal` (four columns, no tags: the worst case
for RLS's fixed cost per query), `visible_feed`, `dashboard_stats`, and `dashboard_figures`
(the first statement `blogster tui` runs: the view, the unread count and the credits left):

Each superuser twin is the same statement with the owner's filter written out, and it
must admit exactly the rows the policies admit: the own lists, `blogs_show`, the
revisions and `dashboard_stats` read only the user's own rows (their posts' tag links and
tags are all theirs, so the twin sees the same tags); the feed's twin adds the published
posts and, when the account's role is in blogster_assignees (0093; every account since 0110),
the posts assigned to it, as the blogs policies do. dashboard_stats' twin also names the account on the three
tables the view leaves to their owner-only policies (0095), and the benchmark stops when
the twin's answer differs from the user's. `dashboard_figures`' twin is the same statement
with the literal id for `(select auth.uid())` and dashboard_stats' twin for the view, checked
the same way.

(a) per query, the server's execution time (EXPLAIN ANALYZE with TIMING OFF and
    BUFFERS OFF, median of --explain-runs, the two sides interleaved) as the user under
    RLS and as the superuser with the owner filter written out, their ratio (goal <= 1.2)
    and whether each plan reaches the big tables by index; and the own list's floor: the
    superuser running it with the policy's filter added and the id precomputed;
(b) per unit of work from Python as the services open theirs (db.acting.unit_of_work: the
    account's connection, the role switch, driver errors translated; until 2026-12-01 the
    bare acting_transaction, without the first and the last):
    median wall time over --runs against the superuser's plain transaction, interleaved,
    and their ratio (goal <= 1.1); and the role switch on its own (`role_switch.*`: an
    empty unit of work, and one running `select 1`).

The generator's own lines (`generate.TABLE.rows`, `generate.TABLE.rate`) come first.

With --data-dir DIR (or BLOGSTER_BENCH_DATA_DIR) the embedded server's data is kept
(DIR is its BLOGSTER_HOME) and the next run reuses it: the generator records the scale,
seed and counts it filled with, a run at the same ones applies the migrations added since and
analyzes instead of generating (`bench.reused: true`), and a run at other ones
stops with an error (exit 2) rather than measure the wrong size; --fresh deletes
the kept server and generates again. Filling 1,000,000 posts takes about 20 minutes
here; reusing them seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import (
    Generation,
    add_count_option,
    drop_generated_roles,
    generate,
    recorded_generation,
    requested_generation,
    scaled_counts,
)
from bench.scaling import bench_scale
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db import migrations
from blogster_cli.db.acting import acting_transaction, unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.repositories import blogs
from blogster_cli.repositories import dashboard as dashboard_rows
from blogster_cli.repositories.blogs import BlogFilter, list_own_query

BIG_TABLES = {"blogs", "blog_analytics", "blogs_to_tags"}

# The fewest columns and no tags: the worst case for RLS's fixed cost per query.
OWN_LIST = (
    "select id, title, status, updated_at from public.blogs"
    " where author_id = {who} and deleted_at is null order by updated_at desc limit 50"
)
# The brief's literal query: under RLS "blogs" is everything the user may read (every
# published post, their own, and, for a member of blogster_assignees, the posts assigned
# to them for review, 0071/0093), so the superuser twin spells out what applies to the
# benchmarked account: the assignment arm only when its role is a member (the policy is
# left out of the plan otherwise, and the generated data assigns nothing). The assignments
# in the fastest form measured for the owner (an array built once: an IN list or an EXISTS
# per row were no faster).
VISIBLE_FEED_USER = (
    "select id, title, status, updated_at from public.blogs where deleted_at is null order by updated_at desc limit 50"
)
VISIBLE_FEED_SUPERUSER = (
    "select id, title, status, updated_at from public.blogs where deleted_at is null"
    " and (status = 'published' or author_id = {who}{assigned})"
    " order by updated_at desc limit 50"
)
ASSIGNED_ARM = " or id = any (array(select t.blog_id from public.team_collaboration t where t.assigned_to = {who}))"


def feed_twin(conn: psycopg.Connection, role: str, literal: str) -> str:
    """The feed's superuser twin for `role`: with the assignment arm when the assignee
    policy applies to it (membership of blogster_assignees, 0093; every account's since 0110)."""
    member = conn.execute(
        "select to_regrole('blogster_assignees') is null or pg_has_role(%s, 'blogster_assignees', 'USAGE')", (role,)
    ).fetchone()[0]
    return VISIBLE_FEED_SUPERUSER.format(who=literal, assigned=ASSIGNED_ARM.format(who=literal) if member else "")


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


# -- data ---------------------------------------------------------------------------------


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
) -> tuple[tuple[float, bool, list[str], float], tuple[float, bool, list[str], float]]:
    """Median execution time, index use, scans and median planning time of `first` (as
    `first_role`) and `second` (as the superuser), runs interleaved so that drift (other
    processes, CPU frequency) hits both sides alike."""
    results: tuple[list[dict], list[dict]] = ([], [])
    for _ in range(runs):
        results[0].append(explain_once(conn, first, first_role))
        results[1].append(explain_once(conn, second, None))
    summaries = []
    for side in results:
        indexed, scans = plan_facts(side[-1]["Plan"])
        summaries.append(
            (
                statistics.median(r["Execution Time"] for r in side),
                indexed,
                scans,
                statistics.median(r["Planning Time"] for r in side),
            )
        )
    return summaries[0], summaries[1]


def unit_of_work_ms(conn: psycopg.Connection, acting: ActingUser | None, query: str | None) -> float:
    """One unit of work from Python: as `acting`, opened as the services open theirs (unit_of_work:
    the account's connection, which is `conn`, the role switch, driver errors translated), or a
    plain transaction on `conn`."""
    started = time.perf_counter()
    if acting:
        with unit_of_work(acting) as acting_conn:
            if query:
                acting_conn.execute(query).fetchall()
    else:
        with conn.transaction():
            if query:
                conn.execute(query).fetchall()
    return (time.perf_counter() - started) * 1000


def unit_of_work_pair(
    conn: psycopg.Connection, acting: ActingUser, as_user: str | None, as_superuser: str | None, runs: int
) -> tuple[float, float]:
    """Median wall time of the acting user's unit of work and the superuser's plain
    transaction, interleaved like explain_pair."""
    as_acting, plain = [], []
    for _ in range(runs):
        as_acting.append(unit_of_work_ms(conn, acting, as_user))
        plain.append(unit_of_work_ms(conn, None, as_superuser))
    return statistics.median(as_acting), statistics.median(plain)


def emit_units_of_work(name: str, acting_ms: float, plain_ms: float) -> None:
    emit(f"{name}.unit_of_work", acting_ms, "ms")
    emit(f"{name}.superuser_transaction", plain_ms, "ms")
    emit(f"{name}.unit_of_work_ratio", acting_ms / plain_ms if plain_ms else float("nan"), "x")


# The tables dashboard_stats reads through their owner-only policies alone (0095): the
# owner's twin names the account where the user's statement leaves it to the policy.
DASHBOARD_OWNER_ONLY = ("blog_analytics_daily_totals", "social_media_posts", "platform_republishing")


def superuser_dashboard(conn: psycopg.Connection, user_id: str) -> str:
    """dashboard_stats' own query as the owner would write it: the literal id where it calls
    auth.uid(), and each table it leaves to an owner-only policy read with that id's WHERE
    (a subquery the planner pulls up, as if the WHERE were written on the table)."""
    body = conn.execute("select pg_get_viewdef('public.dashboard_stats'::regclass, true)").fetchone()[0]
    if "auth.uid()" not in body:
        raise RuntimeError("could not find auth.uid() in the dashboard_stats definition")
    literal = f"'{user_id}'::uuid"
    twin = body.replace("auth.uid()", literal).rstrip().rstrip(";")
    for table in DASHBOARD_OWNER_ONLY:
        twin, found = re.subn(
            rf"\bFROM (?:public\.)?{table} (\w+)",
            rf"FROM (SELECT * FROM public.{table} WHERE author_id = {literal}) \1",
            twin,
        )
        if found != 1:
            raise RuntimeError(f"dashboard_stats reads {table} {found} times, not once: update the superuser twin")
    return twin


def dashboard_figures_pair(conn: psycopg.Connection, literal: str, dashboard_twin: str) -> tuple[str, str]:
    """The TUI's first statement (dashboard_stats, the unread count and the credits left) and
    its owner's twin: the literal id for (select auth.uid()), the view's twin for the view."""
    as_user = cli_statement(conn, dashboard_rows.figures, row=(None,) * 11)
    if "public.dashboard_stats" not in as_user or "(select auth.uid())" not in as_user:
        raise RuntimeError("the dashboard's figures statement changed: update its superuser twin")
    as_owner = as_user.replace("(select auth.uid())", literal).replace(
        "public.dashboard_stats", f"({dashboard_twin}) dashboard_stats"
    )
    return as_user, as_owner


def same_answer(conn: psycopg.Connection, as_user: str, as_superuser: str, role: str) -> None:
    """Stops the benchmark when the superuser twin answers differently from the user's statement."""
    with conn.transaction():
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        mine = conn.execute(as_user).fetchall()
    theirs = conn.execute(as_superuser).fetchall()
    if mine != theirs:
        raise RuntimeError(f"the superuser twin answers {theirs}, the user's statement {mine}")


class StatementRecorder:
    """Stands in for a connection to learn the statement a repository function sends;
    `fetchone` answers `row` (None: nothing found)."""

    def __init__(self, row: tuple | None = None) -> None:
        self.row = row

    def execute(self, query: str, params: object = None) -> StatementRecorder:
        self.query, self.params = query, params
        return self

    def fetchone(self) -> tuple | None:
        return self.row

    def fetchall(self) -> list:
        return []


def cli_statement(conn: psycopg.Connection, call, row: tuple | None = None, **kwargs) -> str:
    """The statement `call` (a repository function) runs, with its parameters bound."""
    recorder = StatementRecorder(row)
    call(recorder, **kwargs)
    return psycopg.ClientCursor(conn).mogrify(recorder.query, recorder.params)


def measure(db: Database, *, explain_runs: int, runs: int) -> None:
    conn = db.connection()  # the connection the account's units of work use (unit_of_work)
    user_id, role, count = typical_user(conn)
    acting = ActingUser(db, Actor(UUID(user_id), "bench@example.com"))
    emit("bench.user_blog_count", str(count), "blogs")
    literal = sql.Literal(user_id).as_string(conn) + "::uuid"
    blogs_list = list_own_query(BlogFilter())[0].as_string(conn)  # what `blogster blogs list` runs
    if "auth.uid()" not in blogs_list:
        raise RuntimeError("list_own no longer names auth.uid(): update the superuser twin")
    blog_id, slug = conn.execute(
        "select id, slug from public.blogs where author_id = %s and deleted_at is null order by updated_at desc limit 1",
        (user_id,),
    ).fetchone()
    blogs_show = cli_statement(conn, blogs.find_own, ref=slug)  # `blogster blogs show SLUG`
    revisions_list = cli_statement(conn, blogs.list_revisions, blog_id=blog_id)  # `blogster revisions list`
    dashboard_twin = superuser_dashboard(conn, user_id)
    queries = {
        "blogs_list": (blogs_list, blogs_list.replace("auth.uid()", literal)),
        "blogs_show": (blogs_show, blogs_show.replace("auth.uid()", literal)),
        # The owner would send the same statement: the blog id already says whose it is. A
        # comment makes it another prepared statement: on this one connection the two sides
        # would otherwise share psycopg's prepared statement, whose plan (RLS depends on the
        # role) PostgreSQL rebuilt at every switch, charging planning to both units of work.
        "revisions_list": (revisions_list, "/* owner */ " + revisions_list),
        "own_blog_list_minimal": (OWN_LIST.format(who="auth.uid()"), OWN_LIST.format(who=literal)),
        "visible_feed": (VISIBLE_FEED_USER, feed_twin(conn, role, literal)),
        "dashboard_stats": ("select * from public.dashboard_stats", dashboard_twin),
        "dashboard_figures": dashboard_figures_pair(conn, literal, dashboard_twin),
    }
    for name in ("dashboard_stats", "dashboard_figures"):
        same_answer(conn, *queries[name], role)
    for name, (as_user, as_superuser) in queries.items():
        explain_pair(conn, as_user, as_superuser, role, 3)  # warm the caches
        (user_ms, user_indexed, user_scans, user_plan_ms), (super_ms, super_indexed, super_scans, super_plan_ms) = (
            explain_pair(conn, as_user, as_superuser, role, explain_runs)
        )
        emit(f"{name}.server_rls", user_ms, "ms")
        emit(f"{name}.server_superuser", super_ms, "ms")
        emit(f"{name}.ratio", user_ms / super_ms if super_ms else float("nan"), "x")
        emit(f"{name}.rls_overhead", user_ms - super_ms, "ms")
        # Planning is paid again by every one-shot CLI statement (a long-lived TUI or worker
        # connection prepares a repeated statement after five runs, as the unit of work below does).
        emit(f"{name}.planning_rls", user_plan_ms, "ms")
        emit(f"{name}.planning_superuser", super_plan_ms, "ms")
        emit(f"{name}.indexed_rls", str(user_indexed).lower())
        emit(f"{name}.indexed_superuser", str(super_indexed).lower())
        log(f"{name} RLS plan: {', '.join(user_scans)}")
        log(f"{name} superuser plan: {', '.join(super_scans)}")
        emit_units_of_work(name, *unit_of_work_pair(conn, acting, as_user, as_superuser, runs))
    # What any RLS pays on the own list: the superuser running it with the policy's filter
    # added and the id already computed (no role, no privilege check, no auth.uid()).
    with_policy = OWN_LIST.format(who=literal).replace(
        " order by", f" and (author_id = (select {literal}) or (status = 'published' and deleted_at is null)) order by"
    )
    (floor_ms, _, _, _), (plain_ms, _, _, _) = explain_pair(
        conn, with_policy, OWN_LIST.format(who=literal), None, explain_runs
    )
    emit("own_blog_list_minimal.policy_filter_floor", floor_ms / plain_ms if plain_ms else float("nan"), "x")
    # The switch alone: an empty unit of work, and one running `select 1`, against the same plain transactions.
    bare, empty = unit_of_work_pair(conn, acting, None, None, runs)
    emit("role_switch.bare", bare, "ms")
    emit("role_switch.empty_transaction", empty, "ms")
    emit_units_of_work("role_switch", *unit_of_work_pair(conn, acting, "select 1", "select 1", runs))


def fill(conn: psycopg.Connection, wanted: Generation, *, kept: bool, applied: list[str]) -> bool:
    """Generates the data, or on a kept database that `generate` already filled as `wanted`,
    reuses it (analyzed again: migrations may have just changed it).
    False, with a one-line error, when a kept database holds another size or other data."""
    recorded = recorded_generation(conn)
    if recorded is None:
        if kept and conn.execute("select exists (select 1 from auth.users)").fetchone()[0]:
            print(
                "error: the kept database has accounts the generator did not record: pass --fresh or another data dir",
                file=sys.stderr,
            )
            return False
        generate(conn, scale=wanted.scale, seed=wanted.seed, counts=wanted.counts, report=emit)
        emit("bench.reused", "false")
        return True
    if recorded != wanted:
        print(
            f"error: the kept database holds {recorded.describe()}, not {wanted.describe()}:"
            " pass --fresh to generate again, or another data dir",
            file=sys.stderr,
        )
        return False
    log(f"reusing the data of {wanted.describe()}; migrations applied now: {', '.join(applied) or 'none'}")
    started = time.perf_counter()
    conn.execute("analyze")
    emit("generate.analyze_time", time.perf_counter() - started, "s")
    emit("bench.reused", "true")
    return True


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale",
        type=float,
        default=bench_scale(),
        help="data size (1.0: 1M posts)",
    )
    parser.add_argument("--runs", type=int, help="repetitions of each unit of work (501; 101 below scale 1)")
    parser.add_argument("--explain-runs", type=int, help="repetitions of each EXPLAIN ANALYZE (101; 31 below scale 1)")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (1)")
    add_count_option(parser)
    parser.add_argument(
        "--data-dir",
        help="keep the embedded server's data here and reuse it on the next run at the same scale and seed"
        " (default BLOGSTER_BENCH_DATA_DIR; without either, a throwaway server)",
    )
    parser.add_argument("--fresh", action="store_true", help="with --data-dir: delete the kept data and generate again")
    args = parser.parse_args(argv)
    wanted = requested_generation(parser, args)
    counts = scaled_counts(wanted.scale, wanted.counts)
    full = args.scale >= 1
    # A unit of work takes 0.2-1 ms: until 2026-12-01 the medians of 30 moved by 5% between runs,
    # as much as the goal's margin; 501 take a few seconds.
    runs = args.runs or (501 if full else 101)
    explain_runs = args.explain_runs or (101 if full else 31)

    external = os.environ.get("BLOGSTER_BENCH_DATABASE_URL")
    kept = None if external else (args.data_dir or os.environ.get("BLOGSTER_BENCH_DATA_DIR") or None)
    server, home = None, None
    try:
        if external:
            conninfo = external
        else:
            from prepared import embedded_server

            home = Path(kept).resolve() if kept else Path(tempfile.mkdtemp(prefix="blogster-bench-"))
            server = embedded_server(home)
            if kept and args.fresh:
                server.destroy()
            started = time.perf_counter()
            server.ensure_running()
            conninfo = server.conninfo("blogster")
            log(
                f"embedded server up in {time.perf_counter() - started:.1f}s"
                f" ({'kept in ' + str(home) if kept else 'throwaway'})"
            )
        db = Database(conninfo)
        applied = migrations.apply(db)  # on a kept database: the migrations added since it was filled
        with db.connect() as conn:
            version = conn.execute("show server_version").fetchone()[0]
            emit("bench.server_version", version)
            emit("bench.blogs", str(counts["blogs"]))
            emit("bench.users", str(counts["users"]))
            started = time.perf_counter()
            if not fill(conn, wanted, kept=bool(kept), applied=applied):
                return 2
            emit("bench.load_time", time.perf_counter() - started, "s")
            sizes = conn.execute(
                "select pg_size_pretty(pg_total_relation_size('public.blogs')),"
                " (select count(*) from public.blog_analytics)"
            ).fetchone()
            emit("bench.blogs_size", sizes[0])
            emit("bench.analytics_rows", str(sizes[1]))
            try:
                measure(db, explain_runs=explain_runs, runs=runs)
            finally:
                db.close()
            if external:
                log(f"dropped {drop_generated_roles(conn)} generated roles")
    finally:
        if server is not None:
            if kept:
                server.stop()  # the data stays for the next run
            else:
                server.destroy()
        if home is not None and not kept:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
