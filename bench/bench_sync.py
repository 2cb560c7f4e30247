"""Two-way folder sync (`blogster sync`) on a throwaway embedded server.

    python bench/bench_sync.py [--posts 10000]

Generates --posts markdown files (bench_import_export's generator: Hugo, Jekyll, Zola,
Astro and plain markdown), imports them as one account, then times the sync service as
that account under RLS:

    first_sync: the first sync of the already-imported folder (links it, reads and hashes
        every file, matches each to its post: nothing to write)
    noop_sync: a sync that finds nothing changed (goal <= 0.25x first_sync and < 2 s)
    one_file_change: one file edited on disk (one post updated, a new revision)
    one_change_each_side: one file edited and another post edited in the database
        (goal <= 0.5 s)
    watch_latency: from a save to the end of the sync `--watch` runs for it (goal: within a second)
    watch_db_latency: from a database edit's commit to the end of the sync that wrote its file

The peer is the first sync measured in the same run: noop_ratio = noop_sync / first_sync.
Each figure comes with this process's CPU time (the database server's is not in it) and
the machine's load average when it was taken: on a shared machine, wall time follows load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import_export import create_account, generate
from scaling import bench_scale, scaled
from timing import timed

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.db.acting import unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.services import imports
from blogster_cli.services import sync as sync_service

T = TypeVar("T")
NOOP_RATIO_GOAL = 0.25
NOOP_GOAL_S = 2.0
CHANGE_GOAL_S = 0.5


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def timed_cpu(action: Callable[[], T]) -> tuple[float, float, T]:
    """(wall seconds, this process's CPU seconds, result) of one call of `action`."""
    cpu = time.process_time()
    wall, result = timed(action)
    return wall, time.process_time() - cpu, result


def watch_latency(acting: ActingUser, folder: Path, edited: Path) -> tuple[float, float]:
    """Seconds from a save under a watched folder to the end of the sync that took it in,
    and from a database edit to the end of the sync that wrote its file."""
    import threading

    started, synced, written, stop = threading.Event(), threading.Event(), threading.Event(), threading.Event()

    def on_run(summary: sync_service.SyncSummary) -> None:
        started.set()
        if any(file.action == "updated" for file in summary.files):
            synced.set()
        if any(file.action == "written" for file in summary.files):
            written.set()

    watcher = threading.Thread(
        target=sync_service.watch, args=(acting,), kwargs={"directory": folder, "on_run": on_run, "stop": stop}
    )
    watcher.start()
    started.wait(120)
    time.sleep(0.5)  # its first sync is done and the watcher is up
    try:
        saved = time.perf_counter()
        edited.write_bytes(edited.read_bytes() + b"\nSaved while watching.\n")
        if not synced.wait(60):
            raise SystemExit("watch never synced the save")
        save_latency = time.perf_counter() - saved
        time.sleep(0.5)
        with unit_of_work(acting) as conn:
            conn.execute(
                "update public.blogs set title = title || ' (watched)' where id = (select id from public.blogs"
                " where deleted_at is null order by slug desc limit 1)"
            )
        committed = time.perf_counter()
        if not written.wait(60):
            raise SystemExit("watch never wrote the database edit")
        return save_latency, time.perf_counter() - committed
    finally:
        stop.set()
        watcher.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--posts", type=int, default=scaled(10000, bench_scale(), minimum=50), help="10,000 x BLOGSTER_BENCH_SCALE"
    )
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-sync-"))
    server = embedded_server(scratch / "home")
    try:
        started = time.perf_counter()
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        folder = scratch / "site"
        generate(folder, args.posts)
        imported = imports.import_paths(acting, paths=[folder])
        if imported.counts["imported"] != args.posts:
            raise SystemExit(f"import went wrong: {imported.counts}")
        print(f"setup: {time.perf_counter() - started:.1f} s ({args.posts} posts imported)")

        def run() -> sync_service.SyncSummary:
            return sync_service.sync_folder(acting, directory=folder)

        first, cpu, summary = timed_cpu(run)
        if summary.files or summary.counts["unchanged"] != args.posts:
            raise SystemExit(f"first sync went wrong: {summary.counts}")
        print(f"first_sync: {first:.2f} s (cpu {cpu:.2f} s, {load()}; {args.posts} files matched, none written)")

        settle, cpu, _ = timed_cpu(run)  # reads the posts the first run recorded once more
        print(f"second_sync: {settle:.3f} s (cpu {cpu:.3f} s, {load()})")
        noop, cpu, _ = min((timed_cpu(run) for _ in range(3)), key=lambda timing: timing[0])
        ratio = noop / first
        print(
            f"noop_sync: {noop:.3f} s (cpu {cpu:.3f} s, {load()}; goal < {NOOP_GOAL_S} s: {verdict(noop < NOOP_GOAL_S)})"
        )
        print(f"noop_ratio: {ratio:.2f} x first_sync (goal <= {NOOP_RATIO_GOAL}: {verdict(ratio <= NOOP_RATIO_GOAL)})")

        files = sorted(folder.rglob("*.md"))
        files[3].write_bytes(files[3].read_bytes() + b"\nOne more line.\n")
        elapsed, cpu, summary = timed_cpu(run)
        if [file.action for file in summary.files] != ["updated"]:
            raise SystemExit(f"one-file change went wrong: {summary.files}")
        print(f"one_file_change: {elapsed:.3f} s (cpu {cpu:.3f} s, {load()})")

        files[5].write_bytes(files[5].read_bytes() + b"\nAnd another.\n")
        with unit_of_work(acting) as conn:
            conn.execute(
                "update public.blogs set title = title || ' (edited)' where id = (select id from public.blogs"
                " where content -> 'source' ->> 'path' <> %s order by slug limit 1)",
                (files[5].relative_to(folder).as_posix(),),
            )
        elapsed, cpu, summary = timed_cpu(run)
        if sorted(file.action for file in summary.files) != ["updated", "written"]:
            raise SystemExit(f"change on each side went wrong: {summary.files}")
        met = verdict(elapsed <= CHANGE_GOAL_S)
        print(f"one_change_each_side: {elapsed:.3f} s (cpu {cpu:.3f} s, {load()}; goal <= {CHANGE_GOAL_S} s: {met})")
        save_latency, db_latency = watch_latency(acting, folder, files[9])
        print(f"watch_latency: {save_latency:.3f} s ({load()}; goal <= 1 s: {verdict(save_latency <= 1)})")
        print(f"watch_db_latency: {db_latency:.3f} s ({load()}; goal <= 1 s: {verdict(db_latency <= 1)})")
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
