"""site build --out DIR with files no build wrote: exit 5 and --force, as export does."""

from __future__ import annotations


def test_build_refuses_to_overwrite_files_it_did_not_write_unless_force(cli, signed_up, tmp_path):
    assert cli("blogs", "new", "Hello", "--status", "published", input="Words here.\n").exit_code == 0
    out = tmp_path / "mysite"
    out.mkdir()
    (out / "index.html").write_text("MINE\n")
    refused = cli("site", "build", "--out", str(out))
    assert refused.exit_code == 5 and refused.stderr.count("\n") == 1, refused.stderr
    assert "holds files but no .blogster-site.json" in refused.stderr and "--force" in refused.stderr
    assert (out / "index.html").read_text() == "MINE\n"
    assert cli("site", "build", "--out", str(out), "--force").exit_code == 0
    assert "MINE" not in (out / "index.html").read_text()
    (out / "index.html").write_text("edited by hand\n")
    assert cli("blogs", "new", "Again", "--status", "published", input="More words.\n").exit_code == 0
    edited = cli("site", "build", "--out", str(out), "--json")
    assert edited.exit_code == 5 and edited.json()["edited"] == ["index.html"]
    assert "edited by hand" in edited.stderr and "--force overwrites it" in edited.stderr
    assert (out / "index.html").read_text() == "edited by hand\n"
    assert cli("site", "build", "--out", str(out), "--force").exit_code == 0
    assert cli("site", "build", "--out", str(out)).exit_code == 0


def test_force_puts_back_pages_edited_by_hand_that_nothing_else_would_rewrite(cli, signed_up, tmp_path):
    """A red team's hand edit of a post page survived `site build --force` ("0 written"): the
    build trusts its manifest and only checked the files it was about to rewrite. --force looks
    at every file and puts back each one edited by hand or removed."""
    assert cli("blogs", "new", "Hello", "--status", "published", input="Words here.\n").exit_code == 0
    out = tmp_path / "mysite"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    (page,) = out.glob("posts/*/index.html")
    original = page.read_bytes()
    page.write_bytes(original + b"TAMPER\n")
    (out / "index.xml").unlink()
    plain = cli("site", "build", "--out", str(out))
    assert plain.exit_code == 0  # the edit is trusted as built; the file removed is written again
    assert "note: 1 file removed since the last build written again (first: index.xml)." in plain.stderr
    assert page.read_bytes().endswith(b"TAMPER\n") and (out / "index.xml").is_file()
    (out / "atom.xml").unlink()
    forced = cli("site", "build", "--out", str(out), "--force", "--json")
    assert forced.exit_code == 0, forced.stderr
    assert page.read_bytes() == original and (out / "atom.xml").is_file()
    assert forced.json()["written"] == 2 and forced.json()["restored"] == ["atom.xml"]
