"""Drafting paths that must never publish by accident or lose text (issue 9).

`blogs new` statuses, `blogs edit` sessions (own buffers, failed runs, empty buffers,
invalid front matter), non-interactive updates, other authors' posts by AUTHOR/SLUG,
times in the configured timezone, and whitespace in titles.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD
from tests.cli.test_blogs_cli import new_post, write_editor


def shown(cli, ref: str) -> dict:
    result = cli("blogs", "show", ref, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def revision_count(cli, ref: str) -> int:
    return len(cli("revisions", "list", ref, "--json").json())


def recovery_files(home: Path) -> list[Path]:
    return sorted((home / "recovery").glob("*.md"))


# -- 1: a new post is a draft unless the user or the file says otherwise ------------


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_explicit_draft_beats_a_file_saying_published(cli, signed_up, tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Careful\nstatus: published\n---\nBody.\n")
    assert shown(cli, new_post(cli, "--from", str(post), "--status", "draft"))["status"] == "draft"


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_a_file_without_front_matter_makes_a_draft(cli, signed_up, tmp_path):
    post = tmp_path / "notes.md"
    post.write_text("# Notes\n\nJust text.\n")
    assert shown(cli, new_post(cli, "--from", str(post)))["status"] == "draft"


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("status: draft", "draft"),
        ("draft: true", "draft"),
        ("published: false", "draft"),
        ("status: published", "published"),
        ("draft: false", "published"),
        ("status: scheduled\ndate: 2999-01-01 09:00", "scheduled"),  # scheduled needs a time
    ],
)
@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_the_file_decides_when_the_user_does_not(cli, signed_up, tmp_path, front_matter, expected):
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: From a file\n{front_matter}\n---\nBody.\n")
    assert shown(cli, new_post(cli, "--from", str(post)))["status"] == expected


# -- 25: whitespace in titles --------------------------------------------------------


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_titles_have_their_whitespace_normalised_wherever_they_enter(cli, signed_up, tmp_path):
    post_id = new_post(cli, "  Tabs\tand\nnewlines \r\n here ")
    assert shown(cli, post_id)["title"] == "Tabs and newlines here"
    assert cli("blogs", "edit", post_id, "--title", "Edited\ttitle\n").exit_code == 0
    assert shown(cli, post_id)["title"] == "Edited title"
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "imported.md").write_text('---\ntitle: "Imported\\ttitle\\nsplit"\n---\nBody.\n')
    assert cli("import", str(folder)).exit_code == 0
    titles = {p["title"] for p in cli("blogs", "list", "--json").json()}
    assert "Imported title split" in titles


def test_no_break_spaces_in_titles_are_kept():
    from blogster_cli.content.rules import check_title

    # As in the 18F corpus: a deliberate no-break space after a dash.
    assert check_title("You shared, we listened —\u00a0updates\n") == "You shared, we listened —\u00a0updates"


# -- 3, 4, 5, 6: editor sessions ------------------------------------------------------


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_an_emptied_buffer_cancels_the_edit(cli, signed_up, tmp_path, isolated_environment):
    post_id = new_post(cli, "Keep me")
    cli("blogs", "edit", post_id, "--from", "-", input="Original words.\n")
    result = cli("blogs", "edit", post_id, env={"EDITOR": write_editor(tmp_path, ': > "$1"\n'), "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert "cancel" in result.stderr.lower()
    assert shown(cli, post_id)["markdown"] == "Original words.\n"
    assert revision_count(cli, post_id) == 2
    assert list((isolated_environment / "editing").glob("*")) == []


def test_recovery_files_are_unique_and_private(tmp_path):
    from blogster_cli.services import editing

    folder = tmp_path / "recovery"
    paths = {editing.keep_text(f"text {n}", "same-slug", folder) for n in range(5)}
    assert len(paths) == 5
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_two_interleaved_edits_have_their_own_buffers_and_the_second_save_is_refused(
    cli, signed_up, tmp_path, isolated_environment
):
    post_id = new_post(cli, "Shared post")
    # The first writer's editor starts a second `blogs edit` of the same post (in another
    # process) that saves first; then the first writer adds their words and saves.
    second_editor = write_editor(tmp_path, 'printf "Second writer.\\n" >> "$1"\n')
    first_editor = tmp_path / "first-editor"
    first_editor.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        "before = open(sys.argv[1]).read()\n"
        f"env = dict(os.environ, EDITOR={second_editor!r})\n"
        f"done = subprocess.run([{sys.executable!r}, '-m', 'blogster_cli', 'blogs', 'edit', {post_id!r}],"
        " env=env, stdin=subprocess.DEVNULL)\n"
        "assert done.returncode == 0, done.returncode\n"
        "with open(sys.argv[1]) as f:\n"  # this session's buffer is still there, as it was
        "    assert f.read() == before\n"
        "with open(sys.argv[1], 'a') as f:\n"
        "    f.write('First writer.\\n')\n"
    )
    first_editor.chmod(0o755)
    result = cli("blogs", "edit", post_id, env={"EDITOR": str(first_editor), "VISUAL": ""})
    assert result.exit_code == 5, (result.stdout, result.stderr)
    assert shown(cli, post_id)["markdown"] == "Second writer.\n"
    kept = recovery_files(isolated_environment)
    assert len(kept) == 1 and "First writer." in kept[0].read_text() and "Second writer." not in kept[0].read_text()
    assert str(kept[0]) in result.stderr


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_a_failed_editor_run_keeps_the_buffer_and_the_next_edit_says_where(
    cli, signed_up, tmp_path, isolated_environment
):
    post_id = new_post(cli, "Fragile")
    failing = write_editor(tmp_path, 'printf "Unsaved words.\\n" >> "$1"\nexit 3\n')
    result = cli("blogs", "edit", post_id, env={"EDITOR": failing, "VISUAL": ""})
    assert result.exit_code != 0
    kept = recovery_files(isolated_environment)
    assert len(kept) == 1 and "Unsaved words." in kept[0].read_text() and str(kept[0]) in result.stderr
    # Off a terminal, the next edit says where the unsaved text is and edits afresh.
    untouched = write_editor(tmp_path, "exit 0\n")
    again = cli("blogs", "edit", post_id, env={"EDITOR": untouched, "VISUAL": ""})
    assert again.exit_code == 0, again.stderr
    assert "unsaved" in again.stderr and str(kept[0]) in again.stderr
    assert kept[0].read_text().count("Unsaved words.") == 1


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_on_a_terminal_the_next_edit_offers_to_resume(cli, signed_up, tmp_path, monkeypatch):
    from blogster_cli.cli import ask

    post_id = new_post(cli, "Fragile")
    failing = write_editor(tmp_path, 'printf "Unsaved words.\\n" >> "$1"\nexit 3\n')
    assert cli("blogs", "edit", post_id, env={"EDITOR": failing, "VISUAL": ""}).exit_code != 0
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    untouched = write_editor(tmp_path, "exit 0\n")
    resumed = cli("blogs", "edit", post_id, input="y\n", env={"EDITOR": untouched, "VISUAL": ""})
    assert resumed.exit_code == 0, resumed.stderr
    assert "resume" in resumed.stdout + resumed.stderr
    assert shown(cli, post_id)["markdown"] == "Unsaved words.\n"


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_the_buffer_of_an_edit_whose_process_died_is_offered(
    cli, signed_up, tmp_path, monkeypatch, isolated_environment
):
    import subprocess

    from blogster_cli.cli import ask

    post_id = new_post(cli, "Crashy")
    # The editor saves some words, then its blogster process is killed (as by a closed terminal).
    killing = write_editor(tmp_path, 'printf "Words before the crash.\\n" >> "$1"\nkill -9 $PPID\n')
    env = dict(os.environ, EDITOR=killing, VISUAL="")
    done = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "blogs", "edit", post_id], env=env, stdin=subprocess.DEVNULL
    )
    assert done.returncode == -9
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    untouched = write_editor(tmp_path, "exit 0\n")
    resumed = cli("blogs", "edit", post_id, input="y\n", env={"EDITOR": untouched, "VISUAL": ""})
    assert resumed.exit_code == 0, resumed.stderr
    assert shown(cli, post_id)["markdown"] == "Words before the crash.\n"
    assert list((isolated_environment / "editing").iterdir()) == []


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_invalid_front_matter_off_a_terminal_keeps_the_text(cli, signed_up, tmp_path, isolated_environment):
    post_id = new_post(cli, "Valid")
    breaking = write_editor(tmp_path, "sed -i 's/^title: .*/title: [unclosed/' \"$1\"\n")
    result = cli("blogs", "edit", post_id, env={"EDITOR": breaking, "VISUAL": ""})
    assert result.exit_code == 2
    kept = recovery_files(isolated_environment)
    assert len(kept) == 1 and "[unclosed" in kept[0].read_text() and str(kept[0]) in result.stderr
    assert shown(cli, post_id)["title"] == "Valid"


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_invalid_front_matter_on_a_terminal_reopens_the_editor_with_the_error(cli, signed_up, tmp_path, monkeypatch):
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    post_id = new_post(cli, "Valid")
    # First run breaks the title; the second (seeing the error comment) fixes it,
    # leaving the comment lines for blogster to strip.
    editor = write_editor(
        tmp_path,
        "if grep -q '^# ' \"$1\"; then\n"
        "  sed -i 's/^title: .*/title: Fixed/' \"$1\"\n"
        "  printf 'Body after the fix.\\n' >> \"$1\"\n"
        "else\n"
        "  sed -i 's/^title: .*/title: [unclosed/' \"$1\"\n"
        "fi\n",
    )
    result = cli("blogs", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    post = shown(cli, post_id)
    assert post["title"] == "Fixed" and post["markdown"] == "Body after the fix.\n"


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_invalid_front_matter_saved_unchanged_again_stops_and_keeps_the_text(
    cli, signed_up, tmp_path, monkeypatch, isolated_environment
):
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    post_id = new_post(cli, "Valid")
    # Breaks the title on the first run, then saves what it was shown without fixing it.
    editor = write_editor(tmp_path, "grep -q '^# ' \"$1\" || sed -i 's/^title: .*/title: [unclosed/' \"$1\"\n")
    result = cli("blogs", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 2
    kept = recovery_files(isolated_environment)
    assert len(kept) == 1 and "[unclosed" in kept[0].read_text() and "# blogster" not in kept[0].read_text()


def test_a_post_trashed_while_its_editor_is_open_keeps_the_text(cli, signed_up, tmp_path, db, isolated_environment):
    post_id = new_post(cli, "Going away")
    editor = tmp_path / "trashing-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, psycopg\n"
        "with psycopg.connect(os.environ['RACE_DSN'], autocommit=True) as conn:\n"
        "    conn.execute('update public.blogs set deleted_at = now() where id = %s', (os.environ['RACE_ID'],))\n"
        "with open(sys.argv[1], 'a') as f:\n"
        "    f.write('Words worth keeping.\\n')\n"
    )
    editor.chmod(0o755)
    env = {"EDITOR": str(editor), "VISUAL": "", "RACE_DSN": db.conninfo, "RACE_ID": post_id}
    result = cli("blogs", "edit", post_id, env=env)
    assert result.exit_code == 3
    kept = recovery_files(isolated_environment)
    assert len(kept) == 1 and "Words worth keeping." in kept[0].read_text() and str(kept[0]) in result.stderr


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_editing_buffers_are_private(cli, signed_up, tmp_path, isolated_environment):
    post_id = new_post(cli, "Private")
    probe = tmp_path / "modes"
    editor = write_editor(tmp_path, f'stat -c \'%a\' "$1" > {probe}\nstat -c \'%a\' "$(dirname "$1")" >> {probe}\n')
    assert cli("blogs", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""}).exit_code == 0
    assert probe.read_text().split() == ["600", "700"]


# -- 19: non-interactive updates and input --------------------------------------------


def test_edit_from_a_file_or_stdin_makes_a_revision(cli, signed_up, tmp_path):
    post_id = new_post(cli, "Scripted")
    update = tmp_path / "update.md"
    update.write_text("---\ntitle: Scripted again\ntags: [ci]\n---\nFrom a file.\n")
    assert cli("blogs", "edit", post_id, "--from", str(update)).exit_code == 0
    post = shown(cli, post_id)
    assert (post["title"], post["tags"], post["markdown"]) == ("Scripted again", ["ci"], "From a file.\n")
    assert cli("blogs", "edit", post_id, "--from", "-", input="From stdin.\n").exit_code == 0
    post = shown(cli, post_id)
    assert post["markdown"] == "From stdin.\n" and post["title"] == "Scripted again" and post["tags"] == ["ci"]
    assert revision_count(cli, post_id) == 3
    assert cli("blogs", "edit", post_id, "--from", "-", input="   \n").exit_code == 2  # empty: refused


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_edit_field_flags(cli, signed_up):
    post_id = new_post(cli, "Flags", body="Words here.\n")
    result = cli(
        "blogs", "edit", post_id, "--title", "Flagged", "--slug", "flagged", "--tag", "a", "--tag", "b",
        "--meta-description", "Short.", "--status", "published",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    post = shown(cli, "flagged")
    assert (post["title"], post["tags"], post["meta_description"], post["status"]) == (
        "Flagged", ["a", "b"], "Short.", "published",
    )  # fmt: skip
    assert post["published_at"]
    assert cli("blogs", "edit", "flagged", "--status", "bogus").exit_code == 2
    assert revision_count(cli, post_id) == 1  # no content change, no new revision


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_new_reads_stdin_and_takes_title_as_an_option(cli, signed_up):
    from_stdin = new_post_with_input(cli, "---\ntitle: Piped\n---\nPiped body.\n", "--from", "-")
    assert (shown(cli, from_stdin)["title"], shown(cli, from_stdin)["markdown"]) == ("Piped", "Piped body.\n")
    titled = new_post(cli, "--title", "Option title")
    assert shown(cli, titled)["title"] == "Option title"
    piped = new_post_with_input(cli, "A piped body.\n", "Piped without from")
    assert shown(cli, piped)["markdown"] == "A piped body.\n"
    assert cli("blogs", "new", "One", "--title", "Two").exit_code == 2
    assert cli("blogs", "new", "T", "--template", "listicle", input="Body.\n").exit_code == 2


def new_post_with_input(cli, text: str, *args: str) -> str:
    result = cli("blogs", "new", *args, "--porcelain", input=text)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


# -- 20: other authors' published posts -------------------------------------------------


def test_others_published_posts_by_author_and_slug(cli, signed_up):
    assert cli("profile", "update", "--username", "ada").exit_code == 0
    new_post(cli, "Second's post", "--status", "published", "--slug", "second-s-post", body="Words here.\n")
    new_post(cli, "Ada's draft")
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    new_post(cli, "Bob's post", "--status", "published", body="Words here.\n")
    listed = cli("blogs", "list", "--all-authors", "--json").json()
    assert sorted(p["title"] for p in listed) == ["Bob's post", "Second's post"]
    ada_author = next(p["author"] for p in listed if p["title"] == "Second's post")
    assert ada_author == "ada"  # a writer with a published post has a public username
    assert shown(cli, "ADA/second-s-post")["title"] == "Second's post"  # bob finds it by username
    assert shown(cli, f"{ada_author}/second-s-post")["author"] == ada_author
    assert f"by {ada_author}" in cli("blogs", "show", f"{ada_author}/second-s-post").stdout
    assert cli("blogs", "show", "second-s-post").exit_code == 3  # a bare slug means mine
    assert cli("blogs", "show", f"{ada_author}/adas-draft").exit_code == 3
    assert cli("blogs", "show", "nobody-here/second-s-post").exit_code == 3
    # Usernames work for the author too.
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert shown(cli, "ada/second-s-post")["title"] == "Second's post"


@pytest.mark.same_on_every_server  # buffers and front matter (Python-bound): CI's second pass leaves it out
def test_my_own_posts_name_their_author_wherever_json_or_fields_show_it(cli, signed_up):
    """Not only lists of all authors: `posts new/edit/status/tag --json` and `posts list --fields
    author` name me too (they printed null and an empty column)."""
    assert cli("profile", "update", "--username", "ada").exit_code == 0
    created = cli("posts", "new", "Mine", "--json")
    assert created.exit_code == 0, created.stderr
    assert created.json()["author"] == "ada"
    assert cli("posts", "status", "mine", "archived", "--json").json()["author"] == "ada"
    assert cli("posts", "tag", "add", "mine", "shell", "--json").json()["author"] == "ada"
    assert cli("posts", "list", "--fields", "slug,author", "--json").json() == [
        {"id": created.json()["id"], "slug": "mine", "author": "ada"}
    ]


def test_another_writers_post_dated_beyond_pythons_calendar_lists_at_its_bound(cli, signed_up, superuser):
    """A writer may date their own published post '-infinity' or 44 BC (PostgreSQL takes it, through
    the CLI's SQL or their own login), and a row from before 0206 (or a restore, which loads rows
    with triggers off) may be published at 'infinity' or in year 10000; everyone's feed still lists
    it, at the bound Python can hold, instead of failing for every reader."""
    dated = {"forever": "infinity", "never": "-infinity", "far": "10000-01-01", "bc": "0044-03-15 BC"}
    for slug in dated:
        new_post(cli, slug.title(), "--status", "published", "--slug", slug, body="Words here.\n")
    superuser.execute("set session_replication_role = replica")  # past 0206's trigger, as a restore is
    for slug, when in dated.items():
        superuser.execute("update public.blogs set published_at = %s::timestamptz where slug = %s", (when, slug))
    superuser.execute("set session_replication_role = origin")
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    listed = cli("blogs", "list", "--all-authors", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert sorted(p["slug"] for p in listed.json()) == sorted(dated)
    table = cli("blogs", "list", "--all-authors")
    assert table.exit_code == 0 and "Forever" in table.stdout, table.stderr
    author = listed.json()[0]["author"]
    published = {slug: shown(cli, f"{author}/{slug}")["published_at"][:10] for slug in dated}
    assert published == {"forever": "9999-12-31", "far": "9999-12-31", "never": "0001-01-01", "bc": "0001-01-01"}


# -- 21: times in the configured timezone ------------------------------------------------


def test_times_are_shown_in_the_configured_timezone_and_dates_typed_mean_it(cli, signed_up, superuser):
    post_id = new_post(cli, "New year")
    superuser.execute("set session_replication_role = replica")  # keep updated_at as set here
    superuser.execute(
        "update public.blogs set created_at = '2025-12-31 23:30+00', updated_at = '2025-12-31 23:30+00' where id = %s",
        (post_id,),
    )
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    table = cli("blogs", "list", "--fields", "slug,updated_at", env=berlin).stdout
    assert "2026-01-01 00:30 CET" in table
    assert "2026-01-01 00:30 CET" in cli("blogs", "show", post_id, env=berlin).stdout
    assert cli("blogs", "list", "--since", "2026-01-01", "--format", "count", env=berlin).stdout.strip() == "1"
    assert cli("blogs", "list", "--since", "2026-01-01", "--format", "count").stdout.strip() == "0"
    assert re.search(r" CES?T\b", cli("revisions", "list", post_id, env=berlin).stdout)


def test_an_open_pipe_with_nothing_in_it_is_not_waited_for():
    """`ssh host blogster blogs new T` leaves stdin open: reading it would hang."""
    import subprocess

    probe = "import sys; from blogster_cli.cli.piped import piped_input; print(repr(piped_input(sys.stdin.read)))"
    process = subprocess.Popen(
        [sys.executable, "-c", probe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        process.wait(timeout=20)  # stdin stays open: the probe must not wait for it
        assert process.stdout.read() == "''\n"
        assert "not waiting" in process.stderr.read()
    finally:
        process.kill()
        process.stdin.close()
        process.stdout.close()
        process.stderr.close()
