"""blogster docs import/export with more than one source: pages remember the folder they came
from, so another folder (or a page written with `docs new`) is never overwritten silently, the
same folder by any path updates in place, and export writes every page so import reads it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.documentation import tree
from tests.cli.test_docs_cli import SMALL_TREE, files_of, write
from tests.conftest import shared_data

# Python-bound (which folder a page came from, files written and read back): the statements are the
# plain ones test_docs_cli runs on every server. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

OTHER_TREE = {
    "index.md": "# Another product\n\nIts own start page.\n",
    "setup.md": "---\ntitle: Setting up\n---\nInstall it.\n",
}


def show(cli, slug: str) -> dict:
    result = cli("docs", "show", slug, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def slugs(cli) -> list[str]:
    return [p["slug"] for p in cli("docs", "list", "--json").json()]


def test_another_folder_is_refused_and_leaves_the_first_folders_pages_alone(cli, signed_up, tmp_path):
    first = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(first), "--publish").exit_code == 0
    before = {slug: show(cli, slug) for slug in slugs(cli)}
    second = write(tmp_path / "product", OTHER_TREE)
    result = cli("docs", "import", str(second), "--json")
    assert result.exit_code == 5  # Conflict
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "refused" in message and "'index' (imported from another folder, 'docs')" in message
    assert "--rename" in message and "--replace" in message
    assert {slug: show(cli, slug) for slug in slugs(cli)} == before  # not even setup.md went in


def test_rename_keeps_both_folders_and_later_imports_keep_the_slug(cli, signed_up, tmp_path):
    first = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(first), "--publish").exit_code == 0
    second = write(tmp_path / "product", OTHER_TREE)
    result = cli("docs", "import", str(second), "--rename", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["renamed"] == [{"path": "index.md", "asked": "index", "slug": "product/index"}]
    assert sorted(report["created"]) == ["product/index", "setup"]
    assert show(cli, "index")["markdown"] == SMALL_TREE["index.md"]  # the first folder's page
    assert show(cli, "product/index")["markdown"] == OTHER_TREE["index.md"]
    plain = cli("docs", "import", str(second))
    assert plain.exit_code == 0, plain.stderr  # no flag needed again: the page keeps its slug
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in plain.stderr
    (second / "index.md").write_text("# Another product\n\nEdited.\n", encoding="utf-8")
    again = cli("docs", "import", str(second), "--json").json()
    assert again["updated"] == ["product/index"] and again["renamed"] == []
    assert show(cli, "index")["markdown"] == SMALL_TREE["index.md"]


def test_replace_takes_the_other_page_over_and_says_so(cli, signed_up, tmp_path):
    first = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(first)).exit_code == 0
    second = write(tmp_path / "product", OTHER_TREE)
    assert cli("docs", "import", str(second), "--replace", "--rename").exit_code == 2
    report = cli("docs", "import", str(second), "--replace", "--json").json()
    assert report["replaced"] == [{"slug": "index", "path": "index.md",
                                   "previously": "imported from another folder, 'docs'"}]  # fmt: skip
    assert report["updated"] == [] and report["created"] == ["setup"]  # replaced, not also updated (helper 219)
    assert show(cli, "index")["markdown"] == OTHER_TREE["index.md"]
    # The page now belongs to the second folder: the first one is refused in its turn.
    assert cli("docs", "import", str(first)).exit_code == 5


def test_another_folder_shares_a_category_without_moving_it(cli, signed_up, tmp_path):
    first = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(first)).exit_code == 0
    second = write(tmp_path / "product", {"Guide-Advanced/extra.md": "# Extra\n", "api/x.md": "# X\n"})
    assert cli("docs", "import", str(second)).exit_code == 0
    tree_ = cli("docs", "categories", "--json").json()
    assert [(c["slug"], c["name"], c["depth"], c["pages"]) for c in tree_] == [
        ("guide", "Guide", 0, 2), ("guide-advanced", "Advanced", 1, 2), ("api", "Api", 0, 1)]  # fmt: skip


def test_the_same_folder_by_another_path_updates_in_place(cli, signed_up, tmp_path, monkeypatch):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root)).exit_code == 0
    (tmp_path / "link").symlink_to(root, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for spelling in ("docs", "./docs/", "link", str(tmp_path / "link" / "guide" / "..")):
        result = cli("docs", "import", spelling, "--json")
        assert result.exit_code == 0, (spelling, result.stderr)
        assert len(result.json()["unchanged"]) == 4, spelling
    (root / "index.md").write_text("# Welcome back\n", encoding="utf-8")
    assert cli("docs", "import", "link", "--json").json()["updated"] == ["index"]


def test_a_page_written_with_docs_new_is_not_overwritten_by_an_import(cli, signed_up, tmp_path):
    assert cli("docs", "new", "Setup", "--slug", "setup").exit_code == 0
    root = write(tmp_path / "product", OTHER_TREE)
    result = cli("docs", "import", str(root))
    assert result.exit_code == 5
    assert "'setup' (written with docs new)" in result.stderr
    assert show(cli, "setup")["title"] == "Setup" and slugs(cli) == ["setup"]


def test_pages_imported_before_folders_were_recorded(cli, signed_up, superuser, tmp_path):
    """Their unchanged files take them over; a changed file could be another folder's: refused."""
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root)).exit_code == 0
    superuser.execute("update documentation_pages set content = jsonb_set(content, '{source}',"
                      " jsonb_build_object('path', content #> '{source,path}'))")  # fmt: skip
    other = write(tmp_path / "product", OTHER_TREE)
    refused = cli("docs", "import", str(other))
    assert refused.exit_code == 5
    assert "'index' (imported from index.md before import folders were recorded)" in refused.stderr
    (root / "guide/events.md").write_text("# Events, edited\n", encoding="utf-8")
    assert cli("docs", "import", str(root)).exit_code == 5
    report = cli("docs", "import", str(root), "--replace", "--json").json()
    # The unchanged files' pages only get their folder recorded: unchanged (helper 194).
    assert report["updated"] == [] and report["created"] == []  # guide/events: replaced only (helper 219)
    assert sorted(report["unchanged"]) == sorted(set(slugs(cli)) - {"guide/events"})
    assert [r["slug"] for r in report["replaced"]] == ["guide/events"]
    assert show(cli, "guide/events")["markdown"] == "# Events, edited\n"
    assert len(cli("docs", "import", str(root), "--json").json()["unchanged"]) == 4


