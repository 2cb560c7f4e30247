"""serve-workers: maintenance fan-out, job throughput per worker process count, wake-up latency.

    python bench/bench_worker.py [--fanout-users 100000] [--jobs 2000] [--latency-runs 50]

Starts a throwaway embedded PostgreSQL (or uses BLOGSTER_BENCH_DATABASE_URL, a superuser
URL of a scratch database) and applies the migrations, then prints `name: value unit`:
- fanout: one maintenance_schedules insert for --fanout-users accounts (the 0036 trigger
  writes every in-app notification and the email jobs, up to 100 recipients each, in that
  transaction); goal <= 10 s.
- throughput: --jobs emails (queued 100 to a job since 0036; the `jobs_per_s` lines count
  emails) run by 1, 2 and 4 `blogster serve-workers` processes
  (concurrency 4 each) started beforehand; seconds from the commit that queues them to the
  last outcome recorded. No SMTP server is configured, so each job does its whole database
  path (ledger read, the user's own read as the user, outcome write) and records "failed";
  SMTP time is left out on purpose: it is the remote side's. A round empties the queue only once no
  job is `doing` (a worker still recording the last outcome; at most SETTLE_SECONDS, else an error).
- latency: p50 from a job's `deferred` event (the enqueueing transaction) to its `started`
  event (a worker claimed it), one job at a time, LISTEN/NOTIFY waking an idle worker; goal
  <= 50 ms. Successful jobs are deleted with their events, so a trigger this benchmark adds
  to its scratch database copies the events aside. Also p50 enqueue -> outcome recorded.
BLOGSTER_BENCH_SCALE (bench/run.py --scale) scales the defaults: 0.01 is a CI-sized run; below
0.1 the throughput rounds add processes to the running ones rather than starting all afresh.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scaling import bench_scale
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database

SCHEDULE = (
    "insert into public.maintenance_schedules (title, start_time, end_time)"
    " values (%s, now() + interval '1 day', now() + interval '1 day 1 hour')"
)


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def add_users(conn: psycopg.Connection, *, prefix: str, count: int, with_roles: bool) -> None:
    conn.execute(
        "insert into auth.users (email) select %s || g || '@example.com' from generate_series(1, %s) g",
        (prefix, count),
    )
    if with_roles:
        conn.execute(
            "do $$ declare r record; begin for r in select role_name from auth.users where email like 'worker-%'"
            " loop execute format('create role %I nologin in role authenticated', r.role_name); end loop; end $$"
        )


def only_these_want_email(conn: psycopg.Connection, prefix: str) -> None:
    conn.execute(
        "update public.user_notification_preferences p set maintenance_notifications = (u.email like %s)"
        " from auth.users u where u.id = p.user_id",
        (prefix + "%",),
    )


SETTLE_SECONDS = 30.0


def wait_until_settled(conn: psycopg.Connection, *, timeout: float = SETTLE_SECONDS) -> None:
    """Waits until no job is `doing`: a worker records its job's outcome after the deliveries a
    round counts, and a job deleted before that makes procrastinate log a traceback."""
    deadline = time.monotonic() + timeout
    while doing := doing_jobs(conn):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{doing} job(s) still in 'doing' status after {timeout:g} s: did a worker stop mid-job?"
            )
        time.sleep(0.05)


def doing_jobs(conn: psycopg.Connection) -> int:
    return conn.execute("select count(*) from procrastinate.procrastinate_jobs where status = 'doing'").fetchone()[0]


def clear_queue(conn: psycopg.Connection) -> None:
    wait_until_settled(conn)
    conn.execute("delete from internal.email_deliveries")
    conn.execute("delete from procrastinate.procrastinate_jobs")


def fanout(conn: psycopg.Connection, users: int) -> None:
    add_users(conn, prefix="fanout-", count=users, with_roles=False)
    conn.execute("analyze")
    started = time.perf_counter()
    with conn.transaction():
        conn.execute(SCHEDULE, ("Fan-out bench",))
    seconds = time.perf_counter() - started
    jobs = conn.execute("select count(*) from procrastinate.procrastinate_jobs").fetchone()[0]
    recipients = conn.execute(
        "select count(*) from procrastinate.procrastinate_jobs j, jsonb_array_elements(j.args->'recipients')"
    ).fetchone()[0]
    notes = conn.execute("select count(*) from public.user_notifications").fetchone()[0]
    emit("fanout.users", str(users))
    emit("fanout.in_app_notifications", str(notes))
    emit("fanout.email_jobs", str(jobs))
    emit("fanout.email_recipients", str(recipients))
    emit("fanout.seconds", seconds, "s")
    emit("fanout.ratio_to_goal_10s", seconds / 10.0)
    clear_queue(conn)


def start_workers(conninfo: str, count: int) -> list[subprocess.Popen]:
    env = dict(os.environ, BLOGSTER_DATABASE_URL=conninfo)
    env.pop("BLOGSTER_SMTP_URL", None)
    return [
        subprocess.Popen([sys.executable, "-m", "blogster_cli", "serve-workers", "--concurrency", "4"], env=env)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=30)


def wait_until_registered(conn: psycopg.Connection, count: int) -> None:
    deadline = time.monotonic() + 60
    while conn.execute("select count(*) from procrastinate.procrastinate_workers").fetchone()[0] < count:
        if time.monotonic() > deadline:
            raise RuntimeError("workers did not start")
        time.sleep(0.1)


def throughput(conn: psycopg.Connection, conninfo: str, jobs: int, *, fresh: bool) -> None:
    """Each round with `fresh` processes; else a round adds processes to the last round's (4 started
    instead of 7: CI's reduced run, where the emails make one job and a start costs ~1 s of CPU)."""
    add_users(conn, prefix="worker-", count=jobs, with_roles=True)
    only_these_want_email(conn, "worker-")
    rates = {}
    workers: list[subprocess.Popen] = []
    try:
        for processes in (1, 2, 4):
            clear_queue(conn)
            if fresh:
                conn.execute("delete from procrastinate.procrastinate_workers")
            workers += start_workers(conninfo, processes - len(workers))
            wait_until_registered(conn, processes)
            started = time.perf_counter()
            with conn.transaction():
                conn.execute(SCHEDULE, (f"Throughput {processes}",))
            while conn.execute("select count(*) from internal.email_deliveries").fetchone()[0] < jobs:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            if fresh:
                stop_workers(workers)
                workers = []
            rates[processes] = jobs / seconds
            emit(f"throughput.{processes}_process_jobs_per_s", rates[processes], "jobs/s")
    finally:
        stop_workers(workers)
    emit("throughput.scaling_4_vs_1", rates[4] / rates[1])


