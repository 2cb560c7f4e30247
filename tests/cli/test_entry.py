"""The `blogster` script: a plain `blogster tui` is recognised without typer; everything else is typer's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from blogster_cli.cli.entry import tui_command_line


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        (["tui"], {}),
        (["--profile", "work", "tui"], {"--profile": "work"}),
        (["tui", "--debug", "--database-url=postgresql://x/y", "-q"], {"--debug": True, "--database-url": "postgresql://x/y", "-q": True}),
        (["tui", "--help"], None),
        (["tui", "extra"], None),
        (["posts", "list"], None),
        (["--profile"], None),
        ([], None),
    ],
)  # fmt: skip
def test_only_a_plain_tui_with_global_options_is_recognised(argv, options):
    assert tui_command_line(argv) == options


def test_blogster_tui_runs_without_importing_typer_and_fails_as_any_command(tmp_path):
    """Off a terminal: the same line and exit code as through typer; typer came only to report it."""
    code = (
        "import sys\n"
        "from blogster_cli.cli import tui_cmd\n"
        "real = tui_cmd.tui\n"
        "def tui():\n"
        "    print('typer' in sys.modules, flush=True)\n"
        "    real()\n"
        "tui_cmd.tui = tui\n"
        "sys.argv = ['blogster', *sys.argv[1:]]\n"
        "from blogster_cli.cli.entry import main\n"
        "main()\n"
    )
    env = {**os.environ, "BLOGSTER_HOME": str(tmp_path)}
    plain = subprocess.run(
        [sys.executable, "-c", code, "--profile", "work", "tui"], env=env, capture_output=True, text=True
    )
    assert (plain.returncode, plain.stdout) == (2, "False\n")
    assert plain.stderr == "error: blogster tui needs a terminal; the other commands work without one\n"
    typo = subprocess.run([sys.executable, "-c", code, "tui", "--bogus"], env=env, capture_output=True, text=True)
    assert typo.returncode == 2 and typo.stdout == "" and "No such option: --bogus" in typo.stderr
