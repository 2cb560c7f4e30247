"""Which stored page a file of an imported folder updates (documentation/sources.py), and
writing pages back as files that read back as the same pages (tree.export_files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.documentation import sources, tree
from blogster_cli.documentation.sources import FolderIdentity, OnClash, StoredSource

HERE = FolderIdentity("tree-a", "docs")


def page(path: str, text: str = "# Page\n") -> tree.PageSource:
    return tree.read_page(path, text)


def placements(plan: sources.ImportPlan) -> dict[str, tuple[str, object, object]]:
    return {p.page.path: (p.slug, p.target.id if p.target else None, p.asked) for p in plan.placements}


def test_folder_identity_is_the_folder_whatever_the_path(tmp_path, monkeypatch):
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "docs", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    spellings = ["docs", "./docs/", str(tmp_path / "docs"), "link", "docs/guide/.."]
    identities = {sources.folder_identity(Path(s)) for s in spellings}
    assert len(identities) == 1 and identities.pop().folder == "docs"
    (tmp_path / "other").mkdir()
    assert sources.folder_identity(tmp_path / "other") != sources.folder_identity(tmp_path / "docs")
    assert str(tmp_path) not in sources.folder_identity(tmp_path / "docs").tree  # the path is not stored


def test_a_file_updates_only_its_own_folders_page():
    stored = [StoredSource(1, "index", "index.md", "tree-b", "product"),
              StoredSource(2, "guide", "guide/index.md", "tree-a", "docs")]  # fmt: skip
    pages = [page("index.md"), page("guide/index.md")]
    refused = sources.plan_import(pages, stored, identity=HERE, on_clash=OnClash.REFUSE)
    assert [(c.page.path, c.holder.id) for c in refused.clashes] == [("index.md", 1)]
    assert "'index' (imported from another folder, 'product')" in sources.refusal(refused.clashes, HERE)
    assert "1 page of 'docs' asks for slugs held" in sources.refusal(refused.clashes, HERE)
    renamed = sources.plan_import(pages, stored, identity=HERE, on_clash=OnClash.RENAME)
    assert placements(renamed) == {"index.md": ("docs/index", None, "index"), "guide/index.md": ("guide", 2, None)}
    replaced = sources.plan_import(pages, stored, identity=HERE, on_clash=OnClash.REPLACE)
    assert placements(replaced)["index.md"] == ("index", 1, None)
    assert replaced.clashes == []
    assert replaced.placements[0].taken_over == stored[0]


def test_pages_written_in_blogster_and_legacy_pages():
    stored = [StoredSource(1, "setup", None, None),  # docs new
              StoredSource(2, "index", "index.md", None, text="# Page\n"),  # imported before folders were recorded
              StoredSource(3, "other", "other.md", None, text="# Page\n"),
              StoredSource(4, "faq", "faq.md", None, text="# Old FAQ\n")]  # fmt: skip
    pages = [page("setup.md"), page("index.md"), page("other.md", "---\nslug: renamed\n---\n"), page("faq.md")]
    plan = sources.plan_import(pages, stored, identity=HERE, on_clash=OnClash.REFUSE)
    assert [(c.page.path, c.holder.origin()) for c in plan.clashes] == [
        ("setup.md", "written with docs new"), ("faq.md", "imported from faq.md before import folders were recorded")]  # fmt: skip
    assert placements(plan)["index.md"] == ("index", 2, None)  # same path, slug and text: adopted
    assert placements(plan)["other.md"] == ("renamed", None, None)  # another slug: a page of its own


def test_renamed_pages_keep_their_slug_and_new_slugs_avoid_every_other():
    stored = [StoredSource(1, "index", "index.md", "tree-b", "product"),
              StoredSource(2, "docs/index", "index.md", "tree-a", "docs", asked="index"),
              StoredSource(3, "docs/faq", None, None)]  # fmt: skip
    pages = [page("index.md"), page("faq.md"), page("docs/faq-2.md", "# FAQ two\n")]
    plan = sources.plan_import([pages[0]], stored, identity=HERE, on_clash=OnClash.REFUSE)
    assert plan.clashes == [] and placements(plan) == {"index.md": ("docs/index", 2, "index")}
    stored.append(StoredSource(4, "faq", None, None))
    plan = sources.plan_import(pages, stored, identity=HERE, on_clash=OnClash.RENAME)
    assert placements(plan)["faq.md"] == ("docs/faq-3", None, "faq")  # docs/faq held, docs/faq-2 asked for


def test_a_moved_file_takes_its_page_but_an_unreadable_one_keeps_it():
    stored = [StoredSource(1, "kept", "a.md", "tree-a", "docs")]
    moved = page("b.md", "---\nslug: kept\n---\n")
    assert placements(sources.plan_import([moved], stored, identity=HERE, on_clash=OnClash.REFUSE)) == {
        "b.md": ("kept", 1, None)
    }
    plan = sources.plan_import([moved], stored, identity=HERE, on_clash=OnClash.REFUSE, unreadable=["a.md"])
    assert [c.page.path for c in plan.clashes] == ["b.md"]


def stored_page(**fields: object) -> tree.StoredPage:
    return tree.StoredPage(**{"title": "T", "body": "Body.\n", "status": "draft", **fields})  # type: ignore[arg-type]


def test_export_writes_pages_that_read_back_as_themselves():
    raw = "+++\ntitle = 'Events'\ncustom = 1\n+++\n"
    imported = stored_page(slug="guide/events", title="Events", path="guide/events.md", front_matter_raw=raw,
                           front_matter={"title": "Events", "custom": 1}, body="# Events\n")  # fmt: skip
    edited = stored_page(slug="index", title="Start here", path="index.md", body="# Welcome\n", tags=["intro"])
    written = stored_page(slug="ops/backups", title="Backups: and restores", status="published", folder="guide",
                          tags=["ops"], version="2", excerpt="Copies.", order=3, body="---\n\nRule first.\n")  # fmt: skip
    loose = stored_page(slug="loose", title="Loose", body="")
    files = {f.path: f for f in tree.export_files([imported, edited, written, loose])}
    assert files["guide/events.md"].text == raw + "# Events\n"  # unchanged: byte for byte
    for file, page_ in ((files["index.md"], edited), (files["guide/backups.md"], written), (files["loose.md"], loose)):
        read = tree.read_page(file.path, file.text)
        assert (read.slug, read.title, read.tags, read.version, read.excerpt, read.order, read.body) == (
            page_.slug, page_.title, page_.tags, page_.version, page_.excerpt, page_.order, page_.body)  # fmt: skip
    assert tree.read_page("guide/backups.md", files["guide/backups.md"].text).status == "published"
    assert tree.read_page("loose.md", files["loose.md"].text).status == "draft"
    assert "custom: 1" not in files["index.md"].text


@pytest.mark.parametrize("second_path", ["index.md", "INDEX.md"])
def test_two_pages_of_one_file_both_get_written(second_path):
    own = stored_page(slug="index", path="index.md", body="# One\n", title="One")
    other = stored_page(slug="a/index", path=second_path, body="# Two\n", title="Two")
    files = tree.export_files([other, own])
    assert [(f.slug, f.path, f.moved_from) for f in files] == [
        ("a/index", second_path.replace(".md", "-2.md"), second_path), ("index", "index.md", None)]  # fmt: skip
    assert tree.read_page(files[0].path, files[0].text).slug == "a/index"
    assert files[1].text == "# One\n"


def test_category_folders_come_from_their_pages_else_from_their_slugs():
    categories = {
        1: ("guide", None),
        2: ("guide-advanced", 1),
        3: ("faq", None),
        4: ("odd", 3),
        5: ("x", 6),
        6: ("y", 5),
    }
    folders = tree.category_folders(categories, [(1, "Guide"), (1, "Guide"), (1, "guide"), (3, "nope")])
    assert folders[1] == "Guide" and folders[2] == "Guide/advanced" and folders[3] == "faq"
    assert folders[4] == "faq/odd" and {folders[5], folders[6]} <= {"y/x", "x/y", "x", "y"}  # a loop ends
    for category_id in (1, 2, 3):
        assert tree.category_slug(folders[category_id]) == categories[category_id][0]


def test_replace_leaves_a_page_whose_file_already_has_one():
    """The file's own page exists; the slug it now asks for is another folder's: neither is touched."""
    stored = [StoredSource(1, "old", "a.md", "tree-a", "docs"), StoredSource(2, "new", "x.md", "tree-b", "product")]
    plan = sources.plan_import([page("a.md", "---\nslug: new\n---\n")], stored, identity=HERE, on_clash=OnClash.REPLACE)
    assert plan.placements == [] and [(c.page.path, c.holder.id) for c in plan.clashes] == [("a.md", 2)]
