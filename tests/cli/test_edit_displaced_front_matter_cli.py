"""`posts edit`: text typed before the opening `---` made the front matter body text.

It was saved with exit 0 (the title and slug lines counted as words of the post). Now it
is invalid front matter, handled as a YAML error is: off a terminal refused with the text
kept, on one the editor reopens with the error on top. Deleting the whole front matter
still saves the body, and a front matter error names the line of the buffer.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_blogs_cli import new_post, write_editor

PREPEND_OOPS = "sed -i '1s/^/Oops typed here/' \"$1\"\n"
MESSAGE = "the front matter must start on the first line (its '---' is on line 1 after 'Oops typed here')"


def shown(cli, ref: str) -> dict:
    result = cli("posts", "show", ref, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def revision_count(cli, ref: str) -> int:
    return len(cli("revisions", "list", ref, "--json").json())


def test_text_before_the_front_matter_off_a_terminal_is_refused_and_kept(
    cli, signed_up, tmp_path, isolated_environment
):
    post_id = new_post(cli, "Kept whole", "--tag", "one")
    before = shown(cli, post_id)
    result = cli("posts", "edit", post_id, env={"EDITOR": write_editor(tmp_path, PREPEND_OOPS), "VISUAL": ""})
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: {MESSAGE}; your text is kept in ")
    assert len(result.stderr.splitlines()) == 1
    [kept] = sorted((isolated_environment / "recovery").glob("*.md"))
    assert kept.read_text().startswith("Oops typed here---\ntitle: Kept whole\n")
    after = shown(cli, post_id)
    assert (after["markdown"], after["title"], after["tags"], after["word_count"]) == (
        before["markdown"],
        "Kept whole",
        ["one"],
        before["word_count"],
    )
    assert revision_count(cli, post_id) == 1


def test_on_a_terminal_the_editor_reopens_with_the_error_and_the_fix_saves(cli, signed_up, tmp_path, monkeypatch):
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    post_id = new_post(cli, "Reopened")
    seen = tmp_path / "seen"
    # First run types before the fence; the second (seeing the error comment) removes it
    # and adds a line to the body.
    editor = write_editor(
        tmp_path,
        f"cat \"$1\" >> '{seen}'\n"
        "if grep -q '^# blogster' \"$1\"; then\n"
        "  sed -i 's/^Oops typed here---$/---/' \"$1\"\n"
        "  printf 'Body after the fix.\\n' >> \"$1\"\n"
        "else\n" + PREPEND_OOPS + "fi\n",
    )
    result = cli("posts", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert f"error: {MESSAGE}; reopening the editor" in result.stderr
    assert f"# blogster: {MESSAGE}\n" in seen.read_text()
    post = shown(cli, post_id)
    assert (post["title"], post["markdown"]) == ("Reopened", "Body after the fix.\n")
    assert revision_count(cli, post_id) == 2


def test_deleting_the_whole_front_matter_saves_the_body_and_keeps_the_fields(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Fields stay", "--tag", "one")
    body_only = write_editor(tmp_path, "printf 'Only the body now.\\n\\n---\\n\\nAfter a break.\\n' > \"$1\"\n")
    result = cli("posts", "edit", post_id, env={"EDITOR": body_only, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    post = shown(cli, post_id)
    assert (post["title"], post["slug"], post["tags"]) == ("Fields stay", "fields-stay", ["one"])
    assert post["markdown"] == "Only the body now.\n\n---\n\nAfter a break.\n"


def test_edit_from_a_file_with_text_before_the_front_matter_is_refused(cli, signed_up, tmp_path):
    post_id = new_post(cli, "From a file")
    text = tmp_path / "post.md"
    text.write_text("Stray words\n---\ntitle: Other\nslug: other\n---\nNew body.\n")
    result = cli("posts", "edit", post_id, "--from", str(text))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: the front matter must start on the first line (its '---' is on line 2, below 'Stray words' on line 1)\n",
    )
    assert shown(cli, post_id)["title"] == "From a file"


def test_a_yaml_error_names_the_line_of_the_buffer(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Valid")
    breaking = write_editor(tmp_path, "sed -i 's/^slug: .*/slug: [unclosed/' \"$1\"\n")
    result = cli("posts", "edit", post_id, env={"EDITOR": breaking, "VISUAL": ""})
    assert result.exit_code == 2
    buffer_lines = Path(result.stderr.split("your text is kept in ")[1].strip()).read_text().splitlines()
    assert buffer_lines[3].startswith("status:")  # the line the scanner stops at: the fourth of the buffer
    assert "YAML front matter, line 4 column 7:" in result.stderr
