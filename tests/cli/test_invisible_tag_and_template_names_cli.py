"""Red team (F5, F6): names outside post slugs follow the slugs' rule.

F5: `posts new T --tag C --tag C` U+200B made two tags, `C` and `C` U+200B, each with its own public
tag page (U+202E too). A typed tag holding a character a slug may not hold is refused (exit 2, one
line, shown escaped); an imported one loses those characters, with a warning, as an imported slug
is made anew.

F6: `templates save` took a name shaped like an id (`templates show ID` then reads the id), one
with an invisible character (`Listicle` U+200B beside `Listicle`), and `Café` decomposed beside
composed. A template's name is composed (NFC), and refused with an invisible character or an id's
shape (exit 2).
"""

from __future__ import annotations

import json
import re
import unicodedata

from blogster_cli.content.slugs import INVISIBLE_CHARACTERS
from tests.cli.conftest import error_message

BODY = "Some words here.\n"
LOOKALIKE_TAGS = ["C\u200b", "C\u202e", "\u2066C\u2069", "C\u3164", "C\ufe0f", "C\u00ad"]
SECTIONS = [{"type": "intro", "heading": "Why", "placeholder": "Say why", "target_words": 80}]


def tags_of(cli, ref):
    result = cli("posts", "show", ref, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["tags"]


def test_a_typed_tag_with_an_invisible_character_is_refused_everywhere_it_is_typed(cli, signed_up, tmp_path):
    made = cli("posts", "new", "T", "--slug", "t", "--tag", "C", input=BODY)
    assert made.exit_code == 0, made.stderr
    for tag in LOOKALIKE_TAGS:
        message = error_message(cli("posts", "new", "T2", "--tag", "C", "--tag", tag, input=BODY), 2)
        assert message.startswith("tag ") and "invisible or direction-changing character U+" in message, message
        assert not re.search(f"[{INVISIBLE_CHARACTERS}]", message)  # shown escaped
        assert error_message(cli("posts", "edit", "t", "--tag", tag), 2) == message
        assert error_message(cli("posts", "tag", "add", "t", tag), 2) == message
    draft = tmp_path / "draft.md"
    draft.write_text('---\ntitle: from a file\ntags: [C, "C\u200b"]\n---\nwords\n')
    assert "U+200B" in error_message(cli("posts", "new", "--from", str(draft)), 2)
    assert [p["slug"] for p in cli("posts", "list", "--json").json()] == ["t"]
    assert tags_of(cli, "t") == ["C"]
    assert cli("tags", "list", "--json").json() == [{"name": "C", "posts": 1}]


def test_a_typed_tag_with_a_control_character_is_refused_as_the_others_are(cli, signed_up):
    """A C0 or C1 code or DEL in a typed tag reached the schema's check, whose message names no tag:
    it is refused as an invisible character is (exit 2, one line, shown escaped)."""
    made = cli("posts", "new", "T", "--slug", "t", "--tag", "C", input=BODY)
    assert made.exit_code == 0, made.stderr
    for tag, code in (("C\x01q", "0001"), ("Evil\x1b[2J", "001B"), ("C\x7f", "007F"), ("C\x80q", "0080")):
        message = error_message(cli("posts", "new", "T2", "--tag", "C", "--tag", tag, input=BODY), 2)
        assert message == f"tag {tag!r} holds the control character U+{code}", message
        assert error_message(cli("posts", "edit", "t", "--tag", tag), 2) == message
        assert error_message(cli("posts", "tag", "add", "t", tag), 2) == message
    assert [p["slug"] for p in cli("posts", "list", "--json").json()] == ["t"]
    assert tags_of(cli, "t") == ["C"]


def test_an_imported_tag_loses_its_invisible_characters_with_a_warning(cli, signed_up, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "one.md").write_text('---\ntitle: one\ntags: [C, "C\u200b", "pay\u202epal", "\u2060"]\n---\nwords\n')
    (site / "two.md").write_text('---\ntitle: two\ntags: ["Ru\u3164st"]\n---\nwords\n')
    summary = cli("import", str(site), "--json")
    assert summary.exit_code == 0, summary.stderr
    files = {f["path"].rsplit("/", 1)[-1]: f for f in summary.json()["files"]}
    assert files["one.md"]["warnings"] == [
        "tag 'C\\u200b' held invisible or direction-changing characters; made 'C'",
        "tag 'pay\\u202epal' held invisible or direction-changing characters; made 'paypal'",
        "tag '\\u2060' held invisible or direction-changing characters; left out",
    ]
    assert tags_of(cli, "one") == ["C", "paypal"] and tags_of(cli, "two") == ["Rust"]


def sections_file(tmp_path):
    path = tmp_path / "sections.json"
    path.write_text(json.dumps(SECTIONS))
    return str(path)


def test_a_template_name_is_composed_and_holds_no_invisible_character_nor_an_ids_shape(cli, signed_up, tmp_path):
    sections = sections_file(tmp_path)
    listicle = cli("templates", "show", "listicle", "--json").json()
    for name in (listicle["id"], listicle["id"].upper(), "00000000-0000-4000-8000-000000000000"):
        assert "is shaped like an id" in error_message(cli("templates", "save", name, sections), 2)
    for name in ("Listicle\u200b", "\u202eListicle", "List\u3164icle"):
        message = error_message(cli("templates", "save", name, sections), 2)
        assert "invisible or direction-changing character U+" in message, message
        assert not re.search(f"[{INVISIBLE_CHARACTERS}]", message)
    nfd, nfc = unicodedata.normalize("NFD", "Café"), unicodedata.normalize("NFC", "Café")
    saved = cli("templates", "save", nfd, sections, "--json")
    assert saved.exit_code == 0, saved.stderr
    assert saved.json()["name"] == nfc
    again = cli("templates", "save", nfc, "--description", "the same one", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["id"] == saved.json()["id"]
    names = [t["name"] for t in cli("templates", "list", "--json").json()]
    assert names.count(nfc) == 1 and nfd not in names
    assert cli("templates", "show", listicle["id"], "--json").json()["name"] == "Listicle"


def test_a_template_name_holds_no_control_character_and_its_whitespace_is_folded(cli, signed_up, tmp_path):
    """Red team 64, F3: `templates save` took ESC sequences (which retitle or clear a terminal), C0 and
    C1 codes, and any whitespace: `pay` U+200A `pal` beside `paypal`, `nb` U+00A0 `sp` beside `nb sp`.
    Controls are refused (exit 2, shown escaped); whitespace is folded to one space and trimmed, as a
    tag's; a private-use character is refused as an invisible one."""
    sections = sections_file(tmp_path)
    for name, code in (("Evil\x1b]0;pwned\x07\x1b[2J", "001B"), ("Cq\x80", "0080"), ("Cq\x01", "0001")):
        message = error_message(cli("templates", "save", name, sections), 2)
        assert f"holds the control character U+{code}" in message and "\x1b" not in message, message
    assert "private-use, noncharacter or placeholder character U+E000" in error_message(
        cli("templates", "save", "List\ue000icle", sections), 2
    )
    made = cli("templates", "save", "nb sp", sections, "--json")
    assert made.exit_code == 0, made.stderr
    for name, saved in (("nb\u00a0sp", "nb sp"), (" line\u2028break ", "line break"), ("pay\u200apal", "pay pal")):
        result = cli("templates", "save", name, sections, "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["name"] == saved
    assert cli("templates", "show", "nb sp", "--json").json()["id"] == made.json()["id"]  # the same one, changed
    listed = cli("templates", "list", "--format", "csv")
    assert listed.exit_code == 0 and not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", listed.stdout)


def test_a_tag_with_a_private_use_character_is_refused_typed_and_dropped_imported(cli, signed_up, tmp_path):
    """Red team 64, F4: `C` U+E000 beside `C` (a box, or nothing, in most fonts)."""
    made = cli("posts", "new", "T", "--slug", "t", "--tag", "C", input=BODY)
    assert made.exit_code == 0, made.stderr
    for tag in ("C\ue000", "C\U0010fffd", "C\ufdd0", "C\ufffc", "C\U00016fe4"):
        message = error_message(cli("posts", "tag", "add", "t", tag), 2)
        assert "private-use, noncharacter or placeholder character U+" in message and tag not in message, message
    site = tmp_path / "site"
    site.mkdir()
    (site / "one.md").write_text('---\ntitle: one\ntags: ["C\ue000", "Ru\ufffcst"]\n---\nwords\n')
    summary = cli("import", str(site), "--json")
    assert summary.exit_code == 0, summary.stderr
    assert summary.json()["files"][0]["warnings"] == [
        "tag 'C\\ue000' held private-use, noncharacter or placeholder characters; made 'C'",
        "tag 'Ru\\ufffcst' held private-use, noncharacter or placeholder characters; made 'Rust'",
    ]
    assert tags_of(cli, "one") == ["C", "Rust"]
