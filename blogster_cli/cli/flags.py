"""blogster flags create | update | enable | disable | rm | list | log | check."""

from __future__ import annotations

import json as json_module
from typing import TYPE_CHECKING, Any

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.errors import InvalidInput
from blogster_cli.vocabulary import FeatureFlagStrategy

if TYPE_CHECKING:
    from blogster_cli.services.flags import FlagPublic

app = command_group("flags")
COLUMNS = ["name", "enabled", "on_for_you", "strategy", "rollout_percentage", "description"]
NEW_NAME_HELP = (
    "The name `flags check` and your code ask by: lowercase letters, digits, '.', '_' or '-', starting"
    " with a letter or digit (at most 100)."
)
NAME_HELP = "The flag's name (`flags list` shows them)."
DESCRIPTION_HELP = "What the flag turns on, for the people reading `flags list`."
STRATEGY_HELP = (
    "Who it is on for, once enabled: all; percentage (--percentage of accounts, the same ones each time);"
    " user_ids or subscription_tier (the accounts or tiers --conditions names)."
)
PERCENTAGE_HELP = "With --strategy percentage: the share of accounts it is on for, 0-100."
CONDITIONS_HELP = 'JSON, e.g. {"tiers": ["pro"]}; users by id or email: {"user_ids": ["ada@example.com"]}'


def _conditions(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json_module.loads(text)
    except ValueError:
        raise InvalidInput("--conditions must be a JSON object") from None
    except RecursionError:  # nested past the parser's stack, far past what a rule may hold
        raise InvalidInput("--conditions nests too deeply") from None
    if not isinstance(value, dict):
        raise InvalidInput("--conditions must be a JSON object")
    return value


def _show(flag: FlagPublic, json: bool) -> None:
    """The flag; its conditions as JSON, as --conditions takes them (to paste back)."""
    if json:
        output.print_json(flag)
        return
    record = output.to_plain(flag)
    record["conditions"] = json_module.dumps(flag.conditions, ensure_ascii=False)
    output.print_record(record)


@app.command("create")
def create(
    name: str = typer.Argument(..., help=NEW_NAME_HELP),
    description: str | None = typer.Option(None, "--description", help=DESCRIPTION_HELP),
    strategy: FeatureFlagStrategy = typer.Option(FeatureFlagStrategy.ALL, "--strategy", help=STRATEGY_HELP),
    percentage: int = typer.Option(0, "--percentage", help=PERCENTAGE_HELP),
    conditions: str | None = typer.Option(
        None,
        "--conditions",
        help=CONDITIONS_HELP,
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Create a flag (off until enabled). Accounts named by email are stored by their ids.

    Example: blogster flags create new-editor --strategy percentage --percentage 10
    """
    from blogster_cli.services import flags

    flag = flags.create(
        acting_user(),
        name=name,
        description=description,
        strategy=strategy,
        percentage=percentage,
        conditions=_conditions(conditions) or {},
    )
    _show(flag, json)


@app.command("update")
def update(
    name: str = typer.Argument(..., help=NAME_HELP),
    description: str | None = typer.Option(None, "--description", help=DESCRIPTION_HELP),
    strategy: FeatureFlagStrategy | None = typer.Option(None, "--strategy", help=STRATEGY_HELP),
    percentage: int | None = typer.Option(None, "--percentage", help=PERCENTAGE_HELP),
    conditions: str | None = typer.Option(None, "--conditions", help=CONDITIONS_HELP),
    json: bool = JSON_OPTION,
) -> None:
    """Change a flag.

    Example: blogster flags update new-editor --percentage 50
    """
    from blogster_cli.services import flags

    flag = flags.update(
        acting_user(),
        name=name,
        description=description,
        strategy=strategy,
        rollout_percentage=percentage,
        conditions=_conditions(conditions),
    )
    _show(flag, json)


@app.command("enable")
def enable(name: str = typer.Argument(..., help=NAME_HELP), json: bool = JSON_OPTION) -> None:
    """Turn a flag on.

    Example: blogster flags enable new-editor
    """
    from blogster_cli.services import flags

    _show(flags.update(acting_user(), name=name, enabled=True), json)


@app.command("disable")
def disable(name: str = typer.Argument(..., help=NAME_HELP), json: bool = JSON_OPTION) -> None:
    """Turn a flag off.

    Example: blogster flags disable new-editor
    """
    from blogster_cli.services import flags

    _show(flags.update(acting_user(), name=name, enabled=False), json)


@app.command("rm")
def rm(
    name: str = typer.Argument(..., help=NAME_HELP),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete a flag for every account (its audit log stays). Asks first on a terminal;
    elsewhere give --yes.

    Example: blogster flags rm new-editor --yes
    """
    from blogster_cli.cli import ask
    from blogster_cli.services import flags

    acting = acting_user()
    if not yes:
        flag = flags.to_remove(acting, name=name)  # a writer is refused, an unknown flag not found: not asked
        state = "on" if flag.enabled else "off"
        if not ask.yes(f"Delete the flag '{flag.name}' ({state}) for every account?", instead="use --yes"):
            raise typer.Abort()
    removed = flags.remove(acting, name=name)
    output.print_json(removed) if json else output.message(f"flag {name} removed")


@app.command("list")
def list_flags(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Every flag, and whether it is on for you.

    `on_for_you` answers as `flags check NAME` does.

    Example: blogster flags list --json
    """
    from blogster_cli.services import flags

    rows = flags.list_flags(acting_user())
    show_list([output.to_plain(r) for r in rows], COLUMNS, fmt=fmt, json=json, limit=limit, id_key="name")


@app.command("log")
def log(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Flag changes, newest first (administrators): what each did (created, enabled, disabled,
    updated, deleted), who made it, by email, and the reason when an account's deletion made it
    ("account deleted": changed by the administrator who deleted it, blank when the account
    deleted itself; a `user_ids` flag it left naming nobody shows as disabled).

    Example: blogster flags log --json
    """
    from blogster_cli.services import flags

    rows = flags.audit_log(acting_user(), limit=limit or None)
    columns = ["created_at", "change", "flag", "changed_by_email", "reason"]
    show_list([output.fields(r) for r in rows], columns, fmt=fmt, json=json, id_key="flag_id")


@app.command("check")
def check(
    name: str = typer.Argument(..., help=NAME_HELP),
    user: str | None = typer.Option(None, "--user", help="This account's email instead of yours (administrators)."),
    json: bool = JSON_OPTION,
) -> None:
    """Whether a flag is on for you (or, for administrators, for another account): prints on or
    off and exits 0 either way: a script compares what it prints with "on" (or reads "on" in
    --json); a non-zero exit is an error (no such flag, no such account).

    Example: blogster flags check new-editor --user grace@example.com --json
    """
    from blogster_cli.services import flags

    on = flags.check(acting_user(), name=name, user_email=user)
    result = {"name": name, "on": on} if user is None else {"name": name, "user": user, "on": on}
    output.print_json(result) if json else output.print_raw("on\n" if on else "off\n")
