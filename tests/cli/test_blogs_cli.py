"""Drafting from the terminal: posts, tags, status, trash, revisions, activity, $EDITOR."""

import errno
import shutil
import stat
import sys

from tests.cli.conftest import PASSWORD


def new_post(cli, *args, body=None):
    """A new post; a published one needs a `body` (piped in, as `blogs new` reads it)."""
    result = cli("blogs", "new", *args, "--porcelain", input=body)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_new_list_show_and_formats(cli, signed_up):
    first = new_post(cli, "Ten terminal habits", "--tag", "shell", "--tag", "Shell", "--tag", "productivity")
    second = new_post(cli, "Ten terminal habits")
    listed = cli("blogs", "list", "--json").json()
    assert {p["slug"] for p in listed} == {"ten-terminal-habits", "ten-terminal-habits-2"}
    tags = {p["slug"]: p["tags"] for p in listed}
    assert tags["ten-terminal-habits"] == ["productivity", "shell"]  # Shell folded into shell
    ids = cli("blogs", "list", "--format", "ids").stdout.split()
    assert sorted(ids) == sorted([first, second])
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "2"
    csv_lines = cli("blogs", "list", "--format", "csv", "--fields", "slug,tags", "--sort", "title").stdout.splitlines()
    assert csv_lines[0] == "slug,tags" and len(csv_lines) == 3
    assert cli("blogs", "list", "--tag", "SHELL", "--format", "ids").stdout.split() == [first]
    shown = cli("blogs", "show", first, "--json").json()
    assert shown["title"] == "Ten terminal habits" and shown["markdown"] == ""
    assert cli("blogs", "list", "--fields", "nope").exit_code == 2
    assert cli("blogs", "list", "--status", "lost").exit_code == 2


def test_csv_cells_a_spreadsheet_would_run_are_quoted_as_text(cli, signed_up):
    """A title (or a subscriber's name) `=HYPERLINK(...)` opened from `--format csv` in a
    spreadsheet would run as a formula: it gets a leading apostrophe; numbers do not."""
    for title in ('=HYPERLINK("http://evil.example","x")', "+1+cmd", "@SUM(A1)", "-2+3", "Plain"):
        new_post(cli, "--title", title)
    import csv
    import io

    rows = list(
        csv.DictReader(io.StringIO(cli("blogs", "list", "--format", "csv", "--fields", "title,word_count").stdout))
    )
    titles = sorted(row["title"] for row in rows)
    assert titles == sorted(['\'=HYPERLINK("http://evil.example","x")', "'+1+cmd", "'@SUM(A1)", "'-2+3", "Plain"])
    assert {row["word_count"] for row in rows} == {"0"}
    assert "-2+3" in {p["title"] for p in cli("blogs", "list", "--json").json()}  # only CSV cells change


