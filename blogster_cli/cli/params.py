"""Parsers for option values that need clearer errors than click's defaults."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperOption
from typer.models import TyperPath

_DATE_PREFIX = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _day_of(text: str, parts: re.Match[str]) -> date:
    """The date `parts` (year, month, day) name, or a usage error saying why there is none
    ("day is out of range for month"): the shape was right, so "use YYYY-MM-DD" would not help."""
    try:
        return date(*(int(part) for part in parts.groups()))
    except ValueError as exc:
        raise typer.BadParameter(f"invalid date {text!r}: {exc}") from None


def parse_date(text: str) -> date:
    """The `parser` of every date option (YYYY-MM-DD): a wrong shape and an impossible date
    (2024-02-30) get different messages, where click's `formats` named a strptime pattern."""
    if isinstance(text, date):
        return text
    parts = _DATE_PREFIX.fullmatch(text.strip())
    if parts is None:
        raise typer.BadParameter(f"{text!r} is not a date (use YYYY-MM-DD)")
    return _day_of(text, parts)


def parse_datetime(text: str) -> datetime:
    """YYYY-MM-DD, optionally with a time; an impossible date or time (2015-02-30, 25:00) is called invalid."""
    if isinstance(text, datetime):
        return text
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    prefix = _DATE_PREFIX.match(text.strip())
    if prefix:
        _day_of(text, prefix)
        from blogster_cli.planning.times import NoSuchTime, wall_time

        try:
            wall_time(text.strip().replace("T", " ", 1))
        except NoSuchTime as reason:  # the shape was right: say why ("hour must be in 0..23")
            raise typer.BadParameter(f"invalid time {text!r}: {reason}") from None
        except ValueError:
            pass
        raise typer.BadParameter(f"invalid time in {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    raise typer.BadParameter(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")


