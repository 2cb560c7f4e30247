"""Every writer into the media folder holds its shared lock from storing a picture until the row
naming it is committed, as `images add` does: a clearing of a killed add's leftovers (`images add`'s
`media_files.clear_unfinished`) running meanwhile saw no committed row name the picture, and
unlinked it under the row the import or sync was about to commit."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.images import content_hash_name
from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import images as image_rows
from blogster_cli.repositories import sync as sync_rows
from blogster_cli.services import imports, media_files
from blogster_cli.services import sync as sync_service

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out


def png(shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, shade])))
        + chunk(b"IEND", b"")
    )


def killed_adds_picture(data: bytes) -> str:
    """The picture a killed `images add` stored for a row it never committed, with its marker."""
    name = content_hash_name(data)
    adding = media_files.media_dir() / media_files.ADDING
    adding.mkdir(parents=True)
    (media_files.media_dir() / name).write_bytes(data)
    (adding / f"{name}.999999999-00000000").write_bytes(b"")
    return name


def clearing_before(module, function: str, monkeypatch) -> list[bool]:
    """`module.function` preceded by a clearing (another `images add`'s): before the writer's rows
    are committed, none of them is seen by another session (no row names the picture)."""
    ran: list[bool] = []
    real = getattr(module, function)
    real_in_use = image_rows.path_in_use

    def cleared_first(*args, **kwargs):
        monkeypatch.setattr(image_rows, "path_in_use", lambda conn, *, path: False)  # as another session sees it
        try:
            media_files.clear_unfinished(None)
        finally:
            monkeypatch.setattr(image_rows, "path_in_use", real_in_use)
        ran.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, function, cleared_first)
    return ran


def stored_paths(acting: ActingUser) -> set[str]:
    with unit_of_work(acting) as conn:
        return {row[0] for row in conn.execute("select path from public.image_assets").fetchall()}


def post_with_picture(folder: Path, data: bytes) -> Path:
    bundle = folder / "content" / "posts" / "trip"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: Trip\ndate: 2024-02-03\n---\n![A view](view.png)\n")
    (bundle / "view.png").write_bytes(data)
    return folder


def test_an_import_keeps_a_picture_a_clearing_would_remove_before_its_commit(
    db, make_user, tmp_path, isolated_environment, monkeypatch
):
    acting = ActingUser(db, make_user())
    data = png(70)
    name = killed_adds_picture(data)
    cleared = clearing_before(imports, "_commit", monkeypatch)
    summary = imports.import_paths(acting, paths=[post_with_picture(tmp_path / "site", data)])
    assert cleared and summary.files[0].outcome == "imported" and summary.files[0].images == 1
    assert stored_paths(acting) == {name}
    assert (media_files.media_dir() / name).read_bytes() == data
    # The next clearing, with no import running, removes only the marker: a row names the picture.
    with unit_of_work(acting) as conn:
        media_files.clear_unfinished(conn)
    assert (media_files.media_dir() / name).exists() and not (media_files.media_dir() / media_files.ADDING).exists()


def test_a_sync_keeps_a_picture_a_clearing_would_remove_before_its_commit(
    db, make_user, tmp_path, isolated_environment, monkeypatch
):
    acting = ActingUser(db, make_user())
    data = png(80)
    name = killed_adds_picture(data)
    cleared = clearing_before(sync_rows, "record_pictures", monkeypatch)
    summary = sync_service.sync_folder(acting, directory=post_with_picture(tmp_path / "site", data))
    assert cleared and summary.pictures == 1
    assert stored_paths(acting) == {name}
    assert (media_files.media_dir() / name).read_bytes() == data


def test_a_restore_keeps_a_picture_a_clearing_would_remove_before_its_swap(
    db, make_user, superuser, tmp_path, monkeypatch
):
    """The restored rows name the backup's pictures only once the restored database is swapped in."""
    from blogster_cli.db import database_swap
    from blogster_cli.services import backup, blogs, images

    acting = ActingUser(db, make_user(admin=True))
    blogs.create(acting, new=blogs.NewBlog(title="Pictured", markdown="text"))
    data = png(90)
    picture = tmp_path / "picture.png"
    picture.write_bytes(data)
    name = images.add(acting, blog_ref="pictured", source=picture).path
    archive = tmp_path / "pictured.blogster-backup"
    backup.backup(db, path=archive)
    superuser.execute("delete from public.blogs")  # its image row goes with it: no row names the picture now
    superuser.close()
    adding = media_files.media_dir() / media_files.ADDING
    adding.mkdir()
    (adding / f"{name}.999999999-00000000").write_bytes(b"")  # a killed add of the same picture
    cleared = clearing_before(database_swap, "swap_in", monkeypatch)
    assert backup.restore(db, path=archive).images == 1
    assert cleared and (media_files.media_dir() / name).read_bytes() == data
    assert stored_paths(acting) == {name}


def test_imports_and_syncs_go_on_when_the_media_folder_cannot_be_used(db, make_user, tmp_path, isolated_environment):
    """No lock can be taken on a media folder that cannot be opened (a file in its place), nor can
    a picture be stored there: each picture is left as linked, said, and the post comes in."""
    acting = ActingUser(db, make_user())
    media_files.media_dir().write_bytes(b"not a folder")
    [post] = imports.import_paths(acting, paths=[post_with_picture(tmp_path / "site", png(100))]).files
    assert post.outcome == "imported" and post.images == 0
    assert post.warnings == [
        "picture left as linked, not imported (cannot store it in the media folder: Not a directory: view.png)"
    ]
    synced = sync_service.sync_folder(acting, directory=post_with_picture(tmp_path / "other", png(110)))
    assert synced.warnings == [
        "content/posts/trip/index.md: 1 picture left as linked, not stored (cannot store it in the media folder:"
        " Not a directory: view.png): the site build and export cannot show it"
    ]
    assert stored_paths(acting) == set()


def test_images_rm_keeps_a_file_another_add_named_after_its_check(db, make_user, tmp_path, monkeypatch):
    """`images rm` found no other row naming its picture, then (before it unlinked the file) another
    account's add found the file there and committed a row naming it: the file is checked again
    under the exclusive lock, and stays."""
    import threading

    from blogster_cli.services import blogs, images

    ada, bob = ActingUser(db, make_user()), ActingUser(db, make_user())
    for acting in (ada, bob):
        blogs.create(acting, new=blogs.NewBlog(title="Pictured", markdown="text"))
    data = png(120)
    picture = tmp_path / "picture.png"
    picture.write_bytes(data)
    image = images.add(ada, blog_ref="pictured", source=picture)
    real_in_use = image_rows.path_in_use
    added: list[bool] = []

    def checked_then_added_elsewhere(conn, *, path):
        in_use = real_in_use(conn, path=path)
        if not added:
            added.append(True)
            other = threading.Thread(target=images.add, args=(bob,), kwargs={"blog_ref": "pictured", "source": picture})
            other.start()  # its own connection: it finds the file there, writes nothing, commits its row
            other.join(timeout=30)
        return in_use

    monkeypatch.setattr(image_rows, "path_in_use", checked_then_added_elsewhere)
    images.remove(ada, refs=[str(image.id)])
    assert added and stored_paths(bob) == {image.path}
    assert (media_files.media_dir() / image.path).read_bytes() == data


def test_images_rm_leaves_a_file_to_the_clearing_while_a_writer_stores_pictures(db, make_user, tmp_path):
    """While a writer holds the lock, `images rm` never waits: it marks the file, and the next
    clearing removes it when no row names it then."""
    import fcntl
    import os

    from blogster_cli.services import blogs, images

    acting = ActingUser(db, make_user())
    blogs.create(acting, new=blogs.NewBlog(title="Pictured", markdown="text"))
    picture = tmp_path / "picture.png"
    picture.write_bytes(png(130))
    image = images.add(acting, blog_ref="pictured", source=picture)
    stored = media_files.media_dir() / image.path
    writer = os.open(media_files.media_dir(), os.O_RDONLY | os.O_DIRECTORY)  # an import storing pictures
    try:
        fcntl.flock(writer, fcntl.LOCK_SH)
        images.remove(acting, refs=[str(image.id)])
        assert stored.exists() and media_files.unfinished_adds().names == [image.path]
    finally:
        os.close(writer)
    with unit_of_work(acting) as conn:
        media_files.clear_unfinished(conn)
    assert not stored.exists() and media_files.unfinished_adds() is None
