"""Starting the studio: the sign-in and the first figures run beside Textual's own start.

Resolving the user costs about as much as Textual's own start (the keyring backend,
the database driver, connecting, a query), so `run` starts that work (`EarlyStart`:
sign in, then read the dashboard's figures as that user) before it imports Textual;
the app paints its frame meanwhile and shows the figures once they come (app.py).
They are read live, as the signed-in user, exactly as a reload reads them.

Importing is Python work that holds the interpreter lock, so a thread only overlaps
the waiting (the server checking the login, running the queries). `blogster tui`
(`apart=True`) therefore does it in a forked copy of the process on Linux, on another
core, which hands back the signed-in user and the figures through a pipe and exits;
where forking is not safe (another OS, threads already running) or the copy fails
for any reason, the same work runs on a thread here, so an error is the one this
process raises. If the sign-in fails, the app closes and `run` raises that error,
so `blogster tui` reports it as the one line and exit code of any other command.
This module imports Textual only inside `run`, after the work has started.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo
    from pathlib import Path

    from blogster_cli.actors import ActingUser
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.services.dashboard import Dashboard

DASHBOARD_LINES = 14
"""The dashboard's lines besides its recent activity's rows: the header, the cards (5), the status
line, the chart (3), the footer, and the activity table's borders and column labels (app.py's CSS)."""
RECENT_FEWEST, RECENT_MOST = 8, 60
"""The recent activities the dashboard reads, however short or tall the terminal."""


def recent_rows(lines: int) -> int:
    """How many recent activities the dashboard reads on a terminal `lines` high: as many as its
    table shows (RECENT_FEWEST to RECENT_MOST), so a tall terminal's table is not left mostly empty."""
    return max(RECENT_FEWEST, min(RECENT_MOST, lines - DASHBOARD_LINES))


def terminal_lines() -> int:
    """The terminal's height as Textual reads it (`shutil.get_terminal_size`: $LINES, else the terminal
    on stdout, else 24 lines), without importing shutil (Textual imports it, after the sign-in starts)."""
    try:
        lines = int(os.environ.get("LINES", ""))
    except ValueError:
        lines = 0
    if lines <= 0:
        try:
            lines = os.get_terminal_size(sys.__stdout__.fileno()).lines if sys.__stdout__ is not None else 0
        except (AttributeError, ValueError, OSError):
            lines = 0
    return lines or 24


class EarlyStart:
    """`sign_in`, then the dashboard's figures as that user, started at once.

    `signed_in()` waits for who is acting, `answered()` says without waiting whether it is
    known (the app then shows the figures in its first frame), and `fileno()` is what an event
    loop waits on for the forked copy's answer (no thread, no polling); `figures` is the
    figures' future (a failure is its exception). `apart`: in a forked copy of this process where that is safe (see the
    module's docstring), else on a thread. The thread is a daemon (quitting before the
    sign-in answers does not wait for it) and closes its own database connection when done.
    `recent`: the recent activities read with the figures (`recent_rows`).
    """

    def __init__(self, sign_in: Callable[[], ActingUser], *, apart: bool = False, recent: int = RECENT_FEWEST) -> None:
        self.acting: Future[ActingUser] = Future()
        self.figures: Future[Dashboard] = Future()
        self.forked = False
        """Whether the work ran in a forked copy of the process (and came back from it)."""
        self._sign_in = sign_in
        self._recent = recent
        self._pipe: int | None = None
        """The forked copy's pipe, read without waiting (`answered`) until its end, then closed."""
        self._chunks: list[bytes] | None = None
        """What the copy has written so far (None: no copy, or its answer taken)."""
        self._taking = threading.Lock()
        child = _fork(sign_in, recent) if apart else None
        self._apart = child is not None
        if child is None:
            threading.Thread(target=self._run, name="Signing in", daemon=True).start()
        else:
            pid, self._pipe = child
            self._chunks = []
            os.set_blocking(self._pipe, False)
            # Reaps the copy when it ends; the answer is whatever it wrote (an exit status adds nothing:
            # a copy that failed wrote nothing, one killed midway a truncated pickle: both read as none).
            threading.Thread(target=os.waitpid, args=(pid, 0), name="Sign-in copy", daemon=True).start()

    def fileno(self) -> int | None:
        """The pipe to wait on (an event loop's reader) while the forked copy's answer is still
        coming; None once it has all come, or when the work runs on a thread."""
        return self._pipe

    def answered(self) -> bool:
        """Whether who is acting is known now, without waiting: the thread has signed in, or the
        forked copy's whole answer has come and reads as one (the figures come with it). False
        while it is coming, and for an answer short of one: `signed_in()` then does the work here."""
        if not self._taking.acquire(blocking=False):  # signed_in() is taking it on another thread
            return False
        try:
            if self._pipe is not None and not self._read(wait=False):
                return False
            if self._chunks is not None and not self.acting.done():
                self._take_answer()
        finally:
            self._taking.release()
        return self.acting.done() and self.acting.exception() is None

    def signed_in(self) -> ActingUser:
        """Who is acting, once the sign-in has answered (it waits); raises why nobody could be.

        An answer short of one (the copy failed, died, was killed): the work is done here.
        """
        with self._taking:
            if self._apart and not self.acting.done():
                if self._pipe is not None:
                    self._read(wait=True)
                if not (self._chunks is not None and self._take_answer()):  # short of one (now or before)
                    self._run()
        return self.acting.result()

    def _read(self, *, wait: bool) -> bool:
        """Reads the copy's pipe to its end, or (`wait` False) what has come so far: whether the end came."""
        assert self._pipe is not None
        if wait:
            os.set_blocking(self._pipe, True)
        while True:
            try:
                chunk = os.read(self._pipe, 65536)
            except BlockingIOError:
                return False
            if not chunk:
                os.close(self._pipe)
                self._pipe = None
                return True
            assert self._chunks is not None
            self._chunks.append(chunk)

    def _take_answer(self) -> bool:
        """The copy's whole answer, unpickled on the caller's thread; False (and nothing set) when it
        is short of one. Called once: the bytes are dropped."""
        assert self._chunks is not None
        answer, self._chunks = b"".join(self._chunks), None
        try:
            acting, figures = pickle.loads(answer)  # our own child's bytes, our own pipe
        except Exception:
            return False
        self.forked = True
        self.acting.set_result(acting)
        self.figures.set_result(figures)
        return True

    def _run(self) -> None:
        try:
            acting = self._sign_in()
        except BaseException as exc:  # every kind: the app closes and `run` raises it
            self.acting.set_exception(exc)
            self.figures.cancel()
            return
        self.acting.set_result(acting)
        try:
            from blogster_cli.services import dashboard  # here: on this thread, beside Textual's import

            self.figures.set_result(dashboard.summary(acting, recent=self._recent))
        except BaseException as exc:  # the dashboard shows it as a notification, as on a reload
            self.figures.set_exception(exc)
        finally:
            acting.db.close()


