"""`replace_whole(overwrite=False)` (`calendar export` without --force): puts a new file in place
whole, never over anything already at the name, also where the file system has no hard links."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from blogster_cli.private_files import replace_whole


def _no_hard_links(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_new_name_is_written_and_a_taken_one_left_alone(tmp_path: Path, monkeypatch, hard_links: bool) -> None:
    if not hard_links:
        monkeypatch.setattr(os, "link", _no_hard_links)
    (folder := tmp_path / "out").mkdir()  # tmp_path holds the test's home too
    partial = folder / ".plan.ics.tmp"
    replace_whole(folder / "plan.ics", b"new", partial=partial, overwrite=False)
    assert (folder / "plan.ics").read_bytes() == b"new"
    (folder / "dangling").symlink_to(folder / "nowhere")
    for taken in (folder / "plan.ics", folder / "dangling"):
        with pytest.raises(FileExistsError):
            replace_whole(taken, b"newer", partial=partial, overwrite=False)
    assert (folder / "plan.ics").read_bytes() == b"new" and not (folder / "nowhere").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["dangling", "plan.ics"]  # no partial left
