"""blogster unblock: ways to go on from where a post stops; pick one and it is appended."""

from __future__ import annotations

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

DEFAULT_COUNT = 3


def unblock(
    ref: str = typer.Argument(..., help="The post's slug or id."),
    count: int | None = typer.Option(
        None, "--count", min=1, max=10, help=f"How many suggestions (default {DEFAULT_COUNT})."
    ),
    choose: int | None = typer.Option(
        None,
        "--choose",
        min=1,
        help="Append suggestion N of the last list shown for this post: no new suggestions, no credit.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Suggest ways to continue a post (one credit); the one you pick is appended as a new revision.

    `--choose N` later appends suggestion N of the list shown, while the post's text is still the
    one it was made for.

    Example: blogster unblock half-finished-post --count 3
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import unblock as service

    acting = acting_user()
    if choose is not None:
        if count is not None:
            raise InvalidInput(
                "--count makes a new list, --choose N appends suggestion N of the last one shown: give one of them"
            )
        found, blog = service.choose(acting, ref=ref, number=choose)
        output.left_out(blog.slug, blog.left_out, saved=True)
        output.message(f"Appended suggestion {choose} to '{blog.slug}' (a new revision).")
        if json:
            output.print_json(found)
        return
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    found = service.suggest(acting, ref=ref, provider=provider, count=count or DEFAULT_COUNT)
    if not json and ask.on_terminal():
        for suggestion in found.suggestions:
            output.print_lines([f"[{suggestion['id']}] {suggestion['text']}", ""])
        chosen = _chosen(ask.line("Apply which (0 for none)", instead="use --choose N"))
        if chosen is None:
            output.message(_later(ref))
            return
        blog = service.apply(
            acting, session_id=found.id, suggestion_id=str(chosen), expected_updated_at=found.blog_updated_at
        )
        output.left_out(blog.slug, blog.left_out, saved=True)
        output.message(f"Appended suggestion {chosen} to '{blog.slug}' (a new revision).")
    elif json:
        output.print_json(found)
    else:
        for suggestion in found.suggestions:
            output.print_lines([f"[{suggestion['id']}] {suggestion['text']}", ""])
        output.message(_later(ref))


def _later(ref: str) -> str:
    return f"`blogster unblock {ref} --choose N` appends suggestion N of this list (no credit)."


def _chosen(answer: str) -> int | None:
    """The suggestion typed at the question: none for 0 or nothing, else its number."""
    from blogster_cli.errors import InvalidInput

    if not answer:
        return None
    if not (answer.isascii() and answer.isdigit()):
        raise InvalidInput(f"not a suggestion number: {answer!r} (0 for none)")
    return int(answer) or None
