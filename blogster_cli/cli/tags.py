"""blogster tags: the tags on your posts."""

from __future__ import annotations

from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("tags")


@app.callback()
def tags() -> None:
    # A group with one command would otherwise collapse into it (`blogster tags` = `tags list`).
    pass


@app.command("list")
def list_tags(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List your tags with how many of your posts carry each, most used first.

    Example: blogster tags list --limit 10
    """
    from blogster_cli.services import tags

    records = [{"name": t.name, "posts": t.posts} for t in tags.list_tags(acting_user())]
    show_list(records, ["name", "posts"], fmt=fmt, json=json, limit=limit, id_key="name")
