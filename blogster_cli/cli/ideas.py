"""blogster ideas: the blog ideas you generated, and what you do with them."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("ideas")

COLUMNS = ["id", "status", "title", "difficulty_level", "trending_score", "estimated_word_count"]
IDEA = typer.Argument(..., help="The idea's id, or its first 4 or more characters (see `blogster ideas list`).")


@app.command("list")
def list_ideas(
    status: list[str] | None = typer.Option(None, "--status", help="new, saved, in_progress, completed, discarded."),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List your ideas, newest first.

    Example: blogster ideas list --status new --status saved
    """
    from blogster_cli.services import ideas

    found = output.to_plain(ideas.list_ideas(acting_user(), statuses=status))
    show_list(found, COLUMNS, fmt=fmt, json=json, limit=limit)


def _set(ref: str, status: str, json: bool) -> None:
    from blogster_cli.services import ideas
    from blogster_cli.vocabulary import BlogIdeaStatus

    idea = ideas.set_status(acting_user(), ref=ref, status=BlogIdeaStatus(status))
    output.print_json(idea) if json else output.message(f"Idea '{idea.title}' is {idea.status}.")


@app.command()
def save(ref: str = IDEA, json: bool = JSON_OPTION) -> None:
    """Keep an idea for later (`generate batch` takes saved ideas).

    Example: blogster ideas save $(blogster ideas list --status new --format ids --limit 1)
    """
    _set(ref, "saved", json)


@app.command()
def discard(ref: str = IDEA, json: bool = JSON_OPTION) -> None:
    """Set an idea aside.

    Example: blogster ideas discard $(blogster ideas list --status new --format ids --limit 1)
    """
    _set(ref, "discarded", json)


@app.command()
def start(ref: str = IDEA, json: bool = JSON_OPTION) -> None:
    """Start a draft post from an idea (no AI, no credit); the idea links to it.

    Example: blogster ideas start $(blogster ideas list --status saved --format ids --limit 1)
    """
    from blogster_cli.services import ideas

    blog = ideas.start(acting_user(), ref=ref)
    output.print_json(blog) if json else output.print_lines([blog.slug])
