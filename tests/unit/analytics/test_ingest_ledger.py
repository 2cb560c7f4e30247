"""The ingest ledger's pure side: a log known by its first request line, line-aligned batches, counted ranges."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import zlib

from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics.ledger import (
    CUT_LINE_KEPT,
    MAX_LINE_BYTES,
    CountedRange,
    FileKeys,
    Known,
    LogReader,
    Skipped,
    batches,
    line_digests,
    open_log,
    skip_counted,
)


def reader(data: bytes) -> LogReader:
    return LogReader(open_log(io.BytesIO(data)))


def whole(line: bytes) -> bool:
    return line.endswith(b"!")


def key(data: bytes) -> FileKeys | None:
    return reader(data).file_keys([whole])


def ranges_of(data: bytes, batch_bytes: int) -> list[CountedRange]:
    return [CountedRange(b.start, b.end, b.digest, b.line_digests) for b in batches(reader(data), batch_bytes, whole)]


@given(st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=30), st.integers(1, 64))
def test_batches_are_whole_lines_that_cover_the_log(lines: list[bytes], batch_bytes: int) -> None:
    data = b"".join(lines)
    if data.startswith(b"\x1f\x8b"):
        return  # that is a gzip stream
    parts = list(batches(reader(data), batch_bytes, whole))
    assert b"".join(p.data for p in parts) == data
    assert all(p.data.endswith(b"\n") for p in parts)
    assert [p.start for p in parts] == [sum(len(q.data) for q in parts[:i]) for i in range(len(parts))]


def test_a_last_line_without_newline_is_taken_only_when_whole() -> None:
    assert [b.data for b in batches(reader(b"a\nhalf"), 100, whole)] == [b"a\n"]
    assert [b.data for b in batches(reader(b"a\ndone!"), 100, whole)] == [b"a\ndone!"]


def test_a_grown_log_resumes_after_its_counted_ranges() -> None:
    old = b"first\nsecond\nthird\n"
    counted = ranges_of(old, 7)
    grown = reader(old + b"fourth\n")
    assert key(old + b"fourth\n") == key(old)
    assert skip_counted(grown, counted).known is Known.RESUMED
    assert [b.data for b in batches(grown, 100, whole)] == [b"fourth\n"]


def test_gzip_is_the_same_log_and_a_shorter_copy_is_counted() -> None:
    data = b"first\nsecond\nthird\n"
    counted = ranges_of(data, 100)
    zipped = reader(gzip.compress(data))
    assert zipped.file_keys([whole]) == key(data)
    assert skip_counted(zipped, counted).known is Known.RESUMED and zipped.offset == len(data)
    assert skip_counted(reader(b"first\nsec"), counted).known is Known.COUNTED


def test_other_bytes_after_the_same_first_line_differ() -> None:
    counted = ranges_of(b"first\nsecond\n", 100)
    assert skip_counted(reader(b"first\nSECOND\n"), counted).known is Known.DIFFERS
    assert skip_counted(reader(b"other\n"), []).known is Known.NEW
    assert key(b"") is None


def test_a_line_longer_than_any_log_line_is_cut_but_covered_and_checked() -> None:
    """A gzip bomb is one line of zeros: read in pieces, never held whole, its batch carries its
    head only, yet covers and hashes all of its bytes, so a re-run resumes after it and a copy
    that differs inside it is refused."""
    long_line = b"x" * (MAX_LINE_BYTES * 3) + b"\n"
    data = b"first\n" + long_line + b"last\n"
    parts = list(batches(reader(data), 4, whole))
    assert [p.end for p in parts][-1] == len(data)
    [cut] = [p for p in parts if p.end - p.start == len(long_line)]
    assert cut.data == long_line[:CUT_LINE_KEPT] + b"\n" and len(cut.data) < len(long_line)
    assert b"".join(p.data for p in parts if p is not cut) == b"first\nlast\n"
    counted = [CountedRange(p.start, p.end, p.digest, p.line_digests) for p in parts]
    assert skip_counted(grown := reader(gzip.compress(data + b"more\n")), counted).known is Known.RESUMED
    assert [b.data for b in batches(grown, 100, whole)] == [b"more\n"]
    changed = data.replace(b"xxx\n", b"xxy\n")
    assert skip_counted(reader(changed), counted).known is Known.DIFFERS


def test_a_long_unfinished_last_line_waits_for_the_next_run() -> None:
    data = b"first\n" + b"x" * (MAX_LINE_BYTES * 2)
    assert [b.data for b in batches(reader(data), 100, whole)] == [b"first\n"]


def test_a_one_line_log_keeps_its_key_when_its_newline_and_more_lines_come() -> None:
    """A whole last line without its newline is counted (`batches`); keyed as it would be without one,
    the log was new again once the newline came, and that line was counted twice."""
    first = key(b"done!")
    assert first is not None
    counted = ranges_of(b"done!", 100)
    grown = reader(b"done!\nmore!\n")
    assert grown.file_keys([whole]) == first
    assert skip_counted(grown, counted).known is Known.RESUMED
    assert [b.data for b in batches(grown, 100, whole)] == [b"\nmore!\n"]  # the blank line counts for nothing
    # the form of earlier releases (the line without its newline) is looked up too
    assert first.earlier == (hashlib.sha256(b"done!").hexdigest(),)


def test_logs_that_open_with_the_same_header_are_told_apart_by_their_first_request() -> None:
    one, two = key(b"#Fields: x\n\nfirst!\nsecond!\n"), key(b"#Fields: x\n\nother!\n")
    assert one is not None and two is not None and one.current != two.current
    # ...while a log that grows, or whose first request is still being written, keeps its key
    assert key(b"#Fields: x\n\nfirst!") == key(b"#Fields: x\n\nfirst!\nsecond!\nthird!\n") == one
    # the first-line key of earlier releases is looked up too, so a log recorded under it stays there
    assert hashlib.sha256(b"#Fields: x\n").hexdigest() in one.earlier
    # a log whose first line is a request is known by that line, as before
    assert key(b"first!\nsecond!\n") == FileKeys(
        hashlib.sha256(b"first!\n").hexdigest(), (hashlib.sha256(b"first!").hexdigest(),)
    )
    # no request yet (or another format): the first line, as before
    assert (
        key(b"#Fields: x\nhalf")
        == key(b"#Fields: x\n")
        == FileKeys(hashlib.sha256(b"#Fields: x\n").hexdigest(), (hashlib.sha256(b"#Fields: x").hexdigest(),))
    )


def test_bytes_that_differ_are_put_back_up_to_a_limit() -> None:
    counted = ranges_of(b"#h\na!\n", 100)
    other = reader(b"#h\nb!\n")
    assert skip_counted(other, counted, put_back_limit=100).known is Known.DIFFERS and other.offset == 0
    assert [b.data for b in batches(other, 100, whole)] == [b"#h\nb!\n"]
    far = reader(b"#h\nb!\n")
    assert skip_counted(far, counted, put_back_limit=3).known is Known.DIFFERS and far.offset == 6


def test_a_copy_that_ends_inside_a_range_is_checked_line_by_line() -> None:
    """Red team 28: a log that ended inside a counted range was taken as counted unread, so a second site's
    log that opens with the same request (and is shorter) was never counted."""
    counted = ranges_of(b"first!\nsecond!\nthird!\nfourth!\n", 100)
    assert skip_counted(reader(b"first!\nsecond!\nthi"), counted).known is Known.COUNTED  # a .gz cut short
    other = reader(b"first!\nother!\nthi")
    skipped = skip_counted(other, counted, put_back_limit=100)
    assert skipped.known is Known.DIFFERS and other.offset == 0
    # known by its bytes through its first line that differs, the same however far it has grown
    assert skipped.other_key == hashlib.sha256(b"first!\nother!\n").hexdigest()
    longer = reader(b"first!\nother!\nthird!\nfourth!\nfifth!\n")
    assert skip_counted(longer, counted, put_back_limit=100) == skipped
    assert skip_counted(reader(b"first!\nother!\n"), counted).known is Known.DIFFERS  # no put back: refused


def test_a_copy_that_ends_inside_a_cut_line_is_checked_too() -> None:
    long_line = b"x" * (MAX_LINE_BYTES * 2) + b"\n"
    counted = ranges_of(b"first\n" + long_line + b"last\n", 1 << 16)
    assert [r.end - r.start for r in counted] == [6, len(long_line), 5]
    assert skip_counted(reader(b"first\n" + long_line[:1000]), counted).known is Known.COUNTED
    shorter = reader(b"first\nxxx\nmore\n")
    skipped = skip_counted(shorter, counted, put_back_limit=1 << 20)
    assert skipped.other_key == hashlib.sha256(b"first\nxxx\n").hexdigest() and shorter.offset == 0


def test_ranges_without_line_digests_are_checked_whole() -> None:
    """Ranges recorded before line digests (0128): a copy ending inside one cannot be checked, and is
    refused rather than taken as counted."""
    counted = [CountedRange(r.start, r.end, r.digest) for r in ranges_of(b"first!\nsecond!\nthird!\n", 100)]
    assert skip_counted(reader(b"first!\nsecond!\nthird!\nmore!\n"), counted).known is Known.RESUMED
    assert skip_counted(reader(b"first!\nsecond!\n"), counted, put_back_limit=100) == Skipped(Known.DIFFERS)
    other = b"first!\nother!\nthird!\nmore!\n"
    skipped = skip_counted(reader(other), counted, put_back_limit=100)
    assert skipped.other_key == hashlib.sha256(other[: counted[0].end]).hexdigest()  # through the range


def test_line_digests_are_a_crc_of_each_line() -> None:
    assert line_digests(b"a\nbb\n") == struct.pack("<2I", zlib.crc32(b"a"), zlib.crc32(b"bb"))
    # blank lines count for nothing and leave no digest (earlier releases kept a 0 for each: test_ledger_digests.py)
    assert line_digests(b"a\n\nlast") == struct.pack("<2I", zlib.crc32(b"a"), zlib.crc32(b"last"))


def test_the_key_is_the_same_whatever_the_format_it_is_read_in() -> None:
    """Red team 28: `--format` chose the parser that found the first request, so one log read in two
    formats got two keys and was counted twice. The format's own key is looked up too (earlier releases)."""

    def common(line: bytes) -> bool:
        return line.startswith(b"c")

    def combined(line: bytes) -> bool:
        return line.startswith(b"cc")

    log = b"#header\nc one\ncc two\n"
    as_combined = reader(log).file_keys([combined, common])
    as_common = reader(log).file_keys([common, combined])
    assert as_combined is not None and as_common is not None
    assert as_combined.current == as_common.current == hashlib.sha256(b"#header\nc one\n").hexdigest()
    assert hashlib.sha256(log).hexdigest() in as_combined.earlier  # combined's first request, as before
