"""blogster competitors: competitors' pages imported from SEO-tool exports."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import csv_imports, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, chosen_format, limit_option, rows_wanted, show_list
from blogster_cli.cli.params import EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import plural

app = command_group("competitors")


@app.command("import")
def import_pages(
    file: Path = typer.Argument(..., help="CSV: Ahrefs/Semrush top pages or your own.", click_type=EXISTING_FILE),
    json: bool = JSON_OPTION,
) -> None:
    """Import competitors' pages: URL (required), Title, Traffic, Top keyword, Position, Word count, Published,
    Topic, Quality, Relevance (found by header; the domain comes from the URL unless a Domain column says).

    A Top keyword column is read before a Keywords one (a count in Ahrefs' export). A page is known
    by its URL, so importing again updates it instead of adding it twice.

    Example: blogster competitors import top-pages.csv
    """
    from blogster_cli.services import competitors

    result = competitors.import_pages(acting_user(), text=csv_imports.read_export(file), source=str(file))
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(f"{plural(result.inserted, 'page')} added, {result.updated} updated"),
    )


@app.command("list")
def list_pages(
    domain: str | None = typer.Option(None, "--domain", help="Only this competitor's pages."),
    limit: int | None = limit_option(50, "pages, most estimated traffic first"),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your competitors' pages, most estimated traffic first (--format ids: their URLs).

    Example: blogster competitors list --domain rival.dev
    """
    from blogster_cli.services import competitors

    chosen = chosen_format(fmt, json)
    rows = competitors.pages(acting_user(), domain=domain, limit=rows_wanted(limit, default=50, fmt=chosen) or 0)
    columns = ["competitor_domain", "title", "estimated_traffic", "keywords", "content_url"]
    if chosen == "table":
        tables.print_table(rows, columns, title="Competitor pages")
    else:
        show_list(rows, columns, fmt=chosen, json=False, id_key="content_url")
