"""blogster account: your data, exported or deleted."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

app = command_group("account")


@app.command()
def export(
    directory: Path = typer.Argument(
        ..., help="Folder to write account.json and your posts into.", click_type=ANY_PATH
    ),
    force: bool = typer.Option(False, "--force", help="Replace the export in a folder that is not empty."),
    json: bool = JSON_OPTION,
) -> None:
    """Export all your data: account.json plus your posts as a Hugo site in posts/.

    Each post is a markdown file with the front matter `blogster export --format hugo`
    writes (title, date, status, tags...): `blogster import DIR/posts` recreates the posts.
    A folder that is not empty is refused (exit 5) unless --force, which first removes the files an
    earlier export wrote in posts/, so no post left out of the account comes back from it; any other
    file there is refused (exit 5), never removed.

    Example: blogster account export ./my-blogster-data
    """
    from blogster_cli.services import account_export

    acting = acting_user()
    summary = account_export.export_account(acting, directory=directory, default_tz=app_context().tzinfo, force=force)
    if json:
        output.print_json(summary)
    else:
        output.message(
            f"Exported {plural(summary.tables, 'table')} and {plural(summary.posts, 'post')} to {summary.directory}."
        )


@app.command()
def delete(
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete your account and everything it owns. This cannot be undone.

    Embedded: the account, its role, its data and the image files only it used go
    at once. Shared server: the account is marked and an admin's `blogster admin
    users purge` completes it. Its stored session or login is forgotten in every
    profile on this machine.

    Example: blogster account delete --yes
    """
    from blogster_cli.services import accounts

    ctx = app_context()
    acting = acting_user()
    if not yes and not ask.yes(f"Delete {acting.actor.email} and all its posts for good?", instead="use --yes"):
        raise typer.Abort()
    outcome = accounts.delete_own_account(acting, ctx=ctx)
    if json:
        output.print_json({"email": acting.actor.email, "outcome": outcome})
    elif outcome == "deleted":
        output.message(f"Deleted {acting.actor.email}.")
    else:
        output.message(f"{acting.actor.email} is marked for deletion; an admin completes it.")
