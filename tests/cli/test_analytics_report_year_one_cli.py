"""`analytics report` with a --to in the first days of year 1 (red team 39, F2): the window before
it would start before the first date Python and PostgreSQL hold, and the report ended with
"unexpected failure: date value out of range" (exit 1). Now it is a one-line error, exit 2; every
other --from/--to/--days combination at either end of the calendar reports or is refused the same way."""

from __future__ import annotations

from datetime import date

import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.services.analytics_reports import MAX_REPORT_DAYS, WINDOW_DAYS, report_period

TODAY = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--to", "0001-01-05"], "--to 0001-01-05 leaves no room for 30 days before it (the first date is 0001-01-01)"),
        (
            ["--to", "0001-01-01", "--days", "2"],
            "--to 0001-01-01 leaves no room for 2 days before it (the first date is 0001-01-01)",
        ),
        (
            ["--days", "3660", "--to", "0001-01-05"],
            "--to 0001-01-05 leaves no room for 3660 days before it (the first date is 0001-01-01)",
        ),
    ],
)
def test_a_window_reaching_before_year_one_is_a_one_line_error(cli, signed_up, args, error):
    result = cli("analytics", "report", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {error}\n")


@pytest.mark.parametrize(
    "args",
    [
        ["--to", "0001-01-01", "--days", "1"],
        ["--to", "0001-01-30"],
        ["--from", "0001-01-01", "--to", "0001-01-01"],
        ["--from", "9999-12-31", "--to", "9999-12-31"],
        ["--to", "9999-12-31", "--days", str(MAX_REPORT_DAYS)],
    ],
)
def test_the_first_and_last_dates_themselves_are_reported(cli, signed_up, args):
    result = cli("analytics", "report", *args, "--json")
    assert result.exit_code == 0, result.stderr


def test_report_period_never_overflows():
    for last in (date.min, date(1, 1, 29), date(1, 1, 30), date.max):
        for days in (None, 1, 2, WINDOW_DAYS, MAX_REPORT_DAYS):
            for since in (None, date.min, date.max):
                try:
                    first, until = report_period(days=days, since=since, until=last, today=TODAY)
                except InvalidInput:
                    continue
                assert date.min <= first <= until == last
