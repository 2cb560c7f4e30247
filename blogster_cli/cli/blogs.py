"""blogster posts (alias: blogs): write, list, show, edit, tag, publish and delete posts."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import PATH_TEXT, parse_datetime
from blogster_cli.cli.piped import piped_input
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    import signal

    from blogster_cli.actors import ActingUser
    from blogster_cli.services.blogs import BlogRow
    from blogster_cli.services.editing import EditDraft

app = command_group("posts")
tag_app = typer.Typer(help="Add or remove tags.", no_args_is_help=True, rich_markup_mode=None, add_completion=False)
app.add_typer(tag_app, name="tag")

LIST_FIELDS = (
    "id",
    "author",
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


def _row_dict(row: object, fields: Sequence[str]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


def post_json(row: BlogRow) -> dict[str, Any]:
    """A post with its text, as `posts show --json` prints it (and the commands that print the stored post)."""
    from blogster_cli.services import blogs

    details = _row_dict(row, ("meta_description", "meta_keywords", "featured_image"))
    return {**_row_dict(row, LIST_FIELDS), **details, "markdown": blogs.markdown_of(row)}


@app.command()
def new(
    title: str | None = typer.Argument(None, help="The title (or --title; not needed with --from)."),
    title_option: str | None = typer.Option(None, "--title", help="The title, instead of the argument."),
    from_file: str | None = typer.Option(
        None,
        "--from",
        help="Create from a markdown file (front matter and body), or - for standard input.",
        click_type=PATH_TEXT,
    ),
    template: str | None = typer.Option(
        None, "--template", help="Scaffold the sections of this template (name or id)."
    ),
    persona: str | None = typer.Option(None, "--persona", help="Write for this persona (name or id)."),
    tags: list[str] = typer.Option([], "--tag", help="A tag (repeat for more)."),
    slug: str | None = typer.Option(None, "--slug", help="Use this slug instead of one made from the title."),
    status: str | None = typer.Option(
        None,
        "--status",
        help="draft (the default, unless the --from file says otherwise), scheduled, published or archived.",
    ),
    porcelain: bool = typer.Option(False, "--porcelain", help="Print only the new post's id."),
    json: bool = JSON_OPTION,
) -> None:
    """Create a post (a draft unless --status or the --from file says otherwise).

    A body piped in without --from becomes the post's text.

    Example: blogster blogs new "Ten terminal habits" --template listicle --persona "Software developer"
    """
    from blogster_cli.cli.state import app_context
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import blogs, drafting

    if title is not None and title_option is not None:
        raise InvalidInput("give the title once: as the argument or with --title")
    title = title if title is not None else title_option
    acting = acting_user()
    read_body = False
    file_warnings: list[str] = []  # of the file's status (its expiryDate), unless --status states one
    if from_file is not None:
        if template is not None:
            raise InvalidInput("--template scaffolds a new text; it does not go with --from")
        timezone = app_context().tzinfo
        said = file_warnings if status is None else None
        new_blog = (
            drafting.new_from_text(read_stdin(), timezone=timezone, warnings=said)
            if from_file == "-"
            else drafting.new_from_file(Path(from_file), timezone=timezone, warnings=said)
        )
        new_blog.title = title or new_blog.title
    elif title is None:
        raise InvalidInput("give a title, or --from FILE (- for standard input)")
    else:
        body = piped_input(read_stdin)
        if body and template is not None:
            raise InvalidInput("a body on standard input does not go with --template")
        new_blog = drafting.scaffold(acting, title=title, template=template, persona=persona)
        if body:
            new_blog.markdown, read_body = body, True
    new_blog.tags = [*new_blog.tags, *tags]
    if slug:
        new_blog.slug, new_blog.exact_slug = slug, True
    new_blog.status = status or new_blog.status
    row = blogs.create(acting, new=new_blog)
    if read_body:
        output.message("Read the body from standard input.")  # after the checks: a refusal is one line
    if porcelain:
        output.print_lines([str(row.id)])
    elif json:
        output.print_json(_row_dict(row, LIST_FIELDS))
    else:
        output.message(f"Created '{row.title}' ({row.slug}, {row.status}, {plural(row.word_count, 'word')}).")
    if row.status != new_blog.status and row.published_at is not None:
        output.message(_dated_otherwise(row.slug, row.status, row.published_at))
    for warning in file_warnings:
        output.warning(warning)


def _dated_otherwise(slug: str, status: str, published_at: datetime) -> str:
    """Why a new post is not as its status said: its date made it scheduled or published (`post_steps.publication`)."""
    when = output.local_time(published_at)
    if status == "scheduled":
        return (
            f"'{slug}' is scheduled for {when}, not published: its date is in the future"
            f" (`blogster publish {slug}` publishes it now)"
        )
    return f"'{slug}' is published, not scheduled: its date, {when}, has passed"


def read_stdin() -> str:
    """Standard input's UTF-8 text, read up to one byte past the largest post: more is refused
    without reading the rest (a 1 GB file piped in by mistake)."""
    from blogster_cli.content.rules import MAX_CONTENT_BYTES, post_text

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stream (embedding): its characters, each at least a byte
        text: str = sys.stdin.read(MAX_CONTENT_BYTES + 1)
        return post_text(text.encode("utf-8", "surrogatepass"), "standard input")
    return post_text(stream.read(MAX_CONTENT_BYTES + 1), "standard input")


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
    all_authors: bool = typer.Option(
        False, "--all-authors", help="Everyone's published posts (yours too), with their AUTHOR for `show AUTHOR/SLUG`."
    ),
    fields: str = typer.Option(",".join(DEFAULT_FIELDS), "--fields", help=f"Columns: {', '.join(LIST_FIELDS)}."),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List your posts (not the trash: see `posts trash`). Long tables are paged on a terminal.

    Example: blogster posts rm $(blogster posts list --status draft --format ids)
    """
    from blogster_cli.cli.state import app_context
    from blogster_cli.services import blogs, drafting

    chosen = _fields(fields)
    acting = acting_user()
    timezone = app_context().tzinfo  # typed dates mean the configured timezone
    rows = blogs.list_blogs(
        acting, statuses=status or None, tag=tag, title_contains=title, search=search,
        created_after=drafting.aware(since, timezone), created_before=drafting.aware(until, timezone),
        sort=sort, limit=limit or None, persona_id=drafting.persona_id(acting, ref=persona) if persona else None,
        all_authors=all_authors,
    )  # fmt: skip
    if all_authors and "author" not in chosen:
        chosen = ["author", *chosen]
    # a post is named by its slug or its whole id: `--fields id` shows ids whole
    show_list([_row_dict(r, ("id", *chosen)) for r in rows], chosen, fmt=fmt, json=json, short=())


