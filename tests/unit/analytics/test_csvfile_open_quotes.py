"""A quote left open in a CSV export (tester t534, finding 2, High): the csv module let it take in
every later line up to the next quote or the end of the file, without a word: a 200-row revenue
file imported 49 rows, a 1,000-row keyword file 6, and an open quote near the end stored
'unterminated,10 x,5' as a keyword, nothing skipped. The line it opened on is now a rejected line
naming the lines it took in, which are read again as lines of their own; a quoted cell over
several lines (a note with a line break) still reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from blogster_cli.analytics import csvfile
from blogster_cli.analytics.csvfile import Rejected, read_table
from blogster_cli.analytics.exports import parse_revenue
from blogster_cli.analytics.keywords import parse_keywords


def keywords(text: str) -> tuple[list[tuple[str, int | None]], list[Rejected]]:
    rows, rejected = parse_keywords(text)
    return [(row.keyword, row.search_volume) for row in rows], rejected


def test_the_testers_revenue_file_loses_only_the_broken_line():
    lines = ["Provider,Reference,Post,Revenue", *(f"acme,q-{i},team-post,1.00" for i in range(200))]
    lines[50] = 'acme,"q-49b,team-post,1.00'  # line 51
    rows, rejected = parse_revenue("\n".join(lines) + "\n", default_type="affiliate")
    assert [row.reference_id for row in rows] == [f"q-{i}" for i in range(200) if i != 49]
    assert rejected == [
        Rejected(51, "a quote left open to the end of the file: it took in lines 52-201 (150 lines),"
                     " each read again on its own"),
    ]  # fmt: skip


def test_the_testers_keyword_file_keeps_its_stray_quotes_and_loses_the_broken_line():
    lines = ["Keyword,Volume", *(f"kw{i},{i + 10}" for i in range(1000))]
    lines[3], lines[5], lines[7] = '"24" monitor stand,500', 'best 27" monitor,900', '"broken quote,300'
    rows, rejected = keywords("\n".join(lines) + "\n")
    assert len(rows) == 999 and ("24 monitor stand", 500) in rows and ('best 27" monitor', 900) in rows
    assert ("kw7", 17) in rows and ("kw999", 1009) in rows
    assert [(r.line, r.reason.split(":")[0]) for r in rejected] == [(8, "a quote left open to the end of the file")]


def test_an_open_quote_at_the_end_skips_its_line_and_reads_the_next():
    assert keywords('Keyword,Volume\n"unterminated,10\nx,5\n') == (
        [("x", 5)],
        [Rejected(2, "a quote left open to the end of the file: it took in line 3, read again on its own")],
    )
    assert keywords('Keyword,Volume\nok,1\n"unterminated,10') == (
        [("ok", 1)],
        [Rejected(3, "a quote left open to the end of the file")],
    )


def test_a_quote_closed_later_over_lines_shaped_as_rows_is_left_open():
    """The next quote (a quoted cell's, or a stray one mid-cell) closed the cell: the lines between
    are rows, the closing one too, and each is read again."""
    text = 'Keyword,Volume\nkw,1\n"open,2\nk3,3\n\nk5,5\n"24" monitor stand,500\nk7,7\n'
    assert keywords(text) == (
        [("kw", 1), ("k3", 3), ("k5", 5), ("24 monitor stand", 500), ("k7", 7)],
        [Rejected(3, "a quote left open: it took in lines 4-7 (4 lines), each read again on its own")],
    )


def test_a_quote_closed_astray_by_the_next_broken_line_is_left_open():
    """The next line's own open quote closed the cell, followed by a letter (no CSV writer writes
    that): the line is no row read on its own, and both open quotes are named."""
    text = 'Keyword,Volume\n"kw1,1\nkw2,2\n"kw3,3\nkw4,4\n"kw5,5\n'
    assert keywords(text) == (
        [("kw2", 2), ("kw4", 4)],
        [
            Rejected(2, "a quote left open: it took in lines 3-4 (2 lines), each read again on its own"),
            Rejected(4, "a quote left open: it took in lines 5-6 (2 lines), each read again on its own"),
            Rejected(6, "a quote left open to the end of the file"),
        ],
    )


@pytest.mark.parametrize(
    "note",
    [
        "line one\nline two",  # the note's last line holds no cell after it
        "first, second\nthird",  # a comma in the note's first line: that line is not looked at
        "one\n\ntwo, three, four\nfive",  # a line as many cells as the header, but not each
        'with ""quotes""\non two lines',
        "ending in a line break\n",  # its last line, a quote alone, opens a quote read on its own
        "buy, cheap\nfree, fast, now",  # red team 72 F8: its last line, on its own, has the header's 3 cells
        "a, b\nc, d, e\nf, g, h",  # each later line has the header's 3 cells
    ],
)
def test_a_quoted_cell_over_several_lines_still_reads(note):
    text = f'Keyword,Volume,Notes\nkw,1,"{note}"\nzsh,2,"a\r\nb"\nfish,3,x\n'
    table = read_table(text, {"keyword": ["keyword"], "notes": ["notes"]}, required=["keyword"], what="export")
    unread: list[Rejected] = []
    records = [(line, cells[2]) for line, cells in table.records(unread)]
    assert unread == []
    next_line = 3 + note.count("\n")
    assert records == [(2, note.replace('""', '"')), (next_line, "a\r\nb"), (next_line + 2, "x")]


def test_a_keyword_over_two_lines_as_csv_writer_writes_it_reads_whole():
    """Red team 72 F8: its closing line '2024",5000' has the header's two cells, so the record was
    taken for a quote left open: the real row rejected, and a keyword '2024"' with volume 5000 made up."""
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerows([["keyword", "search volume"], ["best laptop\n2024", 5000], ["desk", 10]])
    assert keywords(written.getvalue()) == ([("best laptop 2024", 5000), ("desk", 10)], [])
    assert keywords('keyword,search volume\n"running shoes\nfor women",1000\nok,2\n') == (
        [("running shoes for women", 1000), ("ok", 2)],
        [],
    )


def test_each_cell_over_several_lines_of_a_one_column_file_reads_whole():
    """Red team 72 F8: each later line of such a cell is one cell, as many as the header's."""
    assert keywords('keyword\n"three\nline\nkeyword"\nok\n"a\r\nb"\n') == (
        [("three line keyword", None), ("ok", None), ("a b", None)],
        [],
    )


