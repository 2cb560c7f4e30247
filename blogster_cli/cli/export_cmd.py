"""blogster export: your posts as markdown files for Hugo, Jekyll, Zola, Astro or plain markdown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    from blogster_cli.services.exports import ExportSummary


def export_posts(
    directory: Path = typer.Argument(..., help="Folder to write into (created if missing).", click_type=ANY_PATH),
    fmt: str = typer.Option(..., "--format", help="hugo, jekyll, zola, astro or markdown."),
    status: list[str] = typer.Option(
        [], "--status", help="Only posts with this status: draft, scheduled, published, archived (repeat for more)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files edited by hand since the last export."),
    json: bool = JSON_OPTION,
) -> None:
    """Export your posts (not the trash) as markdown files named the way the site generator expects.

    A post exported in the dialect it was imported from goes back to its original path,
    byte for byte when unchanged; its images are copied along. Nothing is written outside
    the folder, and two posts never overwrite each other's file. A file edited by hand
    since the last export is left alone (exit 5) unless --force. Each file is written whole:
    an export killed or stopped by a full disk (exit 8) is finished by running it again.

    Example: blogster export ./site --format hugo --status published
    """
    from blogster_cli.services import exports

    ctx = app_context()
    acting = acting_user()
    timezone = ctx.tzinfo
    total = exports.count_posts(acting, statuses=status or None)
    with output.progress("Exporting", total) as bar:
        summary = exports.export_posts(
            acting, directory=directory, dialect=fmt, statuses=status or None,
            default_tz=timezone, on_progress=bar.advance, force=force, resolve_liquid=True,
        )  # fmt: skip
    if json:
        output.print_json(summary.as_dict())
    else:
        on_terminal = output.progress_shown()
        for warning in summary.warnings:
            output.warning(warning)
        for file in summary.files:
            if file.path is None:
                output.message(f"failed: {file.slug}: {file.note}")
            elif on_terminal and (file.renamed_from is not None or file.note):
                detail = f"{file.renamed_from} is taken" if file.renamed_from else file.note
                output.message(f"{file.slug}: written as {file.path} ({detail})")
        output.message(_summary_line(summary))
    if summary.edited:
        from blogster_cli.errors import Conflict

        count = len(summary.edited)
        first = summary.edited[0] if count == 1 else f"first: {summary.edited[0]}"
        raise Conflict(
            f"{plural(count, 'file')} {agreeing(count, 'was', 'were')} edited by hand since the last export and left"
            f" as {agreeing(count, 'it is', 'they are')} ({first}); --force overwrites {agreeing(count, 'it', 'them')}"
        )
    if summary.failed:
        raise typer.Exit(1)


def _summary_line(summary: ExportSummary) -> str:
    """What the export wrote, and what it did not write, as in
    `Wrote 0 posts and 0 images to DIR (516 unchanged, 1 left as edited by hand).`"""
    others = [f"{summary.unchanged} unchanged"] if summary.unchanged else []
    if summary.edited:
        others.append(f"{len(summary.edited)} left as edited by hand")
    if summary.renamed:
        others.append(f"{len(summary.renamed)} under a suffixed file name")
    if summary.failed:
        others.append(f"{len(summary.failed)} failed")
    shown = f" ({', '.join(others)})" if others else ""
    return (
        f"Wrote {plural(summary.written, 'post')} and {plural(summary.images, 'image')} to {summary.directory}{shown}."
    )
