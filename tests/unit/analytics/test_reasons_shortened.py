"""A rejection reason repeats at most the first characters of the cell it names (red team h227,
Info): `revenue import` echoed a 5,000-character type and a 100,000-character URL whole, on stderr
and in --json, for each such line."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.csvfile import Rejected, check_period, day
from blogster_cli.analytics.exports import parse_competitors, parse_positions, parse_revenue
from blogster_cli.analytics.keywords import parse_keywords
from blogster_cli.analytics.paths import PathMatcher
from blogster_cli.services.post_addresses import AddressPlan, PostFinder
from blogster_cli.wording import quoted, shortened

TYPE = "a" * 5_000
HOST = "h" * 100_000 + ".example"


def test_shortened_and_quoted_keep_a_short_value_whole_and_cut_a_long_one():
    assert (shortened(" abc "), quoted(" abc ")) == ("abc", "'abc'")
    assert quoted("x" * 40) == repr("x" * 40)
    assert shortened("x" * 41) == "x" * 39 + "… (41 characters)"
    assert quoted(TYPE) == repr("a" * 39 + "…") + " (5,000 characters)"
    assert shortened(TYPE, 120) == "a" * 119 + "… (5,000 characters)"


def reasons(rejected: list[Rejected]) -> list[str]:
    return [r.reason for r in rejected]


def test_revenue_reasons_cut_long_cells():
    text = (
        f"Type,Post,Revenue,Date\n{TYPE},alpha,1,\naffiliate,alpha,{'9' * 5_000}x,\naffiliate,alpha,1,{'2' * 5_000}\n"
    )
    assert reasons(parse_revenue(text)[1]) == [
        f"unknown type {quoted(TYPE)} (affiliate, sponsored, paywall or advertisement)",
        f"{quoted('9' * 5_000 + 'x')} is not a number (under 'Revenue')",
        f"{quoted('2' * 2_000)} is not a date (use YYYY-MM-DD)",  # a period's text is kept to 2,000 characters
    ]
    assert all(len(reason) < 150 for reason in reasons(parse_revenue(text)[1]))


def test_position_competitor_and_keyword_reasons_cut_long_cells():
    device, date = "w" * 3_000, "n" * 3_000
    positions = f"Query,Page,Position,Device,Date\nq,/p/,1,{device},\nq,/p/,1,,{date}\n"
    assert reasons(parse_positions(positions)[1]) == [
        f"unknown device {quoted(device)}",
        f"{quoted(date)} is not a date",
    ]
    url = "u" * 3_000
    assert reasons(parse_competitors(f"URL\n{url}\n")[1]) == [f"{quoted(url, 80)} is not a page address"]
    volume = "1" * 3_000
    assert reasons(parse_keywords(f"Keyword,Volume\nzsh,{volume}\n")[1]) == [
        f"{quoted(volume)} is out of range (under 'Volume')"
    ]
    with pytest.raises(ValueError, match=r"\(3,000 characters\) is not a date$"):
        day(date)
    with pytest.raises(ValueError, match=r"^'9{39}…' \(3,000 characters\) is not a date \(use YYYY-MM-DD\)$"):
        check_period("9" * 3_000)


def test_a_page_of_another_site_names_its_host_and_address_shortened():
    finder = PostFinder(
        AddressPlan(PathMatcher.build(["/posts/{slug}/"]), {"alpha": "1"}, frozenset({"ada.dev"})),
        frozenset({"ada.dev"}),
    )
    address = f"https://{HOST}/posts/alpha/"
    refusal = finder.refusal(address)
    assert refusal == f"{shortened(address, 120)}: a page of another site ({shortened(HOST, 80)})"
    assert len(refusal) < 300
    [warning] = finder.other_sites({HOST: 2})
    assert len(warning) < 500 and "100,008 characters" in warning
