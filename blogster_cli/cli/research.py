"""blogster research: the sources your posts cite."""

from __future__ import annotations

from datetime import date

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, show_list
from blogster_cli.cli.params import parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("research")


@app.command()
def add(
    blog: str | None = typer.Argument(None, help="The post's slug or id; none: for your next draft with --sources."),
    url: str = typer.Option(..., "--url"),
    title: str = typer.Option(..., "--title"),
    author: str | None = typer.Option(None, "--author"),
    published: date | None = typer.Option(None, "--date", parser=parse_date, help="Publication date, YYYY-MM-DD."),
    source_type: str = typer.Option(
        "article", "--type", help="article, study, book, statistics, video, podcast, other."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Add a source (its APA and MLA citations are stored with it).

    Example: blogster research add sourdough-basics --url https://example.org/study --title "Crumb study" --type study
    """
    from blogster_cli.services import research

    source = research.add(
        acting_user(), blog=blog, url=url, title=title, author=author,
        published=published, source_type=source_type,
    )  # fmt: skip
    output.print_json(source) if json else output.print_lines([str(source.id)])


@app.command("list")
def list_sources(
    blog: str | None = typer.Option(None, "--blog", help="Only this post's."),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List your research sources.

    Example: blogster research list --blog sourdough-basics
    """
    from blogster_cli.services import research

    rows = output.to_plain(research.list_sources(acting_user(), blog=blog))
    if chosen_format(fmt, json) in ("table", "csv"):
        rows = [{**r, "apa": r["citation_format"].get("apa")} for r in rows]
    # `research rm` takes a whole id, so the table shows ids whole
    show_list(rows, ["id", "source_type", "apa"], fmt=fmt, json=json, limit=limit, short=())


@app.command()
def rm(ref: str = typer.Argument(..., help="The source's id."), json: bool = JSON_OPTION) -> None:
    """Remove a research source.

    Example: blogster research rm $(blogster research list --format ids --limit 1)
    """
    from blogster_cli.services import research

    removed = research.remove(acting_user(), ref=ref)
    output.print_json(removed) if json else output.message(f"Removed '{removed.title}'.")
