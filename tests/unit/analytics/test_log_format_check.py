"""`logformat.check_format`: whether a log's first lines are in the chosen format, and which other they are in;
`ledger.skip_counted`'s count of the lines a log shares with a counted one it is not."""

from __future__ import annotations

import io

from blogster_cli.analytics.ledger import CountedRange, Known, LogReader, batches, open_log, skip_counted
from blogster_cli.analytics.logformat import FormatCheck, LogFormat, check_format

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
    # a combined line is a common one too: combined is named, being first
    assert check_format([COMBINED], LogFormat.NGINX_JSON).looks_like is LogFormat.COMBINED
    assert check_format([JUNK, "  ", "\n"], LogFormat.COMMON) == FormatCheck(1, False, None, JUNK)
    assert check_format([], LogFormat.COMMON) == FormatCheck(0, False, None, "")


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
