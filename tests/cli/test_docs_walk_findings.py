"""Findings of a new user's walk through the help centre (helper 194): "did you mean" never
corrects an excluded word or a phrase; the help centre's export imported back with --replace
leaves its pages unchanged (counted unchanged, once: not also taken over (helper 219)), and a real
change still makes exactly one revision."""

from __future__ import annotations

import pytest

from tests.cli.test_docs_cli import SMALL_TREE, write
from tests.conftest import shared_data


def pages(cli) -> list[dict]:
    """The pages as `docs list --json` has them, but for updated_at (a page taken over is written)."""
    return [{k: v for k, v in page.items() if k != "updated_at"} for page in cli("docs", "list", "--json").json()]


def revisions(superuser) -> dict[str, int]:
    """Each page's number of revisions (what `docs revisions PAGE` lists)."""
    rows = superuser.execute(
        "select p.slug, count(r.id) from documentation_pages p"
        " left join documentation_revisions r on r.page_id = p.id group by p.slug"
    ).fetchall()
    return dict(rows)


def test_the_readmes_search_offers_no_correction_of_an_excluded_word(cli, signed_up):
    """The walk: one hit in the Textual guide, and `Did you mean: "message queue" -degrees`."""
    assert cli("docs", "import", str(shared_data("docs", "textual")), "--publish").exit_code == 0
    query = '"message queue" -deprecated'
    found = cli("docs", "search", query, "--category", "guide", "--json")
    assert found.exit_code == 0, found.stderr
    assert [hit["slug"] for hit in found.json()["results"]] == ["guide/events"]
    assert found.json()["did_you_mean"] is None
    shown = cli("docs", "search", query, "--category", "guide")
    assert shown.exit_code == 0 and "Did you mean" not in shown.stderr + shown.stdout
    # A plain word that found nothing is still corrected, beside an excluded one left as it is.
    fixed = cli("docs", "search", 'mesage -deprecatd "message queue"', "--category", "guide", "--json").json()
    assert fixed["did_you_mean"] == 'message -deprecatd "message queue"'


def test_a_phrase_and_an_excluded_word_stay_as_written_in_a_small_tree(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    for query in ['"mesage queue"', "-workrs", "queue -workrs", "- workrs"]:
        assert cli("docs", "search", "--json", "--", query).json()["did_you_mean"] is None, query
    found = cli("docs", "search", 'workrs OR threds -workrs "workrs"', "--json").json()
    assert found["did_you_mean"] == 'workers OR threads -workrs "workrs"'


@pytest.mark.same_on_every_server  # the real corpora, Python-bound: CI's second pass leaves it out
def test_the_exported_help_imported_back_with_replace_is_unchanged(cli, signed_up, tmp_path):
    """The walk: export, then import --replace said "0 created, 355 updated, 355 taken over". The
    pages are the same: unchanged, and taken over by the export's folder (later imports of it
    update them)."""
    from blogster_cli.bundled import bundled_help

    assert cli("docs", "import", str(bundled_help()), "--publish").exit_code == 0  # what quickstart does
    assert cli("docs", "import", str(shared_data("docs", "textual")), "--publish").exit_code == 0
    listed = pages(cli)
    assert cli("docs", "export", str(tmp_path / "dexp")).exit_code == 0
    result = cli("docs", "import", str(tmp_path / "dexp"), "--replace", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["created"] == report["updated"] == report["failed"] == report["withdrawn"] == []
    assert sorted(report["unchanged"]) == sorted(page["slug"] for page in listed)
    assert report["replaced"] == []  # each page in one bucket (helper 219)
    assert pages(cli) == listed
    # The export's folder owns them now: importing it again is plain (nothing to take over).
    again = cli("docs", "import", str(tmp_path / "dexp"), "--json").json()
    assert (len(again["unchanged"]), again["replaced"], again["updated"]) == (len(listed), [], [])
    # And as the walk saw it, in words: a second export taking them over from the first.
    assert cli("docs", "export", str(tmp_path / "second")).exit_code == 0
    said = cli("docs", "import", str(tmp_path / "second"), "--replace")
    assert said.exit_code == 0, said.stderr
    assert f"0 created, 0 updated, {len(listed)} unchanged, 0 failed;" in said.stderr


def test_a_plain_reimport_of_the_same_folder_is_unchanged(cli, signed_up, tmp_path, superuser):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    before = revisions(superuser)
    listed = pages(cli)
    again = cli("docs", "import", str(root), "--json").json()
    assert sorted(again["unchanged"]) == sorted(before) and again["updated"] == again["replaced"] == []
    assert revisions(superuser) == before and pages(cli) == listed


def test_a_small_trees_export_imported_back_then_changed(cli, signed_up, tmp_path, superuser):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    listed = pages(cli)
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    back = cli("docs", "import", str(tmp_path / "out"), "--replace", "--json").json()
    assert sorted(back["unchanged"]) == sorted(p["slug"] for p in listed) and back["updated"] == []
    assert back["replaced"] == []
    assert pages(cli) == listed
    # A real change to one file of the export: that page updated, with exactly one revision.
    before = revisions(superuser)
    (tmp_path / "out" / "guide" / "events.md").write_text("---\ntitle: Events\n---\n# Events\n\nNew.\n")
    changed = cli("docs", "import", str(tmp_path / "out"), "--json").json()
    assert changed["updated"] == ["guide/events"] and changed["replaced"] == []
    assert revisions(superuser) == {**before, "guide/events": before["guide/events"] + 1}
    diff = cli("docs", "diff", "guide/events", str(before["guide/events"]))
    assert diff.exit_code == 0 and "+New." in diff.stdout
    # Taken back by the first folder, one of its files edited meanwhile: those whose text changes
    # are replaced (one revision each), the others unchanged; each page counted once.
    (root / "index.md").write_text("# Welcome back\n")
    returned = cli("docs", "import", str(root), "--replace", "--json").json()
    assert sorted(r["slug"] for r in returned["replaced"]) == ["guide/events", "index"]
    assert sorted(returned["unchanged"]) == ["guide/advanced/workers", "guide/hugo-server"]
    assert returned["updated"] == []


def test_taking_an_unchanged_page_over_makes_no_revision(cli, signed_up, tmp_path, superuser):
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    before = revisions(superuser)
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    assert cli("docs", "import", str(tmp_path / "out"), "--replace").exit_code == 0
    (root / "index.md").write_text("# Welcome back\n")
    assert cli("docs", "import", str(root), "--replace").exit_code == 0  # taken back, one file changed
    assert revisions(superuser) == {**before, "index": before["index"] + 1}
