"""The `blogster` command: global options, the command groups, and error handling.

Command groups load lazily (cli/commands.py), and each defers everything heavy to
the command body, so `blogster --help` costs little more than importing typer.
Typer's rich help is switched off for the same reason (it alone costs about 2.3x).

Every failure leaves here as one line on stderr and the exit code cli/exit_codes.py
gives it; --debug prints the traceback first and keeps the same code.
"""

from __future__ import annotations

import errno
import re
import signal
import sys
from typing import TYPE_CHECKING, NoReturn

import typer

from blogster_cli.bundled import release
from blogster_cli.cli.commands import SUBCOMMAND, LazyGroup
from blogster_cli.cli.state import GLOBAL_FLAGS, GLOBAL_OPTIONS_WITH_VALUE, OPTIONS, use_global_options
from blogster_cli.text_encoding import is_utf8

if TYPE_CHECKING:
    from collections.abc import Iterator

    from typer._click.core import Context
    from typer._click.exceptions import NoSuchOption, UsageError

app = typer.Typer(
    name="blogster",
    cls=LazyGroup,
    help="Blogster: a terminal content studio. Start with: blogster quickstart",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Commands whose own `-q` takes a value (`ai logs -q TEXT`, like `llm logs`): left to them.
_COMMANDS_WITH_OWN_Q = frozenset({("ai", "logs")})


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # not while refuse_undecodable only parses
        typer.echo(f"blogster {release()}")  # the newest migration too: builds of one version differ
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    profile: str = typer.Option(
        "default",
        "--profile",
        envvar="BLOGSTER_PROFILE",
        help="Named profile: an account and its settings (not isolated from your other profiles).",
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="PostgreSQL URL to use instead of the embedded server (or BLOGSTER_DATABASE_URL)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Also print the traceback of an error (same exit code)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or messages, only data and errors."),
    json: bool = typer.Option(False, "--json", help="Print results as JSON (same as --json after the command)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    use_global_options(
        profile=profile,
        database_url=database_url,
        debug=debug,
        json=json,
        quiet=quiet,
        command=ctx.invoked_subcommand,
        subcommand=ctx.meta.get(SUBCOMMAND),
    )


def hoist_global_options(argv: list[str]) -> list[str]:
    """Moves global options found after the subcommand to the front, where click expects them."""
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    command: list[str] = []
    while index < len(argv):
        token = argv[index]
        if token == "--":
            rest.extend(argv[index:])
            break
        name = token.split("=", 1)[0]
        own_q = token == "-q" and tuple(command[:2]) in _COMMANDS_WITH_OWN_Q
        if command and token in GLOBAL_FLAGS and not own_q:
            hoisted.append(token)
        elif command and name in GLOBAL_OPTIONS_WITH_VALUE:
            takes_next = "=" not in token and index + 1 < len(argv)
            hoisted.extend(argv[index : index + 2] if takes_next else [token])
            index += 1 if takes_next else 0
        else:
            if not token.startswith("-") and not (rest and rest[-1] in GLOBAL_OPTIONS_WITH_VALUE):
                command.append(token)
            rest.append(token)
        index += 1
    return hoisted + rest


def refuse_undecodable(args: list[str]) -> None:
    """A usage error naming the first parameter whose value is not UTF-8 (bytes Python keeps as lone
    surrogates, which the database, nh3 and stdout then refuse mid-command). Paths are exempt: a file's
    name may be any bytes. Only a command line holding such a value is parsed this second time."""
    if all(is_utf8(arg) for arg in args):
        return
    from typer._click.exceptions import UsageError
    from typer._click.types import File
    from typer.models import TyperPath

    from blogster_cli.cli.params import shown_name

    for ctx in _contexts(args):
        for param in ctx.command.get_params(ctx):
            value = ctx.params.get(param.name or "")
            values = value if isinstance(value, list | tuple) else [value]
            if not isinstance(param.type, TyperPath | File) and any(
                isinstance(v, str) and not is_utf8(v) for v in values
            ):
                raise UsageError(f"{shown_name(param)} is not valid UTF-8 text", ctx)


def _contexts(args: list[str]) -> Iterator[Context]:
    """The root's context, then each group's and the command's a command line names, down the groups
    as click goes, but parsing leniently (a parse error is passed over) and running no callback but
    the options'. An unknown command ends it: typer says so."""
    from typer.core import TyperGroup

    ctx = typer.main.get_command(app).make_context("blogster", list(args), resilient_parsing=True)
    while True:
        yield ctx
        rest = [*ctx._protected_args, *ctx.args]
        if not isinstance(ctx.command, TyperGroup) or not rest:
            return
        name, command, rest = ctx.command.resolve_command(ctx, rest)
        if command is None:
            return
        ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=True)