def test_full_text_search_covers_bodies(cli, signed_up, tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Plain title\n---\nThe body mentions PostgreSQL vacuuming in depth.\n")
    new_post(cli, "--from", str(post))
    new_post(cli, "Something else entirely")
    found = cli("blogs", "list", "--search", "vacuuming", "--format", "json").json()
    assert [p["title"] for p in found] == ["Plain title"]
    assert cli("blogs", "list", "--search", "'&|!():*", "--format", "count").exit_code == 0


def test_from_file_keeps_the_body_byte_for_byte_and_counts_words(cli, signed_up, tmp_path):
    body = "\nIntro words here.\n\n```sh\nnot counted at all\n```\n\n---\n\nEnd.  \n"
    post = tmp_path / "habits.md"
    post.write_text("---\ntitle: Habits\ntags: [a, b]\n---\n" + body)
    post_id = new_post(cli, "--from", str(post))
    assert cli("blogs", "show", post_id, "--raw").stdout == body
    shown = cli("blogs", "show", post_id, "--json").json()
    assert shown["word_count"] == 4 and shown["reading_time"] == 1 and shown["tags"] == ["a", "b"]


def test_show_json_carries_the_seo_fields(cli, signed_up, tmp_path):
    """`posts show --json` left out the keywords `generate seo` saves (and the featured image)."""
    post = tmp_path / "seo.md"
    post.write_text(
        "---\ntitle: Seo\ndescription: A summary.\nkeywords: [shell, fzf]\nimage: https://example.com/a.png\n---\nBody.\n"
    )
    shown = cli("blogs", "show", new_post(cli, "--from", str(post)), "--json").json()
    assert shown["meta_description"] == "A summary." and shown["featured_image"] == "https://example.com/a.png"
    assert shown["meta_keywords"] == ["shell", "fzf"]


def test_explicit_slugs_are_kept_and_duplicates_refused(cli, signed_up):
    new_post(cli, "Rust 1.12", "--slug", "Rust-1.12")
    assert cli("blogs", "show", "Rust-1.12", "--json").json()["slug"] == "Rust-1.12"
    assert cli("blogs", "new", "Again", "--slug", "Rust-1.12").exit_code == 5
    assert cli("blogs", "new", "Bad", "--slug", "has space").exit_code == 2


def test_trash_and_restore_say_where_a_post_is(cli, signed_up):
    """A second `restore a-post` said "no post with slug or id '<uuid>'" (a red team): the id it
    had found, not the slug typed, and not why. Changing a trashed post says it is in the trash."""
    new_post(cli, "A post", body="Words here.\n")
    live = cli("posts", "restore", "a-post")
    assert live.exit_code == 3 and live.stderr == "error: 'a-post' is not in the trash\n"
    removed = cli("posts", "rm", "a-post")
    assert removed.exit_code == 0 and "Moved 1 post to the trash." in removed.stderr
    trashed = cli("posts", "edit", "a-post", "--title", "New")
    assert trashed.exit_code == 3 and "'a-post' is in the trash" in trashed.stderr
    restored = cli("posts", "restore", "a-post")
    assert restored.exit_code == 0 and "Restored 1 post." in restored.stderr
    again = cli("posts", "restore", "a-post")
    assert again.exit_code == 3 and "'a-post' is not in the trash" in again.stderr


def test_status_trash_restore_purge(cli, signed_up, superuser):
    post_id = new_post(cli, "A post", body="Words here.\n")
    published = cli("blogs", "status", post_id, "published", "--json").json()
    assert published["status"] == "published" and published["published_at"]
    assert cli("blogs", "delete", post_id).exit_code == 0
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "0"
    assert [p["id"] for p in cli("blogs", "trash", "--json").json()] == [post_id]
    assert cli("blogs", "new", "A post", "--slug", "a-post").exit_code == 5  # slug stays reserved
    assert cli("blogs", "restore", post_id).exit_code == 0
    assert cli("blogs", "purge", post_id).exit_code == 2  # needs --yes off a terminal
    assert cli("blogs", "purge", post_id, "--yes").exit_code == 0
    assert superuser.execute("select count(*) from public.blogs").fetchone()[0] == 0
    assert superuser.execute("select count(*) from public.blog_revisions").fetchone()[0] == 0
    kinds = [a["type"] for a in cli("activity", "--json").json()]
    assert kinds == ["purged", "restored", "deleted", "published", "created"]
    # The purge emptied their post id: they still find the post by its slug or id.
    for ref in ("a-post", post_id):
        by_post = cli("activity", "--blog", ref, "--json")
        assert by_post.exit_code == 0, by_post.stderr
        assert [a["type"] for a in by_post.json()] == kinds
    other = new_post(cli, "Another post")
    assert [a["type"] for a in cli("activity", "--blog", other, "--json").json()] == ["created"]
    assert [a["type"] for a in cli("activity", "--blog", "a-post", "--type", "deleted", "--json").json()] == ["deleted"]
    assert cli("activity", "--blog", "never-was").exit_code == 3


def test_missing_posts_are_not_found(cli, signed_up):
    for args in (("blogs", "show", "nope"), ("blogs", "delete", "nope"), ("revisions", "list", "nope")):
        result = cli(*args)
        assert result.exit_code == 3 and "nope" in result.stderr


def write_editor(tmp_path, script_body):
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\n" + script_body)
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    return str(editor)


def test_editor_flow_creates_a_revision_and_diff_and_restore_work(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Draft one")
    editor = write_editor(
        tmp_path, "sed -i 's/^title: .*/title: Draft two/' \"$1\"\nprintf 'Hello edited world.\\n' >> \"$1\"\n"
    )
    edited = cli("blogs", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert edited.exit_code == 0, edited.stderr
    shown = cli("blogs", "show", post_id, "--json").json()
    assert shown["title"] == "Draft two" and shown["markdown"] == "Hello edited world.\n"
    revisions = cli("revisions", "list", post_id, "--json").json()
    assert [r["revision"] for r in revisions] == [1, 2]
    diff = cli("revisions", "diff", post_id, "1").stdout
    assert "+Hello edited world." in diff
    restored = cli("revisions", "restore", post_id, "1", "--json")
    assert restored.exit_code == 0 and restored.json() == {
        "id": post_id,
        "slug": shown["slug"],
        "restored_revision": 1,
        "changed": True,
    }
    assert cli("blogs", "show", post_id, "--raw").stdout == ""
    assert [r["revision"] for r in cli("revisions", "list", post_id, "--json").json()] == [1, 2, 3]


def test_concurrent_change_refuses_the_edit_and_keeps_the_text(cli, signed_up, tmp_path, db, isolated_environment):
    post_id = new_post(cli, "Contested")
    # The "editor" is a script that lets someone else save the post while it is open,
    # then appends the writer's own words.
    editor = tmp_path / "racing-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, psycopg\n"
        "with psycopg.connect(os.environ['RACE_DSN'], autocommit=True) as conn:\n"
        "    conn.execute(\"update public.blogs set content = jsonb_set(content, '{markdown}', '\\\"theirs\\\"')"
        " where id = %s\", (os.environ['RACE_ID'],))\n"
        "with open(sys.argv[1], 'a') as f:\n"
        "    f.write('My precious words.\\n')\n"
    )
    editor.chmod(0o755)
    result = cli(
        "blogs", "edit", post_id, env={"EDITOR": str(editor), "VISUAL": "", "RACE_DSN": db.conninfo, "RACE_ID": post_id}
    )
    assert result.exit_code == 5, (result.stdout, result.stderr)
    assert cli("blogs", "show", post_id, "--raw").stdout == "theirs"
    recovered = list((isolated_environment / "recovery").glob("*.md"))
    assert len(recovered) == 1 and "My precious words." in recovered[0].read_text()


def test_another_user_cannot_see_or_change_my_drafts(cli, signed_up):
    draft = new_post(cli, "Secret draft")
    public = new_post(cli, "Public post", "--status", "published", body="Words here.\n")
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "0"
    assert cli("blogs", "show", draft).exit_code == 3
    assert cli("blogs", "show", public, "--json").json()["title"] == "Public post"
    for args in (("revisions", "list", draft), ("blogs", "purge", draft, "--yes"), ("blogs", "status", draft, "x")):
        assert cli(*args).exit_code == 3, args  # a draft of another account reads as missing
    for args in (
        ("blogs", "delete", public),
        ("blogs", "status", public, "draft"),
        ("blogs", "tag", "add", public, "x"),
        ("revisions", "restore", public, "1"),
    ):
        result = cli(*args)  # a published one is readable anyway: refused as not theirs to change
        assert result.exit_code == 4 and "not yours to change" in result.stderr, args
    assert cli("activity", "--json").json() == []


def test_account_export_has_my_rows_and_posts_but_nobody_elses(cli, signed_up, tmp_path):
    import json

    new_post(cli, "Mine", "--status", "published", body="Words here.\n")
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    new_post(cli, "Bobs own")
    summary = cli("account", "export", str(tmp_path / "out"), "--json")
    assert summary.exit_code == 0, summary.stderr
    exported = json.loads((tmp_path / "out" / "account.json").read_text())
    assert exported["account"]["email"] == "bob@example.com"
    assert [b["title"] for b in exported["tables"]["blogs"]] == ["Bobs own"]
    assert len(exported["tables"]["profiles"]) == 1 and len(exported["tables"]["blog_revisions"]) == 1
    posts = list((tmp_path / "out" / "posts").rglob("*.md"))
    assert len(posts) == 1 and "Bobs own" in posts[0].read_text()


def test_account_export_imports_into_another_account_as_the_same_posts(cli, signed_up, tmp_path):
    """`account export` wrote plain markdown (a heading and the body): imported into a fresh account,
    every post came back a draft dated the day of the import, without its tags or description. Its
    posts now carry the front matter `export --format hugo` writes, so they come back as they were."""
    site = tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    (site / "2021-03-04-jekyll-notes.md").write_text(
        "---\ntitle: Jekyll notes\ndate: 2021-03-04 10:00:00 +0100\ntags: [Ruby, static]\n---\nFrom Jekyll.\n"
    )
    assert cli("import", str(tmp_path / "site")).exit_code == 0
    new_post(cli, "Ten terminal habits", "--tag", "shell", "--status", "published", body="Use tmux.\n")
    new_post(cli, "A draft", "--slug", "not-the-title", "--tag", "later", body="Half done.\n")
    new_post(cli, "Coming up", body="Soon.\n")
    assert cli("publish", "coming-up", "--at", "2099-12-01 09:00").exit_code == 0
    post = tmp_path / "described.md"
    post.write_text("---\ntitle: Described\ndescription: A summary.\nkeywords: [a, b]\n---\nWords.\n")
    new_post(cli, "--from", str(post), "--status", "published")
    fields = "slug,title,status,tags,published_at,created_at"

    def mine() -> dict[str, tuple]:
        listed = cli("blogs", "list", "--json", "--fields", fields).json()
        shown = {p["slug"]: cli("blogs", "show", p["slug"], "--json").json() for p in listed}
        return {
            p["slug"]: (
                p["title"],
                p["status"],
                p["tags"],
                # the one date a file states: the publication, else (a draft) the creation
                p["published_at"] if p["status"] != "draft" else p["created_at"],
                shown[p["slug"]]["markdown"],
                shown[p["slug"]]["meta_description"],
                shown[p["slug"]]["meta_keywords"],
            )
            for p in listed
        }

    before = mine()
    assert len(before) == 5 and before["coming-up"][1] == "scheduled"
    # dates are written in the timezone setting, with their offset: read back the same in any other
    assert cli("account", "export", str(tmp_path / "out"), env={"BLOGSTER_TIMEZONE": "Europe/Berlin"}).exit_code == 0
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert mine() == {}
    imported = cli("import", str(tmp_path / "out" / "posts"), "--json", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"})
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["counts"]["imported"] == 5
    assert mine() == before


def test_account_export_refuses_a_posts_folder_that_is_a_link(cli, signed_up, tmp_path):
    """`out/posts -> elsewhere` would carry the posts and the export's record out of the folder."""
    new_post(cli, "Mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "posts").symlink_to(elsewhere, target_is_directory=True)
    result = cli("account", "export", str(tmp_path / "out"))
    assert result.exit_code == 2 and "is a link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_account_export_into_a_folder_that_is_not_empty_needs_force(cli, signed_up, tmp_path):
    """A second export overwrote the first without asking and left its stale files: a post file
    planted (or deleted from the account since) came back with `import DIR/posts`."""
    new_post(cli, "Mine")
    out = tmp_path / "out"
    out.mkdir()  # a new, empty folder is fine
    assert cli("account", "export", str(out)).exit_code == 0
    stale = out / "posts" / "content" / "posts" / "old-deleted.md"
    stale.write_text("---\ntitle: Old deleted\n---\nGone from the account.\n")
    before = (out / "account.json").read_bytes()
    refused = cli("account", "export", str(out))
    assert refused.exit_code == 5 and "--force" in refused.stderr
    assert stale.exists() and (out / "account.json").read_bytes() == before
    refused = cli("account", "export", str(out), "--force")  # planted: no export wrote it
    assert refused.exit_code == 5 and "old-deleted.md" in refused.stderr and stale.exists()
    stale.unlink()
    gone = new_post(cli, "Deleted since")
    assert cli("account", "export", str(out), "--force").exit_code == 0
    assert cli("blogs", "delete", gone).exit_code == 0
    assert cli("account", "export", str(out), "--force").exit_code == 0  # its file goes with the account's post
    assert [path.name for path in (out / "posts").rglob("*.md")] == ["mine.md"]
    foreign = tmp_path / "foreign"
    (foreign / "posts").mkdir(parents=True)
    (foreign / "posts" / "notes.md").write_text("mine, not an export's")
    refused = cli("account", "export", str(foreign), "--force")
    assert refused.exit_code == 5 and "no export wrote" in refused.stderr
    assert (foreign / "posts" / "notes.md").exists() and not (foreign / "account.json").exists()


def test_account_export_force_removes_only_what_an_export_wrote(cli, signed_up, tmp_path):
    """`export DIR/posts` leaves a writer's own files beside its posts and its manifest; `account
    export DIR --force` deleted `posts/` whole with them (red team 73, F3)."""
    from tests.cli.test_catalog_and_images_cli import png_bytes

    new_post(cli, "Mine")
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes(3, 3))
    assert cli("images", "add", "mine", str(picture)).exit_code == 0  # copied to static/images/
    out = tmp_path / "out"
    (out / "posts" / "drafts").mkdir(parents=True)
    own = out / "posts" / "my-own-post.md"
    own.write_text("# my own post, never in Blogster\n")
    (out / "posts" / "drafts" / "notes.md").write_text("notes")
    assert cli("export", str(out / "posts"), "--format", "hugo").exit_code == 0
    refused = cli("account", "export", str(out), "--force")
    assert refused.exit_code == 5 and "no export wrote" in refused.stderr
    assert own.exists() and (out / "posts" / "drafts" / "notes.md").exists()
    assert (out / "posts" / "content" / "posts" / "mine.md").exists()  # nothing removed when refused
    own.unlink()
    shutil.rmtree(out / "posts" / "drafts")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kept.md").write_text("kept")
    (out / "posts" / "content" / "linked").symlink_to(outside, target_is_directory=True)
    refused = cli("account", "export", str(out), "--force")  # a link is never followed nor removed
    assert refused.exit_code == 5 and "linked" in refused.stderr and (outside / "kept.md").exists()
    (out / "posts" / "content" / "linked").unlink()
    (out / "posts" / "content" / "mine").mkdir()  # an empty folder no export made
    refused = cli("account", "export", str(out), "--force")
    assert refused.exit_code == 5 and "mine: no export wrote" in refused.stderr
    (out / "posts" / "content" / "mine").rmdir()
    assert cli("account", "export", str(out), "--force").exit_code == 0
    assert [path.name for path in (out / "posts").rglob("*.md")] == ["mine.md"]
    assert len(list((out / "posts" / "static" / "images").iterdir())) == 1


def test_account_export_force_stopped_midway_is_finished_by_the_next(cli, signed_up, tmp_path, monkeypatch):
    """A removal stopped after any file or folder (a kill, a full disk) leaves the export's manifest
    naming what is left: it went first, and every later `--force` refused the files it had listed."""
    from pathlib import Path

    new_post(cli, "Mine")
    out = tmp_path / "out"
    assert cli("account", "export", str(out)).exit_code == 0
    unlink, rmdir = Path.unlink, Path.rmdir
    for stop_at in range(1, 5):  # the post, its two folders, the manifest
        done = [0]

        def step(original, stop_at=stop_at, done=done):  # type: ignore[no-untyped-def]
            def stopping(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                if self.is_relative_to(out):
                    done[0] += 1
                    if done[0] == stop_at:
                        raise OSError(errno.EIO, "stopped here", str(self))
                return original(self, *args, **kwargs)

            return stopping

        monkeypatch.setattr(Path, "unlink", step(unlink))
        monkeypatch.setattr(Path, "rmdir", step(rmdir))
        stopped = cli("account", "export", str(out), "--force")
        monkeypatch.setattr(Path, "unlink", unlink)
        monkeypatch.setattr(Path, "rmdir", rmdir)
        assert stopped.exit_code != 0 and "stopped here" in stopped.stderr, (stop_at, stopped.stderr)
        again = cli("account", "export", str(out), "--force")
        assert again.exit_code == 0, (stop_at, again.stderr)
        assert [path.name for path in (out / "posts").rglob("*.md")] == ["mine.md"]


def test_account_export_force_after_an_export_killed_writing_its_manifest(cli, signed_up, tmp_path):
    """A run killed while writing its manifest leaves the manifest's partial beside its journal:
    every later `--force` refused it as a file no export wrote."""
    new_post(cli, "Mine")
    out = tmp_path / "out"
    assert cli("account", "export", str(out)).exit_code == 0
    manifest = out / "posts" / ".blogster-export.json"
    (out / "posts" / ".blogster-export.json.partial").write_bytes(manifest.read_bytes()[:10])
    again = cli("account", "export", str(out), "--force")
    assert again.exit_code == 0, again.stderr
    assert sorted(path.name for path in (out / "posts").iterdir()) == [".blogster-export.json", "content"]


def test_over_long_tag_is_invalid_input_not_permission_denied(cli, signed_up):
    new_post(cli, "Tagged")
    result = cli("blogs", "tag", "add", "tagged", "x" * 65)
    assert result.exit_code == 2 and "64" in result.stderr


def test_an_empty_tag_or_one_with_a_comma_is_refused(cli, signed_up):
    """`tag add X ""` did nothing with exit 0; `a,b` was kept as one tag the studio's
    comma-separated tag editor reads back as two."""
    new_post(cli, "Tagged")
    for name, reason in (("", "needs some text"), ("  ", "needs some text"), ("a,b", "no ','")):
        result = cli("blogs", "tag", "add", "tagged", name)
        assert result.exit_code == 2 and reason in result.stderr, (name, result.stderr)
    assert cli("blogs", "show", "tagged", "--json").json()["tags"] == []


def test_a_tag_held_in_another_case_is_named_not_dropped_without_a_word(cli, signed_up):
    """`tag add POST Python` on a post tagged `python` added nothing and said only the tags: a
    warning names the tag typed and the spelling kept."""
    new_post(cli, "Tagged")
    assert cli("blogs", "tag", "add", "tagged", "python").exit_code == 0
    result = cli("blogs", "tag", "add", "tagged", "Python", "rust", "RUST")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1:] == [
        "warning: tag 'Python' is kept as 'python': tags differing only in case are one tag",
        "warning: tag 'RUST' is kept as 'rust': tags differing only in case are one tag",
    ]
    assert cli("blogs", "show", "tagged", "--json").json()["tags"] == ["python", "rust"]


def test_from_file_keeps_the_file_name_slug_and_merges_categories_once(cli, signed_up, tmp_path):
    post = tmp_path / "2021-06-16-Release-Notes.md"
    post.write_text("---\ntitle: Something else\ncategories: [news]\ntags: [News, x]\n---\nBody.\n")
    shown = cli("blogs", "show", new_post(cli, "--from", str(post)), "--json").json()
    assert shown["tags"] == ["News", "x"] and shown["slug"] == "Release-Notes"


def test_title_filter_treats_wildcards_literally(cli, signed_up):
    new_post(cli, "100% done")
    new_post(cli, "1000 days")
    assert [p["title"] for p in cli("blogs", "list", "--title", "0%", "--json").json()] == ["100% done"]
    assert cli("blogs", "list", "--title", "_", "--format", "count").stdout.strip() == "0"


def test_statuses_and_activity_types_come_from_the_vocabulary(cli, signed_up):
    """The lists in the messages are the schema's; `scheduled`, written by publishing, is a known type."""
    bad = cli("blogs", "list", "--status", "bogus")
    assert bad.exit_code == 2 and "status must be one of draft, scheduled, published, archived" in bad.stderr
    bad = cli("export", "--format", "hugo", "--status", "bogus", "out")
    assert bad.exit_code == 2 and "--status must be one of draft, scheduled, published, archived" in bad.stderr
    scheduled = cli("activity", "--type", "scheduled", "--json")
    assert scheduled.exit_code == 0 and scheduled.json() == []


def test_editing_with_no_editor_set_off_a_terminal_is_refused_not_vi(cli, signed_up, monkeypatch):
    """With no editor setting, $VISUAL or $EDITOR, a script's `posts edit` started vi with no
    terminal: it failed (exit 1) and left its files in the home folder."""
    for name in ("VISUAL", "EDITOR", "BLOGSTER_EDITOR"):
        monkeypatch.delenv(name, raising=False)
    assert cli("posts", "new", "Plain", "--slug", "plain", input="Text.\n").exit_code == 0
    result = cli("posts", "edit", "plain")
    assert result.exit_code == 2 and "no editor set" in result.stderr and result.stderr.count("\n") == 1


def test_an_empty_from_is_refused_as_every_empty_path(cli, signed_up):
    new_post(cli, "Kept")
    for args in (("posts", "new", "--from", ""), ("posts", "edit", "kept", "--from", " ")):
        result = cli(*args)
        assert result.exit_code == 2 and "--from is empty" in result.stderr, result.stderr


def test_activity_of_a_purged_post_ignores_forged_ids(cli, signed_up, superuser):
    """Red team 31: an account's own activity whose metadata named a `blog_id` that is no id made
    `activity --blog` print PostgreSQL's uuid error."""
    (me,) = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()
    superuser.execute(
        "insert into public.activities (user_id, type, title, description, metadata)"
        " values (%s, 'purged', 'x', 'x', '{\"slug\": \"gone\", \"blog_id\": \"not-an-id\"}')",
        (me,),
    )
    result = cli("activity", "--blog", "gone")
    assert result.exit_code == 3 and "no post with slug or id 'gone'" in result.stderr, result.stderr
