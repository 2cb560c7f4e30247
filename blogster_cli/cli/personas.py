"""blogster personas: the audiences you write for."""

from __future__ import annotations

from typing import Any

import typer

from blogster_cli.actors import require_admin
from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("personas")


def _fields(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@app.command("list")
def list_personas(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List template personas and your own.

    Example: blogster personas list --format csv
    """
    from blogster_cli.services import catalog

    records = output.to_plain(catalog.list_personas(acting_user()))
    show_list(records, ["name", "template", "occupation", "age_range"], fmt=fmt, json=json, limit=limit)


@app.command()
def show(ref: str = typer.Argument(..., help="Name or id."), json: bool = JSON_OPTION) -> None:
    """Show one persona.

    Example: blogster personas show "Software developer"
    """
    from blogster_cli.services import catalog

    persona = catalog.get_persona(acting_user(), ref=ref)
    output.print_json(persona) if json else output.print_record(persona)


OPTIONS_HELP = "Comma-separated list."
TEMPLATE_HELP = "The shared template persona of that name, for every account (administrators only)."


@app.command()
def create(
    name: str = typer.Argument(..., help="The persona's name."),
    description: str | None = typer.Option(None, "--description"),
    age_range: str | None = typer.Option(None, "--age-range", help="Youngest-oldest, e.g. 18-99, or 65+."),
    gender: str | None = typer.Option(None, "--gender"),
    interests: str | None = typer.Option(None, "--interests", help=OPTIONS_HELP),
    pain_points: str | None = typer.Option(None, "--pain-points", help=OPTIONS_HELP),
    goals: str | None = typer.Option(None, "--goals", help=OPTIONS_HELP),
    education_level: str | None = typer.Option(None, "--education-level"),
    income_level: str | None = typer.Option(None, "--income-level"),
    occupation: str | None = typer.Option(None, "--occupation"),
    location: str | None = typer.Option(None, "--location"),
    template: bool = typer.Option(False, "--template", help="A shared template persona (administrators only)."),
    json: bool = JSON_OPTION,
) -> None:
    """Create a persona.

    Example: blogster personas create "Weekend gardener" --interests "roses,compost" --age-range 35-60
    """
    from blogster_cli.services import catalog

    values = _fields(
        name=name, description=description, age_range=age_range, gender=gender, interests=interests,
        pain_points=pain_points, goals=goals, education_level=education_level, income_level=income_level,
        occupation=occupation, location=location,
    )  # fmt: skip
    persona = catalog.create_persona(acting_user(), values=values, template=template)
    output.print_json(persona) if json else output.message(f"Created persona '{persona.name}'.")


@app.command()
def edit(
    ref: str = typer.Argument(..., help="Name or id."),
    name: str | None = typer.Option(None, "--name"),
    description: str | None = typer.Option(None, "--description"),
    age_range: str | None = typer.Option(None, "--age-range", help="Youngest-oldest, e.g. 18-99, or 65+."),
    interests: str | None = typer.Option(None, "--interests", help=OPTIONS_HELP),
    pain_points: str | None = typer.Option(None, "--pain-points", help=OPTIONS_HELP),
    goals: str | None = typer.Option(None, "--goals", help=OPTIONS_HELP),
    occupation: str | None = typer.Option(None, "--occupation"),
    location: str | None = typer.Option(None, "--location"),
    template: bool = typer.Option(False, "--template", help=TEMPLATE_HELP),
    json: bool = JSON_OPTION,
) -> None:
    """Change your persona.

    A template persona is shared: copy it (`personas copy`) and change your copy. With
    --template an administrator changes one for every account.

    Example: blogster personas edit "Weekend gardener" --goals "grow vegetables"
    """
    from blogster_cli.services import catalog

    values = _fields(
        name=name, description=description, age_range=age_range, interests=interests, pain_points=pain_points,
        goals=goals, occupation=occupation, location=location,
    )  # fmt: skip
    persona = catalog.update_persona(acting_user(), ref=ref, values=values, template=template)
    output.print_json(persona) if json else output.message(f"Updated persona '{persona.name}'.")


@app.command("rm")
def remove(
    ref: str = typer.Argument(..., help="Name or id."),
    template: bool = typer.Option(False, "--template", help=TEMPLATE_HELP),
    yes: bool = typer.Option(False, "--yes", help="With --template: do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete your persona (posts written for it keep their text).

    A template persona is shared: copy it (`personas copy`) to have one of your own. With
    --template an administrator deletes one for every account; that asks first on a
    terminal, elsewhere give --yes.

    Example: blogster personas rm "Weekend gardener"
    """
    from blogster_cli.services import catalog

    acting = acting_user()
    if template and not yes:
        require_admin(acting)  # before the question: a writer is refused, not asked
        shared = catalog.get_persona(acting, ref=ref, template=True)
        if not ask.yes(f"Delete the template persona '{shared.name}' for every account?", instead="use --yes"):
            raise typer.Abort()
        ref = str(shared.id)
    persona = catalog.delete_persona(acting, ref=ref, template=template)
    output.print_json(persona) if json else output.message(f"Deleted persona '{persona.name}'.")


app.command("delete", hidden=True)(remove)


@app.command()
def copy(
    ref: str = typer.Argument(..., help="Name or id of the persona to copy."),
    name: str | None = typer.Option(None, "--name", help="Name of the copy."),
    json: bool = JSON_OPTION,
) -> None:
    """Copy a persona (e.g. a template) into an editable one of your own.

    Example: blogster personas copy "Software developer" --name "My developers"
    """
    from blogster_cli.services import catalog

    persona = catalog.copy_persona(acting_user(), ref=ref, name=name)
    output.print_json(persona) if json else output.message(f"Created '{persona.name}', your own copy.")
