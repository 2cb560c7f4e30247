"""blogster subscription: your plan and its AI credits."""

from __future__ import annotations

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user

app = command_group("subscription")


@app.callback()
def group() -> None:
    # A group of one command still takes the command's name (`subscription show`).
    pass


@app.command()
def show(json: bool = JSON_OPTION) -> None:
    """Show your plan, its monthly AI credits and what is left (billing is not connected yet).

    Example: blogster subscription show
    """
    from blogster_cli.services import subscriptions

    plan = subscriptions.show(acting_user())
    output.print_json(plan) if json else output.print_record(plan)
