"""One parallel map for CPU-bound pure work (parsing imports, rendering exports).

Workers are processes started by a fork server (`forkserver`), never forked from this
process: forking a process that has threads (writer threads, a daemon, the TUI) can copy
a lock held by another thread and hang the child. The fork server is a clean
single-threaded process that preloads the modules named by the caller, so each worker
starts in milliseconds and shares nothing with this process (no connections, no locks).

Results come back in input order, a bounded number of chunks ahead of the consumer, so
memory stays flat. While the next result is not ready, this process runs a chunk no worker has
taken yet rather than wait: the fork server and its preloads take ~0.3 s to start, in which this
process alone parses ~1000 posts for an import. If the pool breaks (a worker killed), the
remaining chunks run here.
Where no fork server exists (not Linux or macOS), or for one worker, everything runs here.

Ctrl-C reaches the whole process group, so the fork server and the workers are started with SIGINT
blocked (they would each print a KeyboardInterrupt traceback): this process alone answers it.
While a worker starts, a stop signal (Ctrl-C, SIGTERM, SIGHUP) waits until it has started; when the
map stops early (a stop, an error), the chunks not yet taken are dropped and the workers end before
the stop goes on. A process left starting as this one exits finds the pool's semaphores gone
(a FileNotFoundError traceback).
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")
Result = TypeVar("Result")
START_METHOD = "forkserver"
CHUNKS_AHEAD_PER_WORKER = 3
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def parallel_map(
    function: Callable[[list[Item]], list[Result]],
    chunks: Iterable[list[Item]],
    *,
    workers: int,
    preload: Sequence[str] = (),
) -> Iterator[tuple[list[Item], list[Result]]]:
    """Each chunk with `function(chunk)`, in order; in `workers` processes when > 1.

    `function` must be a module-level function (it is pickled by name) and pure: it runs in
    another process. `preload` names the modules the fork server imports once (the module
    of `function` and its heavy imports), so workers do not each import them.
    """
    pending = iter(chunks)
    if workers <= 1 or not _can_start_workers():
        for chunk in pending:
            yield chunk, function(chunk)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(START_METHOD)
    context.set_forkserver_preload(list(preload))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        queued: deque[tuple[Future[list[Result]] | None, list[Item]]] = deque()
        broken = False

        def submit() -> bool:
            nonlocal broken
            chunk = next(pending, None)
            if chunk is None:
                return False
            future = None
            if not broken:
                try:
                    with _imports_as_here(), _stops_held(replay=True), _workers_deaf_to_ctrl_c():  # may start a worker
                        future = pool.submit(function, chunk)
                except BrokenProcessPool:  # a worker died since the last result was read
                    broken = True
            queued.append((future, chunk))
            return True

        def run_one_here() -> bool:
            """Runs here the first queued chunk past the next one that no worker has taken."""
            for at in range(1, len(queued)):
                waiting, chunk = queued[at]
                if waiting is not None and waiting.cancel():
                    done: Future[list[Result]] = Future()
                    try:
                        done.set_result(function(chunk))
                    except Exception as exc:  # raised in its turn, as a worker's would be
                        done.set_exception(exc)
                    queued[at] = (done, chunk)
                    return True
            return False

        for _ in range(CHUNKS_AHEAD_PER_WORKER * workers):
            if not submit():
                break
        while queued:
            future, chunk = queued[0]
            while future is not None and not future.done() and run_one_here():
                pass
            queued.popleft()
            try:
                results = future.result() if future is not None else function(chunk)
            except BrokenProcessPool:
                broken = True
                results = function(chunk)
            submit()
            yield chunk, results
    except BaseException as stopped:  # a stop signal, an error, or the consumer closing the map
        # A stop that comes while the workers end is a further one: the stop under way answers it.
        with _stops_held(replay=not isinstance(stopped, KeyboardInterrupt | GeneratorExit)):
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    with _stops_held(replay=True):
        pool.shutdown(wait=True)


@contextmanager
def _imports_as_here() -> Iterator[None]:
    """While inside, a fork server started here imports what this process imports: Python 3.11 starts
    it as `python -c`, with the working folder first on its path and not this process's path, so run
    from a folder holding another `blogster_cli` (an older checkout), the workers rendered with that
    code and an export's files depended on which process rendered each post."""
    import os
    import sys
    from pathlib import Path

    before = {name: os.environ.get(name) for name in ("PYTHONPATH", "PYTHONSAFEPATH")}
    package_folder = str(Path(__file__).resolve().parents[2])  # where this `blogster_cli` was imported from
    os.environ["PYTHONPATH"] = os.pathsep.join([package_folder, *(entry or os.getcwd() for entry in sys.path)])
    os.environ["PYTHONSAFEPATH"] = "1"  # not the working folder first
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _stops_held(*, replay: bool) -> Iterator[None]:
    """While inside, a stop signal to this process waits; on the way out the first that came is
    raised again (`replay`: its handler runs, Ctrl-C's KeyboardInterrupt) or dropped. Only the main
    thread takes signals; a signal ignored stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    before = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    held = [signum for signum, handler in before.items() if handler not in (signal.SIG_IGN, None)]
    for signum in held:
        signal.signal(signum, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        for signum in held:
            signal.signal(signum, before[signum])
        if came and replay:
            signal.raise_signal(came[0])


@contextmanager
def _workers_deaf_to_ctrl_c() -> Iterator[None]:
    """While inside, SIGINT is blocked in this thread: a fork server started here inherits the mask,
    and so does every worker it forks. A Ctrl-C meanwhile is delivered on the way out. The resource
    tracker (which unblocks SIGINT once it has started itself) is started first."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _can_start_workers() -> bool:
    """Whether this platform has a fork server. multiprocessing is imported here, not with the
    module: a small import or export runs in this process and never loads it (~15 ms)."""
    import multiprocessing

    return START_METHOD in multiprocessing.get_all_start_methods()
