"""Low findings of a new user's walk through the help centre (helper 257, L1, L5, L9): a category or
tag that no page has is named, with the closest ones, rather than read as "No pages found."; `--all`
from someone who is no admin says it shows published pages only; a mistyped page gets a "did you
mean"; `docs list --category`; titles taken from a first heading and search snippets read their
character references (`&lt;integer&gt;` is `<integer>`, `&mdash;` a dash); a re-import repeats
the notes of pages it neither created nor renamed in one line."""

from __future__ import annotations

from tests.cli.test_docs_cli import SMALL_TREE, login, signup, write

TREE = {
    **SMALL_TREE,
    "css_types/integer.md": "# &lt;integer&gt;\n\nAn integer is a number without a fraction &mdash; like 42.\n",
    "css_types/text_align.md": "# &lt;text-align&gt;\n\nWhere text sits &mdash; left, right or centre.\n",
    "snippets/note.md": "Shared text.\n",
}


def imported(cli, tmp_path):
    root = write(tmp_path / "docs", TREE)
    result = cli("docs", "import", str(root), "--publish")
    assert result.exit_code == 0, result.stderr
    return root, result


def test_an_unknown_category_or_tag_is_not_found_with_the_closest_ones(cli, signed_up, tmp_path):
    imported(cli, tmp_path)
    unknown = cli("docs", "search", "queue", "--category", "nope")
    assert (unknown.exit_code, unknown.stderr) == (3, "error: no documentation category 'nope'\n")
    close = cli("docs", "search", "queue", "--category", "guid", "--json")
    assert (close.exit_code, close.stdout) == (3, "")
    assert close.stderr == "error: no documentation category 'guid' (did you mean 'guide'?)\n"
    by_name = cli("docs", "search", "queue", "--category", "Css typs")
    assert by_name.stderr == "error: no documentation category 'Css typs' (did you mean 'css-types'?)\n"
    tag = cli("docs", "search", "queue", "--tag", "cor")
    assert (tag.exit_code, tag.stderr) == (3, "error: no documentation page has the tag 'cor' (did you mean 'core'?)\n")
    # Known ones filter as before, by slug or name.
    assert cli("docs", "search", "queue", "--category", "Guide", "--tag", "core").stdout.startswith("guide/events\t")
    assert cli("docs", "search", "queue", "--tag", "core").exit_code == 0


def test_docs_list_takes_a_category(cli, signed_up, tmp_path):
    imported(cli, tmp_path)
    listed = cli("docs", "list", "--category", "guide", "--format", "ids")
    assert listed.stdout.split() == ["guide/events", "guide/hugo-server"]  # not its sub-category's pages
    assert cli("docs", "list", "--category", "Advanced", "--format", "ids").stdout.split() == ["guide/advanced/workers"]
    wrong = cli("docs", "list", "--category", "css_types")
    assert (wrong.exit_code, wrong.stderr) == (
        3, "error: no documentation category 'css_types' (did you mean 'css-types'?)\n")  # fmt: skip


def test_a_mistyped_page_gets_a_did_you_mean(cli, signed_up, tmp_path):
    imported(cli, tmp_path)
    shown = cli("docs", "show", "guide/event")
    assert (shown.exit_code, shown.stderr) == (
        3,
        "error: no documentation page 'guide/event' (did you mean 'guide/events'?)\n",
    )
    assert cli("docs", "show", "nothing-like-it").stderr == "error: no documentation page 'nothing-like-it'\n"


def test_a_page_asked_for_without_its_folders_is_suggested(cli, signed_up, tmp_path):
    """`docs show exit-codes` said only "no documentation page" while guides/exit-codes exists: a page
    whose slug ends with the one asked for, or whose name is close to its name, is suggested (exit 3)."""
    imported(cli, tmp_path)
    for asked, meant in [
        ("workers", "'guide/advanced/workers'"),
        ("advanced/workers", "'guide/advanced/workers'"),
        ("hugo-servr", "'guide/hugo-server'"),
        ("events", "'guide/events'"),
    ]:
        shown = cli("docs", "show", asked)
        assert (shown.exit_code, shown.stdout) == (3, ""), asked
        assert shown.stderr == f"error: no documentation page {asked!r} (did you mean {meant}?)\n"


