"""blogster seo: keyword research imported from CSV exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from blogster_cli.cli import csv_imports, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, chosen_format, limit_option, rows_wanted, show_list
from blogster_cli.cli.params import EXISTING_FILE, parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
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

    A keyword you have already (ignoring case) is updated with the figures the file gives (it keeps
    those the file has none of), so importing again adds nothing, also when two imports run at
    once. Competition is a share from 0 to 1 (Keyword Planner's indexed value, 0-100, divided by
    100; a percentage, "35%", is its share); Keyword Planner's CPC is the middle of its top-of-page
    bid range.
    A volume given as a range (Keyword Planner without ad spend: "1K – 10K") is stored as its
    lower bound, and the summary counts them (volume_ranges in --json).

    Example: blogster seo import-keywords keywords.csv
    """
    from blogster_cli.services import seo

    result = seo.import_keywords(acting_user(), text=csv_imports.read_export(file), source=str(file))
    ranges = (
        f", {plural(result.volume_ranges, 'volume')} stored as a range's lower bound" if result.volume_ranges else ""
    )
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(f"{plural(result.inserted, 'keyword')} added, {result.updated} updated{ranges}"),
    )


@app.command("keywords")
def list_keywords(
    limit: int | None = limit_option(50, "keywords, by search volume"),
    blog: str | None = typer.Option(None, "--blog", help="Only keywords of this post (tied to it, or it ranks for)."),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your researched keywords, highest search volume first (--format ids: the keywords).

    Example: blogster seo keywords --limit 20
    """
    from blogster_cli.services import seo

    chosen = chosen_format(fmt, json)
    rows = [
        vars(row)
        for row in seo.keywords(acting_user(), limit=rows_wanted(limit, default=50, fmt=chosen) or 0, blog=blog)
    ]
    columns = ["keyword", "search_volume", "keyword_difficulty", "cpc", "competition", "intent"]
    if chosen == "table":
        tables.print_table(rows, columns, title="Keywords")
    else:
        show_list(rows, columns, fmt=chosen, json=False, id_key="keyword")


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
    other pages, and pages of other sites, are skipped. A query becomes one of your keywords if
    it is not one yet. A row is known by its post, query, day, device and country, so importing
    again updates it; previous position and change (previous - current: positive moved up)
    follow each series by date.
    Tablets count as mobile; the position is rounded to a whole rank.

    Example: blogster seo import-positions gsc-performance.csv --date 2026-11-30
    """
    from blogster_cli.services import seo

    result = seo.import_positions(
        acting_user(), text=csv_imports.read_export(file), source=str(file), blog=blog,
        check_date=check_date, base_domain=app_context().settings.site_base_domain,
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
    limit: int | None = limit_option(50, "positions, most clicked first"),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your posts' latest search positions per keyword, with the change since the check before
    (--format ids: the keywords; csv, json and yaml give the CTR as a fraction, the table as a percentage).

    Example: blogster seo positions --blog ten-terminal-habits
    """
    from blogster_cli.services import seo

    chosen = chosen_format(fmt, json)
    rows = seo.positions(acting_user(), blog=blog, limit=rows_wanted(limit, default=50, fmt=chosen) or 0)
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
    if chosen == "table":
        shown = [{**row, "ctr": "-" if row["ctr"] is None else f"{row['ctr']:.1%}"} for row in rows]
        tables.print_table(shown, columns, title="Search positions")
    else:
        show_list(rows, columns, fmt=chosen, json=False, id_key="keyword")
