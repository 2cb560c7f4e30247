"""blogster db: the database itself (migrations, backups, the embedded server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, show_list
from blogster_cli.cli.params import ANY_PATH, EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, app_context
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.actors import Actor
    from blogster_cli.services.backup import BackupContents, Carried

app = command_group("db")


@app.command()
def migrate(
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would run; change nothing."),
    json: bool = JSON_OPTION,
) -> None:
    """Apply pending schema migrations (after a backup if the database holds data).

    Example: blogster db migrate --dry-run
    """
    from blogster_cli.services import database

    result = database.migrate(app_context().database, dry_run=dry_run)
    if json:
        output.print_json(result)
        return
    if not result.applied:
        output.message("The schema is up to date.")
        return
    verb = "Would apply" if dry_run else "Applied"
    output.print_lines(result.applied)
    output.message(f"{verb} {plural(len(result.applied), 'migration')}.")
    if result.backup:
        output.message(f"Backup taken first: {result.backup}")


PENDING_NAMED = 5
"""Pending migrations the summary names; more are counted."""


@app.command()
def status(
    every: bool = typer.Option(False, "--all", help="On a terminal, list every migration after the summary too."),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Say how many migrations are applied and which are pending.

    On a terminal only that, unless --all; piped output, --json, --format and --limit list each
    migration and when it was applied (the summary then goes to stderr, first).

    Example: blogster db status
    """
    from blogster_cli.services import database

    chosen_format(fmt, json)  # a bad --format is the one line said, before the summary
    states = database.status(app_context().database)
    pending = [s.migration.name for s in states if s.applied_at is None]
    named = ", ".join(pending[:PENDING_NAMED]) + (
        f" and {len(pending) - PENDING_NAMED} more" if len(pending) > PENDING_NAMED else ""
    )
    summary = f"{plural(len(states) - len(pending), 'migration')} applied; " + (
        f"{len(pending)} pending: {named} (blogster db migrate applies them)." if pending else "up to date."
    )
    listed = every or json or fmt is not None or limit is not None or not output.on_terminal()
    if not listed:
        output.print_lines([summary])  # on a terminal the summary is the answer: shown under --quiet too
        output.message("blogster db status --all lists each migration.")
        return
    output.message(summary)  # first, on stderr: the rows on stdout stay as scripts read them
    rows = [{"migration": s.migration.name, "applied_at": s.applied_at} for s in states]
    show_list(rows, ["migration", "applied_at"], fmt=fmt, json=json, limit=limit, id_key="migration")


@app.command()
def stop(json: bool = JSON_OPTION) -> None:
    """Stop the embedded database server (it starts again on the next command).

    Example: blogster db stop
    """
    from blogster_cli.errors import ConfigError

    db = app_context().database
    if db.embedded is None:
        raise ConfigError("only the embedded server can be stopped from here")
    stopped = db.embedded.stop()
    if json:
        output.print_json({"stopped": stopped})  # false: it was not running
    else:
        output.message("Stopped." if stopped else "The embedded server was not running.")


@app.command()
def dsn(json: bool = JSON_OPTION) -> None:
    """Print the connection the CLI itself uses: on the embedded server, the superuser.

    For administrators and tools (psql, pg_dump). Anyone with this connection
    bypasses row level security, so do not hand it to users. On the embedded server
    every profile of your OS user can print it: profiles are not isolated.

    Example: psql "$(blogster db dsn)"
    """
    from blogster_cli.services import database

    connection = database.admin_connection_string(app_context().database)
    if json:
        output.print_json({"dsn": connection})
    else:
        output.print_lines([connection])


@app.command()
def backup(
    file: Path = typer.Argument(..., help="Backup file to write (private: mode 600).", click_type=ANY_PATH),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    json: bool = JSON_OPTION,
) -> None:
    """Back up every account's data, roles and stored images into one restorable file.

    Holds every account's data: keep it as private as the database itself.

    Example: blogster db backup ~/blogster-$(date +%F).blogster-backup
    """
    from blogster_cli.services import backup as backups

    summary = backups.backup(app_context().database, path=file, force=force)
    if json:
        output.print_json(summary)
    else:
        output.message(
            f"Wrote {summary.path} ({plural(summary.size_bytes, 'byte')}, {plural(summary.roles, 'account')},"
            f" {plural(summary.images, 'image')})."
        )


