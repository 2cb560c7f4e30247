"""blogster templates: the section layouts posts can start from."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import EXISTING_FILE
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.wording import plural

app = command_group("templates")


@app.command("list")
def list_templates(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List blog templates.

    Example: blogster templates list
    """
    from blogster_cli.services import catalog

    records = [
        {**output.to_plain(r), "sections": len(r.structure), "images": r.image_count}
        for r in catalog.list_templates(acting_user())
    ]
    show_list(records, ["name", "sections", "images", "description"], fmt=fmt, json=json, limit=limit)


@app.command()
def show(ref: str = typer.Argument(..., help="Name or id."), json: bool = JSON_OPTION) -> None:
    """Show a template with its sections.

    Example: blogster templates show how-to
    """
    from blogster_cli.services import catalog

    template = catalog.get_template(acting_user(), ref=ref)
    if json:
        output.print_json(template)
        return
    output.print_record({"name": template.name, "description": template.description, "images": template.image_count})
    tables.print_table(
        [
            {"type": s.get("type"), "heading": s.get("heading"), "words": s.get("target_words")}
            for s in template.structure
        ],
        ["type", "heading", "words"],
    )


@app.command()
def save(
    name: str = typer.Argument(..., help="Template name (replaces a template of that name)."),
    structure_file: Path = typer.Argument(..., help="JSON file: a list of sections.", click_type=EXISTING_FILE),
    description: str | None = typer.Option(None, "--description"),
    image_count: int = typer.Option(0, "--image-count", min=0, max=100),
) -> None:
    """Create or replace a system template (administrators only).

    Example: blogster templates save "Release notes" sections.json --image-count 1
    """
    import json

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import catalog

    try:
        structure = json.loads(structure_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{structure_file}: not JSON ({exc})") from None
    template = catalog.save_template(
        acting_user(), name=name, description=description, structure=structure, image_count=image_count
    )
    output.message(f"Saved template '{template.name}' ({plural(len(template.structure), 'section')}).")