def _fields(fields: str) -> list[str]:
    from blogster_cli.errors import InvalidInput

    chosen = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in LIST_FIELDS]
    if unknown:
        raise InvalidInput(
            f"unknown {agreeing(len(unknown), 'field')} {', '.join(unknown)}; choose from {', '.join(LIST_FIELDS)}"
        )
    return chosen


def _summaries(rows: Iterable[object]) -> list[dict[str, Any]]:
    """What --json prints for the posts a command changed."""
    return [_row_dict(r, ("id", "slug", "title", "status")) for r in rows]


@app.command()
def show(
    ref: str = typer.Argument(..., help="Slug or id; AUTHOR/SLUG for someone's published post."),
    raw: bool = typer.Option(False, "--raw", help="Print the markdown source instead of rendering it."),
    json: bool = JSON_OPTION,
) -> None:
    """Show a post, rendered for the terminal (times in your timezone setting).

    Example: blogster blogs show ten-terminal-habits --raw
    """
    from blogster_cli.services import blogs

    acting = acting_user()
    row = blogs.get(acting, ref=ref)
    output.left_out(row.slug, row.left_out)
    markdown = blogs.markdown_of(row)
    if json:
        output.print_json(post_json(row))
    elif raw:
        output.print_raw(markdown)
    else:
        when = "goes live" if row.status == "scheduled" else "published"  # a scheduled post's is to come
        published = f" · {when} {output.local_time(row.published_at)}" if row.published_at else ""
        author = f"by {row.author} · " if row.author_id != acting.actor.user_id else ""
        output.print_markdown(
            f"# {row.title}\n\n*{author}{row.status} · {plural(row.word_count, 'word')} · {row.reading_time} min"
            f"{' · ' + ', '.join(row.tags) if row.tags else ''}"
            f" · updated {output.local_time(row.updated_at)}{published}*\n\n{markdown}"
        )


