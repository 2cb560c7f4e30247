"""content/files.read_inside (includes, `blogster import`'s pictures): a file of a folder read through
no link, even when a folder on the way is swapped for a link while it is read (someone else writing
in a shared folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest

from blogster_cli.content import files

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no symbolic links for everyone here")


def folders(tmp_path: Path) -> tuple[Path, Path]:
    base, outside = tmp_path / "docs", tmp_path / "outside"
    (base / "sub").mkdir(parents=True)
    outside.mkdir()
    (base / "sub" / "secret.md").write_text("inside text\n", encoding="utf-8")
    (outside / "secret.md").write_text("SECRET OUTSIDE TEXT\n", encoding="utf-8")
    return base, outside


def test_a_folder_swapped_for_a_link_after_it_was_looked_at_is_not_read_through(tmp_path, monkeypatch):
    """`sub` is swapped for a link to a folder outside just before the file itself is opened: what
    is read is the file of the folder that was checked (opened from its descriptor), never the one
    outside (a read by path after checking the folders read it)."""
    base, outside = folders(tmp_path)
    swapped = []

    def open_then_swap(path, flags, *args, **kwargs):  # os.open, the folders swapped before the file's open
        if os.fspath(path).endswith("secret.md") and not swapped:
            (base / "sub").rename(base / "sub-real")
            (base / "sub").symlink_to(outside, target_is_directory=True)
            swapped.append(path)
        return os.open(path, flags, *args, **kwargs)

    proxy = SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    proxy.open = open_then_swap
    monkeypatch.setattr(files, "os", proxy)
    read = files.read_inside(base, PurePosixPath("sub/secret.md"), 1000)
    assert swapped  # the swap happened between the folder's check and the file's open
    assert read == b"inside text\n"


def test_links_and_special_files_on_the_way_are_refused_as_before(tmp_path):
    base, outside = folders(tmp_path)
    (base / "linked").symlink_to(outside, target_is_directory=True)
    (base / "sub" / "alias.md").symlink_to(base / "sub" / "secret.md")
    (base / "file").write_text("a file\n", encoding="utf-8")
    os.mkfifo(base / "sub" / "pipe.md")

    def read(path: str) -> bytes:
        return files.read_inside(base, PurePosixPath(path), 1000)

    assert read("sub/secret.md") == b"inside text\n"
    assert files.read_inside(tmp_path / "docs", PurePosixPath("sub/secret.md"), 3) == b"insi"  # limit + 1
    for path, reason in [("linked/secret.md", files.SYMLINK_REASON), ("sub/alias.md", files.SYMLINK_REASON),
                         ("sub/pipe.md", files.SPECIAL_REASON)]:  # fmt: skip
        with pytest.raises(files.NotRegularFile, match=reason):
            read(path)
    for path in ("nothing/secret.md", "sub/nothing.md", "file/secret.md"):  # a file in a folder's place: nothing
        with pytest.raises(FileNotFoundError):
            read(path)
    (tmp_path / "pointed").symlink_to(base, target_is_directory=True)  # the folder itself may be a link
    assert files.read_inside(tmp_path / "pointed", PurePosixPath("sub/secret.md"), 1000) == b"inside text\n"
