"""The ingest ledger's line digests (red team 32): blank lines cost neither memory nor digests, a range of
lines of junk keeps none, and the digests earlier releases stored (a 0 for each blank line) read as before."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics import ledger
from blogster_cli.analytics.ledger import (
    BYTES_PER_LINE_DIGEST,
    CountedRange,
    Known,
    LogReader,
    Skipped,
    batches,
    line_digest_limit,
    line_digests,
    open_log,
    skip_counted,
)

REQUEST = b'10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 9 "-" "Firefox/120"'


def reader(data: bytes) -> LogReader:
    return LogReader(open_log(io.BytesIO(data)))


def whole(line: bytes) -> bool:
    return line.endswith(b"!")


def earlier_release_digests(data: bytes) -> bytes:
    """`line_digests` as releases since 0128 wrote them: a CRC-32 of every line, 0 for a blank one."""
    lines = data.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return struct.pack(f"<{len(lines)}I", *map(zlib.crc32, lines))


def peak_bytes(call) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_batch_of_blank_lines_costs_no_memory_and_one_digest() -> None:
    """Red team 32: a 0.5 MB .gz of blank lines took 257 s, 1 GB of memory and 64 MiB of digests per batch
    (a list of 16 M lines, a CRC of each)."""
    data = REQUEST + b"\n" + b"\n" * (16 << 20)
    digests, peak = peak_bytes(lambda: line_digests(data))
    assert digests == struct.pack("<I", zlib.crc32(REQUEST))
    assert peak < 1 << 20
    assert line_digests(b"\n" * (1 << 20)) == bytes(4)  # blank lines only: one 0 (the column is never empty)


def test_a_batch_of_short_lines_keeps_no_digests_and_little_memory() -> None:
    """Lines of junk shorter than any request (a CRC is 4 bytes, twice such a line): the range keeps none
    and is checked whole, as one recorded before line digests."""
    data = b"0\n1\n2\n3\n4\n5\n6\n7\n" * (1 << 20)
    digests, peak = peak_bytes(lambda: line_digests(data))
    assert digests is None
    assert peak < 2 * len(data)


@given(st.lists(st.sampled_from([b"", b"x", b"abc!", REQUEST, REQUEST[:30], REQUEST * 3]), max_size=400))
def test_the_digests_stay_an_eighth_of_the_range(lines: list[bytes]) -> None:
    data = b"\n".join(lines) + b"\n"
    digests = line_digests(data)
    if digests is None:
        assert sum(1 for line in lines if line) > line_digest_limit(len(data))
    else:
        assert len(digests) <= max(1024, len(data) // (BYTES_PER_LINE_DIGEST // 4))
        assert len(digests) // 4 == max(1, sum(1 for line in lines if line))


def test_lines_of_requests_keep_a_digest_each_as_before() -> None:
    requests = b"".join(REQUEST[: 40 + n % 60] + b"\n" for n in range(50_000))
    assert line_digests(requests) == earlier_release_digests(requests)


def counted_as_earlier_releases(data: bytes) -> list[CountedRange]:
    return [
        CountedRange(b.start, b.end, b.digest, earlier_release_digests(b.data) if b.line_digests else None)
        for b in batches(reader(data), 1 << 20, whole)
    ]


def counted_now(data: bytes, batch_bytes: int = 1 << 20) -> list[CountedRange]:
    return [CountedRange(b.start, b.end, b.digest, b.line_digests) for b in batches(reader(data), batch_bytes, whole)]


LOG = b"first!\n\nsecond!\n\n\nthird!\nfourth!\n\nfifth!\n"


@pytest.mark.parametrize("counted_by", [counted_as_earlier_releases, counted_now], ids=["earlier", "now"])
def test_blank_lines_read_against_the_digests_of_earlier_releases_and_of_now(counted_by) -> None:
    """Earlier releases kept a 0 for each blank line: a run of blank lines takes those, so a shorter copy of
    a log with blank lines is still known as counted, and one that differs differs at the same line."""
    counted = counted_by(LOG)
    for end in range(1, len(LOG)):
        assert skip_counted(reader(LOG[:end]), counted).known is Known.COUNTED
    other = LOG.replace(b"third!", b"THIRD!")
    for copy in (other, other[: other.index(b"fourth")], other + b"more!\n"):
        skipped = skip_counted(reader(copy), counted, put_back_limit=1 << 10)
        through_third = other[: other.index(b"fourth")]
        assert skipped == Skipped(Known.DIFFERS, hashlib.sha256(through_third).hexdigest(), 5)
    # a line where the counted log had a blank one: another log from that line on
    changed = LOG.replace(b"\n\n\nthird", b"\nX!\nthird")
    skipped = skip_counted(reader(changed[:-3]), counted, put_back_limit=1 << 10)
    assert skipped == Skipped(Known.DIFFERS, hashlib.sha256(changed[: changed.index(b"third")]).hexdigest(), 3)
    # more blank lines count for nothing; fewer too, but where an earlier release kept their 0s
    assert skip_counted(reader(LOG.replace(b"\n\n", b"\n\n\n\n")[:35]), counted).known is Known.COUNTED
    fewer = skip_counted(reader(LOG.replace(b"\n\n\nthird", b"\n\nthird")[:-3]), counted, put_back_limit=1 << 10)
    assert fewer.known is (Known.DIFFERS if counted_by is counted_as_earlier_releases else Known.COUNTED)


def test_a_range_of_blank_lines_is_checked_too() -> None:
    log = b"first!\n" + b"\n" * 5000 + b"last!\n"
    counted = counted_now(log, 1000)
    assert [r.line_digests for r in counted[1:3]] == [bytes(4), bytes(4)]
    assert skip_counted(reader(log[:2500]), counted).known is Known.COUNTED
    other = log[:2500] + b"other!\n"
    skipped = skip_counted(reader(other), counted, put_back_limit=1 << 20)
    assert skipped.other_key == hashlib.sha256(other).hexdigest() and skipped.same_lines == 2494


@given(
    st.lists(st.sampled_from([b"", b"a!", b"bb!", b"ccc!", b"x" * 40 + b"!"]), min_size=1, max_size=40),
    st.integers(0, 60),
    st.sampled_from([b"", b"\n", b"zz!\n", b"a!"]),
    st.integers(1, 64),
)
def test_a_range_is_compared_alike_held_or_as_it_is_read(lines, cut, tail, piece) -> None:
    """Ranges longer than HELD_RANGE_BYTES (a cut line) are compared as they are read, others once their
    hash differs: the same answers."""
    log = b"\n".join(lines) + b"\n"
    copy = log[:cut] + tail
    counted = counted_now(log, 16)
    held = skip_counted(reader(copy), counted, put_back_limit=1 << 10)
    original = ledger.HELD_RANGE_BYTES, ledger.READ_SIZE
    ledger.HELD_RANGE_BYTES, ledger.READ_SIZE = 0, piece
    try:
        streamed = skip_counted(reader(copy), counted, put_back_limit=1 << 10)
    finally:
        ledger.HELD_RANGE_BYTES, ledger.READ_SIZE = original
    assert held == streamed
