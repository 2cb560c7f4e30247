"""The `blogster` command: global options, the command groups, and error handling.

Command groups load lazily (cli/commands.py), and each defers everything heavy to
the command body, so `blogster --help` costs little more than importing typer.
Typer's rich help is switched off for the same reason (it alone costs about 2.3x).
"""

from __future__ import annotations

import sys

import typer

from blogster_cli import __version__
from blogster_cli.cli.commands import LazyGroup
from blogster_cli.cli.state import OPTIONS

app = typer.Typer(
    name="blogster",
    cls=LazyGroup,
    help="Blogster: a terminal content studio. Start with: blogster quickstart",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"blogster {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    profile: str = typer.Option(
        "default",
        "--profile",
        envvar="BLOGSTER_PROFILE",
        help="Named profile: an account and its settings (not isolated from your other profiles).",
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="PostgreSQL URL to use instead of the embedded server (or BLOGSTER_DATABASE_URL)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or messages, only data and errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    from blogster_cli.cli import output

    OPTIONS.profile = profile
    OPTIONS.database_url = database_url
    OPTIONS.debug = debug
    output.QUIET = quiet


def main() -> None:
    """Entry point: runs the app and turns expected failures into one line and an exit code."""
    from blogster_cli.errors import BlogsterError

    try:
        app()
    except BlogsterError as exc:
        if OPTIONS.debug:
            raise
        from blogster_cli.cli import output

        output.error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # a bug: one line unless --debug, and a hint to report it
        if OPTIONS.debug:
            raise
        translated = _translate_driver_error(exc)
        if translated is not None:
            from blogster_cli.cli import output

            output.error(str(translated))
            sys.exit(translated.exit_code)
        sys.stderr.write(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)\n")
        sys.exit(1)


def _translate_driver_error(exc: Exception):
    if "psycopg" not in sys.modules:
        return None
    from blogster_cli.db.errors import translate

    return translate(exc)
