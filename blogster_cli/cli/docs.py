"""blogster docs: the help centre in the database: import, edit, publish and search it."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, limited, show_list
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.vocabulary import DocumentationStatus
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    from blogster_cli.services.documentation import DocPage, ImportReport, SearchHit

app = command_group("docs")
SLUG_ARGUMENT = typer.Argument(..., help="The page's slug (as `docs list` shows it).")
_MARK = re.compile("⟦(.*?)⟧", re.DOTALL)
WARNINGS_SHOWN = 50  # warning lines `docs import` prints (each a warning and the pages it is about)
PAGES_NAMED = 3  # pages a warning line names


@app.command("import")
def import_docs(
    folder: Path = typer.Argument(
        ..., help="A folder of markdown files; sub-folders become categories.", click_type=ANY_PATH
    ),
    publish: bool = typer.Option(False, "--publish", help="Publish the pages (unless their front matter says)."),
    replace: bool = typer.Option(
        False, "--replace", help="Overwrite the pages from elsewhere (another folder, docs new) that hold its slugs."
    ),
    rename: bool = typer.Option(
        False, "--rename", help="Store pages whose slugs are held elsewhere as FOLDER/SLUG instead."
    ),
    overwrite_edits: bool = typer.Option(
        False,
        "--overwrite-edits",
        help="Import files over pages edited in Blogster since (without it, such a page keeps the edit;"
        " one whose file changed too is skipped as a conflict).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Import a markdown tree as documentation (admins). Re-importing the folder (by any path to it)
    updates its pages and archives those whose files are gone (withdrawn); a page edited in
    Blogster since keeps the edit (a conflict, left as it is, if its file changed too) unless
    --overwrite-edits. A slug held by a page
    from elsewhere (another folder, `docs new`) refuses the import (exit 5, nothing changed)
    unless --rename or --replace. Text that pages include (files in a `snippets` or `includes`
    folder, or included with `--8<--`, `{!...!}` or `{% include %}`) is not a page: its text is
    searched as part of the page that includes it. Pictures are not stored (pages keep their links).

    Example: blogster docs import ./help --publish
    """
    from blogster_cli.documentation.sources import OnClash
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import documentation
    from blogster_cli.terminal_text import single_line

    if replace and rename:
        raise InvalidInput("--replace and --rename do not go together: choose one")
    on_clash = OnClash.REPLACE if replace else OnClash.RENAME if rename else OnClash.REFUSE
    report = documentation.import_tree(
        acting_user(), root=folder, publish=publish, on_clash=on_clash, overwrite_edits=overwrite_edits
    )
    if json:
        output.print_json(report)
    else:
        skipped = [f"{path}: {reason}" for path, reason in report.skipped]
        said_before = set(report.repeated_notes)
        for line in [line for line in skipped if line not in said_before] + report.notes:
            output.message(f"note: {single_line(line)}")
        if report.repeated_notes:  # the rest of the notes, as earlier imports gave them: one line
            output.message(f"note: {plural(len(report.repeated_notes), 'note')} as at earlier imports (slugs"
                           " normalised, files skipped as includes): --json lists them in repeated_notes")  # fmt: skip
        for line in _warning_lines(report):
            output.message(f"warning: {single_line(line)}")
        for path, reason in report.failed:
            output.error(single_line(f"{path}: {reason}"))
        for path, reason in report.conflicts:
            output.message(f"conflict: {single_line(f'{path}: {reason}')}")
        if report.edits_kept:
            output.message(f"note: {plural(len(report.edits_kept), 'page')} edited in Blogster since"
                           f" {agreeing(len(report.edits_kept), 'its file was', 'their files were')} imported"
                           f" kept the edit: {', '.join(report.edits_kept[:PAGES_NAMED])}"
                           f"{', ...' if len(report.edits_kept) > PAGES_NAMED else ''}")  # fmt: skip
        counts = [f"{len(report.created)} created", f"{len(report.updated)} updated",
                  f"{len(report.unchanged)} unchanged", f"{len(report.failed)} failed"]  # fmt: skip
        counts += [f"{len(report.renamed)} renamed"] if report.renamed else []
        counts += [f"{len(report.replaced)} taken over"] if report.replaced else []
        counts += [f"{len(report.withdrawn)} withdrawn"] if report.withdrawn else []
        counts += [f"{len(report.skipped)} skipped"] if report.skipped else []
        counts += (
            [f"{len(report.edits_kept)} {agreeing(len(report.edits_kept), 'edit')} kept"] if report.edits_kept else []
        )
        counts += [f"{len(report.conflicts)} {agreeing(len(report.conflicts), 'conflict')}"] if report.conflicts else []
        output.message(f"{', '.join(counts)}; {plural(report.categories, 'category', 'categories')}.")
    if report.failed:
        raise typer.Exit(1)