COPY_EVENTS = """
create table public.bench_job_events (job_id bigint, type text, at timestamptz);
create function public.bench_copy_job_event() returns trigger language plpgsql security definer
set search_path = '' as $$
begin
  insert into public.bench_job_events values (new.job_id, new.type::text, new.at);
  return new;
end $$;
create trigger bench_copy_job_event after insert on procrastinate.procrastinate_events
  for each row execute function public.bench_copy_job_event();
"""
DROP_COPY_EVENTS = (
    "drop trigger bench_copy_job_event on procrastinate.procrastinate_events;"
    " drop function public.bench_copy_job_event(); drop table public.bench_job_events"
)


def latency(conn: psycopg.Connection, conninfo: str, runs: int) -> None:
    clear_queue(conn)
    conn.execute(COPY_EVENTS)
    conn.execute("delete from procrastinate.procrastinate_workers")
    conn.execute(
        "update auth.users set deleted_at = now() where email like 'worker-%' and email <> 'worker-1@example.com'"
    )
    workers = start_workers(conninfo, 1)
    try:
        wait_until_registered(conn, 1)
        time.sleep(1)
        for run in range(runs):
            with conn.transaction():
                conn.execute(SCHEDULE, (f"Latency {run}",))
            time.sleep(0.2)
        time.sleep(1)
    finally:
        stop_workers(workers)
    # Successful jobs are deleted with their events, so the ledger times the whole path.
    waits = [
        ms
        for (ms,) in conn.execute(
            "select extract(epoch from d.recorded_at - n.created_at) * 1000 from internal.email_deliveries d"
            " join public.user_notifications n on n.id = d.notification_id"
            " where n.title like 'Scheduled maintenance: Latency %'"
        )
    ]
    starts = [
        ms
        for (ms,) in conn.execute(
            "select extract(epoch from s.at - d.at) * 1000 from public.bench_job_events d"
            " join public.bench_job_events s on s.job_id = d.job_id and s.type = 'started'"
            " where d.type = 'deferred'"
        )
    ]
    conn.execute(DROP_COPY_EVENTS)
    emit("latency.jobs", str(len(starts)))
    start_p50 = float(statistics.median(starts))
    emit("latency.enqueue_to_start_p50_ms", start_p50, "ms")
    emit("latency.enqueue_to_done_p50_ms", float(statistics.median(waits)), "ms")
    emit("latency.ratio_to_goal_50ms", start_p50 / 50.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale = bench_scale()
    parser.add_argument("--fanout-users", type=int, default=max(int(100_000 * scale), 100))
    parser.add_argument("--jobs", type=int, default=max(int(2000 * scale), 40))
    parser.add_argument("--latency-runs", type=int, default=max(int(50 * min(scale * 10, 1)), 10))
    args = parser.parse_args(argv)

    external = os.environ.get("BLOGSTER_BENCH_DATABASE_URL")
    server, home = None, None
    try:
        if external:
            conninfo = external
        else:
            from bench.prepared import embedded_server

            home = Path(tempfile.mkdtemp(prefix="blogster-bench-"))
            server = embedded_server(home)
            server.ensure_running()
            conninfo = server.conninfo("blogster")
        migrations.apply(Database(conninfo))
        with psycopg.connect(conninfo, autocommit=True) as conn:
            fanout(conn, args.fanout_users)
            only_these_want_email(conn, "nobody-")
            throughput(conn, conninfo, args.jobs, fresh=scale >= 0.1)
            latency(conn, conninfo, args.latency_runs)
            if external:
                conn.execute(
                    "do $$ declare r record; begin for r in select role_name from auth.users"
                    " where email like 'worker-%' loop execute format('drop role if exists %I', r.role_name);"
                    " end loop; end $$"
                )
    finally:
        if server is not None:
            server.destroy()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