def test_a_moved_file_that_keeps_its_slug_takes_its_page_along(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"a.md": "---\nslug: kept\n---\nBody.\n"})
    assert cli("docs", "import", str(root)).exit_code == 0
    (root / "a.md").rename(root / "b.md")
    report = cli("docs", "import", str(root), "--json").json()
    assert report["updated"] == ["kept"] and report["created"] == []
    assert show(cli, "kept")["path"] == "b.md"


def test_pages_written_with_docs_new_round_trip_through_export(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root)).exit_code == 0
    body = tmp_path / "body.md"
    body.write_text("---\n\nA page that starts with a rule.\n", encoding="utf-8")
    made = cli("docs", "new", "Backups: and restores", "--slug", "ops/backups", "--category", "guide-advanced",
               "--tag", "ops", "--tag", "disaster recovery", "--status", "published", "--from", str(body))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    edited = "---\ntitle: 'Backups: and restores'\nversion: '2.1'\nexcerpt: Keep copies.\ntags: [ops, disaster recovery]\n---\n"
    (tmp_path / "edited.md").write_text(edited + "---\n\nA page that starts with a rule.\n", encoding="utf-8")
    assert cli("docs", "edit", "ops/backups", "--from", str(tmp_path / "edited.md")).exit_code == 0
    assert cli("docs", "new", "Loose page").exit_code == 0  # no category
    before = {slug: show(cli, slug) for slug in ("ops/backups", "loose-page")}

    out = tmp_path / "out"
    assert cli("docs", "export", str(out)).exit_code == 0
    files = files_of(out)
    read_back = {page.slug: page for page in (tree.read_page(p, t.decode()) for p, t in files.items())}
    for slug, page in before.items():  # each file reads back as its page
        read = read_back[slug]
        assert (read.title, read.status, read.tags, read.version, read.excerpt, read.body) == (
            page["title"], page["status"], page["tags"], page["version"], page["excerpt"], page["markdown"])  # fmt: skip
    assert {k: v for k, v in files.items() if k in files_of(root)} == files_of(root)  # imported: byte for byte
    assert sorted(set(files) - set(files_of(root))) == ["guide/advanced/backups.md", "loose-page.md"]
    read = tree.read_page("guide/advanced/backups.md", files["guide/advanced/backups.md"].decode())
    assert (read.slug, read.title, read.status, read.version) == ("ops/backups", "Backups: and restores", "published",
                                                                  "2.1")  # fmt: skip

    # Into the same help centre, without the pages: import gives them back as they were.
    assert cli("docs", "rm", "ops/backups").exit_code == 0 and cli("docs", "rm", "loose-page").exit_code == 0
    result = cli("docs", "import", str(out), "--replace", "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.json()["created"]) == ["loose-page", "ops/backups"]
    for slug, page in before.items():
        again = show(cli, slug)
        for key in ("title", "status", "category", "tags", "version", "excerpt", "markdown"):
            assert again[key] == page[key], (slug, key)
    again = tmp_path / "again"
    assert cli("docs", "export", str(again)).exit_code == 0
    assert files_of(again) == files  # a stable round trip


def test_a_page_edited_after_import_exports_its_new_fields(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root)).exit_code == 0
    edit = tmp_path / "edit.md"
    edit.write_text("---\ntitle: Start here\ntags: [intro]\n---\n# Welcome\n\nNew text.\n", encoding="utf-8")
    assert cli("docs", "edit", "index", "--from", str(edit)).exit_code == 0
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    read = tree.read_page("index.md", (tmp_path / "out" / "index.md").read_text(encoding="utf-8"))
    assert (read.title, read.tags, read.body) == ("Start here", ["intro"], "# Welcome\n\nNew text.\n")


