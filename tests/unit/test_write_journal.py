"""private_files.replace_whole and WriteJournal: the pieces `export` and `site build` write folders with."""

from __future__ import annotations

import errno
import os

import pytest

from blogster_cli.private_files import WriteJournal, replace_whole


def test_replace_whole_writes_over_a_link_and_a_leftover_partial_and_leaves_nothing_on_error(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not to be touched\n")
    target = tmp_path / "page.html"
    target.symlink_to(elsewhere)
    partial = tmp_path / ".page.html.partial"
    partial.write_text("half of a killed run's")
    replace_whole(target, b"new\n", partial=partial, mode=0o600)
    assert not target.is_symlink() and target.read_bytes() == b"new\n" and (target.stat().st_mode & 0o777) == 0o600
    assert elsewhere.read_text() == "not to be touched\n" and not partial.exists()

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        replace_whole(target, b"newer\n")
    assert target.read_bytes() == b"new\n" and [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_journal_cut_short_keeps_its_whole_records_and_runs_on(tmp_path):
    path = tmp_path / ".blogster-site.pending"
    journal = WriteJournal(path)
    journal.add("a/index.html", "aa")
    journal.add("line\nbreak.html", "bb")
    journal.add("a/index.html", "cc")
    journal.close()
    path.write_bytes(path.read_bytes() + b'\n["b/index.html", "d')  # a kill or a full disk, mid-record
    again = WriteJournal(path)
    again.add("c.html", "ee")  # the next run appends after the cut record, not onto it
    again.close()
    path.write_bytes(path.read_bytes() + b'\n{"x": 1}\n[1, 2]\n["only one"]')
    assert WriteJournal.read(path) == {"a/index.html": {"aa", "cc"}, "line\nbreak.html": {"bb"}, "c.html": {"ee"}}
    again.finish()
    assert not path.exists() and WriteJournal.read(path) == {}
    again.finish()  # nothing to remove: fine