@app.command()
def restore(
    file: Path = typer.Argument(..., help="A file made by `blogster db backup`.", click_type=EXISTING_FILE),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Replace the database with a backup: schema from migrations, then its rows, roles and images.

    The file is checked first (checksums, account roles); nothing in it runs as SQL. The question
    says it replaces the whole database, every account's data and not only yours (on the embedded
    server any profile can restore), names the backup's date and accounts, and says when yours is
    not among them (you would be signed out). Account roles that no database on the server then
    has an account for lose their login (see db disable-stray-logins). Newsletter mails, cross-posts,
    social posts and notification emails done since the backup are carried over from the database it
    replaces (`carried_over` in --json), so none is done again.

    Example: blogster db restore backup.blogster-backup --yes
    """
    from blogster_cli.cli import exit_codes
    from blogster_cli.services import backup as backups

    ctx = app_context()
    if not yes:
        ask.can_ask(instead="use --yes")  # off a terminal, the missing --yes is said before the file is read
    held = backups.contents(path=file)  # a file that is no usable backup is refused before the question
    me = _signed_in()
    if not yes:
        every = "every account's data and not only yours" if me is not None else "every account's data"
        question = f"This replaces the whole database {ctx.database.database_name}, {every}, with {_backup_of(held)}."
        if me is not None and not held.holds(me.user_id):
            question += f" {me.email} (you) is not in it: you will be signed out."
        question += (
            " Mails, cross-posts and social posts done since the backup are carried over from the database it"
            " replaces and not done again."
        )
        if not ask.yes(f"{question} Continue?", instead="use --yes"):
            output.error("aborted; nothing changed")
            raise typer.Exit(exit_codes.ERROR)
    with output.progress("Restoring", len(backups.RESTORE_STAGES)) as bar:
        summary = backups.restore(
            ctx.database, path=file, on_stage=bar.stage, on_wait=lambda what: output.message(f"note: {what}")
        )
    signed_out = me is not None and _signed_in() is None
    if summary.not_carried_over is not None:
        output.warning(
            f"{summary.not_carried_over}: mails, cross-posts and social posts done since the backup may be done"
            " again (a newsletter mailed to its readers again, a second copy on a platform)"
        )
    if json:
        output.print_json({**output.to_plain(summary), "signed_out": signed_out})
        return
    emails = _some(summary.emails)
    output.message(
        f"Restored {plural(summary.accounts, 'account')}{f' ({emails})' if emails else ''} and"
        f" {plural(summary.images, 'image')} from {summary.path}"
        f"{f' (made {output.local_time(summary.backup_created_at)})' if summary.backup_created_at else ''}."
    )
    carried = _carried(summary.carried_over)
    if carried:
        output.message(
            "Carried over from the database it replaced what was done outside since the backup, so none of it"
            f" is done again: {carried}."
        )
    if summary.logins_switched_off:
        output.message(
            f"Switched off {plural(summary.logins_switched_off, 'stray login')}: account roles"
            " no database on the server has an account for."
        )
    if not summary.migration_times_kept:
        output.message(
            "note: the backup does not say when its migrations were applied (an earlier Blogster made it):"
            " `blogster db status` shows them applied at this restore."
        )
    if me is not None and signed_out:
        from blogster_cli.services.sessions import login_command

        why = "your session is not in the backup" if held.holds(me.user_id) else "your account is not in the backup"
        output.message(f"You ({me.email}) are signed out: {why}; sign in with: {login_command(ctx)}")


def _carried(carried: Carried) -> str:
    """'3 newsletter mails (1 newsletter), 3 mails counted towards the daily limit, 1 cross-post' (none: '')."""
    mails = plural(carried.newsletter_mails, "newsletter mail")
    deleted, it = carried.deleted_newsletters, "it" if carried.deleted_newsletters == 1 else "they"
    parts = [
        f"{mails} ({plural(carried.newsletters, 'newsletter')})" if carried.newsletters else mails,
        f"{plural(deleted, 'newsletter')} mailed and then deleted (back as sent, mailing nobody more; whom {it}"
        f" mailed was deleted with {'it' if deleted == 1 else 'them'})",
        f"{plural(carried.unscheduled_newsletters, 'scheduled newsletter')} deleted (back as"
        f" {'a draft' if carried.unscheduled_newsletters == 1 else 'drafts'}, not sent)",
        plural(carried.mails_counted, "mail") + " counted towards the daily limit",
        plural(carried.crossposts, "cross-post"),
        plural(carried.social_posts, "social post"),
        f"{plural(carried.deleted_social_posts, 'social post')} deleted unposted (back as"
        f" {'a draft' if carried.deleted_social_posts == 1 else 'drafts'}, not posted)",
        plural(carried.notification_emails, "notification email"),
    ]
    counts = [carried.newsletter_mails, deleted, carried.unscheduled_newsletters, carried.mails_counted,
              carried.crossposts, carried.social_posts, carried.deleted_social_posts,
              carried.notification_emails]  # fmt: skip
    return ", ".join(part for part, count in zip(parts, counts, strict=True) if count)


SHOWN_EMAILS = 3  # the accounts a restore's question and result name; the rest are counted


def _some(emails: list[str]) -> str:
    """'a@x, b@x, c@x and 4 more'."""
    more = len(emails) - SHOWN_EMAILS
    return ", ".join(emails[:SHOWN_EMAILS]) + (f" and {more} more" if more > 0 else "")


def _backup_of(held: BackupContents) -> str:
    """'the backup of 2026-12-05 03:14 UTC (2 accounts: a@x, b@x)'."""
    made = f" of {output.local_time(held.created_at)}" if held.created_at else ""
    emails = _some([account.email for account in held.accounts])
    return f"the backup{made} ({plural(len(held.accounts), 'account')}{f': {emails}' if emails else ''})"


def _signed_in() -> Actor | None:
    """Who this profile acts as, or None (not signed in, a session that has ended, anything that
    keeps the sign-in from working: a restore needs none of it)."""
    from blogster_cli.errors import BlogsterError
    from blogster_cli.services import sessions

    try:
        return sessions.current_user(app_context()).actor
    except BlogsterError:
        return None


@app.command("disable-stray-logins")
def disable_stray_logins(json: bool = JSON_OPTION) -> None:
    """Switch off account roles that can log in though no database on the server has their account.

    Roles outlive the database that had their accounts (a restore to an earlier state, a dropped
    database) and keep their passwords: such a login could still read every published post.
    Roles that are accounts in any database on the server are left alone, and so is everything
    when some database cannot be read. `blogster doctor` counts them.

    Example: blogster db disable-stray-logins
    """
    from blogster_cli.services import backup as backups

    summary = backups.disable_stray_logins(app_context().database)
    if json:
        output.print_json(summary)
        return
    if summary.switched_off:
        output.print_lines(summary.switched_off)
    output.message(f"Switched off {plural(len(summary.switched_off), 'stray login')}.")
    if summary.unchecked is not None:
        output.warning(
            f"left alone {plural(len(summary.left_alone), 'account login')} with no account in the databases"
            f" read, since {summary.unchecked}: Blogster cannot tell whether they are strays"
        )
