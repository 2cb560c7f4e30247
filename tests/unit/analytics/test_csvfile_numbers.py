"""How CSV exports write their figures and text, read as the tools mean them: decimal commas in a
semicolon-separated European export, thousands grouped by dots, commas, spaces; UTF-16 exports;
title lines above the header; units in headers. A figure that could be read two ways is refused
with its line, never guessed a thousand times off (new-user walk h213, B1 and B3)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics.csvfile import decode, figure, read_table
from blogster_cli.analytics.exports import parse_competitors, parse_positions, parse_revenue
from blogster_cli.analytics.keywords import KeywordRow, parse_keywords

# AdSense in a German locale, saved by Excel: semicolons, decimal commas, a thousands dot.
REVENUE_EU = (
    "\ufeffDate;Provider;Type;Reference;Post;Earnings;Impressions;Clicks;Conversions;Placement\r\n"
    "2026-11-01;AdSense;ad;;fzf-everywhere;1,23;1.204;12;;sidebar\r\n"
    "2026-11-02;AdSense;ad;;fzf-everywhere;2,50;900;8;;sidebar\r\n"
    '2026-11;Amazon Associates;affiliate;ORD-1;tmux;"4,10";;30;2;inline\r\n'
    "2026-11;Shop;affiliate;ORD-2;tmux;1.234,56;;;;inline\r\n"
)
# Keyword research saved by a German Excel: a thousands dot in the volume, decimal commas.
KEYWORDS_EU = (
    "Keyword;Volume;KD;CPC;Competition\r\nzeitplanung tipps;1.200;7;0,85;0,12\r\nüber email;210;3;1,05;0,30\r\n"
)


def test_a_semicolon_export_with_decimal_commas_reads_its_figures_as_written():
    rows, rejected = parse_revenue(REVENUE_EU)
    assert rejected == []
    assert [(r.revenue, r.impressions, r.clicks) for r in rows] == [
        (1.23, 1204, 12),  # was 123 and 1
        (2.5, 900, 8),  # was 250
        (4.1, 0, 30),  # was 410
        (1234.56, 0, 0),  # was 1.23456
    ]
    keywords, rejected = parse_keywords(KEYWORDS_EU)
    assert rejected == []
    assert keywords == [
        KeywordRow("zeitplanung tipps", 1200, 7.0, 0.85, 0.12, None),  # was volume 1, cpc 85, competition 12
        KeywordRow("über email", 210, 3.0, 1.05, 0.3, None),
    ]


def test_a_figure_that_could_be_read_two_ways_is_refused_with_its_line_unless_the_file_tells():
    """'1,234' is 1234 in an American export and 1.234 in a German one: a semicolon-separated
    file whose figures never show their decimal mark cannot say which."""
    rows, rejected = parse_keywords("Keyword;CPC\nshell;1,234\nzsh;2\n")
    assert [row.keyword for row in rows] == ["zsh"]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "'1,234' under 'CPC' could be 1234 or 1.234: nothing else in the file shows its decimal mark")
    ]
    # Another value of the column shows its decimal comma: 1,234 is 1.234.
    rows, _ = parse_keywords("Keyword;CPC\nshell;1,234\nzsh;0,50\n")
    assert [row.cpc for row in rows] == [1.234, 0.5]
    # Another column shows the file's decimal point: 1,234 is 1234.
    rows, _ = parse_keywords("Keyword;CPC;KD\nshell;1,234;12.5\n")
    assert [row.cpc for row in rows] == [1234.0]
    # A comma-separated file is no exception: its quoted "1,234" tells no more (h220 I1).
    rows, rejected = parse_keywords('Keyword,CPC\nshell,"1,234"\nzsh,2\n')
    assert [row.keyword for row in rows] == ["zsh"]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "'1,234' under 'CPC' could be 1234 or 1.234: nothing else in the file shows its decimal mark")
    ]
    # ...unless another value shows the file's decimal point: 1,234 is 1234.
    rows, _ = parse_keywords('Keyword,CPC\nshell,"1,234"\nzsh,0.50\n')
    assert [row.cpc for row in rows] == [1234.0, 0.5]
    # A count still groups thousands in a comma-separated file.
    rows, rejected = parse_keywords('Keyword,Volume,CPC\nshell,"1,234",2\n')
    assert rejected == [] and [(row.search_volume, row.cpc) for row in rows] == [(1234, 2.0)]


def test_a_count_groups_thousands_whatever_the_file_and_a_column_showing_both_marks_decides_nothing():
    """A count has no decimals: '1.204' impressions and '1,204' clicks are 1204 in any locale."""
    rows, rejected = parse_positions(
        "Query;Page;Clicks;Impressions;CTR;Position\nshell;/p/a/;1,204;10.031;12,5 %;3,25\n"
    )
    assert rejected == []
    assert [(r.clicks, r.impressions, r.ctr, r.rank_position) for r in rows] == [(1204, 10031, 0.125, 3)]
    rows, rejected = parse_keywords("Keyword;CPC\na;1,5\nb;2.5\nc;1,250\n")
    assert [row.cpc for row in rows] == [1.5, 2.5]
    assert [r.line for r in rejected] == [4]  # the column shows both marks: nothing tells for 1,250


@pytest.mark.parametrize(
    "text, value",
    [
        ("1 234,56 €", 1234.56),  # French: a (no-break) space groups thousands
        ("1\u202f234,56", 1234.56),
        ("1'234.50", 1234.5),  # Swiss
        ("EUR 12,50", 12.5),
        ("$1,234.56", 1234.56),
        ("12,34,567", 1234567.0),  # Indian grouping
        ("1.234.567", 1234567.0),
        ("0,123", 0.123),  # a group never starts with 0: a decimal comma
        ("-1,5", -1.5),
        ("1.5E+3", 1500.0),
    ],
)
def test_the_usual_ways_of_writing_a_figure(text, value):
    found = figure(text)
    assert found is not None and set(found.readings.values()) == {value}


@pytest.mark.parametrize("text", ["1,2,3", "1.2.3,4,5", "12,3456,789", "1e308", "inf", "nan", "1K – 10K", "1,"])
def test_what_is_no_figure_is_refused(text):
    with pytest.raises(ValueError):
        figure(text)


AMOUNTS = st.tuples(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=4))


def _written(amount: tuple[int, int], mark: str, grouped: bool) -> str:
    """(units, decimals) as an export writes units / 10**decimals with `mark` as its decimal mark,
    thousands grouped or not: (1234, 0) as '1,234', (1234, 3) as '1,234' too under ','."""
    units, decimals = amount
    whole, fraction = divmod(units, 10**decimals)
    digits = f"{whole:,}".replace(",", "," if mark == "." else ".") if grouped else str(whole)
    return f"{digits}{mark}{fraction:0{decimals}d}" if decimals else digits


def _value(amount: tuple[int, int]) -> float:
    return amount[0] / 10 ** amount[1]


@given(AMOUNTS, st.sampled_from(".,"), st.booleans())
def test_an_amount_written_either_way_is_never_read_as_another_figure(amount, mark, grouped):
    """A figure's form either leaves its value open (both readings kept, for the file to decide)
    or gives the value that was written: never a single wrong reading."""
    found = figure(_written(amount, mark, grouped))
    assert found is not None
    assert found.readings[mark] == pytest.approx(_value(amount))
    if not found.ambiguous:
        assert all(value == pytest.approx(_value(amount)) for value in found.readings.values())


@given(st.lists(AMOUNTS, min_size=1, max_size=8), st.sampled_from(".,"), st.booleans())
def test_a_column_of_amounts_reads_back_as_written_in_either_convention(amounts, mark, grouped):
    """Whatever the amounts, a file whose decimal mark shows somewhere reads every one exactly."""
    lines = ["Keyword;CPC", f"probe;0{mark}50", *(f"k{i};{_written(a, mark, grouped)}" for i, a in enumerate(amounts))]
    rows, rejected = parse_keywords("\n".join(lines) + "\n")
    assert rejected == []
    assert [row.cpc for row in rows] == [0.5, *(pytest.approx(_value(a)) for a in amounts)]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + "Keyword\tVolume\r\nfzf tutorial\t1,300\r\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Keyword\tVolume\r\nfzf tutorial\t1,300\r\n".encode("utf-16-be"),
        "Keyword\tVolume\r\nfzf tutorial\t1,300\r\n".encode("utf-16-le"),  # no byte order mark
        codecs.BOM_UTF8 + b"Keyword\tVolume\r\nfzf tutorial\t1,300\r\n",
    ],
)
def test_utf16_and_utf8_exports_are_decoded_by_their_byte_order_mark(data):
    rows, rejected = parse_keywords(decode(data))
    assert rows == [KeywordRow("fzf tutorial", 1300, None, None, None, None)] and rejected == []


def test_text_in_another_encoding_is_refused_naming_its_line_rather_than_stored_mangled():
    cp1252 = "Keyword;Volume\r\nzeitplanung;10\r\nüber email;210\r\n".encode("cp1252")
    with pytest.raises(ValueError, match=r"^line 3 is not UTF-8 text \(byte 0xFC\): save the export as UTF-8"):
        decode(cp1252)
    with pytest.raises(ValueError, match="Excel workbook"):
        decode(b"PK\x03\x04" + bytes(range(256)))


def test_title_lines_above_the_header_are_skipped_and_lines_keep_their_numbers():
    """Keyword Planner writes two title lines above its header."""
    planner = (
        "Keyword Stats 2026-12-04 at 10_00_00\nAll locations\n"
        "Keyword\tCurrency\tAvg. monthly searches\tCompetition\tCompetition (indexed value)\tTop of page bid (high range)\n"
        "git worktrees\tUSD\t1,000\tLow\t5\t1.20\n"
        "autovacuum tuning\tUSD\t1K – 10K\tLow\t2\t\n"
    )
    rows, rejected = parse_keywords(planner)
    assert rows == [
        KeywordRow("git worktrees", 1000, None, 1.2, 0.05, None),  # competition: the indexed value / 100
        KeywordRow("autovacuum tuning", 1000, None, None, 0.02, None),  # a range: its lower bound (h270)
    ]
    assert rejected == []


def test_a_unit_after_a_header_is_ignored_and_adsense_page_urls_name_the_post():
    adsense = (
        "Date,Page URL,Estimated earnings (USD),Page views,Page RPM (USD),Impressions,Clicks\n"
        '2026-11-01,https://ada.blogster.page/posts/a/,"1,234.56","12,000",0.41,"20,000",40\n'
        "2026-11-01,https://ada.blogster.page/posts/b/,3.00,100,1,100,1\n"
    )
    rows, rejected = parse_revenue(adsense, default_type="advertisement")
    assert rejected == []
    assert [(r.post, r.revenue, r.impressions, r.clicks) for r in rows] == [
        ("https://ada.blogster.page/posts/a/", 1234.56, 20000, 40),
        ("https://ada.blogster.page/posts/b/", 3.0, 100, 1),
    ]
    assert len({r.reference_id for r in rows}) == 2


def test_a_table_reports_the_header_and_separator_it_found():
    table = read_table("Title\n\nKeyword;Volume\nx;1\n", {"keyword": ("keyword",)}, required=["keyword"], what="x")
    assert (table.header.index, table.header.delimiter) == (2, ";")
    assert list(table.rows()) == [(4, {"keyword": "x"})]
    with pytest.raises(ValueError, match="no content url column"):
        parse_competitors("Title;Traffic\nx;1\n")
