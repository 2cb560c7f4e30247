"""A missing option value pointed at the top-level help: click's parser raises "Option '--limit'
requires an argument." with no context, so the pointer fell back to `blogster --help`. It names the
command's help now, found by walking the command line down the groups as click does."""

from __future__ import annotations

import pytest


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound)
@pytest.mark.parametrize(
    ("words", "option", "command"),
    [
        (("calendar", "add", "x", "--date"), "--date", "blogster calendar add"),
        (("crosspost", "X", "--to"), "--to", "blogster crosspost"),
        (("posts", "list", "--limit"), "--limit", "blogster posts list"),
        (("newsletter", "send", "--at"), "--at", "blogster newsletter send"),
        (("--json", "blogs", "list", "--limit"), "--limit", "blogster blogs list"),  # an alias, a global option
    ],
)
def test_a_missing_option_value_points_at_the_commands_help(cli, words, option, command):
    result = cli(*words)
    assert result.exit_code == 2
    assert result.stderr == f"error: Option '{option}' requires an argument. (see `{command} --help`)\n"


@pytest.mark.same_on_every_server
def test_a_global_options_missing_value_points_at_the_top_level_help(cli):
    result = cli("--profile")
    assert result.exit_code == 2
    assert result.stderr == "error: Option '--profile' requires an argument. (see `blogster --help`)\n"
