"""Red team 60.

F1: a post whose slug was another post's full id took that id's commands (`posts show ID`,
`posts rm ID`, `publish ID`): the lookup matched `slug = ref or id = ref` and took either row. An
id now names its post only (repositories/blogs.find_own, and the other "slug or id" lookups), and a
slug shaped like an id is refused where one is typed (exit 2), made anew where a file states it
(`posts new --from`, import: renamed, with the reason), never generated from a title.

F8: `--slug` took invisible and direction-changing characters (`pay` U+200B `pal`, `pay` U+202E
`pal` beside `paypal`: three addresses that look alike), and `café` composed and decomposed were
two posts. A typed slug with a format character is refused (exit 2, one line), an imported one is
made anew with the reason, and every slug is composed (NFC), looked up so too. The same since 0198
for the characters that show as nothing without being format characters (a Hangul filler, a
variation selector, the braille blank).
"""

from __future__ import annotations

import re
import unicodedata

from blogster_cli.content.slugs import INVISIBLE_CHARACTERS
from tests.cli.conftest import error_message

BODY = "Some words here.\n"
ZWSP, RLO, FILLER = "pay\u200bpal", "pal\u202eyap", "pay\u3164pal"  # FILLER: a Hangul filler (0198)
NFD, NFC = unicodedata.normalize("NFD", "café"), unicodedata.normalize("NFC", "café")


def new_post(cli, title, *args):
    result = cli("posts", "new", title, *args, "--json", input=BODY)
    assert result.exit_code == 0, result.stderr
    return result.json()


def shown(cli, ref):
    result = cli("posts", "show", ref, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_an_id_names_its_post_even_where_another_posts_slug_is_that_id(cli, signed_up, db):
    """The red team's script, with the slug set by the account's own SQL (as the commands no longer
    take one): every command taking BLOG acts on the post the id names, live or trashed."""
    target = new_post(cli, "target", "--slug", "target")
    older = new_post(cli, "older note", "--slug", "older-note")
    with db.connect() as conn:
        conn.execute(
            "update public.blogs set slug = %s, created_at = '2001-01-01' where id = %s", (target["id"], older["id"])
        )
    assert shown(cli, target["id"])["title"] == "target"
    assert cli("posts", "edit", target["id"], "--title", "target, edited").exit_code == 0
    assert cli("publish", target["id"]).exit_code == 0
    assert (shown(cli, target["id"])["title"], shown(cli, target["id"])["status"]) == ("target, edited", "published")
    assert shown(cli, older["id"])["status"] == "draft"
    assert cli("posts", "rm", target["id"]).exit_code == 0
    assert [p["id"] for p in cli("posts", "trash", "--json").json()] == [target["id"]]
    # The id of a trashed post still names it alone, not the live post whose slug is that id.
    assert "is in the trash" in error_message(cli("posts", "show", target["id"]), 3)
    assert cli("posts", "restore", target["id"]).exit_code == 0
    ids = cli("posts", "list", "--format", "ids").stdout.split()
    assert sorted(ids) == sorted([target["id"], older["id"]])
    assert cli("posts", "rm", *ids).exit_code == 0  # README: `posts rm $(posts list --format ids)`
    assert sorted(p["id"] for p in cli("posts", "trash", "--json").json()) == sorted(ids)


def test_the_slug_lookup_still_finds_an_id_shaped_slug_that_is_no_posts_id(cli, signed_up, db):
    post = new_post(cli, "kept", "--slug", "kept")
    free = "0000aaaa-0000-4000-8000-000000000000"
    with db.connect() as conn:
        conn.execute("update public.blogs set slug = %s where id = %s", (free, post["id"]))
    assert shown(cli, free)["id"] == post["id"]


def test_a_slug_shaped_like_an_id_is_refused_typed_and_made_anew_from_a_file(cli, signed_up, tmp_path):
    target = new_post(cli, "target", "--slug", "target")
    for slug in (target["id"], target["id"].upper(), "00000000-0000-4000-8000-000000000000"):
        message = error_message(cli("posts", "new", "x", "--slug", slug, input=BODY), 2)
        assert "is shaped like a post id" in message
        message = error_message(cli("posts", "edit", "target", "--slug", slug), 2)
        assert "is shaped like a post id" in message
    older = tmp_path / "older.md"
    older.write_text(f'---\ntitle: older note\nslug: "{target["id"]}"\ndate: 2001-01-01\n---\nan old note\n')
    made = cli("posts", "new", "--from", str(older), "--json")
    assert made.exit_code == 0, made.stderr
    assert made.json()["slug"] == "older-note"
    site = tmp_path / "site"
    site.mkdir()
    (site / "imported.md").write_text(f'---\ntitle: imported\nslug: "{target["id"]}"\n---\nwords\n')
    summary = cli("import", str(site), "--json").json()
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in summary["files"]}
    assert by_name["imported.md"]["outcome"] == "imported"
    assert by_name["imported.md"]["slug"] == "post-" + target["id"]
    assert "is shaped like a post id" in by_name["imported.md"]["reason"]
    assert new_post(cli, target["id"])["slug"] == "post-" + target["id"] + "-2"  # from a title: made readable
    assert shown(cli, target["id"])["slug"] == "target"


