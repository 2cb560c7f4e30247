"""A table a narrow terminal drew without some columns says where they all show. It named
`--format csv` for every command, also for those that take no --format (`analytics dashboard`,
`analytics report`): following it was a usage error. Those name their piped output, which has
every column, tab-separated; a list that takes --format still names it."""

from __future__ import annotations

import sys


def _terminal(monkeypatch, columns: int) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "50")


def test_a_command_without_format_names_its_piped_output(cli, signed_up, monkeypatch):
    piped = cli("analytics", "dashboard")
    assert piped.stdout.startswith("Figures:\nfigure\tlast_30_days\tprevious_30_days\tdelta\n")  # every column
    refused = cli("analytics", "dashboard", "--format", "csv")
    assert refused.exit_code == 2 and "No such option: --format" in refused.stderr
    _terminal(monkeypatch, 44)
    shown = cli("analytics", "dashboard")
    assert shown.exit_code == 0, shown.stderr
    assert "(left out at 44 columns: " in shown.stderr
    assert "piped (`| cat`) it shows every column)" in shown.stderr and "--format" not in shown.stderr


def test_a_list_that_takes_format_names_it(cli, signed_up, monkeypatch):
    assert cli("posts", "new", "A post whose title is long enough to be cut on a narrow terminal").exit_code == 0
    _terminal(monkeypatch, 40)
    shown = cli("posts", "list")
    assert shown.exit_code == 0, shown.stderr
    assert "--format csv shows every column)" in shown.stderr
