"""blogster unblock: ways to go on from where a post stops; pick one and it is appended."""

from __future__ import annotations

from dataclasses import replace

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context


def unblock(
    ref: str = typer.Argument(..., help="The post's slug or id."),
    count: int = typer.Option(3, "--count", min=1, max=10, help="How many suggestions."),
    choose: int | None = typer.Option(None, "--choose", min=1, help="Apply suggestion N without asking."),
    json: bool = JSON_OPTION,
) -> None:
    """Suggest ways to continue a post (one credit); the one you pick is appended as a new revision.

    Example: blogster unblock half-finished-post --count 3
    """
    from blogster_cli.services import unblock as service
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    acting = acting_user()
    found = service.suggest(acting, ref=ref, provider=provider, count=count)
    if choose is None and not json and ask.on_terminal():
        for suggestion in found.suggestions:
            output.print_lines([f"[{suggestion['id']}] {suggestion['text']}", ""])
        choose = _chosen(ask.line("Apply which (0 for none)", instead="use --choose N"))
    if choose is not None:
        blog = service.apply(
            acting, session_id=found.id, suggestion_id=str(choose), expected_updated_at=found.blog_updated_at
        )
        output.message(f"Appended suggestion {choose} to '{blog.slug}' (a new revision).")
        found = replace(found, selected_suggestion_id=str(choose), blog_updated_at=blog.updated_at)
    if json:
        output.print_json(found)
    elif choose is None:
        for suggestion in found.suggestions:
            output.print_lines([f"[{suggestion['id']}] {suggestion['text']}", ""])


def _chosen(answer: str) -> int | None:
    """The suggestion typed at the question: none for 0 or nothing, else its number."""
    from blogster_cli.errors import InvalidInput

    if not answer:
        return None
    if not (answer.isascii() and answer.isdigit()):
        raise InvalidInput(f"not a suggestion number: {answer!r} (0 for none)")
    return int(answer) or None