def test_invisible_and_direction_changing_slugs_are_refused_typed_and_made_anew_imported(cli, signed_up, tmp_path):
    new_post(cli, "paypal", "--slug", "paypal")
    for slug in (ZWSP, RLO, "pay\u202epal", "paypal\ufeff", "\u2066paypal", FILLER, "pay\ufe0fpal", "\u2800paypal"):
        result = cli("posts", "new", "lookalike", "--slug", slug, input=BODY)
        message = error_message(result, 2)
        assert "invisible or direction-changing character U+" in message, message
        assert not re.search(f"[{INVISIBLE_CHARACTERS}]", message)  # shown escaped
        assert error_message(cli("posts", "edit", "paypal", "--slug", slug), 2) == message
    assert [p["slug"] for p in cli("posts", "list", "--json").json()] == ["paypal"]
    site = tmp_path / "site"
    site.mkdir()
    (site / "zwsp.md").write_text(f'---\ntitle: lookalike\nslug: "{ZWSP}"\n---\nwords\n')
    (site / "rlo.md").write_text(f'---\ntitle: lookalike two\nslug: "{RLO}"\n---\nwords\n')
    (site / "filler.md").write_text('---\ntitle: lookalike three\nslug: "ex\u3164ample"\n---\nwords\n')
    summary = cli("import", str(site), "--json").json()
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in summary["files"]}
    assert (by_name["zwsp.md"]["slug"], by_name["rlo.md"]["slug"]) == ("pay-pal", "pal-yap")
    assert by_name["filler.md"]["slug"] == "ex-ample"
    assert "invisible or direction-changing character U+200B" in by_name["zwsp.md"]["reason"]
    assert "U+202E" in by_name["rlo.md"]["reason"]
    assert by_name["filler.md"]["reason"].startswith("slug 'ex\\u3164ample' holds the invisible")


def test_a_slug_is_composed_wherever_it_is_typed_imported_or_looked_up(cli, signed_up, tmp_path):
    post = new_post(cli, "coffee", "--slug", NFD)
    assert post["slug"] == NFC
    assert error_message(cli("posts", "new", "coffee again", "--slug", NFC, input=BODY), 5)
    assert shown(cli, NFD)["id"] == post["id"] == shown(cli, NFC)["id"]
    other = new_post(cli, "tea")
    assert cli("posts", "edit", other["slug"], "--slug", unicodedata.normalize("NFD", "thé")).exit_code == 0
    assert shown(cli, "thé")["id"] == other["id"]
    site = tmp_path / "site"
    site.mkdir()
    (site / "decomposed.md").write_text(f'---\ntitle: coffee imported\nslug: "{NFD}-imported"\n---\nwords\n')
    (site / f"{unicodedata.normalize('NFD', 'crème')}.md").write_text("---\ntitle: cream\n---\nwords\n")
    summary = cli("import", str(site), "--json").json()
    slugs = sorted(f["slug"] for f in summary["files"])
    assert slugs == sorted([f"{NFC}-imported", unicodedata.normalize("NFC", "crème")])
    draft = tmp_path / "from.md"
    draft.write_text(f'---\ntitle: from a file\nslug: "{NFD}-from"\n---\nwords\n')
    assert cli("posts", "new", "--from", str(draft), "--json").json()["slug"] == f"{NFC}-from"


