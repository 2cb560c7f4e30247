"""`blogster tui` off a terminal: a one-line usage error, before asking who you are."""

from __future__ import annotations


def test_tui_needs_a_terminal(cli):
    result = cli("tui")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: blogster tui needs a terminal; the other commands work without one"
    ]
    assert "Traceback" not in result.stderr
