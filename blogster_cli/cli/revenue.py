"""blogster revenue: what your posts earn, imported from CSV reports."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import csv_imports, output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.params import EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, acting_user
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
    so importing a report again updates its rows. A post that is not yours skips the line;
    a row without a post counts for the whole site.

    Example: blogster revenue import affiliate-november.csv --type affiliate --provider amazon
    """
    from blogster_cli.services import revenue

    result = revenue.import_report(
        acting_user(), text=csv_imports.read_export(file), source=str(file),
        kind=kind, provider=provider,
    )  # fmt: skip
    csv_imports.report(
        result,
        file=file,
        json=json,
        summary=(
            f"{plural(result.inserted, 'row')} added, {result.updated} updated ({result.revenue:.2f} in this file)"
        ),
    )


@app.command("report")
def report(json: bool = JSON_OPTION) -> None:
    """Revenue, impressions, clicks and conversions per post and per type, highest revenue first.

    Example: blogster revenue report --json
    """
    from blogster_cli.services import revenue

    result = revenue.report(acting_user())
    if json:
        output.print_json(result)
        return
    columns = ["revenue", "impressions", "clicks", "conversions", "conversion_rate"]
    by_post = [{**row, "post": row["post"] or "(whole site)"} for row in result.by_post]
    tables.print_table(by_post, ["post", *columns], title="Revenue per post")
    tables.print_table(result.by_type, ["type", *columns], title="Revenue per type")
    output.print_lines([f"total revenue: {result.total_revenue:.2f}"])