@app.command()
def edit(
    ref: str = typer.Argument(..., help="Slug or id."),
    from_file: str | None = typer.Option(
        None,
        "--from",
        help="Take the text (front matter and body) from a file, or - for standard input.",
        click_type=PATH_TEXT,
    ),
    title: str | None = typer.Option(None, "--title", help="Set the title."),
    status: str | None = typer.Option(None, "--status", help="Set the status (as `blogs status` does)."),
    slug: str | None = typer.Option(None, "--slug", help="Set the slug."),
    tags: list[str] = typer.Option([], "--tag", help="Set the tags, replacing the current ones (repeat for more)."),
    meta_description: str | None = typer.Option(None, "--meta-description", help="Set the description."),
    json: bool = JSON_OPTION,
) -> None:
    """Edit a post in $VISUAL/$EDITOR, or with --from and field flags without one.

    Saving a changed text creates a new revision. If the post changed meanwhile, or
    the editor fails, nothing is overwritten and your text is kept in a recovery
    file, which the next edit offers to resume. An emptied file cancels the edit.

    The text's status and date (a --from file's, or a `date:` typed in the editor) go
    as `posts new --from` reads them: a live status (published, draft = false) with a
    date to come schedules the post for it. No edit publishes a post before its time:
    a scheduled post stays scheduled unless the text states another time to come
    (`blogster publish POST` publishes it now), nor takes one down: a published post
    stays published, re-dated to another past date the text states (a date to come
    is not followed). A warning says when the text's status or date is not followed.

    Example: EDITOR=nano blogster blogs edit ten-terminal-habits
    """
    from blogster_cli.cli.state import app_context
    from blogster_cli.services import blogs, editing

    fields = blogs.BlogChanges(
        title=title, slug=slug, status=status, tags=tags or None, meta_description=meta_description
    )
    acting = acting_user()
    if from_file is None and fields == blogs.BlogChanges():
        _edit_in_editor(acting, ref, json=json)
        return
    text = None if from_file is None else read_stdin() if from_file == "-" else _read_text(Path(from_file))
    kept: list[str] = []
    changed: list[str] = []
    zone = app_context().tzinfo
    row = editing.apply(acting, ref=ref, text=text, fields=fields, zone=zone, warnings=kept, changed=changed)
    output.left_out(row.slug, row.left_out, saved=True)
    if json:
        output.print_json(_row_dict(row, LIST_FIELDS))
    elif not changed:
        output.message("No changes.")
    else:
        output.message(f"Saved '{row.slug}' ({_status_shown(row)}, {plural(row.word_count, 'word')}).")
    for warning in kept:
        output.warning(warning)


def _status_shown(row: BlogRow) -> str:
    """A saved post's status, with the time a scheduled one goes live."""
    if row.status == "scheduled" and row.published_at is not None:
        return f"scheduled for {output.local_time(row.published_at)}"
    return row.status


def _read_text(path: Path) -> str:
    """The file's UTF-8 text, read up to one byte past the largest post (a larger one is refused)."""
    from blogster_cli.content.files import read_named_file
    from blogster_cli.content.rules import MAX_CONTENT_BYTES, post_text

    return post_text(read_named_file(path, limit=MAX_CONTENT_BYTES), str(path))


