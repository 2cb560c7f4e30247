"""Hugo's publishDate and expiryDate on import, and an export's file of a post now in the trash.

Hugo builds a page only from its publishDate on (`publishDate`, else `pubDate`, else `date`) and
no longer once its expiryDate has passed: import reads a later publishDate as the post's date
(scheduled for then), and an expiryDate passed as a draft, with a warning. An export's file
whose post went to the trash since is skipped and said, never brought back as a new post
(`x-2`) beside the one in the trash (red team F3, F4).
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.same_on_every_server  # files read and written (Python-bound)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hugo_site(root: Path, posts: dict[str, str]) -> Path:
    """A Hugo site: its `hugo.toml` and `content/posts/NAME.md` files."""
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text("baseURL = 'https://example.org/'\ntitle = 'Notes'\n")
    for name, text in posts.items():
        (root / "content" / "posts" / name).write_text(text, encoding="utf-8")
    return root


def _show(cli, slug: str) -> dict:
    result = cli("posts", "show", slug, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_later_hugo_publish_date_schedules_the_post_for_then(cli, signed_up, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    written, goes_live = now - timedelta(days=36), now + timedelta(days=176)
    embargoed = (
        f"---\ntitle: Embargoed results\ndate: {_iso(written)}\npublishDate: {_iso(goes_live)}\n"
        "draft: false\ntags: [news]\n---\nThe results are out in June.\n"
    )
    ordinary = f"---\ntitle: Ordinary\ndate: {_iso(written)}\n---\nAlready out.\n"
    site = _hugo_site(tmp_path / "h", {"embargo.md": embargoed, "ordinary.md": ordinary})
    result = cli("import", str(site), "--format", "hugo")
    assert result.exit_code == 0, result.stderr
    post = _show(cli, "embargo")
    assert post["status"] == "scheduled" and _moment(post["published_at"]) == goes_live
    assert _show(cli, "ordinary")["status"] == "published"
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out), "--json")
    assert built.exit_code == 0, built.stderr
    assert built.json()["posts"] == 1 and "Embargoed" not in json.dumps(sorted(p.name for p in out.rglob("*")))
    assert not any("The results are out" in page.read_text() for page in out.rglob("*.html"))
    # exported for Hugo again, both files are byte for byte as they were: the embargo holds there too
    exported = tmp_path / "ex"
    assert cli("export", str(exported), "--format", "hugo").exit_code == 0
    assert (exported / "content" / "posts" / "embargo.md").read_text() == embargoed
    assert (exported / "content" / "posts" / "ordinary.md").read_text() == ordinary
    again = cli("import", str(exported), "--json").json()
    assert again["counts"]["unchanged"] == 2 and again["counts"]["imported"] == 0


def test_a_hugo_publish_date_read_from_standard_input_schedules_it_too(cli, signed_up):
    goes_live = datetime.now(UTC).replace(microsecond=0) + timedelta(days=90)
    text = (
        f"---\ntitle: Piped embargo\ndate: {_iso(goes_live - timedelta(days=120))}\n"
        f"publishDate: {_iso(goes_live)}\ndraft: false\n---\nSoon.\n"
    )
    result = cli("import", "-", "--format", "hugo", "--json", input=text)
    assert result.exit_code == 0, result.stderr
    post = _show(cli, "piped-embargo")
    assert post["status"] == "scheduled" and _moment(post["published_at"]) == goes_live


def test_a_hugo_expiry_date_passed_imports_a_draft_and_says_so(cli, signed_up, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    expired = (
        f"---\ntitle: Spring sale\ndate: {_iso(now - timedelta(days=400))}\n"
        f"expiryDate: {_iso(now - timedelta(days=300))}\n---\nTwenty percent off.\n"
    )
    ending = (
        f"---\ntitle: Open call\ndate: {_iso(now - timedelta(days=10))}\n"
        f"expiryDate: {_iso(now + timedelta(days=20))}\n---\nSend us your talks.\n"
    )
    site = _hugo_site(tmp_path / "h", {"sale.md": expired, "call.md": ending})
    result = cli("import", str(site))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    sale = site / "content" / "posts" / "sale.md"
    assert any(
        line.startswith(f"warning: {sale}: its expiryDate (") and "imported as a draft" in line for line in lines
    ), lines
    assert any("Blogster takes no post down: it stays published after it" in line for line in lines), lines
    assert _show(cli, "sale")["status"] == "draft" and _show(cli, "call")["status"] == "published"
    exported = tmp_path / "ex"
    assert cli("export", str(exported), "--format", "hugo").exit_code == 0
    assert (exported / "content" / "posts" / "sale.md").read_text() == expired  # still hidden by Hugo
    # published in Blogster, the export leaves the passed expiryDate out: Hugo would hide the post
    assert cli("publish", "sale").exit_code == 0
    assert cli("export", str(tmp_path / "ex2"), "--format", "hugo").exit_code == 0
    text = (tmp_path / "ex2" / "content" / "posts" / "sale.md").read_text()
    assert "expiryDate" not in text and text == expired.replace(text_line(expired, "expiryDate"), "")
    assert cli("import", str(tmp_path / "ex2"), "--json").json()["counts"]["unchanged"] == 2
    assert _show(cli, "sale")["status"] == "published"


def text_line(text: str, key: str) -> str:
    """The whole line (with its newline) of `key` in `text`."""
    return next(line for line in text.splitlines(keepends=True) if line.startswith(f"{key}:"))


def _posts(cli) -> list[str]:
    return sorted(post["slug"] for post in cli("posts", "list", "--json").json())


def test_an_exported_file_of_a_trashed_post_is_skipped_not_brought_back(cli, signed_up, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    site = _hugo_site(
        tmp_path / "h",
        {
            "sch3.md": f"---\ntitle: Launch notes\ndate: {_iso(now + timedelta(days=30))}\n---\nComing.\n",
            "kept.md": f"---\ntitle: Kept\ndate: {_iso(now - timedelta(days=3))}\n---\nHere.\n",
        },
    )
    assert cli("import", str(site)).exit_code == 0
    exported = tmp_path / "ex2"
    assert cli("export", str(exported), "--format", "hugo").exit_code == 0
    assert cli("posts", "rm", "sch3").exit_code == 0
    result = cli("import", str(exported))
    assert result.exit_code == 0, result.stderr
    file = exported / "content" / "posts" / "sch3.md"
    assert result.stderr.splitlines() == [
        f"skipped: {file}: as an export wrote it from 'sch3', which is in the trash: not imported"
        " (`posts restore sch3` brings the post back)",
        "2 items: 0 imported, 0 updated, 1 unchanged, 1 skipped, 0 failed.",
    ]
    assert _posts(cli) == ["kept"]
    # edited since the export, it is still the trashed post's file: said, whatever --on-conflict but rename
    file.write_text(file.read_text().replace("Coming.", "Coming soon."))
    for conflict in ("update", "overwrite", "skip"):
        edited = cli("import", str(exported), "--on-conflict", conflict, "--json").json()
        [row] = [f for f in edited["files"] if f["path"] == str(file)]
        assert row["outcome"] == "skipped" and "in the trash, and the file changed since" in row["reason"], row
        assert "--on-conflict rename imports it as a new post" in row["reason"]
    assert _posts(cli) == ["kept"]
    renamed = cli("import", str(file), "--on-conflict", "rename", "--json").json()
    assert [f["slug"] for f in renamed["files"]] == ["sch3-2"]
    assert cli("posts", "rm", "sch3-2").exit_code == 0 and cli("posts", "purge", "sch3-2", "--yes").exit_code == 0
    # restored, the post takes its file again
    assert cli("posts", "restore", "sch3").exit_code == 0
    restored = cli("import", str(exported), "--json").json()
    [row] = [f for f in restored["files"] if f["path"] == str(file)]
    assert row["outcome"] == "updated" and row["slug"] == "sch3", row
    assert _posts(cli) == ["kept", "sch3"]


def test_a_purged_posts_exported_file_imports_as_a_post_again(cli, signed_up, tmp_path):
    """Gone for good, the post is no longer there to restore: the export is the copy to bring it back from."""
    site = _hugo_site(tmp_path / "h", {"gone.md": "---\ntitle: Gone\ndate: 2024-05-01\n---\nText.\n"})
    assert cli("import", str(site)).exit_code == 0
    assert cli("export", str(tmp_path / "ex"), "--format", "hugo").exit_code == 0
    assert cli("posts", "rm", "gone").exit_code == 0 and cli("posts", "purge", "gone", "--yes").exit_code == 0
    again = cli("import", str(tmp_path / "ex"), "--json").json()
    assert again["counts"]["imported"] == 1 and _posts(cli) == ["gone"]


def test_posts_new_from_a_hugo_file_whose_expiry_date_passed_makes_a_draft_as_import_does(cli, signed_up, tmp_path):
    """`posts new --from` went by the status the file states: a page Hugo no longer builds came in
    published. The file's expiryDate reads as import reads it (`post_steps.expiry_warning`); a
    --status given is the writer's word."""
    now = datetime.now(UTC).replace(microsecond=0)
    expired = tmp_path / "sale.md"
    expired.write_text(
        f"---\ntitle: Spring sale\ndate: {_iso(now - timedelta(days=400))}\n"
        f"expiryDate: {_iso(now - timedelta(days=300))}\ndraft: false\n---\nTwenty percent off.\n"
    )
    made = cli("posts", "new", "--from", str(expired))
    assert made.exit_code == 0, made.stderr
    warning = made.stderr.splitlines()[-1]
    assert warning.startswith("warning: its expiryDate (") and warning.endswith(
        "has passed, so Hugo no longer builds it: created as a draft"
    ), made.stderr
    assert _show(cli, "sale")["status"] == "draft"
    stated = cli("posts", "new", "--from", str(expired), "--slug", "sale-live", "--status", "published")
    assert stated.exit_code == 0 and "warning" not in stated.stderr, stated.stderr
    assert _show(cli, "sale-live")["status"] == "published"
    ending = f"---\ntitle: Open call\nexpiryDate: {_iso(now + timedelta(days=20))}\ndraft: false\n---\nTalks.\n"
    piped = cli("posts", "new", "--from", "-", input=ending)
    assert piped.exit_code == 0 and _show(cli, "open-call")["status"] == "published"
    assert piped.stderr.splitlines()[-1].endswith("Blogster takes no post down: it stays published after it")


