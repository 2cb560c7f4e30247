"""`posts edit`: a save whose text reads as the post already is (a blank line typed above the front
matter) printed "Saved" and recorded "Edited 'Title' (tags)": every edit through front matter gave
its tags, and they were replaced (and the activity written) though equal. Now it is no edit: "No
changes." as for an editor that changed nothing, and no activity."""

from __future__ import annotations

from tests.cli.test_blogs_cli import new_post, write_editor

PREPEND_BLANK_LINE = "sed -i '1s/^/\\n/' \"$1\"\n"


def activity_types(cli, ref: str) -> list[str]:
    return [a["type"] for a in cli("activity", "--blog", ref, "--json").json()]


def test_an_editor_save_that_changes_nothing_says_so_and_records_nothing(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Tagged post", "--tag", "One", "--tag", "two")
    before = cli("posts", "show", post_id, "--json").json()
    editor = write_editor(tmp_path, PREPEND_BLANK_LINE)
    result = cli("posts", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "No changes."
    assert activity_types(cli, post_id) == ["created"]
    after = cli("posts", "show", post_id, "--json").json()
    assert (after["tags"], after["updated_at"]) == (before["tags"], before["updated_at"])
    assert len(cli("revisions", "list", post_id, "--json").json()) == 1


def test_tags_typed_in_another_case_are_no_change(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Cased tags", "--tag", "Rust")
    editor = write_editor(tmp_path, "sed -i 's/^- Rust$/- rust/; s/^tags: \\[Rust\\]$/tags: [rust]/' \"$1\"\n")
    result = cli("posts", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "No changes."
    assert activity_types(cli, post_id) == ["created"]


def test_a_real_tag_change_is_recorded_with_the_fields_it_changed(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Retagged", "--tag", "one")
    result = cli("posts", "edit", post_id, "--tag", "one", "--tag", "two", "--title", "Retagged again")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Saved 'retagged'")
    [edited] = [a for a in cli("activity", "--blog", post_id, "--json").json() if a["type"] == "edited"]
    assert edited["description"] == "Edited 'Retagged again' (title, tags)"


def test_field_flags_that_change_nothing_say_no_changes(cli, signed_up):
    post_id = new_post(cli, "Same flags", "--tag", "one")
    result = cli("posts", "edit", post_id, "--tag", "ONE", "--title", "Same flags")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "No changes."
    assert activity_types(cli, post_id) == ["created"]