def test_a_calendar_entrys_id_names_it_before_another_entrys_uid_that_is_that_id(cli, signed_up, tmp_path):
    """An imported event's UID is the file's to choose: one that is another entry's id took nothing,
    but made the id ambiguous ("type more of the id", with none left to type)."""
    from tests.cli.test_calendar_cli import add, ics_events

    entry = add(cli, "Mine", "--date", "2099-12-01")
    ics = ics_events(tmp_path / "shadow.ics", f"UID:{entry['id']}\r\nSUMMARY:Shadow\r\nDTSTART:20991202\r\n")
    assert cli("calendar", "import", "--ics", str(ics)).exit_code == 0
    done = cli("calendar", "done", entry["id"], "--json")
    assert done.exit_code == 0, done.stderr
    assert (done.json()["title"], done.json()["status"]) == ("Mine", "published")
    upper = cli("calendar", "done", entry["id"].upper(), "--json")
    assert upper.exit_code == 0 and upper.json()["title"] == "Mine"  # an id in capitals is that id too


def test_an_interactive_items_id_names_it_before_another_items_tracking_id_that_is_that_id(cli, signed_up, tmp_path):
    import json

    poll = tmp_path / "poll.json"
    poll.write_text(json.dumps({"question": "Which shell?", "options": ["bash", "zsh"]}))
    made = cli("interactive", "create", "poll", "--title", "Shells", "--structure", str(poll), "--json").json()
    shadow = cli(
        "interactive", "create", "poll", "--title", "Shadow", "--structure", str(poll), "--tracking-id", made["id"]
    )
    assert shadow.exit_code == 0, shadow.stderr
    assert cli("interactive", "rm", made["id"]).exit_code == 0
    left = cli("interactive", "list", "--json").json()
    assert [item["title"] for item in left] == ["Shadow"]
    assert cli("interactive", "rm", made["id"]).exit_code == 0  # now the tracking id of the one left
    assert cli("interactive", "list", "--json").json() == []


def test_a_purged_posts_id_names_its_activity_only(cli, signed_up, db):
    """`activity --blog ID` of a purged post: its id's, not also another purged post's that had that
    id as its slug."""
    target = new_post(cli, "target", "--slug", "target")
    decoy = new_post(cli, "decoy", "--slug", "decoy")
    with db.connect() as conn:
        conn.execute("update public.blogs set slug = %s where id = %s", (target["id"], decoy["id"]))
    for post in (decoy, target):
        assert cli("posts", "rm", post["id"]).exit_code == 0
        assert cli("blogs", "purge", post["id"], "--yes").exit_code == 0
    activity = cli("activity", "--blog", target["id"], "--json").json()
    assert activity and {a["description"].split("'")[1] for a in activity} == {"target"}, activity


def test_a_templates_id_names_it_before_a_template_named_as_that_id(cli, signed_up, tmp_path):
    import json

    sections = tmp_path / "sections.json"
    sections.write_text(json.dumps([{"type": "intro", "heading": "Why", "placeholder": "Say why", "target_words": 80}]))
    long_name = "A release checklist with more words in its name than an id"  # longer than an id: the old tie-break
    assert cli("templates", "save", long_name, str(sections)).exit_code == 0
    named = cli("templates", "show", long_name, "--json").json()
    refused = error_message(cli("templates", "save", named["id"], str(sections)), 2)  # since 0199 (red team F6)
    assert "is shaped like an id" in refused
    assert cli("templates", "show", named["id"], "--json").json()["name"] == long_name


def test_a_post_renamed_to_its_own_slug_typed_decomposed_is_unchanged(cli, signed_up):
    post = new_post(cli, "coffee", "--slug", NFC)
    same = cli("posts", "edit", NFC, "--slug", NFD, "--json")
    assert same.exit_code == 0, same.stderr
    assert (same.json()["slug"], same.json()["updated_at"]) == (NFC, post["updated_at"])
