"""blogster activity."""

from __future__ import annotations

import typer

from blogster_cli.cli.listing import FORMAT_OPTION, limit_option, rows_wanted, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user


def activity(
    blog: str | None = typer.Option(None, "--blog", help="Only this post (slug or id)."),
    type: str | None = typer.Option(None, "--type", help="created, edited, imported, published, deleted, ..."),
    limit: int | None = limit_option(100, "entries"),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """What you did, newest first (also on posts you have since deleted).

    Example: blogster activity --type published --json
    """
    from blogster_cli.services import blogs

    rows = blogs.activity(acting_user(), blog_ref=blog, type=type, limit=rows_wanted(limit, default=100, fmt=fmt))
    records = [
        {"id": r.id, "created_at": r.created_at, "type": r.type, "description": r.description, "blog_id": r.blog_id}
        for r in rows
    ]
    show_list(records, ["created_at", "type", "description"], fmt=fmt, json=json)
