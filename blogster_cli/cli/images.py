"""blogster images: pictures for your posts."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("images")
COLUMNS = ["id", "post", "url", "file_type", "size", "alt_text", "caption"]


@app.command()
def add(
    blog: str = typer.Argument(..., help="Slug or id of your post."),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The image file."),
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

    image = images.add(acting_user(), blog, file, featured=featured, alt=alt, caption=caption)
    if json:
        output.print_json(image)
        return
    output.message(f"Added {image.url} ({image.file_type}, {image.size} bytes) to {image.post}; paste:")
    output.print_lines([images.markdown_link(image)])


@app.command("list")
def list_images(
    blog: str | None = typer.Argument(None, help="Only this post's images."), json: bool = JSON_OPTION
) -> None:
    """List your images.

    Example: blogster images list ten-terminal-habits --json
    """
    from dataclasses import asdict

    from blogster_cli.services import images

    rows = images.list_images(acting_user(), blog)
    output.print_json(rows) if json else output.print_table([asdict(r) for r in rows], COLUMNS)


@app.command()
def rm(image_id: str = typer.Argument(..., help="The image's id.")) -> None:
    """Remove an image from its post.

    Example: blogster images rm 6f1c2a9e-...
    """
    from blogster_cli.services import images

    image = images.remove(acting_user(), image_id)
    output.message(f"Removed {image.url}.")
