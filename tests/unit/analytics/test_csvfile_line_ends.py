"""Line ends in CSV exports (red team h227 L4): a CR-only export (an old Mac's), and a stray CR in an
LF or CR LF file, failed the whole import with the csv module's "new-line character seen in unquoted
field", also after the first 64 KB. A CR now ends its line as an LF does, outside quotes; a CR or LF
inside a quoted cell stays in the cell, and lines are still numbered at each LF (as `grep -n` shows
them), or at each CR in a file without any LF."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.csvfile import Rejected, read_table
from blogster_cli.analytics.exports import REVENUE_HEADERS, parse_revenue
from blogster_cli.analytics.keywords import parse_keywords

HEADER = "Post,Revenue,Date,Reference"


def revenue(text: str) -> tuple[list[tuple[int, str | None, float]], list[Rejected]]:
    rows, rejected = parse_revenue(text, default_type="affiliate")
    return [(row.line, row.post, row.revenue) for row in rows], rejected


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_every_line_end_reads_alike(end):
    text = end.join([HEADER, "alpha,1,2026-11-02,r1", "beta,2,2026-11-02,r2", "gamma,x,2026-11-02,r3", ""])
    rows, rejected = revenue(text)
    assert rows == [(2, "alpha", 1.0), (3, "beta", 2.0)]
    assert rejected == [Rejected(4, "'x' is not a number (under 'Revenue')")]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("before", [0, 5_000])  # the stray CR within the header search's 64 KB, and past it
def test_a_stray_cr_ends_its_line_and_skips_no_other(end, before):
    """The red team's file: `alice\\rtwo,...` in an LF file. The lines around it are imported, and
    the lines after it keep their numbers."""
    lines = [HEADER, *(f"alpha,1,2026-11-01,a{i}" for i in range(before)), "beta,2,2026-11-02,z1"]
    lines += ["alice\rbeta,3,2026-11-02,z3", "beta,4,2026-11-02,z4", ""]
    rows, rejected = revenue(end.join(lines))
    stray = before + 3
    assert rows[-3:] == [(stray - 1, "beta", 2.0), (stray, "beta", 3.0), (stray + 1, "beta", 4.0)]
    assert len(rows) == before + 3 and rejected == [Rejected(stray, "no revenue")]


def test_a_cr_or_lf_in_a_quoted_cell_stays_in_the_cell_and_counts_as_the_file_does():
    text = f'{HEADER},Placement\nalpha,1,2026-11-01,r1,"side\rbar"\r\nbeta,2,2026-11-01,r2,"top\r\nmost"\ngamma,x,,,\n'
    table = read_table(text, REVENUE_HEADERS, required=["revenue"], what="revenue report")
    records = list(table.records())
    assert [(line, cells[4]) for line, cells in records] == [(2, "side\rbar"), (3, "top\r\nmost"), (5, "")]
    assert revenue(text)[1] == [Rejected(5, "'x' is not a number (under 'Revenue')")]


def test_a_cr_only_keyword_export_reads():
    rows, rejected = parse_keywords("Keyword,Volume\rzsh,10\rfish,abc\rbash,20\r")
    assert [row.keyword for row in rows] == ["zsh", "bash"]
    assert rejected == [Rejected(3, "'abc' is not a number (under 'Volume')")]
