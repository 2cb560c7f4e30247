"""Which pages of a re-imported folder are gone (documentation/sources.py): never one whose file
this run could not read, or whose folder it could not read; a file moved with its text is its page."""

from __future__ import annotations

from blogster_cli.documentation import sources, tree
from blogster_cli.documentation.sources import FolderIdentity, OnClash, StoredSource

HERE = FolderIdentity("tree-a", "docs")


def stored(id_: int, path: str, text: str, tree_id: str = "tree-a") -> StoredSource:
    return StoredSource(id_, tree.read_page(path, text).slug, path, tree_id, "docs", text=text)


def test_only_this_folders_pages_whose_files_are_gone_and_unreadable_ones_are_not():
    pages = [stored(1, "a.md", "# A\n"), stored(2, "guide/b.md", "# B\n"), stored(3, "c.md", "# C\n"),
             stored(4, "d.md", "# D\n", tree_id="tree-b"), StoredSource(5, "new", None, None)]  # fmt: skip
    plan = sources.plan_import([tree.read_page("a.md", "# A\n")], pages, identity=HERE, on_clash=OnClash.REFUSE)
    assert [s.id for s in plan.gone] == [2, 3]
    unreadable = sources.plan_import([], pages, identity=HERE, on_clash=OnClash.REFUSE, unreadable=["guide", "c.md"])
    assert [s.id for s in unreadable.gone] == [1]
    assert sources.plan_import([], pages, identity=HERE, on_clash=OnClash.REFUSE, unreadable=["."]).gone == []


def test_a_moved_file_with_the_same_text_is_its_page_unless_the_text_is_ambiguous():
    pages = [stored(1, "guide/testing.md", "# Testing\n"), stored(2, "x.md", "# Same\n"), stored(3, "y.md", "# Same\n")]
    files = [tree.read_page("moved/testing.md", "# Testing\n"), tree.read_page("z.md", "# Same\n")]
    plan = sources.plan_import(files, pages, identity=HERE, on_clash=OnClash.REFUSE)
    assert [(p.page.path, p.slug, p.target.id if p.target else None) for p in plan.placements] == [
        ("moved/testing.md", "moved/testing", 1), ("z.md", "z", None)]  # fmt: skip
    assert [s.id for s in plan.gone] == [2, 3]
