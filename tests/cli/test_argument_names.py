"""A usage error names an argument as the usage line shows it, in capitals, on every command
(new-user walk 12, item 3: `Missing argument 'name'` on most commands, `Missing argument
'SPELLING'` on those whose argument has a metavar, while every usage line read `NAME SPELLING`)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import typer.main
from typer._click import Context

from blogster_cli.cli.app import app


def every_command(group: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Each command under `group` (the whole tree by default), `NAME status` of `sync` and `crosspost` too."""
    group = group or typer.main.get_command(app)
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from every_command(command, (*path, name))
            continue
        yield (*path, name), command
        if hasattr(command, "status_command"):
            yield (*path, name, "status"), command.status_command()


def test_every_argument_is_named_in_usage_errors_as_its_usage_line_shows_it():
    arguments, wrong = 0, []
    for path, command in every_command():
        ctx = Context(command, info_name=" ".join(path))
        usage = command.get_usage(ctx)
        for param in command.params:
            if param.param_type_name != "argument":
                continue
            arguments += 1
            shown = param.get_usage_pieces(ctx)[0].removeprefix("[").removesuffix("]").removesuffix("...")
            named = param.get_error_hint(ctx)
            if named != f"'{shown}'" or shown != shown.upper() or not re.search(rf"[ \[]{shown}\b", usage):
                wrong.append(f"blogster {' '.join(path)}: {named} (usage: {usage.split(': ', 1)[1]})")
    assert arguments > 100  # the walk found the commands
    assert wrong == []


def test_missing_arguments_are_named_alike():
    for args, named in [(["docs", "show"], "SLUG"), (["tags", "respell", "docs"], "SPELLING")]:
        result = subprocess.run([sys.executable, "-m", "blogster_cli", *args], capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr == (
            f"error: Missing argument '{named}'. (see `blogster {' '.join(args[:2])} --help`)\n"
        ), result.stderr
