"""Symbolic links and special files never smuggle outside data into posts or exports.

The attack: a cloned site (git keeps symlinks) holds `notes.md -> ~/.config/.../credentials.json`;
importing the folder published the credentials as a post. Import, `images add` and export
now read and write regular files only, never through a link (issue 8, item 1).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput
from blogster_cli.services import exports, images, imports

SECRET = '{"profiles": {"default": {"token": "s3cr3t-session-token"}}}\n'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def acting(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the site, holding what an attacker wants published."""
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True)
    (folder / "credentials.json").write_text(SECRET)
    (folder / ".ssh" / "id_rsa.md").write_text("---\ntitle: key\n---\nPRIVATE KEY\n")
    return folder


@pytest.fixture
def site(tmp_path: Path, outside: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / "real.md").write_text("---\ntitle: Real\n---\nA real post.\n")
    (root / "content" / "notes.md").symlink_to(outside / "credentials.json")
    (root / "content" / "inside.md").symlink_to(root / "content" / "real.md")
    (root / "content" / "keys").symlink_to(outside / ".ssh", target_is_directory=True)
    os.mkfifo(root / "content" / "pipe.md")
    return root


def all_markdown(superuser) -> str:
    return "\n".join(row[0] for row in superuser.execute("select content::text from public.blogs"))


def test_links_and_special_files_in_an_imported_folder_are_skipped_with_reasons(acting, site, superuser):
    summary = imports.import_paths(acting, paths=[site])
    by_path = {Path(file.path).name: file for file in summary.files}
    assert by_path["real.md"].outcome == "imported"
    for name in ("notes.md", "inside.md", "keys"):
        assert by_path[name].outcome == "skipped", name
        assert "symbolic link" in by_path[name].reason
    assert by_path["pipe.md"].outcome == "skipped" and "not a regular file" in by_path["pipe.md"].reason
    assert summary.counts["imported"] == 1 and summary.failed == []
    stored = all_markdown(superuser)
    assert "s3cr3t" not in stored and "PRIVATE KEY" not in stored
    assert [file["outcome"] for file in summary.as_dict()["files"]].count("skipped") == 4


def test_a_linked_file_named_on_the_command_line_is_skipped(acting, site, superuser):
    summary = imports.import_paths(acting, paths=[site / "content" / "notes.md", site / "content" / "pipe.md"])
    assert [file.outcome for file in summary.files] == ["skipped", "skipped"]
    assert "s3cr3t" not in all_markdown(superuser)


def test_a_link_swapped_in_after_listing_is_not_read(acting, site, outside, superuser, monkeypatch):
    """The read itself refuses links (O_NOFOLLOW), not only the folder listing."""
    sources, skipped = imports.collect_sources([site])
    real = site / "content" / "real.md"
    real.unlink()
    real.symlink_to(outside / "credentials.json")
    summary = imports.import_sources(acting, sources=sources)
    assert "s3cr3t" not in all_markdown(superuser)
    assert [file.outcome for file in summary.files if file.path.endswith("real.md")] == ["skipped"]


def test_images_add_refuses_links_and_special_files(acting, tmp_path, outside):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: P\nslug: p\n---\nBody.\n")
    imports.import_paths(acting, paths=[post])
    picture = outside / "private.png"
    picture.write_bytes(PNG)
    link = tmp_path / "shot.png"
    link.symlink_to(picture)
    with pytest.raises(InvalidInput, match="symbolic link"):
        images.add(acting, blog_ref="p", source=link)
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput, match="not a regular file"):
        images.add(acting, blog_ref="p", source=fifo)


def test_export_never_writes_through_a_link_in_the_target_folder(acting, tmp_path, outside):
    source = tmp_path / "src"
    (source / "content" / "posts").mkdir(parents=True)
    (source / "content" / "posts" / "victim.md").write_text("---\ntitle: Victim\n---\nOverwrite?\n")
    imports.import_paths(acting, paths=[source], fmt="hugo")
    target = tmp_path / "out"
    (target / "content" / "posts").mkdir(parents=True)
    (target / "content" / "posts" / "victim.md").symlink_to(outside / "credentials.json")
    (target / "static").symlink_to(outside, target_is_directory=True)
    exports.export_posts(acting, directory=target, dialect="hugo", media_root=tmp_path / "media")
    assert (outside / "credentials.json").read_text() == SECRET
    assert not (target / "content" / "posts" / "victim.md").is_symlink()
    assert sorted(p.name for p in outside.iterdir()) == [".ssh", "credentials.json"]
