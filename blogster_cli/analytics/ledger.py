"""What of a log was counted already: a log known by its content, read in line-aligned batches.

A log is identified by the SHA-256 of its bytes up to the end of its first request line (most
logs: their first line), not by its name or inode: rotation renames and compresses logs, and
`access.log.1.gz` is the same text as yesterday's `access.log`, while two logs that open with the
same blank line, banner or `#Fields:` header are told apart by their first request. Offsets
count bytes of that text (after gunzip). Each counted batch is recorded as (start, end, SHA-256 of
its bytes, a CRC-32 of each of its lines but blank ones); a re-run reads the recorded ranges again and
compares hashes, so a log that grew (or its rotated copy) resumes after what was counted, a copy that
ends inside a range (a .gz cut short) is checked line by line, and identical lines are never merged.

Anyone can make two logs open with the same request (one request to two sites in the same second
after rotation): a log whose bytes differ from those counted under its key is another log, known by
its bytes through its first line that differs (`Skipped.other_key`), and counted as a log of its own.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

READ_SIZE = 1 << 20
HEAD_LIMIT = 64 << 10
# No server writes a request line this long; a longer one (a gzip bomb is one line of zeros) is
# read through in pieces and kept as its first CUT_LINE_KEPT bytes, which count as malformed.
MAX_LINE_BYTES = 1 << 20
CUT_LINE_KEPT = 1 << 10
GZIP_MAGIC = b"\x1f\x8b"
LINE_DIGEST_SIZE = 4
BYTES_PER_LINE_DIGEST = 32
FEWEST_LINE_DIGESTS = 256
"""A range keeps at most one line digest for each BYTES_PER_LINE_DIGEST of its bytes (a request line of
any format is longer), or FEWEST_LINE_DIGESTS: one with more lines than that (lines of junk) keeps none
and is checked whole, so the digests stay under an eighth of the log whatever its lines."""
HELD_RANGE_BYTES = 16 << 20
"""The longest counted range `skip_counted` holds, to compare its lines only if its hash differs (a batch
of `analytics ingest` is no longer): a longer one (a cut line) is compared line by line as it is read."""
_BLANK_RUNS = re.compile(rb"\n\n+")
_BLANK_LINES = re.compile(rb"\n+")
_ZERO_DIGESTS = re.compile(rb"(?:\x00\x00\x00\x00)+")


@dataclass(frozen=True)
class CountedRange:
    """Bytes [start, end) of a log, counted by an earlier run; digest is their SHA-256 (hex)."""

    start: int
    end: int
    digest: str
    line_digests: bytes | None = None
    """`line_digests` of its bytes; None for a range recorded before they were (migration 0128) or with
    too many lines to keep them. Earlier releases kept a 0 (the CRC-32 of nothing) for each blank line."""


@dataclass(frozen=True)
class FileKeys:
    """The keys a log may be recorded under: `current`, which a new log gets, then `earlier`, the forms
    of earlier releases (a log recorded under one of them stays there, so it is never counted again)."""

    current: str
    earlier: tuple[str, ...] = ()

    def all(self) -> list[str]:
        return [self.current, *self.earlier]


@dataclass(frozen=True)
class Batch:
    """Complete lines of a log, bytes [start, end), committed together with their ledger row.
    `data` is those bytes, except for a line cut to its head (`MAX_LINE_BYTES`); `digest` is
    always the SHA-256 of all of them."""

    start: int
    end: int
    data: bytes
    digest: str
    line_digests: bytes | None
    """`line_digests` of all its bytes (a cut line's too): None when they are too many to keep."""


class Known(StrEnum):
    """How a log relates to what was counted before."""

    NEW = "new"  # never seen: counted from its first byte
    RESUMED = "resumed"  # its counted ranges match: counted from where they end
    COUNTED = "counted"  # nothing new: all of it (or a longer copy of it) was counted
    DIFFERS = "differs"  # same key, other bytes later: another log (refused when it cannot be read again)


@dataclass(frozen=True)
class Skipped:
    """What `skip_counted` found. `other_key`, when the log differs and was put back to its first byte:
    the SHA-256 of its bytes through its first line that is not the counted log's, the key it is
    known by as a log of its own (the same in every run, however far it has grown)."""

    known: Known
    other_key: str | None = None
    same_lines: int = 0
    """With `other_key`: how many of its first lines are the counted log's (the bytes before its first
    line that differs; all those before the range, when the range has no line digests)."""


def line_digest_limit(size: int) -> int:
    """How many line digests a range of `size` bytes keeps at most (with more lines, none)."""
    return max(FEWEST_LINE_DIGESTS, size // BYTES_PER_LINE_DIGEST)


def line_digests(data: bytes) -> bytes | None:
    """The CRC-32 of each line of `data` but blank ones (without its newline; a last line without one too),
    4 bytes each, little-endian: what tells whether a shorter copy's lines are the counted ones. A checksum,
    not a hash, is enough: a copy's every line there must match, and an outside party writes only its own
    lines. Blank lines count for nothing and leave no digest (data of blank lines only: one 0, a blank
    line's, since the column is never empty). None when the lines are more than `line_digest_limit`: the
    range is then checked whole, as one recorded before line digests.

    The lines are split into a list only once they are known to be at most the limit: a batch of blank or
    very short lines holds millions of them."""
    limit = line_digest_limit(len(data))
    if data.count(b"\n") > limit:
        data = _BLANK_RUNS.sub(b"\n", data)
        if data.count(b"\n") > limit + 1:  # a blank first line and a last newline aside
            return None
    digests = array("I", map(zlib.crc32, filter(None, data.split(b"\n"))))
    if len(digests) > limit:
        return None
    if not digests:
        return bytes(LINE_DIGEST_SIZE)
    if sys.byteorder != "little":
        digests.byteswap()
    return digests.tobytes()


class Gunzipped:
    """The text of a gzip stream. One cut short (a partial copy or download: zcat's "unexpected end of
    file") ends where its data does, with `ended_early` set, so what was read can still be counted; one
    that ends before any of its text (a header cut short), or whose data is no deflate stream or fails
    its CRC, is no readable gzip file: `gzip.BadGzipFile` (an OSError, one line for the caller)."""

    def __init__(self, stream: BinaryIO):
        self._gzip = gzip.GzipFile(fileobj=stream, mode="rb")
        self._text_read = False
        self.ended_early = False

    def read(self, size: int) -> bytes:
        """Up to `size` bytes; in pieces, since a read that hits the cut drops what it had gathered."""
        chunks, have = [], 0
        try:
            while have < size and not self.ended_early:
                piece = self._gzip.read1(size - have)
                if not piece:
                    break
                chunks.append(piece)
                have += len(piece)
        except EOFError:
            if not (self._text_read or chunks):
                raise gzip.BadGzipFile("not a readable gzip file (it ends before any of its text)") from None
            self.ended_early = True
        except (zlib.error, gzip.BadGzipFile) as exc:  # zlib's: garbage after a gzip header
            raise gzip.BadGzipFile(f"not a readable gzip file ({exc})") from None
        self._text_read = self._text_read or bool(chunks)
        return b"".join(chunks)


def open_log(stream: BinaryIO) -> BinaryIO | Gunzipped:
    """The log's text as bytes, gunzipped when the stream is gzip (whatever the file is called)."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[type-var]
    if stream.peek(2)[:2] == GZIP_MAGIC:
        return Gunzipped(stream)
    return stream


class LogReader:
    """Reads a binary stream by byte offset, with bytes that can be pushed back."""

    def __init__(self, stream: BinaryIO | Gunzipped):
        self._stream = stream
        self._pending = b""
        self.offset = 0

    @property
    def ended_early(self) -> bool:
        """Whether the log is a gzip stream cut short (its last, unfinished line is never taken)."""
        return isinstance(self._stream, Gunzipped) and self._stream.ended_early

    def read(self, size: int) -> bytes:
        """Up to `size` bytes; fewer only at the end of the log."""
        chunks, have = [self._pending], len(self._pending)
        while have < size:
            piece = self._stream.read(max(size - have, READ_SIZE))
            if not piece:
                break
            chunks.append(piece)
            have += len(piece)
        data = b"".join(chunks)
        self._pending = data[size:]
        self.offset += min(size, len(data))
        return data[:size]

    def unread(self, data: bytes) -> None:
        self._pending = data + self._pending
        self.offset -= len(data)

    def peek(self, size: int) -> bytes:
        """Up to `size` bytes from the offset, left to be read again (held in memory meanwhile)."""
        data = self.read(size)
        self.unread(data)
        return data

    def file_keys(self, request_tests: Sequence[Callable[[bytes], bool]]) -> FileKeys | None:
        """The log's keys, read from its head without consuming it; None for an empty log.

        The current key hashes the bytes through the first line that any of `request_tests` (one for
        each log format) parses (only the first line, when it is one): a blank line, banner or header
        many logs open with is no name, and the format the log is read in changes nothing. A head
        without a request (still being written, or in no format) is known by its first line, as
        earlier releases knew every log. A line the log ends on without its newline, which `batches`
        counts when whole, is hashed as if terminated, so the key stays when the newline comes.
        Earlier releases found the first request with the chosen format's parser alone, hashed such a
        one-line log without its newline, and knew a log by its first line: those forms are `earlier`.
        """
        head = self.read(HEAD_LIMIT)
        self.unread(head)
        if not head:
            return None
        whole_log = len(head) < HEAD_LIMIT
        first_end = head.find(b"\n") + 1
        if not first_end:
            if not whole_log:  # a first line longer than the head: the head names it
                return FileKeys(_sha256(head))
            return FileKeys(_sha256(head + b"\n"), (_sha256(head),))
        request_ends = [_first_request_end(head, test, whole_log=whole_log) for test in request_tests]
        any_format_end = min((end for end in request_ends if end is not None), default=None)
        keys: list[str] = []
        for request_end in (any_format_end, *request_ends):
            if request_end is None or request_end == first_end:
                key = _sha256(head[:first_end])
            else:
                key = _sha256(head[:request_end] if head[request_end - 1 : request_end] == b"\n" else head + b"\n")
            if key not in keys:
                keys.append(key)
        for key in (_sha256(head[:first_end]), _sha256(head[: first_end - 1])):
            if key not in keys:
                keys.append(key)
        return FileKeys(keys[0], tuple(keys[1:]))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _first_request_end(head: bytes, is_request: Callable[[bytes], bool], *, whole_log: bool) -> int | None:
    """Where the first line of `head` that `is_request` parses ends (after its newline, or at the end of
    a whole log's unterminated last line); None when no complete line in it parses."""
    start = 0
    while start < len(head):
        newline = head.find(b"\n", start)
        if newline < 0:
            return len(head) if whole_log and is_request(head[start:]) else None
        if is_request(head[start:newline]):
            return newline + 1
        start = newline + 1
    return None


def skip_counted(reader: LogReader, counted: Sequence[CountedRange], *, put_back_limit: int = 0) -> Skipped:
    """Read past the ranges counted before (in order from 0), checking that the bytes are the same.

    A log that ends inside a range is checked line by line: it was counted when each of its complete
    lines there is the counted one (a last line still being written is no line yet; blank lines count for
    nothing). A log whose bytes differ is another one: when at most `put_back_limit` bytes were read, those
    are put back (the reader is at offset 0 again) and `other_key` names it, so that the caller can read it
    as a log of its own; else it is refused.
    """
    kept: list[bytes] | None = [] if put_back_limit else None
    for counted_range in counted:
        if counted_range.start != reader.offset:
            break
        digests = counted_range.line_digests
        check = None if digests is None else _LineCheck(digests, counted_range.start)
        digest, size = hashlib.sha256(), counted_range.end - counted_range.start
        # Its lines are compared only when its hash differs, from its bytes held meanwhile; those of a
        # longer range (a cut line of any length, `MAX_LINE_BYTES`) as they are read.
        held: list[bytes] | None = [] if check is not None and size <= HELD_RANGE_BYTES else None
        left = size
        while left:  # in pieces: a range may hold a cut line of any length
            piece = reader.read(min(left, READ_SIZE))
            if not piece:
                break
            digest.update(piece)
            if held is not None:
                held.append(piece)
            elif check is not None:
                check.update([piece])
            left -= len(piece)
            if kept is not None and reader.offset <= put_back_limit:
                kept.append(piece)
            else:
                kept = None
        if not left and digest.hexdigest() == counted_range.digest:
            continue
        if left == size:  # the log ends where the range starts: every byte of it was checked
            return Skipped(Known.COUNTED)
        if check is None:  # no line digests: only the whole range tells
            if left:
                return Skipped(Known.DIFFERS)
            differs_at: int | None = counted_range.end
        else:
            check.update(held or [])
            differs_at = check.differs_at
            if differs_at is None and not left:  # its lines are the counted ones, yet its bytes are not
                differs_at = counted_range.end
        if differs_at is None:
            return Skipped(Known.COUNTED)
        if kept is None:
            return Skipped(Known.DIFFERS)
        read = b"".join(kept)
        reader.unread(read)
        same_until = (
            counted_range.start if counted_range.line_digests is None else read.rfind(b"\n", 0, differs_at - 1) + 1
        )
        return Skipped(Known.DIFFERS, _sha256(read[:differs_at]), read.count(b"\n", 0, same_until))
    return Skipped(Known.RESUMED if reader.offset else Known.NEW)


class _LineCheck:
    """A log's bytes from a counted range's start, compared line by line with the range's line digests as
    they come: `differs_at` is where its first complete line that is not the counted one there ends.

    Blank lines count for nothing: a run of them takes the 0 digests that earlier releases kept for blank
    lines there, as many as it has, and is passed over where there are none. A line beyond the digests differs.
    """

    def __init__(self, line_digests: bytes, start: int):
        self._digests = line_digests
        self._next = 0  # byte index of the next digest
        self._crc = 0  # of the line read so far
        self._in_line = False  # bytes of a line read, its newline not yet
        self._offset = start
        self.differs_at: int | None = None

    def update(self, pieces: Sequence[bytes]) -> None:
        for piece in pieces:
            if self.differs_at is None:
                self._compare(piece)
            self._offset += len(piece)

    def _compare(self, data: bytes) -> None:
        view, position = memoryview(data), 0
        while position < len(data):
            if not self._in_line and (blank := _BLANK_LINES.match(data, position)):
                end = min(len(self._digests), self._next + LINE_DIGEST_SIZE * (blank.end() - position))
                if zeros := _ZERO_DIGESTS.match(self._digests, self._next, end):
                    self._next = zeros.end()
                position = blank.end()
                continue
            newline = data.find(b"\n", position)
            if newline < 0:
                self._crc, self._in_line = zlib.crc32(view[position:], self._crc), True
                return
            self._crc = zlib.crc32(view[position:newline], self._crc)
            expected = self._digests[self._next : self._next + LINE_DIGEST_SIZE]
            if len(expected) < LINE_DIGEST_SIZE or struct.unpack("<I", expected)[0] != self._crc:
                self.differs_at = self._offset + newline + 1
                return
            self._next += LINE_DIGEST_SIZE
            self._crc, self._in_line = 0, False
            position = newline + 1


def batches(reader: LogReader, batch_bytes: int, is_whole_line: Callable[[bytes], bool]) -> Iterator[Batch]:
    """Line-aligned batches of about `batch_bytes` from the reader's offset.

    A last line without a newline is taken only when `is_whole_line` says it parses: a server may
    still be writing it, and the next run reads it whole.
    """
    while True:
        start = reader.offset
        data = reader.read(batch_bytes)
        if data and b"\n" not in data:  # one line longer than a batch: read on in pieces, joined once
            pieces, size = [data], len(data)
            while size <= MAX_LINE_BYTES and (more := reader.read(batch_bytes)):
                pieces.append(more)
                size += len(more)
                if b"\n" in more:
                    break
            data = b"".join(pieces)
        if b"\n" not in data and len(data) > MAX_LINE_BYTES:
            cut_line = _cut_line(reader, start, data)
            if cut_line is None:
                return  # unfinished at the end of the log: the next run reads it again
            yield cut_line
            continue
        cut = data.rfind(b"\n") + 1
        tail = data[cut:]
        last = False
        if tail:
            reader.unread(tail)
            data = data[:cut]
            if _at_end(reader, len(tail)):
                last = True
                if not reader.ended_early and is_whole_line(tail):
                    data += reader.read(len(tail))
        if data:
            yield Batch(start, start + len(data), data, hashlib.sha256(data).hexdigest(), line_digests(data))
        if last or not data:
            return


def _cut_line(reader: LogReader, start: int, head: bytes) -> Batch | None:
    """The line from `start`, of which `head` (no newline) was read, read through its newline in
    pieces and kept as its first CUT_LINE_KEPT bytes; None when the log ends first."""
    digest, line_crc, end = hashlib.sha256(head), zlib.crc32(head), start + len(head)
    while piece := reader.read(READ_SIZE):
        newline = piece.find(b"\n") + 1
        if newline:
            digest.update(piece[:newline])
            line_crc = zlib.crc32(piece[: newline - 1], line_crc)
            reader.unread(piece[newline:])
            data = head[:CUT_LINE_KEPT] + b"\n"
            return Batch(start, end + newline, data, digest.hexdigest(), struct.pack("<I", line_crc))
        digest.update(piece)
        line_crc = zlib.crc32(piece, line_crc)
        end += len(piece)
    return None


def _at_end(reader: LogReader, tail_size: int) -> bool:
    """Whether the pushed-back tail (tail_size bytes) is all that is left of the log."""
    probe = reader.read(tail_size + 1)
    reader.unread(probe)
    return len(probe) == tail_size