def main() -> None:
    """Runs the command line through typer and turns every failure into one line and an exit code
    (the `blogster` script's entry, cli/entry.py, comes here for every command but a plain `tui`)."""
    from blogster_cli.cli import exit_codes

    OPTIONS.debug = "--debug" in sys.argv[1:]
    args = hoist_global_options(sys.argv[1:])
    if _command_of(args) == "serve-workers":  # stopped by a signal at any moment: exit 0, the signal said
        from blogster_cli.workers import stopping

        stopping.take_signals()
    else:
        signal.signal(signal.SIGTERM, _terminate)
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, _terminate)  # not under nohup
    try:
        refuse_undecodable(args)
        returned = app(args=args, prog_name="blogster", standalone_mode=False)
        sys.stdout.flush()  # what is still buffered fails here (a full disk), not unreported at the exit
    except BaseException as exc:  # SystemExit included: report() lets it through
        if _reader_gone(exc):
            _stop_quietly()
        signalled = _TERMINATED and not isinstance(exc, Terminated)  # its cleanup failed: the signal says why
        report(_stopped_by(_TERMINATED[0], exc) if signalled else exc)
    if _TERMINATED:  # typer turned it into exit code 130, as it does Ctrl-C
        report(_stopped_by(_TERMINATED[0]))
    if returned == exit_codes.INTERRUPTED:  # typer's answer to Ctrl-C (KeyboardInterrupt): say it
        report(KeyboardInterrupt())
    sys.exit(returned if isinstance(returned, int) else exit_codes.SUCCESS)


def _command_of(args: list[str]) -> str | None:
    """The command a (hoisted) command line names: its first word that is no option's."""
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            return args[index + 1] if index + 1 < len(args) else None
        if not token.startswith("-"):
            return token
        index += 2 if token in GLOBAL_OPTIONS_WITH_VALUE else 1
    return None


def _reader_gone(exc: BaseException) -> bool:
    """`exc` is a write to stdout (or stderr) whose reader stopped reading (`blogster posts list |
    head -1`): EPIPE, as raised or as typer turned it into exit code 1, and the pipe has no reader.
    EPIPE from anything else (a socket) is a failure like any other."""
    cause = exc.__context__ if isinstance(exc, SystemExit) else exc
    if not (isinstance(cause, OSError) and cause.errno == errno.EPIPE):
        return False
    return any(_has_no_reader(stream) for stream in (sys.stdout, sys.stderr))


