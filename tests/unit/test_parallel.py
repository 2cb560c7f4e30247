"""The one parallel map: ordered results, safe beside threads, survives a dead worker."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from blogster_cli.services import parallel
from blogster_cli.services.parallel import parallel_map


def square_with_pid(chunk: list[int]) -> list[tuple[int, int]]:
    return [(n * n, os.getpid()) for n in chunk]


def die_on_seven(chunk: list[int]) -> list[int]:
    if 7 in chunk and multiprocessing.parent_process() is not None:
        os._exit(1)  # a worker killed mid-chunk
    return [-n for n in chunk]


def test_results_come_back_in_order_from_other_processes_while_threads_hold_locks() -> None:
    held = threading.Lock()
    held.acquire()  # a lock held by another thread: a plain fork would copy it locked
    waiter = threading.Thread(target=lambda: held.acquire(timeout=30), daemon=True)
    waiter.start()
    chunks = [list(range(start, start + 5)) for start in range(0, 100, 5)]
    out = list(parallel_map(square_with_pid, iter(chunks), workers=2, preload=[__name__]))
    held.release()
    assert [chunk for chunk, _ in out] == chunks
    assert [value for _, results in out for value, _ in results] == [n * n for n in range(100)]
    assert {pid for _, results in out for _, pid in results} - {os.getpid()}
    assert parallel.START_METHOD in ("forkserver", "spawn")


def test_a_dead_worker_leaves_the_rest_to_this_process() -> None:
    chunks = [[n] for n in range(12)]
    out = list(parallel_map(die_on_seven, chunks, workers=2, preload=[__name__]))
    assert [results for _, results in out] == [[-n] for n in range(12)]


def test_a_pool_that_breaks_while_chunks_are_handed_out_leaves_the_rest_to_this_process(monkeypatch) -> None:
    """A worker can die between reading one result and handing out the next chunk: the pool's
    submit then raises at once (CI saw it), and the chunks go on here instead."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from itertools import count

    real_submit, calls = ProcessPoolExecutor.submit, count()

    def breaking_submit(self, fn, /, *args, **kwargs):
        if next(calls) >= 3:
            raise BrokenProcessPool("a child process terminated abruptly")
        return real_submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", breaking_submit)
    chunks = [[n] for n in range(12)]
    out = list(parallel_map(square_with_pid, chunks, workers=2, preload=[__name__]))
    assert [[value for value, _ in results] for _, results in out] == [[n * n] for n in range(12)]


def test_one_worker_runs_here() -> None:
    out = list(parallel_map(square_with_pid, [[1, 2]], workers=1))
    assert out == [([1, 2], [(1, os.getpid()), (4, os.getpid())])]


# The named exceptions to the one parallel map, each with its reason.
OWN_POOLS = {
    # A pure package may not import services/ (imports point down only). Its analyse_lines and
    # analyse_file serve the parser's benchmark (bench/bench_analytics.py) and tests, on a
    # forkserver pool (safe beside threads); `analytics ingest` parses through parallel_map.
    "analytics/aggregate.py",
}


def test_no_process_pool_but_the_parallel_map():
    """Every CPU-bound fan-out goes through parallel_map: nothing else forks a process pool."""
    from pathlib import Path

    package = Path(parallel.__file__).resolve().parents[1]
    offenders = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name != "parallel.py" and ("ProcessPoolExecutor" in path.read_text() or '"fork"' in path.read_text())
    ]
    assert sorted(offenders) == sorted(OWN_POOLS)


def test_site_bodies_rendered_in_workers_equal_those_rendered_here():
    from blogster_cli.publish.markdown import render_post
    from blogster_cli.services.site import PARALLEL_FROM, render_bodies

    markdowns = {f"post-{n}": f"# Post {n}\n\nSome *text* with `code` {n}.\n" for n in range(PARALLEL_FROM + 10)}
    assert render_bodies(markdowns) == {key: render_post(text) for key, text in markdowns.items()}


def slow_in_a_worker(chunk: list[int]) -> list[int]:
    import time

    if multiprocessing.parent_process() is not None:
        time.sleep(0.5)
    return [os.getpid() for _ in chunk]


def test_chunks_no_worker_has_taken_run_here_while_the_next_result_is_not_ready() -> None:
    """The fork server and its preloads take a while to start: this process does not wait idle."""
    chunks = [[n] for n in range(12)]
    out = list(parallel_map(slow_in_a_worker, chunks, workers=2, preload=[__name__]))
    assert [chunk for chunk, _ in out] == chunks
    pids = [pid for _, results in out for pid in results]
    assert os.getpid() in pids and set(pids) - {os.getpid()}


def fail_on_five(chunk: list[int]) -> list[int]:
    if 5 in chunk:
        raise ValueError("five")
    return chunk


def test_an_error_of_a_chunk_run_here_is_raised_in_its_turn() -> None:
    chunks = [[n] for n in range(12)]
    out = []
    try:
        for item in parallel_map(fail_on_five, chunks, workers=2, preload=[__name__]):
            out.append(item)
    except ValueError:
        pass
    assert [chunk for chunk, _ in out] == [[n] for n in range(5)]


def test_one_worker_never_loads_multiprocessing() -> None:
    """A small import or export (one worker) runs here: it need not load multiprocessing (~15 ms)."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom blogster_cli.services.parallel import parallel_map\n"
        "assert list(parallel_map(len, [[1, 2]], workers=1)) == [([1, 2], 2)]\n"
        "print('multiprocessing' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "False"


def test_a_stop_while_a_worker_starts_waits_for_the_start_then_ends_the_map_and_its_workers(monkeypatch) -> None:
    """Ctrl-C as a chunk is handed out (which may start the fork server and a worker) is held until the
    start is done, then raised, not lost: the map stops and every worker it started has ended. Raised
    in the middle of the start, a worker came up after this process had gone. Ctrl-C's own handler is
    set for the test: a runner's worker process (pytest-xdist's) may start with SIGINT ignored."""
    from concurrent.futures import ProcessPoolExecutor

    real_submit, handed_out, workers = ProcessPoolExecutor.submit, [], []

    def interrupted_submit(self, fn, /, *args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while the worker starts
        future = real_submit(self, fn, *args, **kwargs)
        handed_out.append(args[0])
        workers.extend(self._processes.values())
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", interrupted_submit)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(parallel_map(square_with_pid, [[1], [2], [3]], workers=2, preload=[__name__]))
    finally:
        signal.signal(signal.SIGINT, before)
    assert handed_out == [[1]] and workers
    assert not any(worker.is_alive() for worker in workers)