class _NamedPath(TyperPath):
    """typer's path type, refusing an empty or blank value: typer would turn `""` into
    Path("."), the current folder, and a command would read or write all of it. An option's
    value that looks like an option is refused too (see refuse_option_like_path)."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        refuse_empty_path(value, param, ctx)
        refuse_option_like_path(value, param, ctx)
        if self.dir_okay and not self.file_okay:
            refuse_file_as_folder(value, ctx)
        return super().convert(value, param, ctx)


def refuse_file_as_folder(value: Any, ctx: Any) -> None:
    """A usage error when a folder's value, or the nearest of its parents that exists, is a file,
    worded as `export` and `sync` word it ("notes.txt is a file, not a folder"), not as click's
    "Invalid value for '--out': Directory 'notes.txt' is a file."."""
    if not isinstance(value, str | Path):
        return
    path = Path(value).expanduser()
    try:
        existing = next((each for each in (path, *path.parents) if each.exists()), None)
        if existing is None or not existing.is_file():
            return  # a folder, or anything else (a socket) is click's or the command's to report
    except OSError:
        return
    from typer._click.exceptions import UsageError

    raise UsageError(f"{existing if existing != path else value} is a file, not a folder", ctx)


def path_type(*, exists: bool = False, file_okay: bool = True, dir_okay: bool = True, text: bool = False) -> Any:
    """The `click_type` of every option or argument naming a file or folder: as typer's own
    (`exists`, `file_okay`, `dir_okay` check the same), but `""` is a usage error (exit 2).
    `text`: the value stays a str (for a parameter that also takes a word, such as `-`)."""
    return _NamedPath(  # `text` parameters leave an unreadable file to the command (reported per file)
        exists=exists, file_okay=file_okay, dir_okay=dir_okay, readable=not text, path_type=None if text else Path
    )


def refuse_empty_path(value: Any, param: Any, ctx: Any) -> None:
    """A usage error when `value` (as typed, before any conversion) is empty or only blanks."""
    if isinstance(value, str) and not value.strip():
        from typer._click.exceptions import UsageError

        name = "a path" if param is None else shown_name(param)
        raise UsageError(f"{name} is empty: name a file or folder", ctx)


def refuse_option_like_path(value: Any, param: Any, ctx: Any) -> None:
    """A usage error when a path option's value starts with `-` (and is not `-` itself):
    click takes the word after `--ics` as its value even when it is `--json`, and the command
    would write a file named `--json`. A file so named is still reachable as `./-name`."""
    if param is None or param.param_type_name != "option":
        return  # an argument starting with `-` got past the parser only after `--`: meant as a name
    if isinstance(value, str) and value.startswith("-") and value != "-":
        from typer._click.exceptions import UsageError

        raise UsageError(
            f"{shown_name(param)} {value!r} looks like an option: name a file (for one so named, write ./{value})",
            ctx,
        )


def shown_name(param: Any) -> str:
    """A parameter as a usage error names it: an option as typed (--out), an argument as its help shows it (DIRECTORY)."""
    return str(param.opts[0] if param.param_type_name == "option" else param.human_readable_name.upper())


# The `click_type` of each kind of path parameter (shared: a type holds no state).
ANY_PATH = path_type()
FILE_PATH = path_type(dir_okay=False)
EXISTING_FILE = path_type(exists=True, dir_okay=False)
FOLDER_PATH = path_type(file_okay=False)
PATH_TEXT = path_type(text=True)

# The largest --limit (and other counts) a command takes: what PostgreSQL's LIMIT and integer
# columns hold, so a larger number is a usage error naming the option, not "bigint out of range".
MAX_COUNT = 2_147_483_647


# Help shows a value as a word in capitals, as most command-line tools do: `REF STATUS`,
# `REFS...`, `--limit N`, `--title TEXT` (typer's own reads `{ref} {status}`, `<int range>`).
_TYPE_METAVARS = {
    "int": "N",
    "int range": "N",
    "float": "NUMBER",
    "float range": "NUMBER",
    "str": "TEXT",
    "datetime": "DATE",
}


def _option_metavar(param: Any, ctx: Any) -> str:
    if param.metavar is not None:
        return str(param.metavar)
    shown = param.type.get_metavar(param=param, ctx=ctx)
    if shown is None or (shown.startswith("<") and shown.endswith(">") and "|" not in shown):
        name = param.type.name.removeprefix("parse_")  # a `parser=` function's name: parse_datetime
        shown = _TYPE_METAVARS.get(name, name.upper().replace(" ", "_"))
    return f"{shown}..." if param.nargs != 1 else str(shown)


class _PlainArgument(TyperArgument):
    @property
    def human_readable_name(self) -> str:
        """The argument as the usage line shows it, which its usage errors name too: `Missing
        argument 'SLUG'` (typer's own reads 'slug', or the metavar where one is set: 'SPELLING')."""
        return str(self.metavar or (self.name or "").upper())

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        shown = self.human_readable_name
        if self.nargs != 1:
            shown += "..."
        return f"[{shown}]" if usage and not self.required and not shown.startswith("[") else shown


class _PlainOption(TyperOption):
    def make_metavar(self, ctx: Any) -> str:
        return _option_metavar(self, ctx)


def plain_metavars(command: Any) -> Any:
    """`command` and every subcommand under it, their parameters shown as `REF`, `N`, `TEXT`."""
    for param in getattr(command, "params", ()):
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)
    return command


def or_status(status_app: typer.Typer) -> type[TyperCommand]:
    """A command class for `NAME THING`, except that `NAME status ...` runs `status_app`'s one
    command, with its own options and help (`sync status`, `crosspost status`): a command with an
    argument cannot also hold subcommands in click. `status` is found as the first argument
    wherever the options put it (`crosspost --json status`); after `--` it is a THING."""

    class ThingOrStatus(TyperCommand):
        @staticmethod
        def status_command() -> Any:
            """`NAME status` as a command of its own, its parameters shown as every command's."""
            return plain_metavars(typer.main.get_command(status_app))

        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            at = self._first_argument(ctx, args)
            if at is not None and args[at] == "status":
                command = self.status_command()
                rest = args[:at] + args[at + 1 :]
                with command.make_context(f"{ctx.info_name} status", rest, parent=ctx.parent) as status_ctx:
                    command.invoke(status_ctx)
                ctx.exit()
            result: list[str] = super().parse_args(ctx, args)
            return result

        def _first_argument(self, ctx: Any, args: list[str]) -> int | None:
            """Where the first argument is, skipping options and the values they take; None
            when there is none before `--`."""
            valued = {
                name
                for param in self.get_params(ctx)
                if isinstance(param, TyperOption) and not param.is_flag and not param.count
                for name in param.opts
            }
            at = 0
            while at < len(args) and args[at] != "--":
                token = args[at]
                if not token.startswith("-") or token == "-":
                    return at
                at += 2 if token in valued else 1
            return None

    return ThingOrStatus
