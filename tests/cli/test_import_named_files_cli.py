"""`blogster import FILE` reads a file you name as a folder's walk would take it: a markdown file
(`.md`, `.markdown`, `.mdx`) or a WordPress export (`.xml`, or detected by its first lines), each
only as what it is. Another file is refused in one line, exit 2, and nothing is imported."""

from __future__ import annotations

import shutil

from tests.conftest import REPO_ROOT, shared_data

WXR_FIXTURE = REPO_ROOT / "tests" / "unit" / "content" / "wordpress_export.xml"
POST = "2014-03-19-hello-world-we-are-18f.md"  # a real 18F post


def my_slugs(cli) -> list[str]:
    return sorted(post["slug"] for post in cli("blogs", "list", "--json").json())


def test_a_named_file_of_another_kind_is_refused_and_nothing_is_imported(cli, signed_up, tmp_path):
    export = shutil.copyfile(WXR_FIXTURE, tmp_path / "site.xml")
    post = shutil.copyfile(shared_data("blog_md", "18f-jekyll", POST), tmp_path / POST)
    notes = shutil.copyfile(post, tmp_path / "notes.txt")  # a post's text, but not a markdown file
    bare = shutil.copyfile(post, tmp_path / "hello")

    as_jekyll = cli("import", str(export), "--format", "jekyll")
    assert as_jekyll.exit_code == 2
    assert as_jekyll.stderr.splitlines() == [
        f"error: not a markdown file: {export} (a WordPress export: --format wordpress or auto reads it)"
    ]
    for named in (notes, bare):
        refused = cli("import", str(named))
        assert refused.exit_code == 2
        assert refused.stderr.splitlines() == [
            f"error: not a markdown file: {named} (import reads .md, .markdown and .mdx files, and WordPress exports)"
        ]
    together = cli("import", str(post), str(notes), str(bare), "--format", "jekyll")  # the good one waits too
    assert together.exit_code == 2
    assert together.stderr.splitlines() == [
        f"error: not markdown files: {notes}, {bare} (import reads .md, .markdown and .mdx files)"
    ]
    as_wordpress = cli("import", str(post), "--format", "wordpress")
    assert as_wordpress.exit_code == 2
    assert as_wordpress.stderr.splitlines() == [
        f"error: not a WordPress export: {post} (a markdown file: leave out --format wordpress)"
    ]
    assert my_slugs(cli) == []

    # What import reads: the markdown file, and the export as WordPress (by its suffix, or by its
    # first lines when it has none), under auto as with --format wordpress.
    assert cli("import", str(post)).exit_code == 0
    detected = cli("import", str(shutil.copyfile(export, tmp_path / "wordpress-export")), "--json")
    assert detected.exit_code == 0 and detected.json()["counts"]["imported"] == 4
    assert cli("import", str(export), "--format", "wordpress", "--json").json()["counts"]["unchanged"] == 4
    assert len(my_slugs(cli)) == 5


def test_a_folder_still_reads_only_its_markdown_files(cli, signed_up, tmp_path):
    site = tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    shutil.copyfile(shared_data("blog_md", "18f-jekyll", POST), site / POST)
    shutil.copyfile(WXR_FIXTURE, site.parent / "site.xml")
    (site.parent / "notes.txt").write_text("Not a post.\n")
    result = cli("import", str(site.parent), "--format", "jekyll", "--json")
    assert result.exit_code == 0, result.stderr
    assert [file["slug"] for file in result.json()["files"]] == ["hello-world-we-are-18f"]


def test_an_export_naming_an_unknown_encoding_fails_as_an_unreadable_export(cli, signed_up, tmp_path):
    """Red team 53 (F4): it was "unexpected failure: unknown encoding: klingon"; it is a file that
    failed, in words, exit 1, as a malformed export is."""
    klingon = tmp_path / "x.xml"
    klingon.write_text('<?xml version="1.0" encoding="klingon"?><rss/>')
    malformed = tmp_path / "y.xml"
    malformed.write_text("<rss><channel>")
    for export in (klingon, malformed):
        result = cli("import", str(export), "--format", "wordpress", "--json")
        assert result.exit_code == 1 and "unexpected" not in result.stderr
        [failed] = result.json()["files"]
        assert failed["outcome"] == "failed" and failed["reason"].startswith("not a readable WordPress export: ")
    assert cli("import", str(klingon), "--format", "wordpress").exit_code == 1
    assert my_slugs(cli) == []


def test_import_help_says_how_a_reimport_finds_each_files_post(cli):
    """h448: the help said source file, then slug; it says the export's manifest, identical text
    and a WordPress item's own identity too."""
    shown = " ".join(cli("import", "--help").stdout.split())
    assert shown.count("Re-importing finds each file's post by the manifest of the export that wrote the file") == 1
    assert "a WordPress item finds the post it made by its site and post id, else its guid, else its type" in shown
