"""blogster posts (alias: blogs): write, list, show, edit, tag, publish and delete posts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import parse_datetime
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("posts")
tag_app = typer.Typer(help="Add or remove tags.", no_args_is_help=True, rich_markup_mode=None, add_completion=False)
app.add_typer(tag_app, name="tag")

LIST_FIELDS = (
    "id",
    "slug",
    "title",
    "status",
    "tags",
    "word_count",
    "reading_time",
    "created_at",
    "updated_at",
    "published_at",
)
DEFAULT_FIELDS = ("slug", "title", "status", "tags", "word_count", "reading_time", "updated_at")
TRASH_FIELDS = ("slug", "title", "status", "updated_at")


def _row_dict(row, fields) -> dict:
    return {f: getattr(row, f) for f in fields}


@app.command()
def new(
    title: str | None = typer.Argument(None, help="The title (not needed with --from)."),
    from_file: Path | None = typer.Option(
        None, "--from", exists=True, dir_okay=False, help="Create from a markdown file."
    ),
    template: str | None = typer.Option(
        None, "--template", help="Scaffold the sections of this template (name or id)."
    ),
    persona: str | None = typer.Option(None, "--persona", help="Write for this persona (name or id)."),
    tags: list[str] = typer.Option([], "--tag", help="A tag (repeat for more)."),
    slug: str | None = typer.Option(None, "--slug", help="Use this slug instead of one made from the title."),
    status: str = typer.Option("draft", "--status", help="draft, scheduled, published or archived."),
    porcelain: bool = typer.Option(False, "--porcelain", help="Print only the new post's id."),
    json: bool = JSON_OPTION,
) -> None:
    """Create a post.

    Example: blogster blogs new "Ten terminal habits" --template listicle --persona "Software developer"
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import blogs, drafting

    acting = acting_user()
    if from_file is not None:
        new_blog = drafting.new_from_file(from_file, title=title)
    elif title is None:
        raise InvalidInput("give a title, or --from FILE")
    else:
        new_blog = drafting.scaffold(acting, title=title, template=template, persona=persona)
    new_blog.tags = [*new_blog.tags, *tags]
    new_blog.slug = slug or new_blog.slug
    new_blog.status = status if from_file is None or status != "draft" else new_blog.status
    row = blogs.create(acting, new_blog)
    if porcelain:
        output.print_lines([str(row.id)])
    elif json:
        output.print_json(_row_dict(row, LIST_FIELDS))
    else:
        output.message(f"Created '{row.title}' ({row.slug}, {row.word_count} words).")


