"""A first line with text before, after, or both before and after the opening `---`.

`Note --- x` slipped past the front matter check of `posts edit --from` (the whole front matter
saved as body, exit 0), and `posts new --from` (a file or standard input) took `Note ---`,
`--- x` and `Note --- x` alike, creating an "Untitled" post whose body began with the front
matter. Every one is now invalid front matter naming its line (exit 2), and nothing is
created or changed. A body whose first line is prose with `---` in it is still body text.
"""

from __future__ import annotations

import pytest

from tests.cli.test_blogs_cli import new_post

FRONT_MATTER_BELOW = "title: Hello FM\nstatus: draft\n---\n\nBody here.\n"
BEFORE = "the front matter must start on the first line (its '---' is on line 1 after 'Note')"
AFTER = "the front matter's opening '---' must be alone on the first line (line 1 has 'x' after it)"
BOTH = "the front matter's opening '---' must be alone on the first line (line 1 has 'Note' before it and 'x' after it)"
FORMS = [
    ("Note ---\n", BEFORE),
    ("--- x\n", AFTER),
    ("Note --- x\n", BOTH),
    ("Note---x\n", BOTH),
    ("\n\nNote --- x\n", BOTH.replace("line 1 has", "line 3 has")),
]
PROSE = "Note --- a dash, as some write one.\n\nAn ordinary paragraph --- and another.\n\n---\n\nThe end.\n"


def posts(cli) -> list[dict]:
    result = cli("posts", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


@pytest.mark.parametrize(("first", "problem"), FORMS)
def test_new_from_a_file_refuses_each_first_line_form(cli, signed_up, tmp_path, first, problem):
    path = tmp_path / "post.md"
    path.write_text(first + FRONT_MATTER_BELOW, encoding="utf-8")
    result = cli("posts", "new", "--from", str(path))
    assert (result.exit_code, result.stderr) == (2, f"error: {path}: {problem}\n")
    assert posts(cli) == []


@pytest.mark.parametrize(("first", "problem"), FORMS)
def test_new_from_standard_input_refuses_each_first_line_form(cli, signed_up, first, problem):
    result = cli("posts", "new", "--from", "-", input=first + FRONT_MATTER_BELOW)
    assert (result.exit_code, result.stderr) == (2, f"error: standard input: {problem}\n")
    assert posts(cli) == []


@pytest.mark.parametrize("source", ["file", "-"])
@pytest.mark.parametrize(("first", "problem"), FORMS)
def test_edit_from_refuses_each_first_line_form_and_changes_nothing(cli, signed_up, tmp_path, first, problem, source):
    post_id = new_post(cli, "Stays", "--tag", "one")
    before = cli("posts", "show", post_id, "--json").json()
    text = first + FRONT_MATTER_BELOW
    if source == "file":
        path = tmp_path / "post.md"
        path.write_text(text, encoding="utf-8")
        result = cli("posts", "edit", post_id, "--from", str(path))
    else:
        result = cli("posts", "edit", post_id, "--from", "-", input=text)
    assert (result.exit_code, result.stderr) == (2, f"error: {problem}\n")
    after = cli("posts", "show", post_id, "--json").json()
    assert (after["title"], after["markdown"], after["tags"], after["updated_at"]) == (
        "Stays",
        before["markdown"],
        ["one"],
        before["updated_at"],
    )


def test_prose_with_a_dash_on_the_first_line_is_body_text_for_new_and_edit(cli, signed_up, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(PROSE, encoding="utf-8")
    created = cli("posts", "new", "--from", str(path), "--json")
    assert created.exit_code == 0, created.stderr
    slug = created.json()["slug"]
    assert cli("posts", "show", slug, "--json").json()["markdown"] == PROSE
    piped = cli("posts", "new", "--from", "-", "--title", "Piped", "--json", input=PROSE)
    assert piped.exit_code == 0, piped.stderr
    assert cli("posts", "show", piped.json()["slug"], "--json").json()["markdown"] == PROSE
    post_id = new_post(cli, "Edited", "--tag", "one")
    edited = cli("posts", "edit", post_id, "--from", "-", input=PROSE)
    assert edited.exit_code == 0, edited.stderr
    post = cli("posts", "show", post_id, "--json").json()
    assert (post["title"], post["tags"], post["markdown"]) == ("Edited", ["one"], PROSE)


def test_a_file_with_no_front_matter_still_imports_as_its_body(cli, signed_up, tmp_path):
    """`import` reads a site's files as its generator does: a file without front matter at its
    top is all body, even one a writer's `posts new --from` refuses."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "plain.md").write_text(PROSE, encoding="utf-8")
    (folder / "pushed.md").write_text("Note --- x\n" + FRONT_MATTER_BELOW, encoding="utf-8")
    result = cli("import", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    markdown = {post["slug"]: cli("posts", "show", post["slug"], "--json").json()["markdown"] for post in posts(cli)}
    assert markdown == {"plain": PROSE, "pushed": "Note --- x\n" + FRONT_MATTER_BELOW}