def fork_is_safe() -> bool:
    """Linux (macOS's system frameworks, which its keyring uses, are not fork-safe), and this thread
    alone (a lock another thread holds would stay held in the copy)."""
    return sys.platform == "linux" and threading.active_count() == 1


def _fork(sign_in: Callable[[], ActingUser], recent: int) -> tuple[int, int] | None:
    """Forks a copy that signs in, reads the figures and writes both, pickled, to a pipe: (its pid,
    the pipe's end to read), or None where forking is not safe (`fork_is_safe`). The copy writes
    nothing on the terminal: when it fails, this process does the work itself and reports the error."""
    if not fork_is_safe():
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C before the screen opens: gone quietly
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        os.close(read_end)
        acting = sign_in()
        try:
            from blogster_cli.services import dashboard

            answer = pickle.dumps((acting, dashboard.summary(acting, recent=recent)))
        finally:
            acting.db.close()
        with os.fdopen(write_end, "wb") as out:
            out.write(answer)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no buffers of the parent's flushed twice


def _say_kept(kept: list[Path], discarded: list[str]) -> None:
    """Where quitting kept unsaved text, and the new posts it discarded (left as they were created:
    `discarded`, said as the studio says it), on stderr once the screen is closed. Not a failure when the
    terminal is gone (the window closed: SIGHUP): the files are there, and what could not be written
    is dropped rather than failing again at the interpreter's flush at exit."""
    from blogster_cli.terminal_text import safe

    try:
        for path in kept:
            print(f"Unsaved text kept in {path}", file=sys.stderr, flush=True)
        for note in discarded:
            print(safe(note), file=sys.stderr, flush=True)
    except OSError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())


def run(
    sign_in: Callable[[], ActingUser],
    *,
    zone: tzinfo,
    provider: Callable[[], ProviderConfig] | None = None,
    apart: bool = False,
    **options: Any,
) -> None:
    """Opens the studio as whoever `sign_in` resolves, showing times in `zone` (`AppContext.tzinfo`); `provider` gives the AI provider when a generation
    first needs it; `apart`: sign in in a forked copy where safe (`EarlyStart`); `options` go to
    Textual's App.run (headless, auto_pilot...). SIGTERM and SIGHUP (the terminal closed) close the
    studio as quitting does (the terminal put back, unsaved text kept), and `run` returns (exit 0)."""
    # asyncio: Textual and the database driver both import it (~20 ms of CPU). Imported here, before
    # the copy forks, it is imported once: this process imports it right after, for Textual, anyway.
    import asyncio  # noqa: F401
    import gc
    import signal

    from blogster_cli import stop_signals

    size = options.get("size")  # headless runs give theirs (bench/bench_tui.py)
    lines = size[1] if size else terminal_lines()
    early = EarlyStart(sign_in, apart=apart, recent=recent_rows(lines))  # before Textual's import: the two overlap
    from blogster_cli.tui.app import BlogsterApp, no_provider

    # Everything imported so far lives as long as the process: out of the collector's sight,
    # the collections that Textual's start-up triggers do not walk it again (a full one cost
    # ~15 ms of CPU before the first frame). Later garbage is collected as usual.
    gc.freeze()
    app = BlogsterApp(early=early, zone=zone, provider=provider or no_provider)
    with stop_signals.taken([signal.SIGTERM, signal.SIGHUP], app.stop_by_signal):  # Textual takes neither
        app.run(**options)
    _say_kept(app.kept, app.discarded)
    if app.sign_in_error is not None:
        raise app.sign_in_error
