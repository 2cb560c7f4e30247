"""blogster revenue: what your posts earn, imported from CSV reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from blogster_cli.cli import csv_imports, output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, chosen_format, show_list
from blogster_cli.cli.params import EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

app = command_group("revenue")


@app.command("import")
def import_report(
    file: Path = typer.Argument(..., help="CSV: an affiliate, ad or sponsorship report.", click_type=EXISTING_FILE),
    kind: str | None = typer.Option(
        None, "--type", help="affiliate, sponsored, paywall or advertisement, for a file without a Type column."
    ),
    provider: str | None = typer.Option(None, "--provider", help="The provider of a file without a Provider column."),
    json: bool = JSON_OPTION,
) -> None:
    """Import revenue: Type, Provider, Reference, Post (slug or URL), Revenue (or Earnings, Commission),
    Impressions, Clicks, Conversions, Conversion rate, Placement, Date (found by header; Revenue required).

    A row is known by its provider and reference (else by its type, post, placement and date),
    so importing a report again updates its rows; lines of one file with the same key are added
    up. A post that is not yours, or a page of another site, skips the line; a row without a post
    counts for the whole site.

    Example: blogster revenue import affiliate-november.csv --type affiliate --provider amazon
    """
    from blogster_cli.services import revenue

    result = revenue.import_report(
        acting_user(), text=csv_imports.read_export(file), source=str(file),
        kind=kind, provider=provider, base_domain=app_context().settings.site_base_domain,
    )  # fmt: skip
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(
            f"{plural(result.inserted, 'row')} added, {result.updated} updated ({result.revenue:.2f} in this file)"
            + (f", {plural(result.summed, 'line')} added up with an earlier line's row" if result.summed else "")
        ),
    )


@app.command("report")
def report(fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """Revenue, impressions, clicks and conversions per post and per type, highest revenue first.

    --format json and yaml are the whole report; csv, ids and count are of the rows per post
    (ids: their slugs; the row of revenue tied to no post has none).

    Example: blogster revenue report --json
    """
    from blogster_cli.services import revenue

    chosen = chosen_format(fmt, json)
    result = revenue.report(acting_user())
    columns = ["revenue", "impressions", "clicks", "conversions", "conversion_rate"]
    if chosen in ("json", "yaml"):
        (output.print_json if chosen == "json" else output.print_yaml)(output.to_plain(result))
    elif chosen == "ids":
        output.print_lines(row["post"] for row in result.by_post if row["post"] is not None)
    elif chosen != "table":
        show_list(result.by_post, ["post", *columns], fmt=chosen, json=False, id_key="post")
    else:
        by_post = [{**_figures(row), "post": row["post"] or "(whole site)"} for row in result.by_post]
        tables.print_table(by_post, ["post", *columns], title="Revenue per post")
        tables.print_table([_figures(row) for row in result.by_type], ["type", *columns], title="Revenue per type")
        output.print_lines([f"total revenue: {result.total_revenue:.2f}"])


class _Money(float):
    """An amount shown with two decimals (410.00, not 410.0), still a number to the table (right-aligned)."""

    def __str__(self) -> str:
        return f"{float(self):.2f}"


class _Rate(float):
    """A fraction shown as a percentage (6.7%, as `seo positions` shows its CTR), right-aligned as a number."""

    def __str__(self) -> str:
        return f"{float(self):.1%}"


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """A report row for the table: money with two decimals, the conversion rate as a percentage;
    --json keeps the numbers as they are."""
    rate = row["conversion_rate"]
    return {**row, "revenue": _Money(row["revenue"]), "conversion_rate": None if rate is None else _Rate(rate)}