def _edit_in_editor(acting: ActingUser, ref: str, *, json: bool = False) -> None:
    """The editor round trip: offer an earlier unsaved edit, reopen on invalid text, keep what fails;
    `json`: then print the post as it is (saved, or as it was), as `posts new --json` does."""
    from blogster_cli.cli.editor import give_up
    from blogster_cli.cli.state import app_context
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import blogs, editing

    draft = editing.begin(acting, ref=ref)
    output.left_out(draft.slug, draft.left_out)
    for unsaved in editing.unsaved_edits(draft):
        question = f"A previous unsaved edit of '{draft.slug}' exists ({unsaved.path}): resume?"
        if ask.on_terminal() and ask.yes(question, instead="answer on a terminal", default=True):
            draft = editing.resume(draft, unsaved)
            break
        editing.forget(unsaved)
        output.message(f"A previous unsaved edit of '{draft.slug}' is kept in {unsaved.path}.")
    text = draft.text
    while True:
        exit_code, stop, edited = _run_editor(draft, text)
        if exit_code != 0 or stop is not None:
            give_up(exit_code, stop, editing.keep_unsaved(draft, edited))
        try:
            outcome = editing.save(acting, draft=draft, edited=edited, zone=app_context().tzinfo)
        except InvalidInput as exc:
            resubmitted = editing.without_error_comment(edited) == editing.without_error_comment(text)
            if not ask.on_terminal() or resubmitted:  # saved again as it was shown: the writer gives up
                raise InvalidInput(f"{exc}; your text is kept in {editing.keep_unsaved(draft, edited)}") from None
            output.message(f"error: {exc}; reopening the editor")
            text = editing.with_error_comment(edited, str(exc))
            continue
        break
    if outcome.row is not None:
        output.left_out(outcome.row.slug, outcome.row.left_out, saved=True)
    if json:
        output.print_json(_row_dict(outcome.row or blogs.get_own(acting, ref=draft.slug), LIST_FIELDS))
    elif outcome.kind == "saved" and outcome.row is not None:
        row = outcome.row
        output.message(f"Saved '{row.slug}' ({plural(row.word_count, 'word')}, {output.local_time(row.updated_at)}).")
    elif outcome.kind == "cancelled":
        output.message("The file was empty: edit cancelled, nothing saved.")
    else:
        output.message("No changes.")
    for warning in outcome.warnings:
        output.warning(warning)


def _run_editor(draft: EditDraft, text: str) -> tuple[int, signal.Signals | None, str]:
    """Runs the editor on a private buffer of this session's own; returns its exit code, the stop
    signal this command got while it ran (cli/editor.stops_held_while_editing), and the text left."""
    import subprocess

    from blogster_cli.cli.editor import editor_command, stops_held_while_editing
    from blogster_cli.errors import BlogsterError
    from blogster_cli.services import editing

    command = editor_command()
    buffer = editing.open_buffer(draft, text)
    try:
        with stops_held_while_editing() as stops:  # the buffer stays until the editor ends
            try:
                process = subprocess.Popen([*command, str(buffer)])
            except FileNotFoundError as exc:
                raise BlogsterError(f"cannot run the editor: {exc.filename}") from None
            exit_code = process.wait()
        stop = stops[0] if stops else None
        try:
            return exit_code, stop, buffer.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return exit_code, stop, ""  # the editor removed the file: as good as emptied
    finally:
        editing.close_buffer(buffer)


