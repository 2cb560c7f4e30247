"""What of a log was counted already: a log known by its content, read in line-aligned batches.

A log is identified by the SHA-256 of its first line, not by its name or inode: rotation renames
and compresses logs, and `access.log.1.gz` is the same text as yesterday's `access.log`. Offsets
count bytes of that text (after gunzip). Each counted batch is recorded as (start, end, SHA-256 of
its bytes); a re-run reads the recorded ranges again and compares hashes, so a log that grew (or
its rotated copy) resumes after what was counted, and identical lines are never merged.
"""

from __future__ import annotations

import gzip
import hashlib
import io
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


@dataclass(frozen=True)
class CountedRange:
    """Bytes [start, end) of a log, counted by an earlier run; digest is their SHA-256 (hex)."""

    start: int
    end: int
    digest: str


@dataclass(frozen=True)
class Batch:
    """Complete lines of a log, bytes [start, end), committed together with their ledger row.
    `data` is those bytes, except for a line cut to its head (`MAX_LINE_BYTES`); `digest` is
    always the SHA-256 of all of them."""

    start: int
    end: int
    data: bytes
    digest: str


class Known(StrEnum):
    """How a log relates to what was counted before."""

    NEW = "new"  # never seen: counted from its first byte
    RESUMED = "resumed"  # its counted ranges match: counted from where they end
    COUNTED = "counted"  # nothing new: all of it (or a longer copy of it) was counted
    DIFFERS = "differs"  # same first line, other bytes later: refused rather than counted twice


class Gunzipped:
    """The text of a gzip stream. One cut short (a partial copy or download: zcat's "unexpected end of
    file") ends where its data does, with `ended_early` set, so what was read can still be counted."""

    def __init__(self, stream: BinaryIO):
        self._gzip = gzip.GzipFile(fileobj=stream, mode="rb")
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
            self.ended_early = True
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

    def file_key(self) -> str | None:
        """SHA-256 (hex) of the first line, without consuming it; None for an empty log."""
        head = self.read(HEAD_LIMIT)
        self.unread(head)
        if not head:
            return None
        newline = head.find(b"\n")
        return hashlib.sha256(head if newline < 0 else head[: newline + 1]).hexdigest()


def skip_counted(reader: LogReader, counted: Sequence[CountedRange]) -> Known:
    """Read past the ranges counted before (in order from 0), checking that the bytes are the same."""
    for counted_range in counted:
        if counted_range.start != reader.offset:
            break
        digest, left = hashlib.sha256(), counted_range.end - counted_range.start
        while left:  # in pieces: a range may hold a cut line of any length
            piece = reader.read(min(left, READ_SIZE))
            if not piece:
                return Known.COUNTED
            digest.update(piece)
            left -= len(piece)
        if digest.hexdigest() != counted_range.digest:
            return Known.DIFFERS
    return Known.RESUMED if reader.offset else Known.NEW


def batches(reader: LogReader, batch_bytes: int, is_whole_line: Callable[[bytes], bool]) -> Iterator[Batch]:
    """Line-aligned batches of about `batch_bytes` from the reader's offset.

    A last line without a newline is taken only when `is_whole_line` says it parses: a server may
    still be writing it, and the next run reads it whole.
    """
    while True:
        start = reader.offset
        data = reader.read(batch_bytes)
        while data and b"\n" not in data and len(data) <= MAX_LINE_BYTES:  # one line longer than a batch
            more = reader.read(batch_bytes)
            if not more:
                break
            data += more
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
            yield Batch(start, start + len(data), data, hashlib.sha256(data).hexdigest())
        if last or not data:
            return


def _cut_line(reader: LogReader, start: int, head: bytes) -> Batch | None:
    """The line from `start`, of which `head` (no newline) was read, read through its newline in
    pieces and kept as its first CUT_LINE_KEPT bytes; None when the log ends first."""
    digest, end = hashlib.sha256(head), start + len(head)
    while piece := reader.read(READ_SIZE):
        newline = piece.find(b"\n") + 1
        if newline:
            digest.update(piece[:newline])
            reader.unread(piece[newline:])
            return Batch(start, end + newline, head[:CUT_LINE_KEPT] + b"\n", digest.hexdigest())
        digest.update(piece)
        end += len(piece)
    return None


def _at_end(reader: LogReader, tail_size: int) -> bool:
    """Whether the pushed-back tail (tail_size bytes) is all that is left of the log."""
    probe = reader.read(tail_size + 1)
    reader.unread(probe)
    return len(probe) == tail_size
