"""The one place that writes to the terminal.

Data goes to stdout (as JSON with --json, else as text; a list's table is cli/tables.py's);
messages and errors go to stderr. rich is imported only when a table or progress bar is drawn,
and respects NO_COLOR.

Text others wrote (titles, docs pages, notifications, chatbot answers, access-log user agents)
reaches a terminal only through here, so it is made safe here (blogster_cli.terminal_text): on a
terminal every ESC, C0/C1 control and bidi override is shown as a visible stand-in rather than
acted on (a title could otherwise set the window title, write the clipboard or clear the screen).
Off a terminal stdout is data and stays byte-exact; JSON is the same JSON either way (on a
terminal such characters are written as \\u escapes). Messages and errors are for people: made
safe wherever they go (a log read later with `cat` reaches a terminal too).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, tzinfo
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.terminal_text import json_escaped, safe

if TYPE_CHECKING:
    from blogster_cli.stored_json import LeftOut

QUIET = False
# Where times are shown (the timezone setting); state.app_context() sets it. JSON keeps ISO 8601 as stored.
TIMEZONE: tzinfo = UTC


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def to_plain(value: Any) -> Any:
    """Data as JSON-compatible Python values (dataclasses, UUIDs, dates converted)."""
    return json.loads(json.dumps(value, default=_jsonable))


def fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields for a list: times stay times, so a table or CSV shows them in the
    configured timezone (to_plain would make them UTC ISO strings; JSON and YAML still get
    those); the rest as to_plain makes it."""
    return {
        f.name: v if isinstance(v := getattr(value, f.name), datetime) else to_plain(v)
        for f in dataclasses.fields(value)
    }


def on_terminal() -> bool:
    """Whether stdout is a terminal (shown to people, made safe) rather than a pipe or file (data, exact)."""
    return sys.stdout.isatty()


def _write(text: str) -> None:
    """Data on stdout: as it is in a pipe or file, made safe to show on a terminal."""
    sys.stdout.write(safe(text) if on_terminal() else text)


def print_json(value: Any) -> None:
    """`value` as JSON. A file name that was not UTF-8 (Python holds its bytes as lone surrogates)
    is written as \\udcXX escapes: the output stays UTF-8 in any locale, and json.loads plus
    os.fsencode give back the name's bytes."""
    text = json.dumps(value, default=_jsonable, indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(json_escaped(text) if on_terminal() else json_escaped(text, only_surrogates=True))


def cell_text(value: Any) -> str:
    """A value as one cell of a table, CSV or record: times in the configured timezone, yes/no, lists joined."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def local_time(moment: datetime) -> str:
    """A time in the configured timezone, labelled: "2026-11-30 09:00 CET"; in its own (as read: UTC)
    when that zone's date would pass year 1 or 9999 (a row stored before --at had bounds, or by another client)."""
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    from blogster_cli.planning.times import in_zone

    return in_zone(moment, TIMEZONE).strftime("%Y-%m-%d %H:%M %Z")


def stored_time(stamp: Any) -> str:
    """A time a JSON document holds as ISO 8601 text (a review comment's `at`, written by
    PostgreSQL in UTC) as local_time shows it; a value that is no such time, as it is."""
    if isinstance(stamp, str):
        try:
            return local_time(datetime.fromisoformat(stamp))
        except ValueError:
            pass
    return cell_text(stamp)


def print_record(record: Mapping[str, Any] | Any, *, keys_as_typed: bool = False) -> None:
    """One object as aligned 'key: value' lines; keys as words (`created at`), or as a command
    takes them back (`smtp_url` for `config set`) with keys_as_typed."""
    mapping = record if isinstance(record, Mapping) else dataclasses.asdict(record)
    width = max((len(k) for k in mapping), default=0)
    for key, value in mapping.items():
        shown = key if keys_as_typed else key.replace("_", " ")
        _write(f"{shown:<{width}}  {cell_text(value)}\n")


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        _write(f"{line}\n")


def message(text: str) -> None:
    """A human message (not data) on stderr, silenced by --quiet."""
    if not QUIET:
        sys.stderr.write(safe(text) + "\n")


def error(text: str) -> None:
    sys.stderr.write(f"error: {safe(text)}\n")


def warning(text: str) -> None:
    """Something a successful run left aside (a CSV line that is no address): not silenced by --quiet,
    which would otherwise hide that anything was left out."""
    sys.stderr.write(f"warning: {safe(text)}\n")


def left_out(name: str, values: Sequence[LeftOut], *, saved: bool = False) -> None:
    """The warning for the post `name` whose stored content had `values` Python cannot read, if any
    (`stored_json.left_out_warning`: left out of what is shown, or of what a save stored)."""
    if values:
        from blogster_cli.stored_json import left_out_warning

        warning(left_out_warning(name, values, saved=saved))


def safe_console(**options: Any) -> Any:
    """A rich Console that shows what it draws safely on a terminal: the text of every segment it
    writes (not rich's own styling codes) goes through terminal_text.safe, whatever renderable
    (a calendar grid, markdown, a search hit) it came from. No console markup unless asked for
    (`markup=True`, with every outside text escaped): `[link=...]` in a name stays text."""
    return _safe_console_class()(**{"markup": False, **options})


@cache
def _safe_console_class() -> type[Any]:
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                segment if segment.control else Segment(safe(segment.text), segment.style) for segment in buffer
            )

    return SafeConsole


