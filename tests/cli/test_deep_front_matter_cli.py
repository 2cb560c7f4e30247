"""Front matter nested past `frontmatter.MAX_NESTING` (red team 38, F1): refused per file at
import and sync, and a post stored before the bound fails only its own export."""

from pathlib import Path

import pytest

from blogster_cli.content import frontmatter

pytestmark = pytest.mark.same_on_every_server  # the YAML parser's, Python's: CI's second pass leaves it out

TOO_DEEP = frontmatter.NESTED_TOO_DEEPLY
assert TOO_DEEP == "the front matter is nested too deeply (more than 100 levels)"


def nested(depth: int, title: str) -> str:
    """A post whose front matter nests `depth` levels (the top mapping is one); the anchor keeps
    export from editing the text in place, so it writes the whole block anew (yaml.dump)."""
    levels = "".join(" " * i + f"k{i}:\n" for i in range(depth - 1)) + " " * (depth - 1) + "z: 1\n"
    return f"---\ntitle: &t {title}\nalias: *t\n{levels}---\nBody text.\n"


def a_site(folder: Path, depth: int) -> Path:
    folder.mkdir()
    (folder / "deep.md").write_text(nested(depth, "Deep"), encoding="utf-8")
    (folder / "fine.md").write_text("---\ntitle: Fine\n---\nFine text.\n", encoding="utf-8")
    return folder


def test_import_refuses_it_per_file_and_posts_new_in_one_line(cli, signed_up, tmp_path):
    folder = a_site(tmp_path / "site", frontmatter.MAX_NESTING + 1)
    result = cli("import", str(folder), "--json")
    assert result.exit_code == 1, result.stderr
    by_name = {Path(f["path"]).name: f for f in result.json()["files"]}
    assert (by_name["deep.md"]["outcome"], by_name["deep.md"]["reason"]) == ("failed", TOO_DEEP)
    assert by_name["fine.md"]["outcome"] == "imported"
    new = cli("posts", "new", "--from", str(folder / "deep.md"))
    assert (new.exit_code, new.stderr) == (2, f"error: {folder / 'deep.md'}: {TOO_DEEP}\n")


def test_sync_refuses_it_per_file(cli, signed_up, tmp_path):
    folder = a_site(tmp_path / "site", 400)
    result = cli("sync", str(folder), "--json")
    assert "Traceback" not in result.stderr and result.exit_code == 1, result.stderr
    by_name = {f["path"]: f for f in result.json()["files"]}
    assert (by_name["deep.md"]["action"], by_name["deep.md"]["note"]) == ("failed", TOO_DEEP)
    assert by_name["fine.md"]["action"] == "imported"


def test_sync_of_a_post_stored_before_the_bound_fails_only_its_file(cli, signed_up, tmp_path, monkeypatch):
    folder = a_site(tmp_path / "site", 400)
    monkeypatch.setattr(frontmatter, "MAX_NESTING", 10_000)
    assert cli("sync", str(folder)).exit_code == 0
    assert cli("blogs", "edit", "deep", "--title", "Deep2").exit_code == 0
    assert cli("blogs", "edit", "fine", "--title", "Fine2").exit_code == 0
    result = cli("sync", str(folder), "--json")
    assert "Traceback" not in result.stderr and result.exit_code == 1, result.stderr
    by_name = {f["path"]: f for f in result.json()["files"]}
    assert (by_name["deep.md"]["action"], by_name["deep.md"]["note"]) == ("failed", f"cannot export: {TOO_DEEP}")
    assert by_name["fine.md"]["action"] == "written"
    assert "title: Fine2" in (folder / "fine.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("dialect", ["hugo", "zola"])
def test_front_matter_at_the_bound_exports(cli, signed_up, tmp_path, dialect):
    folder = a_site(tmp_path / "site", frontmatter.MAX_NESTING)
    assert cli("import", str(folder)).exit_code == 0
    assert cli("blogs", "edit", "deep", "--title", "Deep2").exit_code == 0
    result = cli("export", str(tmp_path / "out"), "--format", dialect, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["written"] == 2


@pytest.mark.parametrize("bound_when_exported", [True, False], ids=["bound", "no-bound"])
def test_a_post_stored_before_the_bound_fails_only_its_own_export(
    cli, signed_up, tmp_path, monkeypatch, bound_when_exported
):
    """Imported at 400 levels, as before the bound: the loader read it, but PyYAML's dumper
    ran out of stack and the whole export stopped with "unexpected failure"."""
    folder = a_site(tmp_path / "site", 400)
    bound = frontmatter.MAX_NESTING
    monkeypatch.setattr(frontmatter, "MAX_NESTING", 10_000)
    assert cli("import", str(folder)).exit_code == 0
    assert cli("blogs", "edit", "deep", "--title", "Deep2").exit_code == 0
    if bound_when_exported:
        monkeypatch.setattr(frontmatter, "MAX_NESTING", bound)
    out = tmp_path / "out"
    result = cli("export", str(out), "--format", "hugo", "--json")
    assert result.exit_code == 1, result.stderr
    assert "unexpected failure" not in result.stderr and "Traceback" not in result.stderr
    summary = result.json()
    assert (summary["written"], summary["failed"]) == (1, 1)
    assert [p.name for p in out.rglob("*.md")] == ["fine.md"]
    by_slug = {f["slug"]: f for f in summary["files"]}
    assert (by_slug["deep"]["path"], by_slug["deep"]["note"]) == (None, f"cannot export: {TOO_DEEP}")