def _warning_lines(report: ImportReport) -> list[str]:
    """The import's warnings, one line for each that pages share (the most pages first), at most
    WARNINGS_SHOWN of them, then how many more there are and how many of those --json lists."""
    from blogster_cli.documentation.import_warnings import LISTED

    shown, rest = report.warning_groups[:WARNINGS_SHOWN], report.warning_groups[WARNINGS_SHOWN:]
    lines = []
    for group in shown:
        named = ", ".join(group.pages[:PAGES_NAMED]) + (", ..." if group.count > PAGES_NAMED else "")
        lines.append(f"{group.message} ({named if group.count == 1 else f'{group.count:,} pages: {named}'})")
    total = sum(len(group.pages) for group in report.warning_groups) + report.warnings_truncated
    more = total - sum(group.count for group in shown)
    if more:
        listed = sum(len(group.pages) for group in rest)
        lists = "them" if listed == more else f"{listed:,} of them (at most {LISTED:,} in all)"
        lines.append(f"... and {more:,} more {agreeing(more, 'warning')}: --json lists {lists}")
    return lines


@app.command("export")
def export_docs(
    folder: Path = typer.Argument(..., help="Where to write the tree (created if missing).", click_type=ANY_PATH),
    json: bool = JSON_OPTION,
) -> None:
    """Write the documentation back as a markdown tree that `docs import` reads back: imported pages
    at their source paths, pages written with `docs new` in their category's folder.

    Example: blogster docs export ./help-copy
    """
    from blogster_cli.services import documentation
    from blogster_cli.terminal_text import single_line

    report = documentation.export_tree(acting_user(), root=folder)
    if json:
        moved = [{"slug": f.slug, "path": f.path, "source_path": f.moved_from} for f in report.moved]
        failed = [{"slug": f.slug, "path": f.path, "reason": reason} for f, reason in report.failed]
        output.print_json({"folder": str(folder), "pages": report.pages, "moved": moved, "failed": failed})
    else:
        for file in report.moved:
            output.message(f"note: {file.slug}: written to {file.path} ({file.moved_from} holds another page)")
        for file, reason in report.failed:
            output.error(single_line(f"{file.slug}: not written: {file.path}: {reason}"))
        output.message(f"Wrote {plural(report.pages, 'page')} to {folder}.")
    if report.failed:
        raise typer.Exit(1)


