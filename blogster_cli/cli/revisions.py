"""blogster revisions: a post's history, diffs between versions, and restoring one."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("revisions")


@app.command("list")
def list_revisions(
    blog: str = typer.Argument(..., help="Slug or id."),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List a post's revisions, oldest first.

    Example: blogster revisions list ten-terminal-habits
    """
    from blogster_cli.services import blogs

    row, revisions = blogs.revisions(acting_user(), ref=blog)
    records = [{"revision": r.revision_number, "created_at": r.created_at, "words": r.word_count} for r in revisions]
    show_list(records, ["revision", "created_at", "words"], fmt=fmt, json=json, limit=limit, id_key="revision")


@app.command()
def diff(
    blog: str = typer.Argument(..., help="Slug or id."),
    first: int = typer.Argument(..., help="The older revision."),
    second: int | None = typer.Argument(None, help="The newer revision (default: the current text)."),
    json: bool = JSON_OPTION,
) -> None:
    """Show what changed between two revisions as a unified diff.

    Example: blogster revisions diff ten-terminal-habits 1 3
    """
    from blogster_cli.services import blogs

    result = blogs.diff(acting_user(), ref=blog, first=first, second=second)
    if json:
        output.print_json({"post": blog, "from": first, "to": second, "diff": result.text, "coarse": result.coarse})
        return
    output.print_diff(result.text, coarse=result.coarse)


@app.command()
def restore(
    blog: str = typer.Argument(..., help="Slug or id."),
    revision: int = typer.Argument(..., help="The revision to bring back."),
    json: bool = JSON_OPTION,
) -> None:
    """Make an old revision's body current again (as a new revision; history is kept).

    Only the body comes back: the title, front matter and other fields stay as they are. A
    revision whose body is already the current one changes nothing (exit 0, "nothing to
    restore"; --json says "changed": false).

    Example: blogster revisions restore ten-terminal-habits 2
    """
    from blogster_cli.services import blogs

    result = blogs.restore_revision(acting_user(), ref=blog, number=revision)
    row = result.post
    if result.changed:
        output.left_out(row.slug, row.left_out, saved=True)
    if json:
        output.print_json({"id": row.id, "slug": row.slug, "restored_revision": revision, "changed": result.changed})
    elif result.changed:
        output.message(f"'{row.slug}' is back to revision {revision}'s text.")
    else:
        output.message(f"'{row.slug}' already has revision {revision}'s text: nothing to restore.")
