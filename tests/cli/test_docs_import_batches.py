"""docs import writes pages in batches (services/documentation.py, WRITE_BATCH): re-importing
rewrites exactly the pages whose files changed, a page giving up its slug does so before a new
page takes it even within one batch, and the index answers for the new text. Batches of 2 here,
so every step crosses batch boundaries."""

from __future__ import annotations

import pytest

from tests.cli.test_docs_cli import write

TREE = {f"guide/page-{n}.md": f"# Page {n}\n\nAbout topic{n} and more.\n" for n in range(7)}
TREE["index.md"] = "# Welcome\n"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    from blogster_cli.services import documentation

    monkeypatch.setattr(documentation, "WRITE_BATCH", 2)


def revisions(cli, slug: str) -> int:
    return len(cli("docs", "revisions", slug, "--json").json())


def test_reimport_rewrites_only_the_changed_page(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    first = cli("docs", "import", str(root), "--publish", "--json")
    assert first.exit_code == 0, first.stderr
    assert sorted(first.json()["created"]) == sorted(["index", *(f"guide/page-{n}" for n in range(7))])
    before = {f"guide/page-{n}": revisions(cli, f"guide/page-{n}") for n in range(7)}

    again = cli("docs", "import", str(root), "--publish", "--json").json()
    assert (again["created"], again["updated"], len(again["unchanged"])) == ([], [], 8)

    (root / "guide/page-4.md").write_text("# Page 4\n\nNow about zeppelins.\n", encoding="utf-8")
    changed = cli("docs", "import", str(root), "--publish", "--json").json()
    assert (changed["created"], changed["updated"], len(changed["unchanged"])) == ([], ["guide/page-4"], 7)
    after = {slug: revisions(cli, slug) for slug in before}
    assert after == {**before, "guide/page-4": before["guide/page-4"] + 1}
    hits = cli("docs", "search", "zeppelins", "--json").json()["results"]
    assert [hit["slug"] for hit in hits] == ["guide/page-4"]
    assert cli("docs", "search", "topic4", "--json").json()["results"] == []


def test_a_slug_given_up_is_taken_in_the_same_import_and_gone_files_are_withdrawn(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    # page-1 moves to a slug of its own; a new file asks for the slug it gave up; page-6 is gone.
    (root / "guide/page-1.md").write_text("---\nslug: guide/first\n---\n# Page 1\n", encoding="utf-8")
    (root / "guide/zz-new.md").write_text("---\nslug: guide/page-1\n---\n# New\n", encoding="utf-8")
    (root / "guide/page-6.md").unlink()
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["created"] == ["guide/page-1"] and report["updated"] == ["guide/first"]
    assert report["withdrawn"] == ["guide/page-6"]
    assert len(report["unchanged"]) == 6 and report["failed"] == []
    pages = {p["slug"]: (p["title"], p["status"]) for p in cli("docs", "list", "--json").json()}
    assert pages["guide/first"] == ("Page 1", "published")
    assert pages["guide/page-1"] == ("New", "published")
    assert pages["guide/page-6"][1] == "archived"