@app.command("rm")
def remove(refs: list[str] = typer.Argument(..., help="Slugs or ids."), json: bool = JSON_OPTION) -> None:
    """Move posts to the trash (restore them with `posts restore`).

    Example: blogster posts rm old-draft another-draft
    """
    from blogster_cli.services import blogs

    rows = blogs.trash(acting_user(), refs=refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Moved {plural(len(rows), 'post')} to the trash.")


app.command("delete", hidden=True)(remove)


@app.command("trash")
def list_trash(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List the posts in your trash.

    Example: blogster posts trash --json
    """
    from blogster_cli.services import blogs

    rows = blogs.list_blogs(acting_user(), trashed=True, limit=limit or None)
    show_list([_row_dict(r, ("id", *TRASH_FIELDS)) for r in rows], TRASH_FIELDS, fmt=fmt, json=json)


@app.command()
def restore(
    refs: list[str] = typer.Argument(..., help="Slugs or ids of trashed posts."), json: bool = JSON_OPTION
) -> None:
    """Bring posts back from the trash.

    Example: blogster posts restore old-draft
    """
    from blogster_cli.services import blogs

    rows = blogs.restore(acting_user(), refs=refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Restored {plural(len(rows), 'post')}.")


@app.command()
def purge(
    refs: list[str] = typer.Argument(..., help="Slugs or ids."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete posts for good, with their revisions and analytics. Their copies on other platforms stay
    there, and the copies' and posted social posts' remote ids (not their text) are kept until your
    account is deleted: after a restore of an earlier backup, `crosspost` updates those copies instead of
    making second ones, and those social posts are not posted again (those not posted yet come back as
    drafts).

    Example: blogster posts purge old-draft --yes
    """
    from blogster_cli.services import blogs

    if not yes and not ask.yes(f"Delete {plural(len(refs), 'post')} and their history for good?", instead="use --yes"):
        raise typer.Abort()
    rows = blogs.purge(acting_user(), refs=refs)
    output.print_json(_summaries(rows)) if json else output.message(f"Deleted {plural(len(rows), 'post')} for good.")


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

    row = blogs.update(acting_user(), ref=ref, changes=blogs.BlogChanges(status=status))
    if json:
        output.print_json(_row_dict(row, LIST_FIELDS))
    else:
        output.message(f"'{row.slug}' is now {row.status}.")


@app.command("addresses")
def addresses(
    ref: str = typer.Argument(..., help="Slug or id."),
    forget: list[str] = typer.Option(
        [], "--forget", help="Forget this former slug or imported address (repeatable).", metavar="SLUG"
    ),
    forget_all: bool = typer.Option(
        False, "--forget-all", help="Forget every former and imported address (but the page's own)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """List the former addresses of a post (slugs it was published under) and those it keeps from
    its import (its old site's address and aliases), or forget them.

    The next `site build` redirects from no forgotten address, `analytics ingest` counts no visit
    there for the post, and the feeds stop naming it by a forgotten slug. An imported address is
    named as listed (/old/a/) or by its last part (a: each one ending so, /x/a.html too); forgetting
    an alias takes it out of the post's front matter, so an export writes it no more. The old site's address the
    post's page is at (kept in: url, permalink or path) is never forgotten: naming only that is
    exit 2. A name that is none of them: exit 3. Either way nothing is forgotten.

    Example: blogster posts addresses ten-terminal-habits --json
    """
    from blogster_cli.services.former_addresses import former_addresses

    found = former_addresses(acting_user(), ref=ref, forget=forget, forget_all=forget_all)
    if found.forgotten:
        output.message(f"'{found.slug}': {plural(found.forgotten, 'former address', 'former addresses')} forgotten.")
    if json:
        output.print_json(
            [{"kind": "former", "slug": a.slug, "published_at": a.published_at} for a in found.addresses]
            + [
                {"kind": "imported", "address": a.address, "kept_in": a.kept_in, "page": a.is_url}
                for a in found.imported
            ]
        )
    elif found.addresses or found.imported:
        shown = [
            {
                "kind": "former",
                "address": a.slug,
                "published_at": output.local_time(a.published_at) if a.published_at else "",
                "kept_in": "",
            }
            for a in found.addresses
        ] + [
            {
                "kind": "imported",
                "address": a.address,
                "published_at": "",
                "kept_in": f"{a.kept_in} (its page)" if a.is_url else a.kept_in,
            }
            for a in found.imported
        ]
        show_list(shown, ("kind", "address", "published_at", "kept_in"), fmt=None, json=False, short=())
    elif not found.forgotten:
        output.message(f"'{found.slug}' has no former addresses.")


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

    row = blogs.tag(acting_user(), ref=ref, add=tags)
    output.print_json(_row_dict(row, LIST_FIELDS)) if json else output.message(
        f"'{row.slug}' tags: {', '.join(row.tags)}"
    )
    for note in blogs.kept_spellings(row.tags, tags):
        output.warning(note)


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

    row = blogs.tag(acting_user(), ref=ref, remove=tags)
    output.print_json(_row_dict(row, LIST_FIELDS)) if json else output.message(
        f"'{row.slug}' tags: {', '.join(row.tags) or '(none)'}"
    )


tag_app.command("delete", hidden=True)(tag_rm)
