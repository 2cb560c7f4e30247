"""Every command documents itself, and `--help` loads nothing heavy."""

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from blogster_cli import __version__
from blogster_cli.cli.app import app
from blogster_cli.cli.commands import COMMANDS as COMMAND_TABLE


def all_commands(group=None, path=()):
    group = group or typer.main.get_command(app)
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from all_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(all_commands())
MIGRATIONS = Path(__file__).resolve().parents[2] / "db" / "migrations"


def test_every_group_is_listed_with_one_line_help():
    result = subprocess.run([sys.executable, "-m", "blogster_cli", "--help"], capture_output=True, text=True)
    listed = result.stdout.split("Commands:")[1]
    for name, (_, _, short_help) in COMMAND_TABLE.items():
        assert f"{name}  " in listed and short_help in listed
    assert {path[0] for path, _ in COMMANDS} == set(COMMAND_TABLE)


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and "Example:" in command.help, path
    assert f"blogster {' '.join(path)}" in command.help or "blogster" in command.help.split("Example:")[1]


# A group's help is built from its own module, which imports its service only inside each command.
HELP_LINES = [
    ["--help"],
    ["--version"],
    ["newsletter", "--help"],
    ["newsletter", "list", "--help"],
    ["review", "--help"],
    ["review", "list", "--help"],
    ["crosspost", "status", "--help"],
    ["ideas", "--help"],
    ["ideas", "list", "--help"],
]


@pytest.mark.parametrize("args", HELP_LINES, ids=" ".join)
def test_help_imports_no_heavy_modules(args):
    code = (
        f"import sys; sys.argv = ['blogster', *{args!r}]\n"
        "from blogster_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['psycopg', 'sqlalchemy', 'sqlmodel', 'rich', 'keyring', 'openai', 'textual', 'pydantic', 'argon2',\n"
        "         'matplotlib']\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


def newest_migration() -> str:
    """The number of the newest file in db/migrations: what tells this build from another of its version."""
    return max(path.name for path in MIGRATIONS.glob("*.sql")).split("_", 1)[0]


def test_version_names_the_newest_migration_too():
    """New-user walk 12, item 4: every build said `blogster 0.1.0`."""
    result = subprocess.run([sys.executable, "-m", "blogster_cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"blogster {__version__} (schema {newest_migration()})\n"


def test_unknown_command_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "blogster_cli", "nope"], capture_output=True, text=True)
    assert result.returncode == 2
