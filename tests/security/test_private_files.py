"""Issue 8.2: files holding account data or secrets are private from their first byte.

Another OS user who opens a file while it is being written keeps reading it after a
later chmod, so checking the final mode is not enough. These tests run with umask 0
(where a naive open makes 0666 files and 0777 folders) and watch every file the code
opens for writing and every folder it creates: at each later file event (open, chmod,
rename) each watched file must already be 0600, and each folder is created 0700.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser

_watch: dict | None = None  # root, files (watched paths), problems, busy (re-entry guard)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT
_CHECK_EVENTS = {"open", "os.chmod", "os.rename", "os.replace", "os.remove", "os.mkdir"}


def _start_watch(root: Path) -> dict:
    global _watch
    _watch = {"root": str(root), "files": set(), "problems": [], "busy": False}
    return _watch


def _check_files(watch: dict) -> None:
    for name in sorted(watch["files"]):
        try:
            mode = os.lstat(name).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) and mode & 0o077:
            watch["problems"].append(f"{name} existed with mode {mode & 0o777:o}")


def _audit(event: str, args: tuple) -> None:
    watch = _watch
    if watch is None or watch["busy"] or event not in _CHECK_EVENTS:
        return
    watch["busy"] = True
    try:
        _check_files(watch)
        if not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.abspath(os.fsdecode(os.fspath(args[0])))
        if not path.startswith(watch["root"]):
            return
        if event == "os.mkdir" and args[1] & 0o077 and not os.path.exists(path):
            watch["problems"].append(f"{path} created with mode {args[1]:o}")
        if event == "open":
            mode, flags = args[1], args[2]
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags or 0) & _WRITE_FLAGS:
                watch["files"].add(path)
    finally:
        watch["busy"] = False


sys.addaudithook(_audit)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[dict]:
    """Watches file creation under tmp_path with umask 0; fails the test on any exposure."""
    global _watch
    old_umask = os.umask(0)
    watch = _start_watch(tmp_path)
    try:
        yield watch
    finally:
        _watch = None
        os.umask(old_umask)
    _check_files(watch)
    assert watch["problems"] == []


def assert_private_tree(root: Path) -> None:
    """Every file below `root` is 0600 and every folder 0700."""
    for folder, dirnames, filenames in os.walk(root):
        for name in dirnames:
            assert stat.S_IMODE(os.lstat(Path(folder, name)).st_mode) == 0o700, Path(folder, name)
        for name in filenames:
            assert stat.S_IMODE(os.lstat(Path(folder, name)).st_mode) == 0o600, Path(folder, name)


def test_backup_and_its_partial_are_private_from_the_first_byte(db, make_user, watched, tmp_path):
    from blogster_cli.services import backup

    make_user()
    (tmp_path / "backups").mkdir(mode=0o700)  # a folder that does not exist is refused, never made
    target = tmp_path / "backups" / "all.blogster-backup"
    backup.backup(db, path=target)
    assert any(name.endswith(".partial") for name in watched["files"])  # the watch saw the partial
    assert_private_tree(tmp_path / "backups")


def test_account_export_is_private(db, make_user, watched, tmp_path):
    from blogster_cli.services import account_export, blogs

    acting = ActingUser(db, make_user())
    blogs.create(acting, new=blogs.NewBlog(title="A private draft", markdown="Not for other OS users."))
    account_export.export_account(acting, directory=tmp_path / "export" / "mine")
    assert list((tmp_path / "export" / "mine" / "posts").rglob("*.md"))
    assert (tmp_path / "export" / "mine" / "account.json").exists()
    assert stat.S_IMODE((tmp_path / "export").stat().st_mode) == 0o700
    assert_private_tree(tmp_path / "export")


def test_config_file_and_its_folder_are_private(watched, tmp_path, monkeypatch):
    from blogster_cli import config

    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path / "fresh-home"))
    config.write_setting("default", "database_url", "postgresql://u:secret@db.example/blog")
    config.write_setting("default", "timezone", "Europe/Paris")
    assert config.config_path().exists()
    assert_private_tree(tmp_path / "fresh-home")


def test_credentials_file_and_its_folder_are_private(watched, tmp_path, monkeypatch):
    from blogster_cli.credentials import CredentialStore, credentials_file

    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path / "fresh-home"))
    store = CredentialStore("default")
    store.set("session", "token-1")
    store.set("password", "pw-2")
    assert credentials_file().exists() and store.get("session") == "token-1"
    assert_private_tree(tmp_path / "fresh-home")


def test_the_watch_catches_a_naive_write(tmp_path):
    """The watch itself can fail: a plain write_text under umask 0 is reported."""
    global _watch
    old_umask = os.umask(0)
    watch = _start_watch(tmp_path)
    try:
        (tmp_path / "naive.partial").write_text("secret")
        os.chmod(tmp_path / "naive.partial", 0o600)
    finally:
        _watch = None
        os.umask(old_umask)
    assert watch["problems"] and "naive.partial" in watch["problems"][0]


def test_images_add_stores_the_picture_privately(db, make_user, watched, tmp_path, monkeypatch):
    """A stored picture of a draft is account data: 0600 in a 0700 media folder from the first byte."""
    from blogster_cli.services import blogs, images

    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path / "fresh-home"))
    acting = ActingUser(db, make_user())
    blogs.create(acting, new=blogs.NewBlog(title="Unreleased", markdown="Not yet."))
    picture = tmp_path / "picture.png"
    with os.fdopen(os.open(picture, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    image = images.add(acting, blog_ref="unreleased", source=picture)
    assert (tmp_path / "fresh-home" / "media" / image.path).read_bytes() == picture.read_bytes()
    assert_private_tree(tmp_path / "fresh-home" / "media")


def test_account_export_copies_pictures_privately(db, make_user, watched, tmp_path, monkeypatch):
    """The pictures an account export copies beside its posts are 0600 too."""
    from blogster_cli.services import account_export, blogs, images

    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path / "fresh-home"))
    acting = ActingUser(db, make_user())
    blogs.create(acting, new=blogs.NewBlog(title="Unreleased", markdown="Not yet."))
    picture = tmp_path / "picture.png"
    with os.fdopen(os.open(picture, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + b"\x01" * 32)
    images.add(acting, blog_ref="unreleased", source=picture)
    account_export.export_account(acting, directory=tmp_path / "export" / "mine")
    assert list((tmp_path / "export" / "mine" / "posts" / "static" / "images").iterdir())
    assert_private_tree(tmp_path / "export")
