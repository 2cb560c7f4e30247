"""blogster tags: the tags on your posts."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import plural

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


@app.command("respell")
def respell(
    name: str = typer.Argument(..., metavar="TAG", help="The tag as `tags list` shows it (any case)."),
    spelling: str = typer.Argument(..., metavar="SPELLING", help="The same name spelled another way."),
    json: bool = JSON_OPTION,
) -> None:
    """Spell one of your tags another way on all your posts: case and spacing only.

    Your posts show one spelling per tag (the one you wrote first); this changes it everywhere,
    posts in the trash included. Other accounts' posts keep their own spelling.

    Example: blogster tags respell productivity Productivity
    """
    from blogster_cli.services import tags

    done = tags.respell(acting_user(), name=name, spelling=spelling)
    if json:
        output.print_json({"tag": done.was, "spelling": done.spelling, "posts": done.posts, "in_trash": done.in_trash})
        return
    posts = f"your {plural(done.posts, 'post')}" if done.posts else "no post outside the trash"
    if done.in_trash:
        posts += f" (and {done.in_trash} in the trash)"
    if done.was == done.spelling:
        output.message(f"{done.spelling!r} is already spelled that way on {posts}")
    else:
        output.message(f"{done.was!r} is now {done.spelling!r} on {posts}")
