"""A body piped into a command that also takes one with --from (`posts new`, `docs new`)."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Callable

from blogster_cli.cli import output


def piped_input(read: Callable[[], str]) -> str:
    """A body piped or redirected into standard input, as `read` reads it ("" for a terminal or
    /dev/null, as under cron).

    A pipe that is open but has nothing to read yet (`ssh host blogster ...`, a parent
    that never closes it) is not waited for, since that would hang: it is left unread,
    with a message saying so.
    """
    import select

    if sys.stdin.isatty():
        return ""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return read()  # an in-memory stream (tests, embedding): read what it holds
    if stat.S_ISREG(mode):
        return read()
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return ""
    if select.select([sys.stdin], [], [], 0.2)[0]:
        return read()
    output.message("Standard input has nothing to read yet; not waiting for it (use --from - to read a body).")
    return ""
