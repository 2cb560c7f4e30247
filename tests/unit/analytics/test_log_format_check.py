"""`logformat.check_format`: whether a log's first lines are in the chosen format, and which other they are in;
`ledger.skip_counted`'s count of the lines a log shares with a counted one it is not."""

from __future__ import annotations

import io

from blogster_cli.analytics.ledger import CountedRange, Known, LogReader, batches, open_log, skip_counted
from blogster_cli.analytics.logformat import FormatCheck, LogFormat, check_format, clf_fields, parse_line
from tests.conftest import shared_data

COMBINED = '203.0.113.7 - - [01/Dec/2026:10:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 512 "-" "Mozilla/5.0"'
COMMON = '203.0.113.7 - - [01/Dec/2026:10:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 512'
NGINX_JSON = (
    '{"time_local":"01/Dec/2026:10:00:00 +0000","remote_addr":"203.0.113.7","request":"GET /posts/alpha/ HTTP/1.1",'
    '"status":"200","body_bytes_sent":"512","http_referer":"","http_user_agent":"Mozilla/5.0"}'
)
JUNK = '203.0.113.9 - - [01/Dec/2026:10:00:01 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"'


def test_the_first_line_in_the_format_ends_the_check():
    lines = iter(["", JUNK, COMBINED + "\r\n", "never read"])
    assert check_format(lines, LogFormat.COMBINED) == FormatCheck(2, True, None, JUNK)
    assert next(lines) == "never read"


def test_lines_in_another_format_name_it_first_in_the_formats_order():
    assert check_format([JUNK, NGINX_JSON], LogFormat.COMBINED) == FormatCheck(2, False, LogFormat.NGINX_JSON, JUNK)
    assert check_format([COMMON], LogFormat.COMBINED).looks_like is LogFormat.COMMON
    # a combined line is no common line (see below): combined, the only format that reads it, is named
    assert check_format([COMBINED], LogFormat.NGINX_JSON).looks_like is LogFormat.COMBINED
    assert check_format([JUNK, "  ", "\n"], LogFormat.COMMON) == FormatCheck(1, False, None, JUNK)
    assert check_format([], LogFormat.COMMON) == FormatCheck(0, False, None, "")


def test_a_combined_line_is_no_common_line_so_a_combined_log_given_common_looks_combined():
    """A common line ends at its bytes field: a combined line was read as common without its referrer and
    user agent, so a combined log given `--format common` was counted, crawlers as visitors, not refused."""
    assert parse_line(COMBINED, LogFormat.COMMON) is None
    assert clf_fields(COMBINED, combined=False) is None  # the ingest's hot path
    for extra in (' "-"', " 0.003", " -", ' "https://example.org/" "Googlebot/2.1"'):
        assert parse_line(COMMON + extra, LogFormat.COMMON) is None, extra
    for trailing in ("", " ", "\t", " \r", "\r\n", " \f\v"):  # trailing ASCII whitespace, a CRLF log's \r
        assert parse_line(COMMON + trailing, LogFormat.COMMON) is not None, trailing
    assert parse_line(COMMON + "\u2028", LogFormat.COMMON) is None
    assert check_format([COMBINED, JUNK], LogFormat.COMMON) == FormatCheck(2, False, LogFormat.COMBINED, COMBINED)
    # a common log with odd lines (a combined one, junk) ahead of its requests is no other format's
    assert check_format([COMBINED, JUNK, "garbage", COMMON], LogFormat.COMMON) == FormatCheck(4, True, None, COMBINED)


def test_the_real_combined_log_is_no_common_log_and_cut_to_common_it_is_one():
    lines = [text for text in log_lines_of("hackers-access.log") if text]
    assert len(lines) == 3456
    assert not any(parse_line(text, LogFormat.COMMON) for text in lines)
    assert check_format(lines, LogFormat.COMMON).looks_like is LogFormat.COMBINED
    as_common = [text.rsplit(' "', 2)[0] for text in lines]  # without the referrer and user agent
    assert all(parse_line(text, LogFormat.COMMON) for text in as_common)
    assert not any(parse_line(text, LogFormat.COMBINED) for text in as_common)
    assert check_format(as_common, LogFormat.COMBINED).looks_like is LogFormat.COMMON


def test_newsletter_from_log_reads_a_line_as_the_ingest_does():
    """`newsletter unsubscribe --from-log` reads a line in any format: a crawler's line cut inside its user
    agent, or one with a field after the bytes, was a common line without a user agent, so a reader's."""
    from blogster_cli.services.newsletters import _readers_requests

    link = COMMON.replace("/posts/alpha/", "/u?t=abc")
    assert _readers_requests([link, link + " \r", link + ' "-" "Mozilla/5.0"']) == ["/u?t=abc"] * 3
    assert _readers_requests([link + ' "-" "Googlebot/2.1', link + " 0.003", link + ' "-" "Googlebot/2.1"']) == []


def log_lines_of(name: str) -> list[str]:
    return shared_data("access_logs", name).read_text(encoding="utf-8").split("\n")


def test_a_log_that_differs_from_a_counted_one_in_its_last_line_shares_the_others():
    counted = (COMBINED + "\n") * 3 + JUNK + "\n"
    [batch] = list(batches(LogReader(open_log(io.BytesIO(counted.encode()))), 1 << 20, lambda _line: True))
    ranges = [CountedRange(batch.start, batch.end, batch.digest, batch.line_digests)]
    for other, same in (((COMBINED + "\n") * 3 + COMMON + "\n", 3), (COMBINED + "\n" + COMMON + "\n", 1)):
        skipped = skip_counted(LogReader(open_log(io.BytesIO(other.encode()))), ranges, put_back_limit=1 << 20)
        assert (skipped.known, skipped.same_lines) == (Known.DIFFERS, same)
    no_digests = [CountedRange(batch.start, batch.end, batch.digest)]  # recorded before 0128: which line, unknown
    longer = ((COMBINED + "\n") * 3 + COMMON + "\n" + JUNK + "\n" * 9).encode()
    skipped = skip_counted(LogReader(open_log(io.BytesIO(longer))), no_digests, put_back_limit=1 << 20)
    assert (skipped.known, skipped.same_lines) == (Known.DIFFERS, 0)  # the lines before the range: none
