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
        {**output.to_plain(r), "sections": len(r.structure), "images": r.image_count, "shipped": r.is_system}
        for r in catalog.list_templates(acting_user())
    ]
    show_list(records, ["name", "sections", "images", "shipped", "description"], fmt=fmt, json=json, limit=limit)


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
    output.print_record(
        {
            "name": template.name,
            "description": template.description,
            "images": template.image_count,
            "shipped": template.is_system,
        }
    )
    tables.print_table(
        [
            {"type": s.get("type"), "heading": s.get("heading"), "words": s.get("target_words")}
            for s in template.structure
        ],
        ["type", "heading", "words"],
    )


@app.command()
def save(
    name: str = typer.Argument(..., help="Template name: a new one, or one to change (ignoring case)."),
    structure_file: Path | None = typer.Argument(
        None,
        help="JSON file: a list of sections (a new template needs one; a change without it keeps the sections).",
        click_type=EXISTING_FILE,
    ),
    description: str | None = typer.Option(None, "--description", help='Kept when not given; "" clears it.'),
    image_count: int | None = typer.Option(
        None, "--image-count", min=0, max=100, help="Kept when not given (a new template: 0)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Change the template shipped with Blogster of that name, for every account."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Create a template, or change one: the fields given, the others kept (administrators only;
    every account shares the templates). Those shipped with Blogster change only with --replace:
    save your own under another name.

    Example: blogster templates save "Release notes" sections.json --image-count 1
    """
    import json as json_module

    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import catalog

    structure = None
    if structure_file is not None:
        try:
            structure = json_module.loads(structure_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{structure_file}: not JSON ({exc})") from None
    saved = catalog.save_template(
        acting_user(), name=name, description=description, structure=structure, image_count=image_count,
        replace_shipped=replace,
    )  # fmt: skip
    template = saved.template
    if json:
        output.print_json(template)
        return
    done = "Saved" if saved.created else "Updated"
    shipped = " shipped" if template.is_system else ""
    output.message(
        f"{done}{shipped} template '{template.name}' ({plural(len(template.structure), 'section')},"
        f" {plural(template.image_count, 'image')})."
    )
