"""`replacing_private_file` (`write_private`): each writer its own partial, never another live writer's.

Two `images add` of one new picture at once shared `<name>.partial`: the second unlinked the first's
and wrote its own there, and the first failed renaming a partial that was gone (red team 73, F4).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

import pytest

from blogster_cli.private_files import replacing_private_file, write_private


def test_two_writers_of_one_file_at_once_both_finish(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    target = folder / "picture.png"
    with replacing_private_file(target) as first:
        first.write(b"same bytes")
        write_private(target, b"same bytes")  # another process storing the same file meanwhile
        first.write(b" and more")
    assert target.read_bytes() == b"same bytes and more"
    assert sorted(path.name for path in folder.iterdir()) == ["picture.png"]


def test_a_killed_writers_partial_goes_and_a_live_ones_stays(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    target = folder / "picture.png"
    killed = folder / "picture.png.4242-0123abcd.partial"
    older = folder / "picture.png.partial"  # an older version's
    live = folder / "picture.png.4343-89abcdef.partial"
    for path in (killed, older, live):
        path.write_bytes(b"half")
    held = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as its writer holds it while it writes
        write_private(target, b"whole")
        assert sorted(path.name for path in folder.iterdir()) == [target.name, live.name]
    finally:
        os.close(held)
    assert target.read_bytes() == b"whole"


def test_a_name_of_255_bytes_is_written(tmp_path: Path) -> None:
    """Its partial's name is shorter (an editor buffer's name comes from the post's slug)."""
    target = tmp_path / "buffers" / ("a" * 255)
    write_private(target, b"whole")
    assert target.read_bytes() == b"whole" and [path.name for path in target.parent.iterdir()] == [target.name]


def test_files_written_into_one_folder_list_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each write listed the whole folder for killed writers' partials: storing 20,000 pictures in
    media/ (a restore, an import's pictures) took 90 ms a file by the end, half an hour in all."""
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: str) -> Any:
        listed.append(os.path.abspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    killed = tmp_path / "picture.png.4242-0123abcd.partial"
    killed.write_bytes(b"half")
    for n in range(50):
        write_private(tmp_path / f"{n:064x}.png", b"whole")
    write_private(tmp_path / "picture.png", b"whole")
    assert listed.count(os.path.abspath(tmp_path)) == 1
    assert not killed.exists() and (tmp_path / "picture.png").read_bytes() == b"whole"
