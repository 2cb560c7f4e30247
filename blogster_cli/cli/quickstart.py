"""blogster quickstart."""

from __future__ import annotations

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.state import JSON_OPTION, PASSWORD_STDIN_OPTION, app_context, read_password


def quickstart(
    email: str | None = typer.Option(None, "--email", help="Email for the first account (asked on a terminal)."),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    examples: bool | None = typer.Option(
        None,
        "--examples/--no-examples",
        help="Give a new account the dozen example posts, most of them published (default: on the embedded"
        " database only, not on a server others use).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """First run: start the database, apply the schema, create and log in the first account.

    The first account on a database becomes its administrator. Safe to run twice.
    Off a terminal with no --email and no password, the account is <OS user>@localhost
    with a generated password kept in the credential store (change it: blogster auth passwd).
    On a server others use (BLOGSTER_DATABASE_URL), the example posts are left out unless
    --examples: they would be published where the whole team sees them.

    Example: blogster quickstart --email ada@example.com --password-stdin < pw.txt
    """
    import os

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services.quickstart import quickstart as run_quickstart

    password_given = bool(password_stdin or os.environ.get("BLOGSTER_PASSWORD"))
    asks_email = email is None and ask.on_terminal() and not password_stdin

    with output.status("Setting up the database (the first time takes a few seconds)") as working:

        def email_source() -> str:
            with working.paused():
                typed = ask.line("Email for your account", instead="use --email EMAIL")
            if not typed:
                raise InvalidInput("no email given: use --email EMAIL")
            return typed

        def password_source() -> str:
            with working.paused():  # the question on a line of its own
                secret = read_password(from_stdin=password_stdin, confirm=True)
            working.update("Setting up your account")
            return secret

        report = run_quickstart(
            app_context(), email=email, password_source=password_source, local_account=not password_given,
            examples=examples, email_source=email_source if asks_email else None,
        )  # fmt: skip
    if json:
        output.print_json(report)
    else:  # what it did, for a person: on stderr, as other commands' messages
        for step in report.steps:
            output.message(f"- {step}")
        output.message("Next: blogster auth whoami   (and blogster --help)")
