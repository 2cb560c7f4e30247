"""`blogster import` and `blogster export` from the terminal: output shapes and exit codes."""

import os
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "posts"
WXR_FIXTURE = REPO_ROOT / "tests" / "unit" / "content" / "wordpress_export.xml"


def write_posts(folder: Path, bad: bool = False) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "one.md").write_text("---\ntitle: One\ntags: [cli]\n---\nFirst.\n")
    (folder / "content" / "two.md").write_text('+++\ntitle = "Two"\ndate = 2024-01-02\n+++\nSecond.\n')
    if bad:
        (folder / "content" / "broken.md").write_text("---\ntitle: [oops\n---\nBody\n")
    return folder


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_import_prints_one_summary_line_off_a_terminal(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site")
    result = cli("import", str(site))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["2 items: 2 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed."]
    again = cli("import", str(site))
    assert again.stderr.splitlines() == ["2 items: 0 imported, 0 updated, 2 unchanged, 0 skipped, 0 failed."]
    listed = cli("blogs", "list", "--json").json()
    assert sorted(p["slug"] for p in listed) == ["one", "two"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_a_bad_file_is_reported_the_rest_imported_and_exit_1(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site", bad=True)
    result = cli("import", str(site))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"failed: {site / 'content' / 'broken.md'}: ") and "YAML" in lines[0]
    assert lines[1] == "3 items: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed."
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "2"


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_dates_python_cannot_hold_in_utc_fail_their_file_only(cli, signed_up, tmp_path):
    """'9999-12-31 23:59 PST' is in year 10000 in UTC, where it is stored, and '+25:00' is no
    offset: each file is reported (in the dry run too) and the rest go in; the account's posts
    stay readable."""
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, when in (("far", "9999-12-31 23:59 PST"), ("early", "0001-01-01T00:00:00+14:00"),
                       ("offset", "2020-01-01T00:00:00+25:00"), ("ok", "2020-01-01")):  # fmt: skip
        (folder / f"{name}.md").write_text(f'---\ntitle: {name}\ndate: "{when}"\n---\nBody.\n', encoding="utf-8")
    for dry_run in (("--dry-run",), ()):
        result = cli("import", str(folder), "--json", *dry_run)
        assert result.exit_code == 1, result.stderr
        outcomes = {Path(f["path"]).stem: f["outcome"] for f in result.json()["files"]}
        assert outcomes == {"far": "failed", "early": "failed", "offset": "failed", "ok": "imported"}
    listed = cli("blogs", "list", "--json")
    assert listed.exit_code == 0 and [p["slug"] for p in listed.json()] == ["ok"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_json_summary_has_counts_and_per_file_outcomes(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site", bad=True)
    result = cli("import", str(site), "--json")
    assert result.exit_code == 1 and result.stderr == ""
    summary = result.json()
    assert set(summary) == {"dry_run", "on_conflict", "counts", "not_posts", "warnings", "timezones", "files"}
    assert summary["counts"] == {
        "imported": 2, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 1, "renamed": 0, "pages": 0,
        "warnings": 0, "warnings_not_repeated": 0, "images": 0, "published": 2, "scheduled": 0,
    }  # fmt: skip
    assert summary["dry_run"] is False and summary["on_conflict"] == "update" and summary["not_posts"] == {}
    assert summary["warnings"] == []  # about the run, not one file: an Astro content config it cannot read
    by_name = {Path(f["path"]).name: f for f in summary["files"]}
    assert set(by_name["one.md"]) == {
        "path", "outcome", "reason", "id", "slug", "title", "renamed_from", "page", "status", "warnings", "images",
        "conflict", "edit_kept",
    }  # fmt: skip
    assert by_name["one.md"]["outcome"] == "imported" and by_name["one.md"]["slug"] == "one"
    assert by_name["broken.md"]["outcome"] == "failed" and by_name["broken.md"]["reason"]
    assert by_name["broken.md"]["id"] is None


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_porcelain_prints_only_new_ids(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site")
    result = cli("import", str(site), "--porcelain")
    assert result.exit_code == 0 and result.stderr == ""
    ids = result.stdout.split()
    assert sorted(ids) == sorted(cli("blogs", "list", "--format", "ids").stdout.split())
    assert cli("import", str(site), "--porcelain").stdout == ""  # nothing new the second time


def test_dry_run_changes_nothing(cli, signed_up, tmp_path, superuser):
    site = write_posts(tmp_path / "site")
    before = superuser.execute("select (select count(*) from public.blogs), (select count(*) from public.activities)")
    counts = before.fetchone()
    result = cli("import", str(site), "--dry-run", "--json")
    assert result.exit_code == 0
    assert result.json()["dry_run"] is True and result.json()["counts"]["imported"] == 2
    text = cli("import", str(site), "--dry-run")
    assert text.stderr.splitlines() == [
        "Dry run, nothing changed: 2 items: 2 would import, 0 updated, 0 unchanged, 0 skipped, 0 failed"
        " (2 would be published)."
    ]
    rows = [line.split("\t") for line in text.stdout.splitlines()]
    assert rows[0] == ["outcome", "path", "slug", "status", "reason"]
    assert sorted((row[0], row[2]) for row in rows[1:]) == [("would import", "one"), ("would import", "two")]
    after = superuser.execute("select (select count(*) from public.blogs), (select count(*) from public.activities)")
    assert after.fetchone() == counts


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_on_conflict_choices_and_usage_errors(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site")
    cli("import", str(site))
    skipped = cli("import", str(site), "--on-conflict", "skip", "--json").json()
    assert skipped["counts"]["skipped"] == 2
    renamed = cli("import", str(site), "--on-conflict", "rename", "--json").json()
    assert sorted(f["slug"] for f in renamed["files"]) == ["one-2", "two-2"]
    bad = cli("import", str(site), "--on-conflict", "merge")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --on-conflict must be one of")
    assert cli("import", str(site), "--format", "docx").exit_code == 2
    missing = cli("import", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_stdin_and_wordpress(cli, signed_up):
    result = cli("import", "-", "--json", input="---\ntitle: From a pipe\n---\nPiped body.\n")
    assert result.exit_code == 0, result.stderr
    [piped] = result.json()["files"]
    assert piped["path"] == "-" and piped["slug"] == "from-a-pipe"
    wordpress = cli("import", "--format", "wordpress", str(WXR_FIXTURE), "--json")
    assert wordpress.exit_code == 0, wordpress.stderr
    assert wordpress.json()["counts"]["imported"] == 4
    detected = cli("import", str(WXR_FIXTURE), "--json").json()  # WXR is recognised by its content too
    assert detected["counts"]["unchanged"] == 4
    pages = cli("blogs", "list", "--status", "draft", "--json").json()
    assert "about" in {p["slug"] for p in pages}


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_export_writes_files_and_summarises(cli, signed_up, tmp_path):
    root = EXAMPLES / "jekyll"
    assert cli("import", str(root)).exit_code == 0
    out = tmp_path / "out"
    result = cli("export", str(out), "--format", "jekyll")
    assert result.exit_code == 0, result.stderr
    [line] = result.stderr.splitlines()
    count = len(list((root / "_posts").glob("*.md")))
    assert line == f"Wrote {count} posts and 0 images to {out.resolve()}."
    for source in (root / "_posts").glob("*.md"):
        assert (out / "_posts" / source.name).read_bytes() == source.read_bytes()
    summary = cli("export", str(tmp_path / "json"), "--format", "hugo", "--json").json()
    assert set(summary) == {
        "directory", "format", "posts", "written", "unchanged", "images", "renamed", "failed", "edited", "warnings",
        "files",
    }  # fmt: skip
    assert summary["posts"] == summary["written"] == count and summary["failed"] == summary["unchanged"] == 0
    assert set(summary["files"][0]) == {"id", "slug", "path", "renamed_from", "note", "images"}
    published = cli("export", str(tmp_path / "pub"), "--format", "hugo", "--status", "published", "--json").json()
    drafts = cli("export", str(tmp_path / "drafts"), "--format", "hugo", "--status", "draft", "--json").json()
    assert published["posts"] + drafts["posts"] == count
    assert cli("export", str(tmp_path / "x"), "--format", "docx").exit_code == 2
    assert cli("export", str(tmp_path / "x"), "--format", "hugo", "--status", "gone").exit_code == 2
    assert cli("export", str(tmp_path / "x")).exit_code == 2  # --format is required


def test_commands_need_a_login(cli, tmp_path):
    assert cli("import", str(tmp_path)).exit_code == 1
    assert cli("export", str(tmp_path), "--format", "hugo").exit_code == 1


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_a_missing_path_is_invalid_input_and_imports_nothing(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site")
    result = cli("import", str(site), str(tmp_path / "nonexistent-dir"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: no such file or folder: {tmp_path / 'nonexistent-dir'}"]
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "0"


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_links_and_unreadable_folders_are_reported_one_line_each(cli, signed_up, tmp_path, monkeypatch):
    import os

    site = write_posts(tmp_path / "site")
    (tmp_path / "secret.json").write_text('{"token": "x"}\n')
    (site / "content" / "notes.md").symlink_to(tmp_path / "secret.json")
    (site / "locked").mkdir()
    (site / "locked" / "hidden.md").write_text("# Hidden\n")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("import", str(site))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"skipped: {site / 'content' / 'notes.md'}: symbolic link: not followed" in lines
    assert f"failed: {site / 'locked'}: cannot read folder: Permission denied" in lines
    assert lines[-1] == "4 items: 2 imported, 0 updated, 0 unchanged, 1 skipped, 1 failed."
    as_json = cli("import", str(site), "--json").json()
    assert {f["outcome"] for f in as_json["files"] if f["path"].endswith(("notes.md", "locked"))} == {
        "skipped",
        "failed",
    }


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_empty_files_are_skipped_and_wordpress_pages_counted_as_drafts(cli, signed_up, tmp_path):
    site = write_posts(tmp_path / "site")
    (site / "content" / "empty.md").write_text("")
    (site / "content" / "blank.md").write_text("\n  \n")
    result = cli("import", str(site))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"skipped: {site / 'content' / 'empty.md'}: empty file" in lines
    assert lines[-1] == "4 items: 2 imported, 0 updated, 0 unchanged, 2 skipped, 0 failed."
    assert "empty" not in {p["slug"] for p in cli("blogs", "list", "--json").json()}
    wordpress = cli("import", str(WXR_FIXTURE))
    assert wordpress.stderr.splitlines()[-1].endswith(
        "(1 WordPress page as a draft; 1 with a warning; not posts: 1 attachment, 1 nav_menu_item)."
    )
    [page] = [f for f in cli("import", str(WXR_FIXTURE), "--json").json()["files"] if f["slug"] == "about"]
    assert "WordPress page" in page["reason"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_wordpress_items_left_out_and_empty_published_posts_are_reported(cli, signed_up, tmp_path):
    """A post in the WordPress trash was left out without a word; a post with front matter
    `draft: false` and no body went live empty, which `publish` refuses."""
    result = cli("import", str(WXR_FIXTURE))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"skipped: {WXR_FIXTURE}#7: a WordPress post in the trash" in lines  # the file's seventh <item>
    assert lines[-1].startswith("5 items: 4 imported, 0 updated, 0 unchanged, 1 skipped, 0 failed")
    [trashed] = [f for f in cli("import", str(WXR_FIXTURE), "--json").json()["files"] if f["outcome"] == "skipped"]
    assert (trashed["title"], trashed["reason"]) == ("Old announcement", "a WordPress post in the trash")

    empty = tmp_path / "site" / "content" / "soon.md"
    empty.parent.mkdir(parents=True)
    empty.write_text("---\ntitle: Coming soon\ndraft: false\n---\n")
    imported = cli("import", str(empty.parent))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines() == [
        f"warning: {empty}: kept as a draft: it says it is published, but it has no content",
        "1 item: 1 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed (1 with a warning).",
    ]
    assert "soon" in {post["slug"] for post in cli("blogs", "list", "--status", "draft", "--json").json()}
    assert cli("import", str(empty.parent), "--json").json()["files"][0]["warnings"] == [
        "kept as a draft: it says it is published, but it has no content"
    ]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_repeated_titles_and_files_get_suffixed_slugs_by_one_rule(cli, signed_up, tmp_path):
    post = tmp_path / "second.md"
    post.write_text("---\ntitle: Second's post\n---\nBody.\n")
    made = [cli("blogs", "new", "--from", str(post), "--json") for _ in range(2)]
    made += [cli("blogs", "new", "Second's post", "--json") for _ in range(2)]
    assert [result.exit_code for result in made] == [0, 0, 0, 0], [result.stderr for result in made]
    assert [result.json()["slug"] for result in made] == ["second", "second-2", "seconds-post", "seconds-post-2"]
    assert cli("blogs", "new", "Typed", "--slug", "second").exit_code == 5  # a typed slug is taken as asked
    assert cli("blogs", "new", "東京の喫茶店", "--json").json()["slug"] == "東京の喫茶店"


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_reexport_refuses_files_edited_by_hand_unless_forced(cli, signed_up, tmp_path):
    assert cli("import", str(EXAMPLES / "jekyll")).exit_code == 0
    out = tmp_path / "out"
    first = cli("export", str(out), "--format", "jekyll", "--json")
    assert first.exit_code == 0
    slugs = {out / file["path"]: file["slug"] for file in first.json()["files"]}
    unchanged = cli("export", str(out), "--format", "jekyll")
    assert unchanged.exit_code == 0  # ours, unchanged: fine
    assert unchanged.stderr.splitlines() == [f"Wrote 0 posts and 0 images to {out.resolve()} (4 unchanged)."]
    edited, other, *_ = sorted(out.rglob("*.md"))
    edited.write_text(edited.read_text() + "\nMy local note.\n")
    for changed in (edited, other):  # the refused file's post changed too; another post changed
        retitled = cli("posts", "edit", slugs[changed], "--title", f"New {changed.stem}")
        assert retitled.exit_code == 0, retitled.stderr
    again = cli("export", str(out), "--format", "jekyll")
    assert again.exit_code == 5
    shown = edited.relative_to(out).as_posix()
    assert again.stderr.splitlines()[-2:] == [  # what was written; the refused file is not counted as exported
        f"Wrote 1 post and 0 images to {out.resolve()} (2 unchanged, 1 left as edited by hand).",
        f"error: 1 file was edited by hand since the last export and left as it is ({shown}); --force overwrites it",
    ]
    assert "My local note." in edited.read_text()
    other.write_text(other.read_text() + "\nAnother note.\n")
    still = cli("export", str(out), "--format", "jekyll")
    assert still.exit_code == 5  # still refused, and now two
    assert still.stderr.splitlines()[-2:] == [
        f"Wrote 0 posts and 0 images to {out.resolve()} (2 unchanged, 2 left as edited by hand).",
        f"error: 2 files were edited by hand since the last export and left as they are (first: {shown});"
        " --force overwrites them",
    ]
    assert cli("export", str(out), "--format", "jekyll", "--force").exit_code == 0
    assert "My local note." not in edited.read_text()
    assert cli("export", str(out), "--format", "jekyll").exit_code == 0


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_a_forced_export_writes_only_the_files_that_differ(cli, signed_up, tmp_path):
    """`export --force` after one file was edited by hand rewrote every file (each untouched
    one too, and counted it as written): it overwrites the edited file and leaves the rest."""
    assert cli("import", str(EXAMPLES / "jekyll")).exit_code == 0
    out = tmp_path / "out"
    assert cli("export", str(out), "--format", "jekyll").exit_code == 0
    edited, *untouched = sorted(out.rglob("*.md"))
    exported_text = edited.read_text()
    edited.write_text(exported_text + "\nMy local note.\n")
    before = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in untouched}
    forced = cli("export", str(out), "--format", "jekyll", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert forced.stderr.splitlines() == [f"Wrote 1 post and 0 images to {out.resolve()} ({len(untouched)} unchanged)."]
    assert edited.read_text() == exported_text
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in untouched} == before
    again = cli("export", str(out), "--format", "jekyll", "--force", "--json").json()
    assert (again["written"], again["unchanged"]) == (0, len(untouched) + 1)


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_a_file_name_that_is_not_utf8_is_reported_and_json_stays_utf8(cli, signed_up, tmp_path):
    """A post keeps its file's path as text: a name whose bytes are not UTF-8 (Latin-1 "café")
    fails with a reason, named in a folder or on the command line; the rest is imported, and
    --json writes the name's bytes as \\udcXX escapes (UTF-8 output in any locale)."""
    site = write_posts(tmp_path / "site")
    latin1 = os.fsdecode(b"caf\xe9.md")
    (site / "content" / latin1).write_text("---\ntitle: Café\n---\nBody.\n")
    result = cli("import", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed: {site / 'content'}/caf\ufffd.md: its name is not valid UTF-8: rename it",
        "3 items: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed.",
    ]
    named = cli("import", str(site / "content" / latin1), "--json")
    assert named.exit_code == 1
    named.stdout.encode("utf-8")  # no lone surrogate left to fail a strict UTF-8 stdout
    [failed] = named.json()["files"]
    assert os.fsencode(failed["path"]) == os.fsencode(site / "content" / latin1)
    assert failed["reason"] == "its name is not valid UTF-8: rename it"
    assert sorted(p["slug"] for p in cli("blogs", "list", "--json").json()) == ["one", "two"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_front_matter_aliases_that_expand_past_a_bound_fail_their_file_only(cli, signed_up, tmp_path):
    """Six levels of nine aliases are half a million values from 300 bytes (nine levels: GBs)."""
    folder = write_posts(tmp_path / "site")
    lines = ["title: Bomb", "a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]" for before, name in zip("abcde", "bcdef", strict=True)
    ]
    bomb = folder / "content" / "bomb.md"
    bomb.write_text("---\n" + "\n".join(lines) + "\n---\nBody.\n", encoding="utf-8")
    result = cli("import", str(folder), "--dry-run", "--json")
    assert result.exit_code == 1, result.stderr
    by_name = {Path(f["path"]).name: f for f in result.json()["files"]}
    assert by_name["bomb.md"]["outcome"] == "failed"
    assert by_name["bomb.md"]["reason"] == "YAML front matter: aliases repeat more than 10000 values"
    assert {by_name[name]["outcome"] for name in ("one.md", "two.md")} == {"imported"}
    new = cli("posts", "new", "--from", str(bomb))
    assert new.exit_code == 2 and new.stderr.count("\n") == 1 and "aliases repeat" in new.stderr, new.stderr


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_a_page_bundles_pictures_are_imported_with_it(cli, signed_up, tmp_path):
    bundle = tmp_path / "site" / "content" / "posts" / "trip"
    bundle.mkdir(parents=True)
    (bundle / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    (bundle / "index.md").write_text("---\ntitle: Trip\n---\n![The map](map.png) ![](lost.png)\n")
    dry = cli("import", str(tmp_path / "site"), "--dry-run")
    assert dry.exit_code == 0 and "(1 picture to store as media;" in dry.stderr, dry.stderr
    assert cli("images", "list", "--json").json() == []
    result = cli("import", str(tmp_path / "site"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {bundle / 'index.md'}: picture left as linked, not imported (not found beside the post: lost.png)",
        "1 item: 1 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed"
        " (1 picture stored as media; 1 with a warning).",
    ]
    [image] = cli("images", "list", "--json").json()
    assert image["post"] == "trip" and image["alt_text"] == "The map" and image["url"].startswith("media/")
    shown = cli("blogs", "show", "trip", "--json").json()
    assert f"![The map]({image['url']}) ![](lost.png)" in shown["markdown"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_import_warnings_about_pictures_agree_with_how_many_there_are(cli, signed_up, tmp_path):
    """Jekyll posts outside a site: "pictures left as linked, not imported (no site folder to
    resolve it in: A.png, B.png)" said "it" of a list, and "pictures" of one."""
    folder = tmp_path / "notes"
    folder.mkdir()
    one, several = folder / "2019-03-05-one.md", folder / "2019-03-06-several.md"
    one.write_text("---\ntitle: One\n---\n![a]({{ site.baseurl }}/A.png)\n")
    several.write_text("---\ntitle: Several\n---\n![b]({{ site.baseurl }}/B.png) ![c]({{ site.baseurl }}/C.png)\n")
    result = cli("import", str(folder), "--format", "jekyll")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"warning: {one}: picture left as linked, not imported"
        " (no site folder to resolve it in: {{ site.baseurl }}/A.png)",
        f"warning: {several}: pictures left as linked, not imported"
        " (no site folder to resolve them in: {{ site.baseurl }}/B.png, {{ site.baseurl }}/C.png)",
    ]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_reimporting_the_sites_content_folder_copies_nothing(cli, signed_up, tmp_path):
    """The red team's steps: `blogster import hugo`, then `blogster import hugo/content`."""
    hugo = write_posts(tmp_path / "hugo")
    assert cli("import", str(hugo)).exit_code == 0
    again = cli("import", str(hugo / "content"))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == ["2 items: 0 imported, 0 updated, 2 unchanged, 0 skipped, 0 failed."]
    assert sorted(p["slug"] for p in cli("blogs", "list", "--json").json()) == ["one", "two"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_reimport_keeps_edits_made_in_blogster_and_reports_conflicts(cli, signed_up, tmp_path):
    """A re-import never silently reverts an edit made in Blogster since the file was imported
    (a title, a body): an unchanged file is skipped, a changed one is a conflict (as `sync`
    calls it), both with their reason; `--on-conflict overwrite` writes the file anyway, and a
    file changed while its post was not is still an update."""
    site = write_posts(tmp_path / "site")
    assert cli("import", str(site)).exit_code == 0
    assert cli("blogs", "edit", "one", "--title", "One, retitled in Blogster").exit_code == 0
    assert cli("blogs", "edit", "two", "--from", "-", input='+++\ntitle = "Two"\n+++\nRewritten here.\n').exit_code == 0

    again = cli("import", str(site))
    assert again.exit_code == 0, again.stderr
    lines = again.stderr.splitlines()
    assert lines[-1] == "2 items: 0 imported, 0 updated, 0 unchanged, 2 skipped, 0 failed."
    assert any(line.startswith(f"skipped: {site / 'content' / 'one.md'}: ") and "edited in Blogster" in line
               for line in lines)  # fmt: skip
    shown = {p["slug"]: p for p in cli("blogs", "list", "--json").json()}
    assert shown["one"]["title"] == "One, retitled in Blogster"
    assert cli("blogs", "show", "two", "--json").json()["markdown"] == "Rewritten here.\n"

    (site / "content" / "one.md").write_text("---\ntitle: One, rewritten on disk\ntags: [cli]\n---\nFirst.\n")
    conflict = cli("import", str(site), "--json").json()
    files = {Path(f["path"]).name: f for f in conflict["files"]}
    assert files["one.md"]["outcome"] == "skipped" and files["one.md"]["conflict"] is True
    assert files["one.md"]["reason"].startswith("conflict: 'one' was edited in Blogster and the file changed")
    assert "title" in files["one.md"]["reason"]
    assert files["two.md"]["outcome"] == "skipped" and files["two.md"]["conflict"] is False
    assert {p["title"] for p in cli("blogs", "list", "--json").json()} == {"One, retitled in Blogster", "Two"}

    forced = cli("import", str(site), "--on-conflict", "overwrite", "--json").json()
    assert forced["counts"]["updated"] == 2
    assert {p["title"] for p in cli("blogs", "list", "--json").json()} == {"One, rewritten on disk", "Two"}
    (site / "content" / "one.md").write_text("---\ntitle: One, third version\ntags: [cli]\n---\nFirst.\n")
    updated = cli("import", str(site), "--json").json()
    assert {Path(f["path"]).name: f["outcome"] for f in updated["files"]} == {
        "one.md": "updated",
        "two.md": "unchanged",
    }


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_jekyll_pages_readmes_and_headless_bundles_are_skipped_lines_and_json_rows(cli, signed_up, tmp_path):
    """A Jekyll `about.md`, a site's README.md and a Hugo headless bundle came in as posts: each is
    now one `skipped:` line with its reason, and the same reason in `--json`."""
    jekyll = tmp_path / "jk"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: Site\n")
    (jekyll / "about.md").write_text("---\nlayout: page\ntitle: About\n---\nUs.\n")
    (jekyll / "README.md").write_text("# Site\n")
    (jekyll / "_posts" / "2021-03-04-hello.md").write_text("---\ntitle: Hello\n---\nHi.\n")
    hugo = write_posts(tmp_path / "hugo")
    (hugo / "content" / "shared").mkdir()
    (hugo / "content" / "shared" / "index.md").write_text("---\nheadless: true\n---\n")
    result = cli("import", str(jekyll), str(hugo))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"skipped: {jekyll / 'about.md'}: page, not a post: Jekyll posts are in _posts/ or _drafts/" in lines
    assert f"skipped: {jekyll / 'README.md'}: repository file (README.md), not a post" in lines
    headless = hugo / "content" / "shared" / "index.md"
    assert f"skipped: {headless}: headless bundle (headless: true): not a page, not a post" in lines
    assert lines[-1] == "6 items: 3 imported, 0 updated, 0 unchanged, 3 skipped, 0 failed."
    summary = cli("import", str(jekyll), str(hugo), "--json").json()
    skipped = {Path(f["path"]).name: f["reason"] for f in summary["files"] if f["outcome"] == "skipped"}
    assert skipped == {
        "about.md": "page, not a post: Jekyll posts are in _posts/ or _drafts/",
        "README.md": "repository file (README.md), not a post",
        "index.md": "headless bundle (headless: true): not a page, not a post",
    }
    assert summary["counts"]["skipped"] == 3 and summary["counts"]["unchanged"] == 3
    assert sorted(p["slug"] for p in cli("blogs", "list", "--json").json()) == ["hello", "one", "two"]


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_reimport_keeps_a_title_edit_of_a_post_imported_before_marks_were_kept(cli, signed_up, tmp_path, superuser):
    """A post imported before imports recorded what they wrote: a file whose text is still the
    stored one has not changed, so a title that differs was edited in Blogster and is kept."""
    site = write_posts(tmp_path / "site")
    assert cli("import", str(site)).exit_code == 0
    superuser.execute("update public.blogs set content = content #- '{source,imported}'")
    assert cli("blogs", "edit", "one", "--title", "Retitled").exit_code == 0
    again = cli("import", str(site), "--json").json()
    outcomes = {Path(f["path"]).name: f["outcome"] for f in again["files"]}
    assert outcomes == {"one.md": "skipped", "two.md": "unchanged"}
    assert {p["title"] for p in cli("blogs", "list", "--json").json()} == {"Retitled", "Two"}


@pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out
def test_reimport_keeps_a_redate_made_in_blogster(cli, signed_up, tmp_path, superuser):
    """A post re-dated in Blogster (an editor's `date:`) was dated back by a re-import of its
    unchanged file, "changed published_at", silently: the import mark left the date out. A mark
    written before marks kept the date says nothing of it: an unchanged post is unchanged."""
    site = write_posts(tmp_path / "site")
    undated = site / "content" / "three.md"  # a published post dated as it was imported
    undated.write_text("---\ntitle: Three\n---\nThird.\n")
    assert cli("import", str(site)).exit_code == 0
    undated.write_text("---\ntitle: Three\n---\nThird, edited on disk.\n")
    edited_on_disk = {Path(f["path"]).name: f["outcome"] for f in cli("import", str(site), "--json").json()["files"]}
    assert edited_on_disk == {"one.md": "unchanged", "two.md": "unchanged", "three.md": "updated"}
    undated.unlink()
    superuser.execute(
        "update public.blogs set content = content #- '{source,imported,published_at}' where slug = 'one'"
    )
    assert cli("import", str(site), "--json").json()["counts"]["unchanged"] == 2  # an older mark: no edit
    redated = '+++\ntitle = "Two"\ndate = 2022-12-25T09:00:00Z\n+++\nSecond.\n'
    assert cli("blogs", "edit", "two", "--from", "-", input=redated).exit_code == 0
    assert cli("blogs", "show", "two", "--json").json()["published_at"].startswith("2022-12-25")
    again = cli("import", str(site), "--json").json()
    files = {Path(f["path"]).name: f for f in again["files"]}
    assert files["two.md"]["outcome"] == "skipped" and files["two.md"]["conflict"] is False
    assert files["two.md"]["edit_kept"] is True
    assert files["two.md"]["reason"].endswith("the Blogster edit is kept (it differs in published_at)")
    assert files["one.md"]["outcome"] == "unchanged"
    assert cli("blogs", "show", "two", "--json").json()["published_at"].startswith("2022-12-25")
