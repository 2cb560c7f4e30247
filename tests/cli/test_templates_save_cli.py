"""`templates save`: a shipped template is not replaced by mistake, a change keeps what it does not
name, and --json prints the saved template (h213 B8)."""

import json

from tests.cli.test_catalog_and_images_cli import signup_bob

SECTIONS = [{"type": "intro", "heading": "Why", "placeholder": "Say why", "target_words": 80}]


def sections_file(tmp_path, sections=SECTIONS, name="sections.json"):
    path = tmp_path / name
    path.write_text(json.dumps(sections))
    return str(path)


def test_saving_under_a_shipped_name_is_refused_and_changes_nothing(cli, signed_up, tmp_path):
    listicle = cli("templates", "show", "listicle", "--json").json()
    assert listicle["is_system"] is True and len(listicle["structure"]) == 7
    refused = cli("templates", "save", "listicle", sections_file(tmp_path))
    assert refused.exit_code == 5
    assert refused.stderr.startswith("error: 'Listicle' is a template shipped with Blogster")
    assert "--replace" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert cli("templates", "show", "listicle", "--json").json() == listicle
    # Under another name it is a template of the site's own, listed apart from the shipped ones.
    mine = cli("templates", "save", "My listicle", sections_file(tmp_path), "--json")
    assert mine.exit_code == 0, mine.stderr
    assert mine.json()["name"] == "My listicle" and mine.json()["is_system"] is False
    shipped = {t["name"]: t["shipped"] for t in cli("templates", "list", "--json").json()}
    assert shipped["Listicle"] is True and shipped["My listicle"] is False


def test_replace_changes_a_shipped_template_and_keeps_what_it_does_not_name(cli, signed_up, tmp_path):
    listicle = cli("templates", "show", "listicle", "--json").json()
    replaced = cli("templates", "save", "listicle", sections_file(tmp_path), "--replace", "--json")
    assert replaced.exit_code == 0, replaced.stderr
    saved = replaced.json()
    assert saved["id"] == listicle["id"] and saved["name"] == "Listicle" and saved["is_system"] is True
    assert saved["structure"] == SECTIONS
    assert (saved["description"], saved["image_count"]) == (listicle["description"], listicle["image_count"])


def test_an_update_keeps_the_fields_not_given(cli, signed_up, tmp_path):
    created = cli(
        "templates", "save", "Release notes", sections_file(tmp_path),
        "--image-count", "1", "--description", "What shipped",
    )  # fmt: skip
    assert created.exit_code == 0, created.stderr
    assert created.stderr == "Saved template 'Release notes' (1 section, 1 image).\n"
    two = [*SECTIONS, {"type": "list", "heading": "Fixed"}]
    again = cli("templates", "save", "release notes", sections_file(tmp_path, two, "two.json"))
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "Updated template 'Release notes' (2 sections, 1 image).\n"
    shown = cli("templates", "show", "Release notes", "--json").json()
    assert (shown["description"], shown["image_count"], len(shown["structure"])) == ("What shipped", 1, 2)
    # Without a file the sections are kept too; "" clears the description.
    counted = cli("templates", "save", "Release notes", "--image-count", "3", "--description", "", "--json")
    assert counted.exit_code == 0, counted.stderr
    assert (counted.json()["image_count"], counted.json()["description"]) == (3, None)
    assert counted.json()["structure"] == two


def test_json_before_the_command_prints_the_saved_template(cli, signed_up, tmp_path):
    result = cli("--json", "templates", "save", "Release notes", sections_file(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert result.json()["name"] == "Release notes" and result.json()["structure"] == SECTIONS


def test_a_new_template_needs_its_sections_and_a_change_something_to_change(cli, signed_up, tmp_path):
    missing = cli("templates", "save", "Brand new")
    assert missing.exit_code == 2 and "needs its sections" in missing.stderr
    assert cli("templates", "show", "Brand new").exit_code == 3
    assert cli("templates", "save", "Mine", sections_file(tmp_path)).exit_code == 0
    nothing = cli("templates", "save", "Mine")
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr


def test_writers_still_cannot_save_or_replace(cli, signed_up, tmp_path):
    signup_bob(cli)
    for args in (("Bobs", sections_file(tmp_path)), ("listicle", sections_file(tmp_path), "--replace")):
        assert cli("templates", "save", *args).exit_code == 4
