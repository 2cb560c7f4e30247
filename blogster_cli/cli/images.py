"""blogster images: pictures for your posts."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import plural

app = command_group("images")
COLUMNS = ["id", "post", "url", "file_type", "size", "alt_text", "caption"]


@app.command()
def add(
    blog: str = typer.Argument(..., help="Slug or id of your post."),
    file: Path = typer.Argument(..., help="The image file.", click_type=EXISTING_FILE),
    featured: bool = typer.Option(False, "--featured", help="Make it the post's featured image."),
    alt: str | None = typer.Option(None, "--alt", help="Alternative text for screen readers."),
    caption: str | None = typer.Option(None, "--caption"),
    json: bool = JSON_OPTION,
) -> None:
    """Attach an image to a post (stored once, under its content hash) and print the markdown to paste.

    Adding the same file to the same post again reuses it (updating --alt and --caption).

    Example: blogster images add ten-terminal-habits shot.png --featured --alt "A terminal"
    """
    from blogster_cli.services import images

    attached = images.attach(acting_user(), blog_ref=blog, source=file, featured=featured, alt=alt, caption=caption)
    image = attached.image
    if json:
        output.print_json(image)
        return
    if attached.reused:
        updated = [what for what, given in (("alt text", alt), ("caption", caption)) if given is not None]
        note = f" ({' and '.join(updated)} updated)" if updated else ""
        output.message(f"Already stored as {image.url} for {image.post}{note}; paste:")
    else:
        output.message(f"Added {image.url} ({image.file_type}, {image.size} bytes) to {image.post}; paste:")
    output.print_lines([images.markdown_link(image)])


@app.command("list")
def list_images(
    blog: str | None = typer.Argument(None, help="Only this post's images."),
    limit: int | None = LIMIT_OPTION,
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """List your images.

    Example: blogster images list ten-terminal-habits --json
    """
    from blogster_cli.services import images

    records = output.to_plain(images.list_images(acting_user(), blog_ref=blog))
    show_list(records, COLUMNS, fmt=fmt, json=json, limit=limit)


@app.command()
def rm(
    refs: list[str] = typer.Argument(..., metavar="IDS", help="Image ids, or their first characters (at least 4)."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove images from their posts (all or none: one unknown id removes nothing).

    A post whose featured image you remove is left with none (and says so).

    Example: blogster images rm $(blogster images list ten-terminal-habits --format ids)
    """
    from blogster_cli.services import images

    done = images.remove(acting_user(), refs=refs)
    if json:
        output.print_json(done.images)
    else:
        urls = ", ".join(image.url for image in done.images)
        output.message(f"Removed {plural(len(done.images), 'image')}: {urls}.")
    if done.unfeatured:
        named = ", ".join(f"'{slug}'" for slug in done.unfeatured)
        output.message(f"note: {named} {'has' if len(done.unfeatured) == 1 else 'have'} no featured image now.")


app.command("delete", hidden=True)(rm)