@app.command("list")
def list_blogs(
    status: list[str] = typer.Option([], "--status", help="Only these statuses (repeat for more)."),
    tag: str | None = typer.Option(None, "--tag", help="Only posts with this tag."),
    persona: str | None = typer.Option(None, "--persona", help="Only posts for this persona (name or id)."),
    title: str | None = typer.Option(None, "--title", help="Only titles containing this text."),
    search: str | None = typer.Option(None, "--search", help="Full-text search in your titles and bodies."),
    since: datetime | None = typer.Option(
        None, "--since", parser=parse_datetime, help="Created on or after this date (YYYY-MM-DD[THH:MM])."
    ),
    until: datetime | None = typer.Option(None, "--until", parser=parse_datetime, help="Created before this date."),
    sort: str = typer.Option("updated", "--sort", help="updated, created, published, title or words."),
    limit: int | None = LIMIT_OPTION,
    fields: str = typer.Option(",".join(DEFAULT_FIELDS), "--fields", help=f"Columns: {', '.join(LIST_FIELDS)}."),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List your posts (not the trash: see `posts trash`). Long tables are paged on a terminal.

    Example: blogster posts rm $(blogster posts list --status draft --format ids)
    """
    from blogster_cli.repositories.blogs import BlogFilter
    from blogster_cli.services import blogs, drafting

    chosen = _fields(fields)
    acting = acting_user()
    filters = BlogFilter(
        statuses=status or None, tag=tag, title_contains=title, search=search,
        created_after=drafting.aware(since), created_before=drafting.aware(until), sort=sort, limit=limit or None,
        persona_id=drafting.persona_id(acting, persona) if persona else None,
    )  # fmt: skip
    rows = blogs.list_blogs(acting, filters)
    show_list([_row_dict(r, ("id", *chosen)) for r in rows], chosen, fmt=fmt, json=json)


def _fields(fields: str) -> list[str]:
    from blogster_cli.errors import InvalidInput

    chosen = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in LIST_FIELDS]
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(LIST_FIELDS)}")
    return chosen


def _summaries(rows) -> list[dict]:
    """What --json prints for the posts a command changed."""
    return [_row_dict(r, ("id", "slug", "title", "status")) for r in rows]


@app.command()
def show(
    ref: str = typer.Argument(..., help="Slug or id."),
    raw: bool = typer.Option(False, "--raw", help="Print the markdown source instead of rendering it."),
    json: bool = JSON_OPTION,
) -> None:
    """Show a post, rendered for the terminal.

    Example: blogster blogs show ten-terminal-habits --raw
    """
    from blogster_cli.services import blogs

    row = blogs.get(acting_user(), ref)
    markdown = blogs.markdown_of(row)
    if json:
        output.print_json(
            {**_row_dict(row, LIST_FIELDS), "meta_description": row.meta_description, "markdown": markdown}
        )
    elif raw:
        output.print_raw(markdown)
    else:
        output.print_markdown(
            f"# {row.title}\n\n*{row.status} · {row.word_count} words · {row.reading_time} min"
            f"{' · ' + ', '.join(row.tags) if row.tags else ''}*\n\n{markdown}"
        )


@app.command()
def edit(ref: str = typer.Argument(..., help="Slug or id.")) -> None:
    """Edit a post in $VISUAL/$EDITOR; saving creates a new revision.

    If the post changed meanwhile, nothing is overwritten and your text is kept in a
    recovery file.

    Example: EDITOR=nano blogster blogs edit ten-terminal-habits
    """
    from blogster_cli.cli.state import app_context
    from blogster_cli.services import drafting

    result = drafting.edit_in_editor(acting_user(), app_context(), ref)
    output.message(result)


@app.command("rm")
def remove(refs: list[str] = typer.Argument(..., help="Slugs or ids."), json: bool = JSON_OPTION) -> None:
    """Move posts to the trash (restore them with `posts restore`).

    Example: blogster posts rm old-draft another-draft
    """
    from blogster_cli.services import blogs

    rows = blogs.trash(acting_user(), refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Moved {len(rows)} post(s) to the trash.")


app.command("delete", hidden=True)(remove)


@app.command("trash")
def list_trash(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List the posts in your trash.

    Example: blogster posts trash --json
    """
    from blogster_cli.repositories.blogs import BlogFilter
    from blogster_cli.services import blogs

    rows = blogs.list_blogs(acting_user(), BlogFilter(trashed=True, limit=limit or None))
    show_list([_row_dict(r, ("id", *TRASH_FIELDS)) for r in rows], TRASH_FIELDS, fmt=fmt, json=json)


@app.command()
def restore(
    refs: list[str] = typer.Argument(..., help="Slugs or ids of trashed posts."), json: bool = JSON_OPTION
) -> None:
    """Bring posts back from the trash.

    Example: blogster posts restore old-draft
    """
    from blogster_cli.services import blogs

    rows = blogs.restore(acting_user(), refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Restored {len(rows)} post(s).")


@app.command()
def purge(
    refs: list[str] = typer.Argument(..., help="Slugs or ids."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete posts for good, with their revisions and analytics.

    Example: blogster posts purge old-draft --yes
    """
    import sys

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import blogs

    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("refusing to purge without --yes when not on a terminal")
        typer.confirm(f"Delete {len(refs)} post(s) and their history for good?", abort=True)
    rows = blogs.purge(acting_user(), refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Deleted {len(rows)} post(s) for good.")


@app.command("status")
def set_status(
    ref: str = typer.Argument(..., help="Slug or id."),
    status: str = typer.Argument(..., help="draft, scheduled, published or archived."),
    json: bool = JSON_OPTION,
) -> None:
    """Change a post's status (publishing sets its publication time).

    Example: blogster blogs status ten-terminal-habits published
    """
    from blogster_cli.services import blogs

    row = blogs.update(acting_user(), ref, blogs.BlogChanges(status=status))
    if json:
        output.print_json(_row_dict(row, LIST_FIELDS))
    else:
        output.message(f"'{row.slug}' is now {row.status}.")


@tag_app.command("add")
def tag_add(
    ref: str = typer.Argument(..., help="Slug or id."),
    tags: list[str] = typer.Argument(..., help="Tags."),
    json: bool = JSON_OPTION,
) -> None:
    """Add tags to a post.

    Example: blogster posts tag add ten-terminal-habits shell productivity
    """
    from blogster_cli.services import blogs

    row = blogs.tag(acting_user(), ref, add=tags)
    output.print_json(_row_dict(row, LIST_FIELDS)) if json else output.message(
        f"'{row.slug}' tags: {', '.join(row.tags)}"
    )


@tag_app.command("rm")
def tag_rm(
    ref: str = typer.Argument(..., help="Slug or id."),
    tags: list[str] = typer.Argument(..., help="Tags."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove tags from a post.

    Example: blogster posts tag rm ten-terminal-habits shell
    """
    from blogster_cli.services import blogs

    row = blogs.tag(acting_user(), ref, remove=tags)
    output.print_json(_row_dict(row, LIST_FIELDS)) if json else output.message(
        f"'{row.slug}' tags: {', '.join(row.tags) or '(none)'}"
    )


tag_app.command("delete", hidden=True)(tag_rm)
