"""Which editor `posts edit` and `docs edit` open: the `editor` setting, then $VISUAL, then
$EDITOR; `vi` only on a terminal. Off one (a script, cron) with none set, vi would start on
no terminal, fail, and leave its files behind: that is refused with a one-line error instead.
And how an editor that ends badly ends the command: a stop signal as any command stops on it."""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from blogster_cli import config
from blogster_cli.cli import output
from blogster_cli.cli.state import app_context
from blogster_cli.errors import BlogsterError, ConfigError, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FALLBACK = "vi"


def editor_command() -> list[str]:
    """The editor's command line, ready for the file name to be appended. The setting was checked
    as it was loaded (`config.command_words`: a bad one stops every command, exit 6); $VISUAL or
    $EDITOR that no shell could read as a command is refused the same way, naming the variable."""
    chosen = app_context().settings.editor
    if chosen:
        return config.command_words("editor", chosen)
    for variable in ("VISUAL", "EDITOR"):
        if chosen := os.environ.get(variable):
            try:
                return config.command_words(variable, chosen)
            except InvalidInput as exc:
                hint = config.fix_hint("editor", config.SOURCE_ENVIRONMENT, variable)
                raise ConfigError(f"{exc} ({hint})") from None
    if sys.stdin.isatty() and sys.stdout.isatty():
        return [FALLBACK]
    raise InvalidInput(
        "no editor set and no terminal: set EDITOR (or `blogster config set editor ...`),"
        " or give the text with --from FILE"
    )


STOPS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP (the terminal closed)"}
"""The stop signals, as a message names them."""


@contextmanager
def stops_held_while_editing() -> Iterator[list[signal.Signals]]:
    """While inside (the editor is started and runs): the stop signals that came, in their order.
    Ctrl-C belongs to the editor (as in git): nothing here. SIGTERM and SIGHUP (a terminal closed:
    its editor gets it too) wait until the editor ends, so its buffer is not removed under it and
    the text can be kept. Taken before the editor starts, by Python handlers (an editor started
    inside gets the default actions back); a signal ignored at start stays ignored."""
    stops: list[signal.Signals] = []

    def held(signum: int, frame: object) -> None:
        if signum != signal.SIGINT:
            stops.append(signal.Signals(signum))

    before = {signum: signal.getsignal(signum) for signum in STOPS}
    for signum, previous in before.items():
        if previous is not signal.SIG_IGN:
            signal.signal(signum, held)
    try:
        yield stops
    finally:
        for signum, previous in before.items():
            if previous is not None:  # (None: a handler not set from Python, which cannot be put back)
                signal.signal(signum, previous)


def give_up(exit_code: int, stop: signal.Signals | None, kept: Path | None) -> NoReturn:
    """Ends the command when the editor did not end well, nothing saved (`kept`: where its text is).
    A stop signal (this command's while the editor ran, or the one that ended the editor) stops it as
    that signal stops any command: Ctrl-C 130, SIGTERM 143, SIGHUP 129, after a warning saying where
    the text is. Another signal, or an exit code of the editor's own, is a failure (exit 1)."""
    where = f"; your text is kept in {kept}" if kept else ""
    ended_by = stop or _signal_of(exit_code)
    if ended_by in STOPS:
        output.warning(f"the editor was stopped by {STOPS[ended_by]}; nothing was saved{where}")
        signal.raise_signal(ended_by)  # this command's handler: KeyboardInterrupt, or cli/app's Terminated
    if ended_by is not None:  # (or a stop this command ignores: SIGHUP under nohup)
        raise BlogsterError(f"the editor was ended by signal {ended_by.name}; nothing was saved{where}")
    raise BlogsterError(f"the editor exited with {exit_code}; nothing was saved{where}")


def _signal_of(exit_code: int) -> signal.Signals | None:
    """The signal an exit code of subprocess's says ended the process (-N), if it names one."""
    try:
        return signal.Signals(-exit_code) if exit_code < 0 else None
    except ValueError:
        return None
