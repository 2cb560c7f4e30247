"""Which editor `posts edit` and `docs edit` open: the `editor` setting, then $VISUAL, then
$EDITOR; `vi` only on a terminal. Off one (a script, cron) with none set, vi would start on
no terminal, fail, and leave its files behind: that is refused with a one-line error instead."""

from __future__ import annotations

import os
import sys

from blogster_cli import config
from blogster_cli.cli.state import app_context
from blogster_cli.errors import ConfigError, InvalidInput

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