@app.command("list")
def list_docs(
    status: DocumentationStatus | None = typer.Option(None, "--status"),
    category: str | None = typer.Option(
        None, "--category", help="Only this category's pages (slug or name; not its sub-categories')."
    ),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List the documentation pages you can read.

    Example: blogster docs list --category guides --status draft
    """
    from blogster_cli.services import documentation

    pages = documentation.list_pages(acting_user(), status=status, category=category)
    records = [{**output.to_plain(p), "markdown": None} for p in pages]
    show_list(records, ["slug", "title", "status", "category"], fmt=fmt, json=json, limit=limit, id_key="slug")


@app.command()
def new(
    title: str = typer.Argument(..., help="The page's title."),
    slug: str | None = typer.Option(
        None, "--slug", help="Lower-case words and digits joined by '-', folders by '/' (default: from the title)."
    ),
    category: str | None = typer.Option(None, "--category", help="Category slug or name."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
    source: Path | None = typer.Option(
        None, "--from", help="Body from a markdown file ('-': standard input).", click_type=ANY_PATH
    ),
    status: DocumentationStatus = typer.Option(DocumentationStatus.DRAFT, "--status"),
    json: bool = JSON_OPTION,
) -> None:
    """Create a documentation page (admins). A body piped in without --from becomes the page's
    text; a page with no text is not published.

    Example: echo "Run blogster db restore FILE." | blogster docs new "Restoring a backup" --category guides
    """
    from blogster_cli.cli.piped import piped_input
    from blogster_cli.services import documentation

    body = _read(source) if source else piped_input(sys.stdin.read)
    page = documentation.create_page(
        acting_user(), title=title, slug=slug, category=category, markdown=body, tags=tag, status=status
    )
    if body and source is None:
        output.message("Read the body from standard input.")  # after the checks: a refusal is one line
    _done(page, json, "Created")


@app.command()
def edit(
    slug: str = SLUG_ARGUMENT,
    source: Path | None = typer.Option(
        None, "--from", help="The whole page (front matter and body) from a file.", click_type=ANY_PATH
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Edit a page in $VISUAL/$EDITOR (or from a file with --from) (admins).

    Example: EDITOR=nano blogster docs edit restoring-a-backup
    """
    from blogster_cli.services import documentation

    acting = acting_user()
    text = _read(source) if source else _in_editor(documentation.page_text(acting, slug=slug), slug)
    if not text.strip():
        output.message("The file was empty: edit cancelled, nothing saved.")
        return
    _done(documentation.update_page(acting, slug=slug, text=text), json, "Saved")


@app.command()
def publish(slug: str = SLUG_ARGUMENT, json: bool = JSON_OPTION) -> None:
    """Publish a page: every signed-in user can read and find it (admins).

    Example: blogster docs publish restoring-a-backup
    """
    from blogster_cli.services import documentation

    _done(documentation.set_status(acting_user(), slug=slug, status=DocumentationStatus.PUBLISHED), json, "Published")


@app.command()
def archive(slug: str = SLUG_ARGUMENT, json: bool = JSON_OPTION) -> None:
    """Archive a page: kept, but no longer shown to readers (admins).

    Example: blogster docs archive restoring-a-backup
    """
    from blogster_cli.services import documentation

    _done(documentation.set_status(acting_user(), slug=slug, status=DocumentationStatus.ARCHIVED), json, "Archived")


@app.command()
def rm(slug: str = SLUG_ARGUMENT, json: bool = JSON_OPTION) -> None:
    """Delete a page and its revisions (admins).

    Example: blogster docs rm restoring-a-backup
    """
    from blogster_cli.services import documentation

    _done(documentation.remove_page(acting_user(), slug=slug), json, "Deleted")


@app.command()
def review(slug: str = SLUG_ARGUMENT, json: bool = JSON_OPTION) -> None:
    """Record that you reviewed a page now (admins).

    Example: blogster docs review restoring-a-backup
    """
    from blogster_cli.services import documentation

    _done(documentation.review(acting_user(), slug=slug), json, "Reviewed")


@app.command()
def categories(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """The category tree with the number of pages in each (a table: the tree, indented).

    Example: blogster docs categories --format csv
    """
    from blogster_cli.services import documentation

    chosen = chosen_format(fmt, json)
    nodes = limited(documentation.category_tree(acting_user()), limit)
    if chosen != "table":
        records = [output.to_plain(node) for node in nodes]
        show_list(records, ["name", "slug", "pages", "visible"], fmt=chosen, json=False, id_key="slug")
        return
    for node in nodes:
        hidden = "" if node.visible else " (hidden)"
        output.print_lines([f"{'  ' * node.depth}{node.name} [{node.slug}] {node.pages}{hidden}"])


@app.command()
def show(slug: str = SLUG_ARGUMENT, json: bool = JSON_OPTION) -> None:
    """Show a page, rendered on a terminal, with the text its include lines stand for (--json: as stored).

    Example: blogster docs show guides/backups
    """
    from blogster_cli.documentation.targets import without_targets
    from blogster_cli.services import documentation

    page = documentation.get_page(acting_user(), slug=slug, included=not json)
    if json:
        output.print_json(page)  # the page as stored (MyST target lines and all), as `docs export` writes it
        return
    # As the site shows it: no MyST target lines (`(how)=` before a page's heading hid the heading,
    # and the title was shown twice); the title on top unless a heading opens the page.
    shown = without_targets(page.markdown)
    output.print_markdown(shown if shown.lstrip().startswith("#") else f"# {page.title}\n\n{shown}")


@app.command()
def revisions(
    slug: str = SLUG_ARGUMENT,
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """A page's revisions, oldest first (admins).

    Example: blogster docs revisions restoring-a-backup
    """
    from blogster_cli.services import documentation

    records = [output.fields(r) for r in documentation.revisions(acting_user(), slug=slug)]
    show_list(
        records, ["number", "created_at", "version", "characters"], fmt=fmt, json=json, limit=limit, id_key="number"
    )


@app.command()
def diff(
    slug: str = SLUG_ARGUMENT,
    first: int = typer.Argument(..., help="The older revision."),
    second: int | None = typer.Argument(None, help="The newer revision (default: the current text)."),
    json: bool = JSON_OPTION,
) -> None:
    """What changed between two revisions of a page, as a unified diff (admins).

    Example: blogster docs diff restoring-a-backup 1
    """
    from blogster_cli.services import documentation

    result = documentation.diff(acting_user(), slug=slug, first=first, second=second)
    if json:
        output.print_json({"slug": slug, "from": first, "to": second, "diff": result.text, "coarse": result.coarse})
    else:
        output.print_diff(result.text, coarse=result.coarse)


@app.command("check-links")
def check_links(json: bool = JSON_OPTION) -> None:
    """List internal links that lead to no page, and pictures not in the folder their page was
    imported from (Blogster does not store pictures); exit 1 if there are any.

    Example: blogster docs check-links
    """
    from blogster_cli.services import documentation

    broken = documentation.check_links(acting_user())
    if json:
        output.print_json(broken)
    else:
        output.print_lines(f"{b.page}: {b.target}{' (picture)' if b.kind == 'picture' else ''}" for b in broken)
        output.message(f"{len(broken)} broken {'link' if len(broken) == 1 else 'links'}.")
    if broken:
        raise typer.Exit(1)


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "a phrase", OR, -exclusion.'),
    category: str | None = typer.Option(None, "--category", help="Only this category (slug or name)."),
    tag: str | None = typer.Option(None, "--tag", help="Only pages with this tag."),
    limit: int = typer.Option(10, "--limit", min=1, max=100),
    all_pages: bool = typer.Option(False, "--all", help="Drafts and archived pages too (admins)."),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Search the documentation, best match first (JSON and YAML: with the query and "did you mean").

    Example: blogster docs search "restore a backup" --limit 5
    """
    from blogster_cli.services import documentation

    chosen = chosen_format(fmt, json)
    result = documentation.search(
        acting_user(), query=query, category=category, tag=tag, limit=limit, include_drafts=all_pages
    )
    if result.drafts_refused:
        output.message("note: --all shows drafts and archived pages to admins only: these are the published pages")
    if result.too_common:
        output.message(
            "No pages found: its words are too common to search for (a search skips words such as"
            ' "the" and "a"): add a word that says what you are looking for'
        )
    hits = [{**output.to_plain(h), "snippet": _MARK.sub(r"\1", h.snippet)} for h in result.hits]
    if chosen in ("json", "yaml"):
        answer = {"query": result.query, "results": hits, "did_you_mean": result.suggestion}
        if chosen == "json":
            output.print_json(answer)
        else:
            output.print_yaml(answer)
        return
    if chosen != "table":
        show_list(hits, ["slug", "title", "score"], fmt=chosen, json=False, id_key="slug")
        return
    if result.suggestion:
        output.message(f"Did you mean: {result.suggestion}")
    if result.nothing_sought:
        output.message("No pages found: a search needs a word to look for (a `-word` only leaves pages out)")
    elif not result.hits and not result.too_common:
        output.message("No pages found.")
    _print_hits(result.hits)


def _print_hits(hits: Sequence[SearchHit]) -> None:
    """Title, slug and the snippet with the query's words in bold (plain markers off a terminal)."""
    snippets = [" ".join(hit.snippet.split()) for hit in hits]  # one line, whatever line breaks the page's text has
    if not sys.stdout.isatty():  # two lines a hit
        for hit, snippet in zip(hits, snippets, strict=True):
            title = " ".join(hit.title.split())
            output.print_lines([f"{hit.slug}\t{title}\t{hit.score:.2f}", "  " + _MARK.sub(r"[\1]", snippet)])
        return
    from rich.markup import escape

    from blogster_cli.terminal_text import safe

    # Pages are admins' text, escaped: shown, never acted on. No repr highlighting (rich colours
    # numbers and quoted strings by default): only the query's words stand out.
    console = output.safe_console(markup=True, highlight=False)
    for hit, snippet in zip(hits, snippets, strict=True):
        console.print(f"[bold]{escape(safe(hit.title))}[/bold]  [dim]{escape(hit.slug)}[/dim]")
        console.print("  " + _MARK.sub(r"[bold yellow]\1[/bold yellow]", escape(safe(snippet))))


def _done(page: DocPage, json: bool, verb: str) -> None:
    if json:
        output.print_json(page)
    else:
        output.message(f"{verb} '{page.slug}' ({page.status}).")


def _read(source: Path) -> str:
    from blogster_cli.errors import InvalidInput

    if str(source) == "-":
        return sys.stdin.read()
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None


def _in_editor(text: str, slug: str) -> str:
    """The page in the editor, on a private temporary file; the text as saved."""
    import subprocess
    import tempfile

    from blogster_cli.cli.editor import editor_command, give_up
    from blogster_cli.errors import BlogsterError

    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="blogster-docs-") as folder:
        buffer = Path(folder) / (slug.replace("/", "-")[:200] + ".md")  # a file name: at most 255 bytes
        buffer.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*command, str(buffer)])
        except FileNotFoundError as exc:
            raise BlogsterError(f"cannot run the editor: {exc.filename}") from None
        if code != 0:
            give_up(code, None, None)
        return buffer.read_text(encoding="utf-8", errors="replace")
