"""The help centre as a writer found it (a tester's walk): `docs show` shows the text an include
line stands for (as search reads it), `docs new` on a slug in use names it, a search of exclusions
alone says it needs a word to look for, and a re-import keeps an edit made in Blogster since."""

from __future__ import annotations

from tests.cli.test_docs_cli import write

TREE = {
    "guide/install.md": '# Installation\n\nRun pip.\n\n--8<-- "_snippets/support.md"\n',
    "_snippets/support.md": "Call the troubleshooting hotline.\n",
}


def test_show_gives_the_included_text_search_finds_the_page_by(cli, signed_up, tmp_path):
    imported = cli("docs", "import", str(write(tmp_path / "docs", TREE)), "--publish")
    assert imported.exit_code == 0, imported.stderr
    found = cli("docs", "search", "hotline")
    assert "guide/install" in found.stdout, found.stderr
    shown = cli("docs", "show", "guide/install")
    assert shown.exit_code == 0, shown.stderr
    assert "troubleshooting hotline" in shown.stdout and "--8<--" not in shown.stdout
    # --json is the page as stored, as `docs export` writes it: the include line as written.
    assert '--8<-- "_snippets/support.md"' in cli("docs", "show", "guide/install", "--json").json()["markdown"]


def test_docs_new_on_a_slug_in_use_names_it(cli, signed_up):
    first = cli("docs", "new", "Backups", "--slug", "guide/backups", "--from", "-", input="x\n")
    assert first.exit_code == 0, first.stderr
    again = cli("docs", "new", "Backups", "--slug", "guide/backups", "--from", "-", input="y\n")
    assert again.exit_code == 5 and "'guide/backups' already exists" in again.stderr, again.stderr


def test_a_search_of_exclusions_alone_says_it_needs_a_word(cli, signed_up):
    result = cli("docs", "search", "--", "-deprecated")
    assert result.exit_code == 0 and "a search needs a word to look for" in result.stderr, result.stderr
    assert "needs a word" not in cli("docs", "search", "--", "-deprecated queue").stderr


def test_a_reimport_keeps_an_edit_made_since_and_reports_a_conflict(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"guide/workers.md": "# Workers\n\nAs the file says.\n"})
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    edited = write(tmp_path / "edit", {"workers.md": "# Workers\n\nEdited in Blogster.\n"}) / "workers.md"
    assert cli("docs", "edit", "guide/workers", "--from", str(edited)).exit_code == 0
    # The file as it was: the edit stays.
    again = cli("docs", "import", str(root), "--json")
    assert again.exit_code == 0 and again.json()["edits_kept"] == ["guide/workers"], again.stderr
    assert "Edited in Blogster." in cli("docs", "show", "guide/workers").stdout
    assert "1 edit kept" in cli("docs", "import", str(root)).stderr
    # The file changed too: a conflict, the page left as it is, unless --overwrite-edits.
    write(root, {"guide/workers.md": "# Workers\n\nThe file changed.\n"})
    conflict = cli("docs", "import", str(root))
    assert conflict.exit_code == 0 and "conflict: guide/workers.md: page 'guide/workers' was edited" in conflict.stderr
    assert "1 conflict" in conflict.stderr and "Edited in Blogster." in cli("docs", "show", "guide/workers").stdout
    overwritten = cli("docs", "import", str(root), "--overwrite-edits", "--json")
    assert overwritten.json()["updated"] == ["guide/workers"] and overwritten.json()["conflicts"] == []
    assert "The file changed." in cli("docs", "show", "guide/workers").stdout
    # Not edited since: a changed file updates the page as before.
    write(root, {"guide/workers.md": "# Workers\n\nChanged once more.\n"})
    assert cli("docs", "import", str(root), "--json").json()["updated"] == ["guide/workers"]


def test_a_reimport_with_publish_publishes_a_page_whose_edit_it_keeps(cli, signed_up, tmp_path):
    """The edit stays and so does the status asked for: `--publish` left an edited draft a draft,
    saying only that its edit was kept."""
    root = write(tmp_path / "docs", {"guide/workers.md": "# Workers\n\nAs the file says.\n"})
    assert cli("docs", "import", str(root)).exit_code == 0
    edited = write(tmp_path / "edit", {"workers.md": "# Workers\n\nEdited in Blogster.\n"}) / "workers.md"
    assert cli("docs", "edit", "guide/workers", "--from", str(edited)).exit_code == 0
    published = cli("docs", "import", str(root), "--publish", "--json")
    assert published.exit_code == 0 and published.json()["edits_kept"] == ["guide/workers"], published.stderr
    pages = cli("docs", "list", "--json").json()
    assert [(page["slug"], page["status"]) for page in pages] == [("guide/workers", "published")]
    assert "Edited in Blogster." in cli("docs", "show", "guide/workers").stdout