def test_two_folders_export_without_losing_a_page(cli, signed_up, tmp_path):
    first = write(tmp_path / "docs", SMALL_TREE)
    second = write(tmp_path / "product", OTHER_TREE)
    assert cli("docs", "import", str(first)).exit_code == 0
    assert cli("docs", "import", str(second), "--rename").exit_code == 0
    result = cli("docs", "export", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stderr
    exported = result.json()
    assert exported["pages"] == 6
    assert exported["moved"] == [{"slug": "product/index", "path": "index-2.md", "source_path": "index.md"}]
    files = files_of(tmp_path / "out")
    assert files["index.md"].decode() == SMALL_TREE["index.md"]
    moved = tree.read_page("index-2.md", files["index-2.md"].decode())
    assert (moved.slug, moved.body) == ("product/index", OTHER_TREE["index.md"])


def test_a_real_corpus_is_protected_from_another_folder_and_found_by_a_link(cli, signed_up, tmp_path):
    corpus = shared_data("docs", "textual")
    assert cli("docs", "import", str(corpus), "--publish").exit_code == 0
    index = show(cli, "index")
    mine = write(tmp_path / "help", {"index.md": "# Our help\n", "guide/index.md": "# Our guide\n"})
    refused = cli("docs", "import", str(mine))
    assert refused.exit_code == 5 and "2 pages of 'help'" in refused.stderr
    assert show(cli, "index") == index
    renamed = cli("docs", "import", str(mine), "--rename", "--publish", "--json").json()
    assert sorted(r["slug"] for r in renamed["renamed"]) == ["help/guide", "help/index"]
    (tmp_path / "textual").symlink_to(Path(corpus), target_is_directory=True)
    again = cli("docs", "import", str(tmp_path / "textual"), "--publish", "--json").json()
    assert len(again["unchanged"]) == 287 and again["created"] == again["updated"] == []  # snippets/ skipped
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    expected = {k: v for k, v in files_of(corpus).items() if k.endswith(".md") and not k.startswith("snippets/")}
    exported = files_of(tmp_path / "out")
    assert {k: exported[k] for k in expected} == expected


def test_ones_own_help_takes_over_the_unedited_sample_help_quickstart_published(cli, signed_up, tmp_path):
    from blogster_cli.bundled import bundled_help

    sample = bundled_help()
    assert sample is not None and (sample / "index.md").is_file()
    assert cli("docs", "import", str(sample), "--publish").exit_code == 0  # what quickstart does
    sample_slugs = set(slugs(cli))
    mine = write(tmp_path / "help", {"index.md": "# Our help\n", "faq.md": "# FAQ\n"})
    taken = cli("docs", "import", str(mine), "--publish", "--json")
    assert taken.exit_code == 0, taken.stderr
    assert [r["slug"] for r in taken.json()["replaced"]] == ["index"]
    assert show(cli, "index")["markdown"] == "# Our help\n"
    assert set(slugs(cli)) == sample_slugs | {"faq"}  # the other sample pages stay
    # A sample page someone edited is their writing: another folder asking for its slug is refused.
    edited = sorted(sample_slugs - {"index"})[0]
    (tmp_path / "edited.md").write_text("# Ours now\n\nRewritten for our team.\n")
    assert cli("docs", "edit", edited, "--from", str(tmp_path / "edited.md")).exit_code == 0
    clash = write(tmp_path / "clash", {f"{edited.replace('/', '-')}.md": f"---\nslug: {edited}\n---\nMine.\n"})
    refused = cli("docs", "import", str(clash))
    assert refused.exit_code == 5 and edited in refused.stderr
