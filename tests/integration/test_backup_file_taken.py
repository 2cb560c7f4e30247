"""`db backup FILE` never replaces a FILE it did not find missing, even one that appears while it runs:
the complete backup is linked into place (link(2) fails on an existing name) rather than renamed over
it, and the `.partial` it is written to is held by its run, so a second backup to the same file is
refused (exit 5) instead of writing over the first one's partial. A partial a killed run left is
replaced, and a folder is said to be one before anything else."""

from __future__ import annotations

import fcntl
import os
import tarfile

import pytest

from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.services import backup


def _partial(path):
    return path.with_name(path.name + ".partial")


def test_a_file_made_while_the_backup_ran_is_kept_and_the_backup_refused(db, make_user, tmp_path, monkeypatch):
    make_user()
    target = tmp_path / "same.blogster-backup"
    snapshot = backup._snapshot

    def then_someone_writes_the_file(*args, **kwargs):
        taken = snapshot(*args, **kwargs)
        target.write_bytes(b"the other backup's bytes")
        return taken

    monkeypatch.setattr(backup, "_snapshot", then_someone_writes_the_file)
    with pytest.raises(Conflict, match="already exists; use --force"):
        backup.backup(db, path=target)
    assert target.read_bytes() == b"the other backup's bytes"
    assert not _partial(target).exists()


def test_a_partial_another_backup_is_writing_is_left_to_it(db, make_user, tmp_path):
    make_user()
    target = tmp_path / "same.blogster-backup"
    held = os.open(_partial(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # a live run's
    try:
        os.write(held, b"half of the first backup")
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Conflict, match="another `blogster db backup` is writing"):
            backup.backup(db, path=target)
        assert _partial(target).read_bytes() == b"half of the first backup"
        assert not target.exists()
    finally:
        os.close(held)


def test_a_partial_a_killed_backup_left_is_replaced(db, make_user, tmp_path):
    make_user()
    target = tmp_path / "same.blogster-backup"
    _partial(target).write_bytes(b"what a killed run wrote")
    summary = backup.backup(db, path=target)
    assert summary.roles == 1 and not _partial(target).exists()
    with tarfile.open(target) as archive:
        assert "manifest.json" in archive.getnames()


def test_a_link_planted_at_the_partial_is_removed_not_followed(db, make_user, tmp_path):
    make_user()
    target = tmp_path / "same.blogster-backup"
    elsewhere = tmp_path / "readable-by-others"
    elsewhere.write_bytes(b"")
    os.symlink(elsewhere, _partial(target))
    backup.backup(db, path=target)
    assert elsewhere.read_bytes() == b"" and target.is_file() and not target.is_symlink()


def test_a_folder_is_said_to_be_one_first(db, tmp_path):
    with pytest.raises(InvalidInput, match="is a folder"):
        backup.backup(db, path=tmp_path)
