"""blogster interactive create | list | edit | rm | stats: quizzes, polls, surveys and calculators."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, show_list
from blogster_cli.cli.params import ANY_PATH, PATH_TEXT
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import percent

app = command_group("interactive")
STRUCTURE_HELP = "A JSON file with the questions, options or formula (see README), or - for standard input."


def _structure(path: Path) -> Any:
    import sys

    from blogster_cli.content.files import read_named_text
    from blogster_cli.errors import InvalidInput
    from blogster_cli.stored_json import long_number

    try:
        raw = sys.stdin.read() if str(path) == "-" else read_named_text(path)
        return jsonlib.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:  # standard input
        raise InvalidInput(f"cannot read {path}: {exc.__class__.__name__}") from None
    except jsonlib.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not JSON: {exc}") from None
    except ValueError:  # Python's limit on an int's digits, its message naming a Python call
        raise InvalidInput(f"{path} holds {long_number()}, more than a structure's numbers may have") from None
    except RecursionError:  # nested past the parser's stack, far past what a structure may hold
        raise InvalidInput(f"{path} nests too deeply") from None


def _show(item: Any, json: bool, verb: str) -> None:
    output.print_json(item) if json else output.message(
        f"{verb} {item.content_type} {item.tracking_id}: embed it with {item.shortcode}"
    )


@app.command("create")
def create(
    content_type: str = typer.Argument(..., help="quiz, poll, survey or calculator."),
    title: str = typer.Option(..., "--title", help="The heading readers see."),
    structure: Path = typer.Option(..., "--structure", help=STRUCTURE_HELP, click_type=ANY_PATH),
    tracking_id: str | None = typer.Option(
        None, "--tracking-id", help="Its short code's name (default: from the title)."
    ),
    blog: str | None = typer.Option(None, "--blog", help="The post it belongs to (slug or id)."),
    json: bool = JSON_OPTION,
) -> None:
    """Create a quiz, poll, survey or calculator; its structure is checked before it is saved.

    Example: blogster interactive create poll --title "Favourite shell" --structure poll.json
    """
    from blogster_cli.services import interactive

    made = interactive.create(
        acting_user(), content_type=content_type, title=title, structure=_structure(structure),
        tracking_id=tracking_id, blog_ref=blog,
    )  # fmt: skip
    _show(made, json, "created")


@app.command("list")
def list_items(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Your interactive content with its short code and participation.

    Example: blogster interactive list
    """
    from blogster_cli.services import interactive

    rows = [output.to_plain(item) for item in interactive.list_items(acting_user())]
    columns = ["tracking_id", "content_type", "title", "participation_count", "completion_rate", "shortcode"]
    if chosen_format(fmt, json) == "table":  # a share, as analytics tables show one; data formats keep the number
        rows = [{**row, "completion_rate": percent(row["completion_rate"])} for row in rows]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit, id_key="tracking_id")


@app.command("edit")
def edit(
    ref: str = typer.Argument(..., help="Its tracking id (or the first characters of its id)."),
    title: str | None = typer.Option(None, "--title", help="A new heading."),
    structure: Path | None = typer.Option(None, "--structure", help=STRUCTURE_HELP, click_type=ANY_PATH),
    json: bool = JSON_OPTION,
) -> None:
    """Change the title or the structure (checked again); rebuild the site with --full to show it.

    Example: blogster interactive edit favourite-shell --title "Your favourite shell"
    """
    from blogster_cli.services import interactive

    changed = interactive.edit(
        acting_user(), ref=ref, title=title, structure=_structure(structure) if structure is not None else None
    )
    _show(changed, json, "saved")


@app.command("rm")
def rm(
    ref: str = typer.Argument(..., help="Its tracking id (or the first characters of its id)."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove interactive content (its short code then shows as text).

    Example: blogster interactive rm favourite-shell
    """
    from blogster_cli.services import interactive

    removed = interactive.remove(acting_user(), ref=ref)
    output.print_json(removed) if json else output.message(f"Removed {removed.tracking_id}.")


@app.command("stats")
def stats(
    from_log: list[str] | None = typer.Option(
        None,
        "--from-log",
        help="Count this access log first, as `analytics ingest` does (repeatable; .gz; - for standard input).",
        click_type=PATH_TEXT,
    ),
    log_format: str = typer.Option(
        "combined", "--format", help="The logs' format: combined, common, nginx-json, vhost-combined or vhost-common."
    ),
    map_pattern: str | None = typer.Option(
        None, "--map", help="Path pattern of posts, e.g. '/blog/*/{slug}.html' (as `analytics ingest --map`)."
    ),
    accept_unmatched: bool = typer.Option(
        False,
        "--accept-unmatched",
        help="Count a new log none of whose page views is on a post (as `analytics ingest`).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Participation (starts) and completion rate of each item, as counted from your access logs.

    The widget requests /_i/TRACKING-ID/start when a reader first interacts and /_i/TRACKING-ID/complete
    on submit. `analytics ingest` counts them (not from crawlers; answered 2xx, 304 or 404), each log
    line once, adding to what earlier runs and rotated logs counted. --from-log LOG is `analytics ingest
    LOG` (with --format and --map), page views and newsletter engagement included, then the counts: a
    line either command read is not counted again by the other.

    Example: blogster interactive stats --from-log access.log
    """
    from blogster_cli.cli.analytics import exit_if_not_all_read, print_summary, run_ingest
    from blogster_cli.services import interactive

    summary = (
        run_ingest(from_log, log_format=log_format, map_pattern=map_pattern, accept_unmatched=accept_unmatched)
        if from_log
        else None
    )
    if summary is not None:
        print_summary(summary)
    rows = [output.to_plain(item) for item in interactive.list_items(acting_user())]
    if json:
        output.print_json(rows)
    else:
        shown = [{**row, "completion_rate": percent(row["completion_rate"])} for row in rows]
        tables.print_table(shown, ["tracking_id", "content_type", "participation_count", "completion_rate"])
    if summary is not None:
        exit_if_not_all_read(summary)