def test_the_original_file_of_a_trashed_post_is_skipped_as_an_exported_one_is(cli, signed_up, tmp_path):
    """Importing the site again (no export: no manifest) matched by source path live posts only,
    so a post in the trash came back as `x-2` beside it. The file is its post's by the path it was
    imported from, as an export's is by its manifest: skipped and said; `--on-conflict rename`
    imports it as a new post; restored, the post takes its file again. Sync, whose rows know the
    file, fails it ("its post is gone or in the trash"); a folder never synced says as import does."""
    now = datetime.now(UTC).replace(microsecond=0)
    site = _hugo_site(
        tmp_path / "h",
        {
            "notes.md": f"---\ntitle: Notes\ndate: {_iso(now - timedelta(days=9))}\n---\nFirst.\n",
            "kept.md": f"---\ntitle: Kept\ndate: {_iso(now - timedelta(days=3))}\n---\nHere.\n",
        },
    )
    assert cli("import", str(site)).exit_code == 0
    assert cli("posts", "rm", "notes").exit_code == 0
    file = site / "content" / "posts" / "notes.md"
    result = cli("import", str(site))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"skipped: {file}: as it was imported into 'notes', which is in the trash: not imported"
        " (`posts restore notes` brings the post back)",
        "2 items: 0 imported, 0 updated, 1 unchanged, 1 skipped, 0 failed.",
    ]
    assert _posts(cli) == ["kept"]
    file.write_text(file.read_text().replace("First.", "First, edited."))
    for conflict in ("update", "overwrite", "skip"):
        edited = cli("import", str(site), "--on-conflict", conflict, "--json").json()
        [row] = [f for f in edited["files"] if f["path"] == str(file)]
        assert row["outcome"] == "skipped", row
        assert row["reason"] == (
            "its post 'notes' (by the path it was imported from) is in the trash, and the file changed since:"
            " not imported (`posts restore notes` brings the post back, then import it again;"
            " --on-conflict rename imports it as a new post)"
        )
    # a sync of the folder, never synced before, says the same of it
    synced = cli("sync", str(site), "--dry-run")
    assert synced.exit_code == 0 and "1 skipped; 1 unchanged" in synced.stderr, synced.stderr
    said = "would be skipped\tcontent/posts/notes.md\tits post 'notes' (by the path it was imported from)"
    assert said in synced.stdout, synced.stdout
    # --on-conflict rename imports every file as a new post, this one too
    assert cli("import", str(site), "--on-conflict", "rename", "--json").json()["counts"]["imported"] == 2
    assert _posts(cli) == ["kept", "kept-2", "notes-2"]
    for slug in ("notes-2", "kept-2"):
        assert cli("posts", "rm", slug).exit_code == 0 and cli("posts", "purge", slug, "--yes").exit_code == 0
    assert cli("posts", "restore", "notes").exit_code == 0
    restored = cli("import", str(site), "--json").json()
    [row] = [f for f in restored["files"] if f["path"] == str(file)]
    assert row["outcome"] == "updated" and row["slug"] == "notes", row
    assert _posts(cli) == ["kept", "notes"]
