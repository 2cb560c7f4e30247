"""The first run: database, schema, first account, logged in. Safe to run again.

Off a terminal with no email given (a script, CI, a container), the account is a
local one for the OS user, `<user>@localhost`, with a generated password kept in
the credential store, so `pip install -e . && blogster quickstart` needs no input.

The example posts go to a new account on the embedded database only, unless asked: on a server
others use (BLOGSTER_DATABASE_URL), most of them would be published, and a team's public feed and
site would show a dozen posts nobody wrote. The step says how to add them there anyway.

A run stopped after it made the account (killed, the machine off) is finished by the next one: the
account's email is kept in the profile's credential store, beside the generated password, from
before the account is made until its last step is done (UNFINISHED_KEY). A re-run logged in, or
logging in, as that account does the steps after the account again; each finds what a stopped run
left (imports match posts by source path, help pages by slug, intents by name), so none doubles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from blogster_cli.context import AppContext
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.errors import AuthError, BlogsterError, Conflict
from blogster_cli.repositories import accounts as account_rows
from blogster_cli.services import accounts, database, sessions
from blogster_cli.wording import plural

UNFINISHED_KEY = "quickstart-unfinished"
"""The email of the account a quickstart of this profile made and has not yet finished setting up."""


@dataclass
class QuickstartReport:
    database: str
    migrations_applied: list[str]
    email: str
    account_created: bool
    is_admin: bool
    steps: list[str] = field(default_factory=list)
    examples_imported: int = 0
    examples_left_out: bool = False
    """A new account's example posts were not imported: a shared server's, or --no-examples."""
    docs_imported: int = 0
    intents_imported: int = 0


def examples_dir() -> Path | None:
    """The example posts: inside the wheel when installed, else the repository's examples/posts."""
    from blogster_cli.bundled import bundled_dir

    return bundled_dir("_examples/posts", "examples/posts")


def _import_examples(ctx: AppContext, steps: list[str], *, wanted: bool | None) -> int | None:
    """Gives a new account a dozen example posts to try the commands on; None when it leaves them
    out (`wanted` False, or None on a server other than the embedded one: see the module docstring)."""
    import shlex

    folder = examples_dir()
    if folder is None:
        steps.append("no example posts in this installation")
        return 0
    if wanted is False:
        steps.append("left out the example posts (--no-examples)")
        return None
    if wanted is None and not ctx.database.is_embedded:
        steps.append(
            "left out the example posts: on a server others use (BLOGSTER_DATABASE_URL) most of them would be"
            " published where the whole team sees them; to add them anyway:"
            f" blogster import {shlex.quote(str(folder))}"
        )
        return None
    from blogster_cli.services.imports import import_paths

    summary = import_paths(sessions.current_user(ctx), paths=[folder], default_tz=ctx.tzinfo)
    imported = summary.counts["imported"]
    steps.append(f"imported {plural(imported, 'example post')} (blogster posts list)")
    return imported


def _import_docs(ctx: AppContext, steps: list[str]) -> int:
    """Publishes the bundled help (examples/docs), so `blogster docs search` answers from day one."""
    from blogster_cli.bundled import bundled_help
    from blogster_cli.services.documentation import import_tree

    folder = bundled_help()
    if folder is None:
        steps.append("no help pages in this installation")
        return 0
    report = import_tree(sessions.current_user(ctx), root=folder, publish=True)
    imported = len(report.created) + len(report.updated) + len(report.unchanged) + len(report.replaced)
    steps.append(f"published {plural(imported, 'help page')} (blogster docs search ...)")
    return imported


def _import_intents(ctx: AppContext, steps: list[str]) -> int:
    """Loads the starter chatbot intents (examples/chatbot), so `blogster chat` answers from day one."""
    from blogster_cli.bundled import bundled_dir
    from blogster_cli.services.chatbot import import_intents

    folder = bundled_dir("_examples/chatbot", "examples/chatbot")
    if folder is None:
        steps.append("no starter chatbot intents in this installation")
        return 0
    report = import_intents(sessions.current_user(ctx), path=folder / "intents.yaml")
    loaded = len(report.created) + len(report.updated)
    steps.append(f"loaded {plural(loaded, 'chatbot intent')} (blogster chatbot intents list)")
    return loaded


def local_email() -> str:
    """`<OS user>@localhost`: the account quickstart makes when nobody is there to ask."""
    import getpass

    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        user = ""
    return f"{re.sub(r'[^A-Za-z0-9._-]', '', user) or 'blogster'}@localhost"


def _generated_password(ctx: AppContext) -> str:
    """The local account's password: the stored one, else a new one, stored before it is used."""
    import secrets

    stored = ctx.credentials.get(sessions.GENERATED_PASSWORD_KEY)
    if stored:
        return stored
    password = secrets.token_urlsafe(24)
    ctx.credentials.set(sessions.GENERATED_PASSWORD_KEY, password)
    return password


def _unfinished_for(ctx: AppContext, email: str) -> bool:
    """Whether a quickstart of this profile stopped before it finished setting up `email`'s account."""
    marked = ctx.credentials.get(UNFINISHED_KEY)
    return marked is not None and marked.lower() == email.strip().lower()


