"""blogster credits: what is left of your AI credits, and what the last generations cost."""

from __future__ import annotations

from blogster_cli.cli import output
from blogster_cli.cli.listing import FORMAT_OPTION, chosen_format, limit_option, rows_wanted, show_sections
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context


def credits(
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = limit_option(10, "recent generations"),
    json: bool = JSON_OPTION,
) -> None:
    """Your AI credits (remaining, held by generations running now, left to spend, used) and recent generations.

    Recent generations show tokens and estimated cost.

    --format csv, ids and count are of the generations.

    Example: blogster credits --json
    """
    from blogster_cli.services import credits as credit_service
    from blogster_cli.services.ai_settings import price_table

    chosen = chosen_format(fmt, json)
    recent = rows_wanted(limit, default=10, fmt=chosen)
    report = credit_service.summary(acting_user(), recent=recent, prices=price_table(app_context()))
    if chosen == "table":
        output.print_record(
            {
                "plan": report.tier,
                "remaining": report.credits_remaining,
                "held": report.credits_held,
                "left to spend": report.credits_available,
                "used": report.credits_used,
            }
        )
    shown = {**output.fields(report), "recent": [output.fields(entry) for entry in report.recent]}
    columns = ["created_at", "kind", "model", "success", "tokens_used", "estimated_cost_usd"]
    show_sections(shown, [("recent", "Recent generations", columns)], fmt=chosen, json=False, main="recent")
