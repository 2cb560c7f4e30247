"""Which editor `posts edit` and `docs edit` open: the `editor` setting, then $VISUAL, then
$EDITOR; `vi` only on a terminal. Off one (a script, cron) with none set, vi would start on
no terminal, fail, and leave its files behind: that is refused with a one-line error instead."""

from __future__ import annotations

import os
import shlex
import sys

from blogster_cli.cli.state import app_context
from blogster_cli.errors import InvalidInput

FALLBACK = "vi"


def editor_command() -> list[str]:
    """The editor's command line, ready for the file name to be appended."""
    chosen = app_context().settings.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    if sys.stdin.isatty() and sys.stdout.isatty():
        return [FALLBACK]
    raise InvalidInput(
        "no editor set and no terminal: set EDITOR (or `blogster config set editor ...`),"
        " or give the text with --from FILE"
    )
