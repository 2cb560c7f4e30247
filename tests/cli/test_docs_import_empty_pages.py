"""`docs import --publish` leaves a page with no text a draft, as `docs publish` refuses one, and
says so; a published page whose file is emptied keeps its text, reported as a failed file."""

from __future__ import annotations

import pytest

from tests.cli.test_docs_cli import write

# Python-bound (a folder of pages read in Python): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

TREE = {
    "guide/setup.md": "# Setup\n\nInstall it.\n",
    "guide/_index.md": "---\ntitle: Guide\n---\n",  # a section page with front matter only
    "blank.md": "\n\n",
}


def statuses(cli) -> dict[str, str]:
    return {page["slug"]: page["status"] for page in cli("docs", "list", "--json").json()}


def test_empty_pages_are_imported_as_drafts_and_a_published_page_keeps_its_text(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    imported = cli("docs", "import", str(root), "--publish", "--json")
    assert imported.exit_code == 0, imported.stderr
    empty = sorted(slug for slug, status in statuses(cli).items() if status == "draft")
    assert len(empty) == 2 and statuses(cli)["guide/setup"] == "published", statuses(cli)
    notes = [note for note in imported.json()["notes"] if "no text" in note]
    assert sorted(notes) == ["blank.md: no text, so not published", "guide/_index.md: no text, so not published"]

    (root / "guide/setup.md").write_text("", encoding="utf-8")
    again = cli("docs", "import", str(root), "--json")
    assert again.exit_code == 1, again.stderr
    assert again.json()["failed"] == [
        ["guide/setup.md", "no text: the published page 'guide/setup' keeps its text (archive it first)"]
    ]
    shown = cli("docs", "show", "guide/setup", "--json").json()
    assert (shown["status"], shown["markdown"]) == ("published", "# Setup\n\nInstall it.\n")