def test_all_from_someone_who_is_no_admin_says_so(cli, signed_up, tmp_path):
    imported(cli, tmp_path)
    assert cli("docs", "new", "Draft about queues", "--from", "-", input="A queue draft.\n").exit_code == 0
    admin = cli("docs", "search", "queue", "--all", "--format", "ids")
    assert "draft-about-queues" in admin.stdout.split() and "note:" not in admin.stderr
    signup(cli, "bob@example.com")  # no admin
    writer = cli("docs", "search", "queue", "--all", "--format", "ids")
    assert writer.exit_code == 0 and "draft-about-queues" not in writer.stdout.split()
    assert writer.stdout.split()[0] == "guide/events"
    assert writer.stderr == (
        "note: --all shows drafts and archived pages to admins only: these are the published pages\n"
    )
    assert cli("docs", "search", "queue", "--format", "ids").stderr == ""
    login(cli, "ada@example.com")


def test_titles_from_headings_and_snippets_read_character_references(cli, signed_up, tmp_path):
    imported(cli, tmp_path)
    found = cli("docs", "search", "integer fraction", "--json").json()["results"]
    assert [(hit["slug"], hit["title"]) for hit in found][:1] == [("css-types/integer", "<integer>")]
    assert "fraction — like" in found[0]["snippet"] and "&" not in found[0]["snippet"]
    piped = cli("docs", "search", "integer fraction").stdout.splitlines()
    assert piped[0].startswith("css-types/integer\t<integer>\t")
    assert "&mdash;" not in piped[1] and "—" in piped[1]
    listed = {page["slug"]: page["title"] for page in cli("docs", "list", "--json").json()}
    assert (listed["css-types/integer"], listed["css-types/text-align"]) == ("<integer>", "<text-align>")
    # The title's word is searched as a title's: `<integer>` is no XML tag to the index (0146).
    assert cli("docs", "search", "integer", "--format", "ids").stdout.split()[0] == "css-types/integer"
    # The page keeps its markdown as written: exported, it is the file it came from.
    assert cli("docs", "export", str(tmp_path / "back")).exit_code == 0
    assert (tmp_path / "back/css_types/integer.md").read_text(encoding="utf-8") == TREE["css_types/integer.md"]


def test_a_reimport_says_the_notes_of_pages_it_did_not_create_or_rename_in_one_line(cli, signed_up, tmp_path):
    root, first = imported(cli, tmp_path)
    notes = [line for line in first.stderr.splitlines() if line.startswith("note:")]
    assert "note: guide/hugo_server.md: slug 'guide/hugo_server' normalised to 'guide/hugo-server'" in notes
    assert "note: snippets/note.md: an include (in snippets/), not a page" in notes
    again = cli("docs", "import", str(root), "--publish")
    assert again.exit_code == 0, again.stderr
    repeated = [line for line in again.stderr.splitlines() if line.startswith("note:")]
    assert repeated == [
        "note: 4 notes as at earlier imports (slugs normalised, files skipped as includes):"
        " --json lists them in repeated_notes"
    ]
    report = cli("docs", "import", str(root), "--publish", "--json").json()
    assert report["notes"] == []
    assert sorted(report["repeated_notes"]) == sorted(
        [
            "css_types/integer.md: slug 'css_types/integer' normalised to 'css-types/integer'",
            "css_types/text_align.md: slug 'css_types/text_align' normalised to 'css-types/text-align'",
            "guide/hugo_server.md: slug 'guide/hugo_server' normalised to 'guide/hugo-server'",
            "snippets/note.md: an include (in snippets/), not a page",
        ]
    )
    # A page created in this run has its notes said in full; the others stay in the one line.
    (root / "guide/new_page.md").write_text("# New page\n", encoding="utf-8")
    third = cli("docs", "import", str(root), "--publish")
    notes = [line for line in third.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: guide/new_page.md: slug 'guide/new_page' normalised to 'guide/new-page'",
        "note: 4 notes as at earlier imports (slugs normalised, files skipped as includes):"
        " --json lists them in repeated_notes",
    ]