def _has_no_reader(stream: object) -> bool:
    """A pipe whose read end is closed (poll says POLLERR; where poll is missing, assumed)."""
    import select

    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):  # pragma: no cover (Windows)
        return True
    poller = select.poll()
    poller.register(descriptor, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _stop_quietly() -> NoReturn:
    """Exit 0 with nothing said, as a command whose reader stopped reading conventionally does: stdout
    and stderr point at devnull so that what is still buffered is dropped when the interpreter
    flushes at exit, rather than failing again (output.drop_output)."""
    from blogster_cli.cli import output

    for stream in (sys.stdout, sys.stderr):
        if _has_no_reader(stream):
            output.drop_output(stream)
    sys.exit(0)


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a cron timeout) stops a command as Ctrl-C does: its
    cleanup runs (an AI credit reserved is released, a send says where it stopped) instead of
    the process vanishing mid-work. Not `serve-workers`: it stops with exit 0 (workers/stopping.py)."""


class HungUp(Terminated):
    """SIGHUP (the terminal closed under the command) stops it as SIGTERM does, with its own exit
    code (`serve-workers` stops as on SIGTERM: workers/stopping.py), and a command started under
    `nohup` keeps ignoring it."""


_TERMINATED: list[int] = []
"""The SIGTERMs and SIGHUPs received (typer answers the KeyboardInterrupt with exit code 130 and no cause)."""


def _stopped_by(signum: int, failure: BaseException | None = None) -> Terminated:
    """What the signal stopped; `failure` is what the stopping itself then raised (writing
    Ctrl-C's newline to a terminal already closed fails): the signal is still the cause."""
    stopped = HungUp() if signum == signal.SIGHUP else Terminated()
    stopped.__context__ = failure
    return stopped


def _terminate(signum: int, frame: object) -> None:
    _TERMINATED.append(signum)
    raise _stopped_by(signum)


def report(error: BaseException) -> NoReturn:
    """Exits for `error`, raised by a command, with its one line on stderr and its exit code
    (SystemExit goes through as it is)."""
    from typer._click import exceptions as click  # typer's own click: its usage errors

    from blogster_cli.cli import exit_codes
    from blogster_cli.errors import BlogsterError, file_system_message

    try:
        raise error
    except click.NoArgsIsHelpError as exc:  # `blogster`, `blogster posts`: the help asked for, not an error
        try:
            typer.echo(exc.format_message(), color=exc.ctx.color)
            sys.stdout.flush()  # a full disk under a redirect fails here, reported below
        except OSError as written:
            if _reader_gone(written):
                _stop_quietly()
            _fail(written, file_system_message(written), exit_codes.FILE_SYSTEM)
        sys.exit(exit_codes.SUCCESS)
    except click.UsageError as exc:
        _fail(exc, _usage_message(exc), exit_codes.USAGE)
    except typer.Abort as exc:
        _fail(exc, "aborted", exit_codes.ERROR)
    except click.ClickException as exc:
        _fail(exc, exc.format_message(), exc.exit_code)
    except BlogsterError as exc:
        _fail(exc, str(exc), exit_codes.for_error(exc))
    except HungUp as exc:
        _fail(exc, "hangup", exit_codes.HANGUP)
    except Terminated as exc:
        _fail(exc, "terminated", exit_codes.TERMINATED)
    except KeyboardInterrupt as exc:
        _fail(exc, "interrupted", exit_codes.INTERRUPTED)
    except OSError as exc:
        _fail(exc, file_system_message(exc), exit_codes.FILE_SYSTEM)
    except Exception as exc:  # a bug (db/ translates driver errors): one line unless --debug
        _fail(exc, f"unexpected failure: {_first_line(exc)} (run with --debug for details)", exit_codes.ERROR)
    raise AssertionError("unreachable: every error above exits")  # pragma: no cover


def _fail(exc: BaseException, message: str, code: int) -> NoReturn:
    """Prints the traceback under --debug, then the one-line message; exits with `code`."""
    from blogster_cli.cli import output

    _ignore_further_stops()
    if OPTIONS.debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    try:
        output.error(message)
    except OSError:  # stderr is gone (the terminal closed: SIGHUP): the exit code still tells
        pass
    _drop_unwritable_output()
    sys.exit(code)


def _ignore_further_stops() -> None:
    """Once a failure is being reported, another Ctrl-C or SIGTERM (pressed twice) changes nothing:
    the line and the exit code already say why it stops. Raised then, it ended the process by the
    signal with a traceback instead."""
    import threading

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover (always main)
        return
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) not in (signal.SIG_IGN, signal.SIG_DFL):  # not nohup's nor the TUI's
            signal.signal(signum, _noted)  # not SIG_IGN: a program started at exit keeps the defaults


def _noted(signum: int, frame: object) -> None:
    """A stop that arrives while a failure is reported: the exit under way is the answer."""


def _drop_unwritable_output() -> None:
    """Output that cannot be written (the disk under a redirect is full) is dropped, so that the
    interpreter's flush at exit does not fail again and turn the exit code into 120."""
    from blogster_cli.cli import output

    try:
        sys.stdout.flush()
    except OSError:
        try:
            output.drop_output()
        except (OSError, ValueError):
            pass


# A lone surrogate (a byte that was not UTF-8) as repr() writes it in click's "'...' is not a valid
# int": shown as U+FFFD, as terminal_text shows such bytes (an escaped backslash before it is text).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}")


def _usage_message(exc: UsageError) -> str:
    """Click's message plus a short pointer to the command's --help, on one line."""
    command_path = exc.ctx.command_path if exc.ctx is not None else _command_path(sys.argv[1:])
    text = _SURROGATE_ESCAPE.sub("\\1\ufffd", " ".join(exc.format_message().split()))
    from typer._click.exceptions import NoSuchOption

    if isinstance(exc, NoSuchOption) and _value_like(exc) and _takes_arguments(exc.ctx):
        text += "; a value starting with '-' goes after `--`"  # `docs search -- '-old queue'`
    if "--help`" in text:  # it names the help to see already (`blogster help WORD`: commands.help_pointer)
        return text
    return f"{text} (see `{command_path} --help`)"


def _command_path(argv: list[str]) -> str:
    """`blogster posts list`: the command a command line names, for a usage error that carries no
    context (click's parser raises `Option '--limit' requires an argument.` without one)."""
    try:
        *_, ctx = _contexts(hoist_global_options(argv))
    except Exception:  # the error being reported is the one to tell: its help pointer then the root's
        return "blogster"
    return ctx.command_path


def _value_like(exc: NoSuchOption) -> bool:
    """`-d` of `-deprecated`, `-5` of `-5 tips`: one dash and nothing click would suggest instead
    (`--yes` is a mistaken option, not a value)."""
    return not exc.possibilities and not exc.option_name.startswith("--")


def _takes_arguments(ctx: Context | None) -> bool:
    """Whether the command has positional arguments, which a leading '-' turns into an option."""
    return ctx is not None and any(p.param_type_name == "argument" for p in ctx.command.params)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "no details"
