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
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")
Result = TypeVar("Result")
START_METHOD = "forkserver"
CHUNKS_AHEAD_PER_WORKER = 3


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
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
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


def _can_start_workers() -> bool:
    """Whether this platform has a fork server. multiprocessing is imported here, not with the
    module: a small import or export runs in this process and never loads it (~15 ms)."""
    import multiprocessing

    return START_METHOD in multiprocessing.get_all_start_methods()
