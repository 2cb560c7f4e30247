"""`revisions restore` brings back a revision's body, and only its body.

Since 0152 a revision is written only when the body changes, so the post's other content (the
front matter its file wrote, where it came from) may have changed after its newest revision.
Restoring the revision whose body is the current one is a no-op that says so (no write, no
activity, no revision); restoring an older one writes that body back over the current document,
whose front matter stays as it is now.
"""

from pathlib import Path

FIRST = "---\ntitle: First\ndescription: one\n---\nBody one.\n"
RETITLED = "---\ntitle: First, renamed\ndescription: two\naliases: [/kept/]\n---\nBody one.\n"
SECOND_BODY = "---\ntitle: First, renamed\ndescription: two\naliases: [/kept/]\n---\nBody two.\n"


def _import(cli, site: Path, text: str) -> None:
    post = site / "content" / "posts" / "first.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(text)
    result = cli("import", str(site / "content"), "--format", "hugo")
    assert result.exit_code == 0, result.stderr


def _exported(cli, folder: Path) -> str:
    result = cli("export", str(folder), "--format", "hugo")
    assert result.exit_code == 0, result.stderr
    (path,) = folder.rglob("*.md")
    return path.read_text()


def _edits(cli) -> list[str]:
    return [a["type"] for a in cli("activity", "--blog", "first", "--json").json() if a["type"] == "edited"]


def test_restoring_the_current_body_is_a_no_op_that_says_so(cli, signed_up, tmp_path):
    _import(cli, tmp_path / "site", FIRST)
    _import(cli, tmp_path / "site", RETITLED)  # same body: no revision (0152), front matter changed
    assert [r["revision"] for r in cli("revisions", "list", "first", "--json").json()] == [1]
    before = _exported(cli, tmp_path / "before")
    assert "description: two" in before and "/kept/" in before
    edits = _edits(cli)

    text = cli("revisions", "restore", "first", "1")
    assert _exported(cli, tmp_path / "after-text") == before, "the newer front matter was put back"
    assert text.exit_code == 0, text.stderr
    assert "nothing to restore" in text.stderr and "already" in text.stderr
    as_json = cli("revisions", "restore", "first", "1", "--json")
    assert as_json.exit_code == 0, as_json.stderr
    assert as_json.json()["restored_revision"] == 1 and as_json.json()["changed"] is False

    assert _exported(cli, tmp_path / "after") == before  # the newer front matter was not put back
    assert cli("blogs", "show", "first", "--json").json()["title"] == "First, renamed"
    assert [r["revision"] for r in cli("revisions", "list", "first", "--json").json()] == [1]
    assert _edits(cli) == edits  # nothing happened, so nothing is recorded


def test_restoring_an_older_body_keeps_the_current_front_matter(cli, signed_up, tmp_path):
    _import(cli, tmp_path / "site", FIRST)
    _import(cli, tmp_path / "site", SECOND_BODY)
    assert [r["revision"] for r in cli("revisions", "list", "first", "--json").json()] == [1, 2]

    restored = cli("revisions", "restore", "first", "1", "--json")
    assert restored.exit_code == 0, restored.stderr
    assert cli("blogs", "show", "first", "--raw").stdout == "Body one.\n"
    assert [r["revision"] for r in cli("revisions", "list", "first", "--json").json()] == [1, 2, 3]
    exported = _exported(cli, tmp_path / "out")
    # revision 1's document had no aliases (the site's redirects): only its body came back
    assert "/kept/" in exported and exported.endswith("Body one.\n"), exported
    assert restored.json() == {"id": restored.json()["id"], "slug": "first", "restored_revision": 1, "changed": True}
    assert cli("blogs", "show", "first", "--json").json()["title"] == "First, renamed"


def test_a_published_post_is_not_restored_to_an_empty_body(cli, signed_up):
    created = cli("blogs", "new", "Empty first", "--porcelain")
    assert created.exit_code == 0, created.stderr
    post = created.stdout.strip()
    edited = cli("blogs", "edit", post, "--from", "-", input="---\ntitle: Empty first\n---\nWords now.\n")
    assert edited.exit_code == 0, edited.stderr
    assert cli("publish", post).exit_code == 0
    refused = cli("revisions", "restore", post, "1")
    assert refused.exit_code == 2 and "no content" in refused.stderr, (refused.stdout, refused.stderr)
    assert cli("blogs", "show", post, "--raw").stdout == "Words now.\n"
