"""blogster seo: keyword research imported from CSV exports."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("seo")


@app.command("import-keywords")
def import_keywords(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV export (Semrush, Ahrefs, Keyword Planner)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Import keyword research: keyword, volume, difficulty, CPC, competition, intent (found by header).

    A keyword you have already (ignoring case) is updated, so importing again adds nothing.

    Example: blogster seo import-keywords keywords.csv
    """
    from blogster_cli.services import seo

    result = seo.import_keywords(
        acting_user(), text=file.read_text(encoding="utf-8-sig", errors="replace"), source=str(file)
    )
    if json:
        output.print_json(result)
        return
    for rejected in result.rejected:
        output.message(f"skipped: {file}:{rejected.line}: {rejected.reason}")
    output.message(
        f"{result.inserted} keyword(s) added, {result.updated} updated, {len(result.rejected)} line(s) skipped."
    )


@app.command("keywords")
def list_keywords(
    limit: int = typer.Option(50, "--limit", min=0, help="How many (0: all), by search volume."),
    json: bool = JSON_OPTION,
) -> None:
    """Your researched keywords, highest search volume first.

    Example: blogster seo keywords --limit 20
    """
    from blogster_cli.services import seo

    rows = seo.keywords(acting_user(), limit=limit)
    if json:
        output.print_json(rows)
        return
    columns = ["keyword", "search_volume", "keyword_difficulty", "cpc", "competition", "intent"]
    output.print_table([vars(row) for row in rows], columns, title="Keywords")
