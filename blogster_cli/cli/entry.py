"""The `blogster` script: a plain `blogster tui` starts without typer; every other command line
goes through cli/app.py.

The studio's first paint waits for nothing it does not need, and parsing a command line
with typer costs ~45 ms of CPU before anything else can start (the sign-in the studio
starts in a forked copy included). `blogster tui` with only global options (--profile,
--database-url, --debug, --quiet, --json, before or after `tui`) is therefore recognised
here, those options set as app.py's callback sets them, and the command run as it would
be through typer; its errors leave through the same report (one line, the same exit code).
Anything else (--help, a typo, another command) is typer's to parse.
"""

from __future__ import annotations

import codecs
import io
import os
import sys

from blogster_cli.cli import state
from blogster_cli.text_encoding import is_utf8

_FLAGS = state.GLOBAL_FLAGS | {"--json"}  # typer's callback takes --json too, before the command


def tui_command_line(argv: list[str]) -> dict[str, str | bool] | None:
    """The global options of a plain `blogster tui` command line, or None for any other."""
    options: dict[str, str | bool] = {}
    command = []
    index = 0
    while index < len(argv):
        token = argv[index]
        name, equals, value = token.partition("=")
        if token in _FLAGS:
            options[token] = True
        elif name in state.GLOBAL_OPTIONS_WITH_VALUE:
            if not equals:
                index += 1
                if index == len(argv):
                    return None
                value = argv[index]
            options[name] = value
        elif token.startswith("-"):
            return None
        else:
            command.append(token)
        index += 1
    return options if command == ["tui"] else None


def use_global_options(options: dict[str, str | bool]) -> None:
    """The global options of a `tui_command_line`, set as typer's callback sets them."""
    database_url = options.get("--database-url")
    state.use_global_options(
        profile=str(options.get("--profile", os.environ.get("BLOGSTER_PROFILE") or "default")),
        database_url=None if database_url is None else str(database_url),
        debug=bool(options.get("--debug")),
        json=bool(options.get("--json")),
        quiet=bool(options.get("--quiet") or options.get("-q")),
        command="tui",
    )


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """Each character the stream's encoding cannot hold as \\uXXXX (a pair of them beyond U+FFFF):
    readable in text, and inside a JSON string the very same character to a JSON reader."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)), error.end


def keep_output_writable() -> None:
    """On a stdout or stderr that is not UTF-8 (PYTHONIOENCODING=ascii, a latin-1 locale), a
    character it cannot hold is written escaped: a title in a list must not fail the command."""
    codecs.register_error("blogster-escape", _escape_unencodable)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors="blogster-escape")


def main() -> None:
    from blogster_cli.cli import standard_streams

    standard_streams.hold_closed()
    keep_output_writable()
    argv = sys.argv[1:]  # an argument that is not UTF-8 is typer's to name (app.refuse_undecodable)
    options = tui_command_line(argv) if all(is_utf8(token) for token in argv) else None
    if options is None:
        from blogster_cli.cli.app import main as parsed

        parsed()
        return
    try:
        use_global_options(options)
        from blogster_cli.cli.tui_cmd import tui

        tui()
    except BaseException as exc:  # SystemExit included: report() lets it through
        from blogster_cli.cli.app import report

        report(exc)
    sys.exit(0)
