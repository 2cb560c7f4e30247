"""Pictures a synced post links to by a local path (a page bundle's own files, `/cover.png` from
`static/`): stored as media for the post, as `import` stores them, while the file keeps its links as
written, so `site build` and `export` show them (walk 13 M5: they were left out, with no warning)."""

import hashlib
import struct
import zlib
from pathlib import Path

import pytest

# Python-bound (pictures read from disk): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

BUNDLE = "content/posts/bundle-post/index.md"
POST = "---\ntitle: Bundle post\ndate: 2024-01-02\ncover: /cover.png\n---\nA diagram:\n\n![d](diagram.png)\n\n![c](/cover.png)\n"


def png(colour: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, colour, colour, colour]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def stored(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + ".png"


def hugo_site(root: Path) -> Path:
    (root / "content/posts/bundle-post").mkdir(parents=True)
    (root / "static").mkdir()
    (root / BUNDLE).write_text(POST)
    (root / "content/posts/bundle-post/diagram.png").write_bytes(png(1))
    (root / "static/cover.png").write_bytes(png(2))
    return root


def image_names(cli) -> list[str]:
    return sorted(image["url"].removeprefix("media/") for image in cli("images", "list", "--json").json())


def test_a_synced_bundles_pictures_show_in_the_build_and_the_export(cli, signed_up, tmp_path):
    """The build kept `src="diagram.png"` and copied no picture; the export wrote the bundle without
    its pictures ("0 images"); neither warned. The file itself keeps its links as written."""
    root = hugo_site(tmp_path / "site")
    synced = cli("sync", str(root))
    assert synced.exit_code == 0, synced.stderr
    assert synced.stderr.splitlines()[-1] == f"{root} (linked now) [hugo]: 1 imported, 2 pictures stored; 0 unchanged."
    assert (root / BUNDLE).read_text() == POST
    diagram, cover = stored(png(1)), stored(png(2))
    assert image_names(cli) == sorted([diagram, cover])

    again = cli("sync", str(root), "--json")  # stores nothing twice
    assert again.exit_code == 0 and again.json()["pictures"] == 0 and again.json()["files"] == []
    (root / BUNDLE).write_text(POST.replace("A diagram:", "The diagram:"))  # its text only
    edited = cli("sync", str(root))
    assert edited.exit_code == 0 and edited.stderr.splitlines() == [
        f"updated: {BUNDLE}",
        f"{root} [hugo]: 1 updated; 0 unchanged.",
    ]
    assert image_names(cli) == sorted([diagram, cover])
    quiet = cli("sync", str(root))
    assert quiet.exit_code == 0 and quiet.stderr.splitlines() == [f"{root} [hugo]: nothing to do; 1 unchanged."]

    out = tmp_path / "built"
    built = cli("site", "build", "--out", str(out))
    assert built.exit_code == 0, built.stderr
    page = (out / "posts/bundle-post/index.html").read_text()
    assert f"/media/{diagram}" in page and f"/media/{cover}" in page and 'src="diagram.png"' not in page
    assert (out / "media" / diagram).read_bytes() == png(1) and (out / "media" / cover).read_bytes() == png(2)

    exported = cli("export", str(tmp_path / "exp"), "--format", "hugo", "--json")
    assert exported.exit_code == 0 and exported.json()["images"] == 2, exported.stderr
    bundle = tmp_path / "exp/content/posts/bundle-post"
    assert (bundle / diagram).read_bytes() == png(1) and (bundle / cover).read_bytes() == png(2)
    text = (bundle / "index.md").read_text()
    assert f"![d]({diagram})" in text and f"![c]({cover})" in text and f"cover: {cover}" in text


def test_a_picture_changed_on_disk_updates_its_post_on_the_next_sync(cli, signed_up, tmp_path):
    root = hugo_site(tmp_path / "site")
    assert cli("sync", str(root)).exit_code == 0
    (root / "content/posts/bundle-post/diagram.png").write_bytes(png(3))
    plan = cli("sync", str(root), "--dry-run")
    assert plan.exit_code == 0 and plan.stderr.splitlines()[-1] == (
        f"Dry run, nothing changed: {root} [hugo]: 1 updated, 1 picture to store; 0 unchanged."
    )
    [pending] = cli("sync", "status", "--json").json()
    assert pending["pending"] == 1
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"updated: {BUNDLE} (a picture it shows changed on disk: content/posts/bundle-post/diagram.png)",
        f"{root} [hugo]: 1 updated, 1 picture stored; 0 unchanged.",
    ]
    assert (root / BUNDLE).read_text() == POST
    assert image_names(cli) == sorted([stored(png(3)), stored(png(2))])  # the old diagram left its post
    out = tmp_path / "built"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert f"/media/{stored(png(3))}" in (out / "posts/bundle-post/index.html").read_text()
    # the run recorded the post as it left it: the file edited now is an update, not a conflict
    (root / BUNDLE).write_text(POST.replace("A diagram:", "The diagram:"))
    edited = cli("sync", str(root))
    assert edited.exit_code == 0 and edited.stderr.splitlines()[0] == f"updated: {BUNDLE}", edited.stderr


def test_pictures_are_read_only_inside_the_folder_and_never_through_a_link(cli, signed_up, tmp_path):
    """As import: a picture behind a symbolic link or outside the post's folder is left linked, with
    a warning; and, synced from inside the site (`site/content`), `static/` is outside the folder."""
    root = hugo_site(tmp_path / "site")
    (tmp_path / "outside.png").write_bytes(png(4))
    (root / "content/posts/bundle-post/linked.png").symlink_to(tmp_path / "outside.png")
    (root / BUNDLE).write_text(POST + "\n![l](linked.png) ![o](../../../../outside.png)\n")
    result = cli("sync", str(root / "content"))
    assert result.exit_code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == (
        "warning: posts/bundle-post/index.md: 3 pictures left as linked, not stored (in the site's static"
        " files, outside the synced folder: /cover.png; symbolic link: not followed: linked.png; outside the post's"
        " folder: ../../../../outside.png): the site build and export cannot show them"
    )
    assert image_names(cli) == [stored(png(1))]
