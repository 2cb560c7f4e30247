"""A command started with a standard stream closed (`>&-`, `2>&-`, `<&-`): one line and a documented
exit code, never an "unexpected failure" with tracebacks (red team 60, F5 and F7)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CLOSED_OUTPUT = "error: cannot use standard output: it was closed when the command started"
CLOSED_INPUT = "error: cannot read standard input: it was closed when the command started"


def _blogster(redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`blogster ARGS REDIRECT` as a shell runs it (`>&-` closes the descriptor before Python starts)."""
    return subprocess.run(
        ["sh", "-c", f'"$@" {redirect}', "sh", sys.executable, "-m", "blogster_cli", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.same_on_every_server  # the streams are Python's to handle: CI's second pass leaves it out
def test_a_closed_output_fails_in_one_line_and_a_closed_error_stream_changes_no_exit_code(cli, signed_up):
    assert cli("posts", "new", "--title", "Closed streams", input="Words.").exit_code == 0
    for command in (["posts", "list"], ["posts", "list", "--json"], ["posts", "show", "closed-streams"]):
        closed = _blogster(">&-", *command)
        assert (closed.returncode, closed.stderr) == (8, CLOSED_OUTPUT + "\n"), command
    shown = _blogster("2>&-", "posts", "list")
    assert shown.returncode == 0 and "Closed streams" in shown.stdout
    assert _blogster(">&- 2>&-", "posts", "list").returncode == 8
    assert _blogster("2>&-", "posts", "show", "nothing-so-named").returncode == 3


@pytest.mark.same_on_every_server
def test_every_reader_of_a_closed_standard_input_says_so_in_one_line(cli, signed_up):
    for command in (
        ["posts", "new", "--from", "-"],
        ["import", "-"],
        ["calendar", "import", "--ics", "-"],
        ["analytics", "ingest", "-"],
        ["newsletter", "subscribers", "import", "-"],
        ["docs", "new", "Closed", "--from", "-"],
        ["config", "set", "editor", "-"],
        ["auth", "login", "--email", "ada@example.com", "--password-stdin"],
    ):
        closed = _blogster("<&-", *command)
        assert (closed.returncode, closed.stderr) == (2, CLOSED_INPUT + "\n"), command
    # Without --from a closed standard input is no body, as /dev/null is (cron).
    made = _blogster("<&-", "posts", "new", "--title", "Nothing piped")
    assert made.returncode == 0, made.stderr
