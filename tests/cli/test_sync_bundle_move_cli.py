"""A page bundle whose post's slug changes in Blogster moves whole (its folder names the post): its
index and every file beside it (pictures, subfolders), so the site still shows its pictures. Before,
only `index.md` moved: `diagram.png` stayed in the old folder, and Hugo's page showed a broken image."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_sync_pictures_cli import png, stored

pytestmark = pytest.mark.same_on_every_server  # Python-bound (files moved on disk)

BUNDLE = "content/blog/trip"
MOVED = "content/blog/road-trip"
POST = "---\ntitle: Trip\ndate: 2024-02-02\n---\nThe route:\n\n![d](diagram.png)\n"
SINGLE = "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>"


def hugo_site(root: Path) -> Path:
    (root / BUNDLE / "maps").mkdir(parents=True)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Site"\n')
    (root / "layouts/_default/single.html").write_text(SINGLE)
    (root / "layouts/_default/list.html").write_text(
        "<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>"
    )
    (root / BUNDLE / "index.md").write_text(POST)
    (root / BUNDLE / "diagram.png").write_bytes(png(1))
    (root / BUNDLE / "maps/route.png").write_bytes(png(2))
    (root / "content/blog/other.md").write_text("---\ntitle: Other\ndate: 2024-01-01\n---\nOther.\n")
    return root


def test_a_bundle_whose_slug_changed_moves_with_its_pictures_and_hugo_shows_them(cli, signed_up, tmp_path):
    root = hugo_site(tmp_path / "site")
    outside = tmp_path / "outside.png"
    outside.write_bytes(png(3))
    (root / BUNDLE / "linked.png").symlink_to(outside)  # moved as a link, never followed
    assert cli("sync", str(root)).exit_code == 0
    assert cli("export", str(tmp_path / "exp"), "--format", "hugo").exit_code == 0  # exported again below
    assert cli("posts", "edit", "trip", "--slug", "road-trip").exit_code == 0
    moved = cli("sync", str(root))
    assert moved.exit_code == 0, moved.stderr
    assert moved.stderr.splitlines() == [
        f"renamed: {MOVED}/index.md (moved from {BUNDLE}/index.md: its post's slug changed)",
        f"{root} [hugo]: 1 renamed; 1 unchanged.",
    ]
    assert not (root / BUNDLE).exists()
    # its folder states the slug; its old address is Hugo's alias now
    assert (root / MOVED / "index.md").read_text() == POST.replace("---\nThe", "aliases:\n- /blog/trip/\n---\nThe")
    assert (root / MOVED / "diagram.png").read_bytes() == png(1)
    assert (root / MOVED / "maps/route.png").read_bytes() == png(2)
    assert (root / MOVED / "linked.png").readlink() == outside and outside.read_bytes() == png(3)
    again = cli("sync", str(root), "--json")
    assert again.exit_code == 0 and again.json()["files"] == [] and again.json()["pictures"] == 0
    (root / MOVED / "diagram.png").write_bytes(png(4))  # its pictures are watched at their new place
    changed = cli("sync", str(root))
    assert changed.exit_code == 0 and changed.stderr.splitlines()[0] == (
        f"updated: {MOVED}/index.md (a picture it shows changed on disk: {MOVED}/diagram.png)"
    ), changed.stderr

    exported = cli("export", str(tmp_path / "exp"), "--format", "hugo")
    assert exported.exit_code == 0, exported.stderr  # the post's files go to its new folder, pictures too
    [index] = (tmp_path / "exp").glob("content/**/road-trip/index.md")
    assert (index.parent / stored(png(4))).read_bytes() == png(4)
    assert f"![d]({stored(png(4))})" in index.read_text()

    if shutil.which("hugo") is None:
        pytest.skip("hugo is not installed")
    out = tmp_path / "public"
    subprocess.run(["hugo", "--source", str(root), "--destination", str(out)], check=True, capture_output=True)
    page = (out / "blog/road-trip/index.html").read_text()
    assert 'src="diagram.png"' in page and (out / "blog/road-trip/diagram.png").read_bytes() == png(4)
    # the old folder holds no picture, only Hugo's redirect page to the new one
    assert [path.name for path in (out / "blog/trip").iterdir()] == ["index.html"]
    assert (
        '<link rel="canonical" href="https://example.org/blog/road-trip/">'
        in (out / "blog/trip/index.html").read_text()
    )


def test_a_bundle_is_never_moved_into_a_folder_already_there(cli, signed_up, tmp_path):
    root = hugo_site(tmp_path / "site")
    assert cli("sync", str(root)).exit_code == 0
    (root / MOVED).mkdir()
    (root / MOVED / "notes.txt").write_text("mine\n")
    assert cli("posts", "edit", "trip", "--slug", "road-trip").exit_code == 0
    refused = cli("sync", str(root))
    assert refused.exit_code == 0, refused.stderr
    assert refused.stderr.splitlines()[0] == (
        f"skipped: {BUNDLE}/index.md (its post's folder {BUNDLE}/ was not moved to {MOVED}/, which exists:"
        " move or remove that, then sync again)"
    )
    assert sorted(path.name for path in (root / MOVED).iterdir()) == ["notes.txt"]
    assert (root / BUNDLE / "index.md").read_text() == POST and (root / BUNDLE / "diagram.png").exists()
    (root / MOVED / "notes.txt").unlink()
    (root / MOVED).rmdir()
    moved = cli("sync", str(root))  # the next run moves it
    assert moved.exit_code == 0 and moved.stderr.splitlines()[0].startswith(f"renamed: {MOVED}/index.md")
    assert (root / MOVED / "diagram.png").read_bytes() == png(1) and not (root / BUNDLE).exists()
