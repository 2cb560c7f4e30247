"""blogster credits: what is left of your AI credits, and what the last generations cost."""

from __future__ import annotations

from blogster_cli.cli import output
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context


def credits(json: bool = JSON_OPTION) -> None:
    """Your remaining and used AI credits, and recent generations with tokens and estimated cost.

    Example: blogster credits --json
    """
    from blogster_cli.services import credits as credit_service
    from blogster_cli.services.ai_settings import price_table

    report = credit_service.summary(acting_user(), prices=price_table(app_context()))
    if json:
        output.print_json(report)
        return
    output.print_record({"plan": report.tier, "remaining": report.credits_remaining, "used": report.credits_used})
    rows = [output.fields(entry) for entry in report.recent]
    output.print_table(rows, ["created_at", "model", "success", "tokens_used", "estimated_cost_usd"])
