"""blogster import: markdown files and folders (Hugo, Jekyll, Zola, Astro, plain) or a WordPress export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.params import PATH_TEXT
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.services.imports import ImportSummary


def import_posts(
    paths: list[str] = typer.Argument(
        ...,
        help="Markdown files or folders (searched recursively); - reads one file from standard input.",
        click_type=PATH_TEXT,
    ),
    fmt: str = typer.Option(
        "auto", "--format", help="auto (detect), hugo, jekyll, zola, astro, markdown or wordpress (WXR XML)."
    ),
    on_conflict: str = typer.Option(
        "update",
        "--on-conflict",
        help="When a file matches a post of yours (as said above): update it, skip it, "
        "rename (import it again under a suffixed slug), or overwrite (update it even if it was edited in "
        "Blogster since the file was imported; update keeps such an edit and skips the file).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would happen; change nothing."),
    porcelain: bool = typer.Option(False, "--porcelain", help="Print only the ids of new posts, one per line."),
    json: bool = JSON_OPTION,
) -> None:
    """Import posts from markdown files, folders or a WordPress export.

    Front matter in YAML, TOML or JSON is read as Hugo, Jekyll, Zola or Astro write it;
    each file is all-or-nothing, and a file that cannot be read is reported and skipped
    (exit code 1 when any failed). Re-importing finds each file's post by the manifest of
    the export that wrote the file, else by source file (from any folder of the same site),
    else by slug (a post not from a file, such as one written in Blogster), else by identical
    text (a file moved); a WordPress item finds the post it made by its site and post id, else
    its guid, else its type, name and date, never by its place in the export or by a slug
    another item's post holds. So nothing is duplicated; a post edited in
    Blogster since its file was imported keeps the edit (the file is skipped, a conflict if
    it changed too) unless --on-conflict overwrite. Pictures a post
    shows from its own folder (a page bundle's) are stored as media; a post that says it is
    published but is empty stays a draft, with a warning.

    Example: blogster import ./my-site/content --dry-run
    """
    import sys

    from blogster_cli.services import imports

    ctx = app_context()
    acting = acting_user()
    timezone = ctx.tzinfo
    stdin_data = None
    if "-" in paths:
        stream = getattr(sys.stdin, "buffer", None)
        stdin_data = (
            imports.read_standard_input(stream, fmt=fmt) if stream is not None else sys.stdin.read().encode("utf-8")
        )
    sources, reported = imports.collect_sources(paths, fmt=fmt, stdin_data=stdin_data)
    with output.progress("Importing", len(sources)) as bar:
        summary = imports.import_sources(
            acting, sources=sources, fmt=fmt, on_conflict=on_conflict, dry_run=dry_run,
            default_tz=timezone, on_progress=bar.advance, images=True, bookkeeping_quiet=True,
        )  # fmt: skip
    summary.files = reported + summary.files
    if json:
        output.print_json(summary.as_dict())
    elif porcelain:
        output.print_lines(str(post_id) for post_id in summary.new_ids)
    elif dry_run:  # the plan is the data: one row per file
        rows = [{**vars(file), "outcome": _would(file.outcome)} for file in summary.files]
        columns = ["outcome", "path", "slug", "status", "reason"]
        tables.print_table(rows, columns, title="Dry run: nothing was changed")
    if not json:
        on_terminal = output.progress_shown()
        for zone in summary.timezones:
            output.message(zone.note)
        for warning in summary.warnings:
            output.warning(warning)
        for file in summary.files:
            kept_edit = file.outcome == "skipped" and summary.on_conflict == "update"  # edited in Blogster
            if file.outcome == "failed" or (file.outcome == "skipped" and file.id is None) or kept_edit:
                output.message(f"{file.outcome}: {file.path}: {file.reason}")
            elif on_terminal and not porcelain and not dry_run and file.renamed_from is not None:
                output.message(f"{file.outcome}: {file.path} ({file.reason})")
            if file.warned:
                for warning in file.warnings:
                    output.message(f"warning: {file.path}: {warning}")
        if not porcelain or summary.failed:
            output.message(one_line(summary))
    if summary.failed:
        raise typer.Exit(1)


def _would(outcome: str) -> str:
    return {"imported": "would import", "updated": "would update", "skipped": "would skip"}.get(outcome, outcome)


def one_line(summary: ImportSummary) -> str:
    counts = summary.counts
    verb = "would import" if summary.dry_run else "imported"
    parts = [f"{counts['imported']} {verb}"] + [
        f"{counts[name]} {name}" for name in ("updated", "unchanged", "skipped", "failed")
    ]
    notes = [f"{counts['renamed']} under a suffixed slug"] if counts["renamed"] else []
    if counts["pages"]:
        one = counts["pages"] == 1
        notes.append(f"{counts['pages']} WordPress {'page' if one else 'pages'} as {'a draft' if one else 'drafts'}")
    if counts["images"]:
        stored = "to store as media" if summary.dry_run else "stored as media"
        notes.append(f"{counts['images']} {'picture' if counts['images'] == 1 else 'pictures'} {stored}")
    if counts["warnings"]:
        notes.append(f"{counts['warnings']} with {'a warning' if counts['warnings'] == 1 else 'warnings'}")
    if counts["warnings_not_repeated"]:
        notes.append(f"{counts['warnings_not_repeated']} unchanged with warnings said before, not repeated")
    if summary.not_posts:
        items = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.not_posts.items()))
        notes.append(f"not posts: {items}")
    if summary.dry_run:  # what the site would show: the reason to run it first
        live = f"{counts['published']} would be published"
        notes.append(f"{live}, {counts['scheduled']} scheduled" if counts["scheduled"] else live)
    noted = f" ({'; '.join(notes)})" if notes else ""
    prefix = "Dry run, nothing changed: " if summary.dry_run else ""
    return f"{prefix}{plural(len(summary.files), 'item')}: {', '.join(parts)}{noted}."
