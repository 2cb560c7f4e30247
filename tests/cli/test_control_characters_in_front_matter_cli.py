"""A control character (ESC) in YAML front matter fails that one file, as malformed YAML does:
the docs import, the posts import and `posts new --from` go on with the rest."""

from __future__ import annotations

from pathlib import Path

ESCAPED = '---\ntitle: "\x1b[41mX"\n---\nbody\n'
REASON = "YAML front matter, line 1 column 9: character #x001b is not allowed"


def test_docs_import_reports_the_page_and_imports_the_rest(cli, signed_up, tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "good.md").write_text("# Good\n", encoding="utf-8")
    (root / "red.md").write_text(ESCAPED, encoding="utf-8")
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert report["created"] == ["good"]
    assert [path for path, _reason in report["failed"]] == ["red.md"]
    assert "unexpected failure" not in result.stderr


def test_posts_import_and_new_from_report_the_file(cli, signed_up, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: One\n---\nFirst.\n", encoding="utf-8")
    red = folder / "red.md"
    red.write_text(ESCAPED, encoding="utf-8")
    result = cli("import", str(folder), "--json")
    assert result.exit_code == 1, result.stderr
    by_name = {Path(f["path"]).name: f for f in result.json()["files"]}
    assert (by_name["red.md"]["outcome"], by_name["red.md"]["reason"]) == ("failed", REASON)
    assert by_name["one.md"]["outcome"] == "imported"
    new = cli("posts", "new", "--from", str(red))
    assert (new.exit_code, new.stderr) == (2, f"error: {red}: {REASON}\n")