def test_a_quote_closed_by_a_quoted_cell_ending_its_line_is_a_cell_over_lines():
    """Read as the csv module reads it, strictly: no CSV writer's file is split by a guess. The
    lines are one record, which the keyword parser judges as any other."""
    text = 'Keyword,Volume\n"kw1,1\nkw2,2\nkw3,",3\nkw4,4\n'
    table = read_table(text, {"keyword": ["keyword"], "volume": ["volume"]}, required=["keyword"], what="export")
    unread: list[Rejected] = []
    assert list(table.records(unread)) == [(2, ["kw1,1\nkw2,2\nkw3,", "3"]), (5, ["kw4", "4"])]
    assert unread == []


def test_a_quote_left_open_in_a_semicolon_file_with_quoted_separators():
    text = 'Post;Revenue;Date\nalpha;"1,5;2026-11-01\nbeta;"2,5";2026-11-02\ngamma;3;2026-11-03\n'
    rows, rejected = parse_revenue(text, default_type="affiliate")
    assert [(row.line, row.post, row.revenue) for row in rows] == [(3, "beta", 2.5), (4, "gamma", 3.0)]
    assert [r.line for r in rejected] == [2]


def test_an_over_long_cell_from_a_quote_left_open_loses_no_line():
    """The open quote ran past the field limit (131,072 characters): the lines it took in until then,
    each a row, are read again, and the rest after them."""
    text = 'Keyword,CPC\na,1\n"broken,2\n' + "".join(f"k{i},{i}\n" for i in range(30_000))
    rows, rejected = keywords(text)
    assert len(rows) == 30_001
    ((line, reason),) = [(r.line, r.reason) for r in rejected]
    assert line == 3 and reason.startswith("a quote left open: it took in lines 4-")


@pytest.mark.parametrize(
    "broken",
    [
        lambda i: f'"kw{i},{i}' if i % 2 else f"kw{i},{i}",  # every other line opens a quote the next closes
        lambda i: f'"kw{i},{i}' if i % 1000 == 0 else f"kw{i},{i}",  # a few, each to the next
        lambda i: f'kw{i},"""{i}' if i % 3 == 0 else f'k" w{i},{i}',  # escaped quotes and stray ones
        lambda i: f'"kw{i},{i}' if i == 1 else f'kw{i} 27" monitor,{i}',  # one open quote, stray ones closing it
        lambda i: f'"kw{i},{i}' if i == 1 else f'k{i}" w,"{i}',  # each line closes a quote astray and opens one
    ],
)
def test_many_open_quotes_read_each_line_at_most_twice(monkeypatch, broken):
    """Reading again the lines a quote took in stays linear in the file: the csv module is given each
    line at most twice, however many quotes are left open (counted, not timed)."""
    given: list[int] = []

    class Counted(csvfile._Lines):
        def lines(self) -> Iterator[str]:
            for piece in super().lines():
                given.append(1)
                yield piece

    monkeypatch.setattr(csvfile, "_Lines", Counted)
    count = 100_000
    text = "Keyword,Volume\n" + "\n".join(broken(i) for i in range(count)) + "\n"
    table = read_table(text, {"keyword": ["keyword"], "volume": ["volume"]}, required=["keyword"], what="export")
    given.clear()
    unread: list[Rejected] = []
    read = sum(1 for _ in table.records(unread))
    assert unread and read + len(unread) <= count
    assert len(given) <= 2 * (count + 1)