def progress_shown() -> bool:
    """Whether progress() draws its bar: stderr is a terminal and --quiet was not given. Off a
    terminal a command prints one summary line instead, and leaves out the per-item notes a
    terminal's reader gets beside the bar (a file renamed on its way in or out)."""
    return not QUIET and sys.stderr.isatty()


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Any]:
    """A rich progress bar on a terminal; nothing otherwise (the caller prints a summary)."""
    if not progress_shown():
        yield _NoProgress()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=safe_console(stderr=True),
    ) as bar:
        task = bar.add_task(safe(description), total=total)
        yield _RichProgress(bar, task, safe(description))


@contextmanager
def status(description: str) -> Iterator[Any]:
    """A spinner beside `description` on stderr while slow work runs with nothing else to show (a
    database being made), where progress() draws its bar: on a terminal, not --quiet; no colour with
    NO_COLOR (rich reads it). Off a terminal nothing: the command's summary says what was done.
    Yields what pauses it (`paused()`, for a question) and relabels it (`update(text)`)."""
    if not progress_shown():
        yield _NoStatus()
        return
    from rich.text import Text  # not a str: rich would read one as markup

    with safe_console(stderr=True).status(Text(safe(description))) as shown:
        yield _RichStatus(shown)


class _NoStatus:
    @contextmanager
    def paused(self) -> Iterator[None]:
        yield

    def update(self, description: str) -> None:
        pass


class _RichStatus:
    def __init__(self, shown: Any):
        self._shown = shown

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The spinner gone from the screen while a question is asked, back after."""
        self._shown.stop()
        try:
            yield
        finally:
            self._shown.start()

    def update(self, description: str) -> None:
        from rich.text import Text

        self._shown.update(Text(safe(description)))


class _NoProgress:
    def advance(self, step: int = 1) -> None:
        pass

    def stage(self, name: str) -> None:
        pass


class _RichProgress:
    def __init__(self, bar: Any, task: Any, description: str):
        self._bar, self._task, self._description = bar, task, description
        self._stages = 0

    def advance(self, step: int = 1) -> None:
        self._bar.advance(self._task, step)

    def stage(self, name: str) -> None:
        """The next stage of work counted in stages (a restore's): its name beside the description,
        the stages before it done, drawn at once (a stage may end before the next timed refresh)."""
        self._bar.update(
            self._task, description=f"{self._description}: {safe(name)}", completed=self._stages, refresh=True
        )
        self._stages += 1


def print_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    import csv

    shown = safe if on_terminal() else str
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(_not_a_formula(shown(cell_text(record.get(c)))) for c in columns)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _not_a_formula(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (a subscriber named `=HYPERLINK(...)`) gets a
    leading apostrophe, as OWASP advises for CSV; numbers (-5) stay as they are."""
    if cell.startswith(_FORMULA_STARTS):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def print_yaml(value: Any) -> None:
    import yaml

    _write(yaml.safe_dump(to_plain(value), sort_keys=False, allow_unicode=True))


def print_raw(text: str) -> None:
    """Text exactly as stored (no added newline); on a terminal, made safe to show."""
    _write(text)


def drop_output(stream: Any = None) -> None:
    """Points `stream` (stdout by default) at devnull: what is still buffered for a reader that is
    gone, or a disk that is full, is dropped instead of failing again at the next write or at the
    interpreter's flush at exit (Python docs, "Note on SIGPIPE")."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), (stream or sys.stdout).fileno())


def token_printer(show: bool) -> Callable[[str], None]:
    """What prints a model's tokens as they come (`show`: on a terminal or `--stream`). When the
    reader of a pipe stops (`generate draft --stream | head -1`), the rest is dropped and the work
    goes on to its end (the draft is saved), as a command printing only at its end would."""
    gone = not show

    def on_token(piece: str) -> None:
        nonlocal gone
        if gone:
            return
        try:
            print_raw(piece)  # the model's text: safe on a terminal
            sys.stdout.flush()
        except BrokenPipeError:
            gone = True
            drop_output()

    return on_token


def print_markdown(text: str) -> None:
    """Rendered markdown on a terminal, the source when piped."""
    if not on_terminal():
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.markdown import Markdown

    safe_console().print(Markdown(safe(text)))  # safe first: a link's address is written out as OSC 8


def print_diff(text: str, *, coarse: bool = False) -> None:
    """A unified diff, coloured on a terminal (unless NO_COLOR); for a coarse one (line_diff), a note
    on stderr that it may mark more lines changed than needed."""
    import os

    if not text:
        message("(no differences)")
    elif not on_terminal() or os.environ.get("NO_COLOR"):
        _write(text)
    else:
        colours = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
        for line in text.splitlines(keepends=True):
            colour = colours.get(line[:1]) if not line.startswith(("+++", "---")) else "\033[1m"
            sys.stdout.write(f"{colour}{safe(line.rstrip(chr(10)))}\033[0m\n" if colour else safe(line))
    if coarse:
        message("note: too many changes to find the shortest diff in seconds; this one may mark more lines changed")


def print_renderable(renderable: Any) -> None:
    """A rich renderable (a calendar grid): coloured on a terminal unless NO_COLOR, plain text in a pipe."""
    safe_console().print(renderable)
