"""`analytics ingest` of a log of blank lines (red team 32): a 0.5 MB .gz of them took 257 s, 1 GB of memory
and stored 2 GB of line digests (4 bytes a blank line). Blank lines now leave no digest, and the digests
earlier releases stored for them are not read (every run of that log read them all)."""

from __future__ import annotations

import gzip
import struct
import zlib

import pytest

from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import analytics as analytics_rows
from blogster_cli.services.analytics_ingest import ingest
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import DAY, figures, line

author = base.author
BATCH = 256 << 10


def ranges(superuser, acting) -> list[tuple[str, int, int, int | None]]:
    return superuser.execute(
        "select file_key, start_offset, end_offset, octet_length(line_digests) from analytics_ingest_ranges"
        " where author_id = %s order by start_offset",
        (acting.actor.user_id,),
    ).fetchall()


def earlier_release_digests(data: bytes) -> bytes:
    """`line_digests` as releases since 0128 wrote them: a CRC-32 of every line, 0 for a blank one."""
    lines = data.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return struct.pack(f"<{len(lines)}I", *map(zlib.crc32, lines))


def blank_log() -> bytes:
    first, last = line("10.0.0.1", "10:00:00", "/posts/alpha/"), line("10.0.0.2", "10:05:00", "/posts/alpha/")
    return (first + "\n" * (2 << 20) + last).encode()


@pytest.mark.same_on_every_server  # reading the log is Python's: CI's second pass leaves it out
def test_blank_lines_leave_no_line_digests(author, superuser, tmp_path):
    acting = author()
    data = blank_log()
    log = tmp_path / "blank.log.gz"
    log.write_bytes(gzip.compress(data))
    run = ingest(acting, sources=[str(log)], batch_bytes=BATCH)
    assert (run.lines, run.page_views) == (2, 2)
    rows = ranges(superuser, acting)
    assert len(rows) >= 8 and rows[-1][2] == len(data)
    assert [size for *_, size in rows] == [4] * len(rows)  # the request's CRC, or one 0 for blank lines only
    assert ingest(acting, sources=[str(log)], batch_bytes=BATCH).files[0].known == "counted"
    cut = tmp_path / "cut.log.gz"  # a copy cut short inside a range of blank lines: counted already
    cut.write_bytes(gzip.compress(data[: len(data) // 2]))
    assert ingest(acting, sources=[str(cut)], batch_bytes=BATCH).files[0].known == "counted"
    assert figures(superuser, acting)[("alpha", DAY)][0] == 2


def test_digests_of_earlier_releases_are_read_as_they_were_unless_far_too_many(author, superuser, tmp_path):
    """A range whose digests of an earlier release are no more than a range keeps now (a 0 for a blank line
    among requests) reads them as they were; a batch of blank lines (64 MiB of 0s for 16 MiB) is checked
    whole, as a range recorded before line digests, instead of being read on every run."""
    acting = author()
    requests = "".join(
        line(f"10.0.{n // 250}.{n % 250}", "11:00:00", "/posts/beta/") + "\n" * (n % 5 == 0) for n in range(2500)
    )
    data = requests.encode() + blank_log()
    log = tmp_path / "access.log"
    log.write_bytes(data)
    ingest(acting, sources=[str(log)], batch_bytes=BATCH)
    rows = ranges(superuser, acting)
    earlier = [earlier_release_digests(data[start:end]) for _, start, end, _ in rows]
    for (_, start, _, _), digests in zip(rows, earlier, strict=True):
        superuser.execute(
            "update analytics_ingest_ranges set line_digests = %s where author_id = %s and start_offset = %s",
            (digests, acting.actor.user_id, start),
        )
    with unit_of_work(acting) as conn:
        [counted] = analytics_rows.counted_ranges(conn, file_keys=[rows[0][0]]).values()
    assert counted[0].line_digests == earlier[0] and earlier[0].count(bytes(4)) >= 300
    assert len(counted) >= 9 and [r.line_digests for r in counted[1:]] == [None] * (len(counted) - 1)
    # the whole log still reads as counted; a copy cut inside the first range is checked line by line
    assert ingest(acting, sources=[str(log)], batch_bytes=BATCH).files[0].known == "counted"
    cut = tmp_path / "cut.log"
    cut.write_bytes(data[: rows[0][2] // 2])
    assert ingest(acting, sources=[str(cut)], batch_bytes=BATCH).files[0].known == "counted"