def _account_steps(
    ctx: AppContext, steps: list[str], *, is_admin: bool, examples: bool | None
) -> tuple[int | None, int, int]:
    """The steps after the account is made and logged in (the example posts; the help pages and the
    chatbot intents for the administrator), then forgets that they were left to do."""
    imported = _import_examples(ctx, steps, wanted=examples)
    docs = _import_docs(ctx, steps) if is_admin else 0
    intents = _import_intents(ctx, steps) if is_admin else 0
    ctx.credentials.delete(UNFINISHED_KEY)
    return imported, docs, intents


def _finish_stopped_run(ctx: AppContext, report: QuickstartReport, *, examples: bool | None) -> QuickstartReport:
    """`report` (a run that found its account made) with the steps a stopped quickstart left undone, if any."""
    if _unfinished_for(ctx, report.email):
        report.steps.append("an earlier quickstart stopped before it was done: doing the rest")
        imported, report.docs_imported, report.intents_imported = _account_steps(
            ctx, report.steps, is_admin=report.is_admin, examples=examples
        )
        report.examples_imported, report.examples_left_out = imported or 0, imported is None
    return report


def _refuse_another_account(held: str | None, email: str | None) -> None:
    """Not silently: a quickstart naming another account than the profile's session would have made
    that account and logged this profile out of yours."""
    if email is not None and held is not None and held.lower() != email.lower():
        raise Conflict(
            f"this profile is logged in as {held}; to keep it and add another account, give that one a"
            f" profile of its own: `blogster --profile NAME quickstart --email {email}`"
            f" (`blogster auth signup --email {email}` would log this profile in as it instead)"
        )


def quickstart(
    ctx: AppContext, *, email: str | None, password_source: Callable[[], str], local_account: bool = False,
    examples: bool | None = None, email_source: Callable[[], str] | None = None,
) -> QuickstartReport:  # fmt: skip
    """`password_source()` is called only when a password is needed (it may prompt), and with no
    `email`, `email_source()` only when an account must be named: a re-run already logged in asks nothing.

    With `local_account` and no email (none given, none asked), the account is local_email() with a
    generated password. `examples`: whether a new account gets the example posts (None: on the
    embedded database only).
    """
    db = ctx.database
    where = "embedded PostgreSQL" if db.is_embedded else db.describe()
    migrated = database.migrate(db)
    steps = [f"database ready ({where})"]
    steps.append(
        f"applied {plural(len(migrated.applied), 'migration')}" if migrated.applied else "database already up to date"
    )

    held = sessions.session_email(ctx)  # an expired session's too: a mistyped email must not replace it
    _refuse_another_account(held, email)
    try:
        acting = sessions.current_user(ctx)
    except AuthError:
        pass
    else:
        steps.append(f"already logged in as {acting.actor.email}")
        report = QuickstartReport(where, migrated.applied, acting.actor.email, False, acting.actor.is_admin, steps)
        return _finish_stopped_run(ctx, report, examples=examples)
    if email is None and email_source is not None:
        email = email_source()
        _refuse_another_account(held, email)

    generated = email is None and local_account
    if generated:
        email = local_email()
        password_source = lambda: _generated_password(ctx)  # noqa: E731
    if email is None:
        raise AuthError("no account yet: run blogster quickstart --email YOU@EXAMPLE.COM")
    with admin_unit_of_work(db) as conn:
        exists = account_rows.find_by_email(conn, email=email) is not None
    password = password_source()
    if exists:
        result = sessions.login(ctx, email=email, password=password)
        steps.append(f"logged in as existing account {email}")
        report = QuickstartReport(where, migrated.applied, email, False, result.actor.is_admin, steps)
        return _finish_stopped_run(ctx, report, examples=examples)
    # Before the account exists: a run stopped once it does is finished by the next.
    ctx.credentials.set(UNFINISHED_KEY, email.strip())
    try:
        actor, made_admin = accounts.signup(ctx, email=email, password=password)
    except BlogsterError:
        ctx.credentials.delete(UNFINISHED_KEY)  # no account made: nothing for a later run to finish
        raise
    sessions.login(ctx, email=email, password=password)
    steps.append(f"created account {email}" + (" as the local administrator" if made_admin else ""))
    steps.append(f"logged in (credentials: {ctx.credentials.backend_name})")
    if generated:
        steps.append(
            f"{email} is a local account with a generated password, kept in {ctx.credentials.backend_name}"
            f" as '{ctx.profile}:{sessions.GENERATED_PASSWORD_KEY}'; set your own with: blogster auth passwd"
            " (or start over with: blogster quickstart --email YOU@EXAMPLE.COM on a fresh BLOGSTER_HOME)"
        )
    imported, docs, intents = _account_steps(ctx, steps, is_admin=made_admin, examples=examples)
    return QuickstartReport(
        where, migrated.applied, email, True, made_admin, steps, imported or 0, imported is None, docs, intents
    )
