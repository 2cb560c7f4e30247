"""blogster sync: keep a markdown folder and your posts in step, both ways."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import PATH_TEXT, or_status
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

if TYPE_CHECKING:
    from datetime import tzinfo

    from blogster_cli.actors import ActingUser
    from blogster_cli.services.sync import SyncSummary


STATUS_COLUMNS = ["folder", "format", "last_run_at", "receives_new_posts", "pending", "conflicts"]

status_app = typer.Typer(rich_markup_mode=None, add_completion=False)


@status_app.command("status")
def status(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Your linked folders: format, last run, changes waiting and conflicts.

    Example: blogster sync status --format csv
    """
    from blogster_cli.services import sync as sync_service

    folders = sync_service.status(acting_user(), default_tz=app_context().tzinfo)
    show_list([vars(item) for item in folders], STATUS_COLUMNS, fmt=fmt, json=json, limit=limit, id_key="folder")


app = typer.Typer(rich_markup_mode=None, add_completion=False)


@app.command("sync", cls=or_status(status_app))
def sync(
    folder: str = typer.Argument(
        ..., help="The folder to sync, or `status` to list your linked folders.", click_type=PATH_TEXT
    ),
    fmt: str = typer.Option(
        "auto", "--format", help="auto (detect, as import does), hugo, jekyll, zola, astro or markdown."
    ),
    watch: bool = typer.Option(
        False, "--watch", help="Keep running: sync within a second of any change; Ctrl-C stops. Not with --dry-run."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would happen; change nothing."),
    adopt: bool = typer.Option(
        False,
        "--adopt",
        help="Also write a file here for each post written in Blogster that is in no folder yet,"
        " however old (imported posts never: they stay with the folder holding their file).",
    ),
    unlink: bool = typer.Option(
        False,
        "--unlink",
        help="Forget this linked folder (if gone from disk, named as `sync status` lists it): its files"
        " and your posts stay as they are. With --dry-run: what would be forgotten. Not with --watch,"
        " --adopt, --allow-empty or --format.",
    ),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Sync a linked folder found without the files its last sync saw (or with a folder in it,"
        " at any depth, that held them gone or emptied), moving their posts to the trash; without it"
        " such a sync changes nothing (exit 5). With --watch: its first run only.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Sync a folder of markdown files with your posts, both ways.

    The first run links the folder and imports its files, writing none. Later runs update a
    post whose file changed, rewrite a file whose post changed (exactly as export writes
    it), trash the post of a deleted file and remove the file of a trashed post. A file
    and post that both changed is a conflict (exit 5): the database version is written
    beside the file as NAME.md.conflict; edit the file and sync again to resolve it.
    A post written in Blogster after the first folder you linked gets a file there; older
    ones only with --adopt. Posts imported from another folder or site are never written here.
    A linked folder found empty (a drive not mounted) or with a folder in it that held its files
    (content/, content/posts/) gone or emptied is refused (exit 5): --allow-empty trashes their posts
    deliberately. A file put back at its path, saying what its trashed post says, restores that post.
    A linked folder moved or renamed keeps its link: the first sync of it where it is now takes
    the link over from the name gone from disk (nothing imported twice); a copy of a linked folder
    still on disk is refused (exit 5) until that one is unlinked.
    `blogster sync status` lists linked folders, changes waiting and conflicts
    (a folder named status: ./status). --unlink forgets a linked folder, also one gone from
    disk (exit 3 if it is not linked); a later sync of it links it again as a first run. A
    sync whose folder is unlinked while it runs ends with exit 3 (what it imported stays); a
    --watch of it stops, saying so (exit 0).

    Example: blogster sync ./my-site/content --dry-run
    """
    from blogster_cli.services import sync as sync_service

    if unlink:
        _unlink(folder, dry_run, json, fmt=fmt, watch=watch, adopt=adopt, allow_empty=allow_empty)
        return
    if watch and dry_run:  # a watch syncs each change as it comes: there is no plan to show
        from blogster_cli.errors import InvalidInput

        raise InvalidInput(
            "--watch does not go with --dry-run: a watch changes things as they change (drop --watch to see the plan)"
        )
    ctx = app_context()
    acting = acting_user()
    if watch:
        _watch(acting, Path(folder), fmt, ctx.tzinfo, json, adopt, allow_empty)
        return
    summary = sync_service.sync_folder(
        acting, directory=Path(folder), fmt=fmt, dry_run=dry_run, default_tz=ctx.tzinfo, adopt=adopt,
        allow_empty=allow_empty,
    )  # fmt: skip
    _report(summary, json)
    _exit_for(summary)


def _unlink(folder: str, dry_run: bool, json: bool, *, fmt: str, watch: bool, adopt: bool, allow_empty: bool) -> None:
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import sync as sync_service
    from blogster_cli.wording import plural

    options = (("--format", fmt != "auto"), ("--watch", watch), ("--adopt", adopt), ("--allow-empty", allow_empty))
    given = [name for name, used in options if used]
    if given:
        raise InvalidInput(f"--unlink does not go with {' or '.join(given)}: it only forgets the link")
    done = sync_service.unlink(acting_user(), directory=Path(folder), dry_run=dry_run)
    if json:
        output.print_json(done.as_dict())
        return
    kept = f"{plural(done.files, 'file')} of {plural(done.posts, 'post')}"
    if done.conflicts:
        kept += f", {done.conflicts} in conflict"
    if done.dry_run:
        output.message(f"Dry run, nothing changed: would unlink {done.folder} [{done.format}], forgetting {kept}.")
    else:
        output.message(f"Unlinked {done.folder} [{done.format}]: forgot {kept}; the files and posts stay as they are.")
    if done.new_posts_moved:
        would = "would get" if done.dry_run else "now get"
        output.message(f"Posts written in Blogster {would} their files in {done.new_posts_folder}.")


def _watch(
    acting: ActingUser, folder: Path, fmt: str, timezone: tzinfo, json: bool, adopt: bool, allow_empty: bool
) -> None:
    import threading

    from blogster_cli.cli.long_running import stop_signals_end_it
    from blogster_cli.services import sync as sync_service

    stop = threading.Event()
    sync_service.folder_to_sync(folder)  # a folder refused is the one line said, not "Watching" first
    output.message(f"Watching {folder} (Ctrl-C stops).")
    with stop_signals_end_it():  # Ctrl-C, SIGTERM or SIGHUP is how a watch ends: "Stopped.", exit 0
        try:
            sync_service.watch(
                acting, directory=folder, fmt=fmt, default_tz=timezone,
                on_run=lambda summary: _report(summary, json, quiet_when_unchanged=True), stop=stop, adopt=adopt,
                allow_empty=allow_empty,
            )  # fmt: skip
        except KeyboardInterrupt:
            stop.set()
        except sync_service.FolderUnlinked as gone:  # not linked again: stopped, as Ctrl-C stops it
            from blogster_cli.terminal_text import single_line

            output.message(
                f"Stopped: {single_line(gone.folder)} was unlinked (`sync --unlink`); a sync of it links it again"
                " as a first run."
            )
            return
        output.message("Stopped.")


def _report(summary: SyncSummary, json: bool, quiet_when_unchanged: bool = False) -> None:
    """Each file on a line of its own, however it is named (a newline in a name shows as ␊)."""
    from blogster_cli.terminal_text import single_line

    said = bool(summary.files or summary.moved_from or summary.pictures)
    if json:
        if not quiet_when_unchanged or said:
            output.print_json(summary.as_dict())
        return
    if quiet_when_unchanged and not said:
        return
    for warning in summary.warnings:
        output.warning(single_line(warning))
    if summary.moved_from:
        took, are = ("Would take", "would be") if summary.dry_run else ("Took", "are")
        output.message(
            single_line(
                f"{took} over the link of {summary.moved_from} (gone from disk): its posts {are} this folder's."
            )
        )
    if summary.dry_run and summary.files:
        rows = [
            {
                "action": _PLANNED.get(file.action, f"would be {file.action}"),
                "path": single_line(file.path),
                "note": file.note and single_line(file.note),
            }
            for file in summary.files
        ]
        tables.print_table(rows, ["action", "path", "note"], title="Dry run: nothing was changed")
    else:
        for file in summary.files:
            output.message(single_line(f"{file.action}: {file.path}" + (f" ({file.note})" if file.note else "")))
    output.message(one_line(summary))


# what a dry run says of a file, but "would be imported", "would be skipped"...
_PLANNED = {"failed": "would fail", "conflict": "would be a conflict"}


def one_line(summary: SyncSummary) -> str:
    counts = summary.counts
    parts = [f"{counts[name]} {name}" for name in counts if counts[name] and name != "unchanged"]
    prefix = "Dry run, nothing changed: " if summary.dry_run else ""
    linked = " (linked now)" if summary.first_run and not summary.dry_run else ""
    if summary.pictures:
        from blogster_cli.wording import plural

        parts.append(f"{plural(summary.pictures, 'picture')} {'to store' if summary.dry_run else 'stored'}")
    done = ", ".join(parts) if parts else "nothing to do"
    return f"{prefix}{summary.folder}{linked} [{summary.dialect}]: {done}; {counts['unchanged']} unchanged."


def _exit_for(summary: SyncSummary) -> None:
    if summary.conflicts:
        from blogster_cli.errors import Conflict
        from blogster_cli.terminal_text import single_line

        count = len(summary.conflicts)
        raise Conflict(
            f"{count} {'file has' if count == 1 else 'files have'} changed on both sides (first: "
            f"{single_line(summary.conflicts[0].path)}); edit the file and sync again"
        )
    if summary.failed:
        raise typer.Exit(1)
