"""The built site's files are checked against their folder (a folder that is a link leading out
of the output folder is never read, written or removed through), each folder resolved once per
check rather than once per file: a 10,000-page site has a few folders."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from blogster_cli.publish.model import Page
from blogster_cli.services.site_files import Manifest, edited_on_disk, load_manifest, write_site


def page(path: str, data: bytes = b"page") -> Page:
    return Page(path, hashlib.sha256(data).hexdigest(), lambda: data)


def counted_resolves(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = Path.resolve

    def resolve(self: Path, strict: bool = False) -> Path:
        calls.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", resolve)
    return calls


def test_each_folder_is_resolved_once_per_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_site(out, [page("index.html"), *(page(f"posts/p{i}.html") for i in range(50))], Manifest(), Manifest())
    previous = load_manifest(out)
    calls = counted_resolves(monkeypatch)
    assert edited_on_disk(out, previous) == frozenset()
    assert sorted(map(str, calls)) == sorted(map(str, [out, out, out / "posts"]))  # out, then each folder
    calls.clear()
    pages = [page("index.html", b"new"), *(page(f"posts/p{i}.html", b"new") for i in range(50))]
    summary = write_site(out, pages, previous, Manifest())
    assert len(summary.written) == 51 and len(calls) < 10


def test_a_folder_linked_out_is_refused_beside_folders_checked_before(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_site(out, [page("posts/a.html"), page("posts/b.html"), page("away/c.html")], Manifest(), Manifest())
    elsewhere.mkdir()
    (elsewhere / "c.html").write_bytes(b"page")  # the very bytes the build recorded
    (out / "away/c.html").unlink()
    (out / "away").rmdir()
    (out / "away").symlink_to(elsewhere)
    previous = load_manifest(out)
    assert edited_on_disk(out, previous) == {"away/c.html"}  # never read through the link
    summary = write_site(out, [page("posts/a.html")], previous, Manifest(), force=True)
    assert summary.removed == ["posts/b.html"] and (elsewhere / "c.html").read_bytes() == b"page"
