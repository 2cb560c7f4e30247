"""blogster seo: keyword research imported from CSV exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from blogster_cli.cli import csv_imports, output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.params import EXISTING_FILE, MAX_COUNT, parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import plural

app = command_group("seo")


@app.command("import-keywords")
def import_keywords(
    file: Path = typer.Argument(
        ...,
        help="CSV export (Semrush, Ahrefs, Keyword Planner).",
        click_type=EXISTING_FILE,
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Import keyword research: keyword, volume, difficulty, CPC, competition, intent (found by header).

    A keyword you have already (ignoring case) is updated, so importing again adds nothing.

    Example: blogster seo import-keywords keywords.csv
    """
    from blogster_cli.services import seo

    result = seo.import_keywords(acting_user(), text=csv_imports.read_export(file), source=str(file))
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(f"{plural(result.inserted, 'keyword')} added, {result.updated} updated"),
    )


@app.command("keywords")
def list_keywords(
    limit: int = typer.Option(50, "--limit", min=0, max=MAX_COUNT, help="How many (0: all), by search volume."),
    blog: str | None = typer.Option(None, "--blog", help="Only keywords of this post (tied to it, or it ranks for)."),
    json: bool = JSON_OPTION,
) -> None:
    """Your researched keywords, highest search volume first.

    Example: blogster seo keywords --limit 20
    """
    from blogster_cli.services import seo

    rows = seo.keywords(acting_user(), limit=limit, blog=blog)
    if json:
        output.print_json(rows)
        return
    columns = ["keyword", "search_volume", "keyword_difficulty", "cpc", "competition", "intent"]
    tables.print_table([vars(row) for row in rows], columns, title="Keywords")


@app.command("import-positions")
def import_positions(
    file: Path = typer.Argument(
        ...,
        help="Search Console performance export (query and page dimensions).",
        click_type=EXISTING_FILE,
    ),
    blog: str | None = typer.Option(
        None, "--blog", help="The post of an export without a Page column (filtered by page)."
    ),
    check_date: date | None = typer.Option(
        None, "--date", parser=parse_date, help="The day of rows without a Date column (default: today, UTC)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Import search positions: Query, Page, Clicks, Impressions, CTR, Position (optionally Date, Device, Country).

    Each page is matched to your post at that address (as `analytics ingest` matches paths);
    other pages are skipped. A query becomes one of your keywords if it is not one yet. A row is
    known by its post, query, day, device and country, so importing again updates it; previous
    position and change (previous - current: positive moved up) follow each series by date.
    Tablets count as mobile; the position is rounded to a whole rank.

    Example: blogster seo import-positions gsc-performance.csv --date 2026-11-30
    """
    from blogster_cli.services import seo

    result = seo.import_positions(
        acting_user(), text=csv_imports.read_export(file), source=str(file), blog=blog,
        check_date=check_date,
    )  # fmt: skip
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(
            f"{plural(result.inserted, 'position')} added, {result.updated} updated,"
            f" {plural(result.keywords_added, 'new keyword')}"
        ),
    )


@app.command("positions")
def list_positions(
    blog: str | None = typer.Option(None, "--blog", help="One post (slug); all your posts by default."),
    limit: int = typer.Option(50, "--limit", min=0, max=MAX_COUNT, help="How many (0: all), most clicked first."),
    json: bool = JSON_OPTION,
) -> None:
    """Your posts' latest search positions per keyword, with the change since the check before.

    Example: blogster seo positions --blog ten-terminal-habits
    """
    from blogster_cli.services import seo

    rows = seo.positions(acting_user(), blog=blog, limit=limit)
    if json:
        output.print_json(rows)
        return
    shown = [{**row, "ctr": "-" if row["ctr"] is None else f"{row['ctr']:.1%}"} for row in rows]
    columns = [
        "slug",
        "keyword",
        "rank_position",
        "change",
        "clicks",
        "impressions",
        "ctr",
        "check_date",
        "device_type",
    ]
    tables.print_table(shown, columns, title="Search positions")
