"""A sync reads each file it imports as a post once: the pictures it links to and a first run's
dialect come from what the import read (`bench/bench_sync.py --posts 3000`: the first sync took
4.46 s instead of 3.25 s once sync stored pictures, its files that may link to one parsed again)."""

from __future__ import annotations

import struct
import zlib

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import imports
from blogster_cli.services import sync as sync_service

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out


def png(colour: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, colour, colour, colour]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_the_files_a_sync_imports_are_not_read_again_for_their_pictures_or_dialect(
    db, make_user, tmp_path, monkeypatch
):
    acting = ActingUser(db, make_user())
    site = tmp_path / "site"
    for number in range(3):
        bundle = site / "content" / "posts" / f"p{number}"
        bundle.mkdir(parents=True)
        (bundle / "index.md").write_text(f"---\ntitle: P{number}\ncover: cover.png\n---\nSee ![d](diagram.png).\n")
        (bundle / "diagram.png").write_bytes(png(number))
        (bundle / "cover.png").write_bytes(png(100 + number))
    (site / "content" / "posts" / "plain.md").write_text("---\ntitle: Plain\n---\nNo picture.\n")
    read_again: list[str] = []
    reading = imports.read_post_file

    def counted(source, **options):
        read_again.append(source.label)
        return reading(source, **options)

    monkeypatch.setattr(imports, "read_post_file", counted)
    first = sync_service.sync_folder(acting, directory=site)
    assert first.counts["imported"] == 4 and first.pictures == 6 and first.dialect == "hugo"
    assert read_again == []

    (site / "content" / "posts" / "p1" / "index.md").write_text("---\ntitle: P1\n---\nNow ![d](diagram.png) only.\n")
    changed = sync_service.sync_folder(acting, directory=site)
    assert [(file.path, file.action) for file in changed.files] == [("content/posts/p1/index.md", "updated")]
    assert read_again == []
