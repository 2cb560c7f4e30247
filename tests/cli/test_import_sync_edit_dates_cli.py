"""An import or sync of a file onto a post that exists is an edit of it: its date goes by the rule of
`posts edit --from` (`post_steps.edited_publication`), never by a new post's. A scheduled post stays
scheduled unless the file states another time to come (then it is rescheduled); a published post
stays published, re-dated to another past date the file states; a `warning:` line (and `--json`'s
`warnings`) says where the file's status or date was not followed. A new post goes by the file as
before (red team 67, F1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.same_on_every_server  # files read and written (Python-bound)

LATER = datetime(2031, 6, 1, 10, tzinfo=UTC)
UTC_ZONE = {"BLOGSTER_TIMEZONE": "UTC"}


def stored(superuser, slug):
    return superuser.execute("select status, published_at from public.blogs where slug = %s", (slug,)).fetchone()


def exported_scheduled(cli, tmp_path, slug):
    """A post scheduled for LATER, exported for Hugo: its file."""
    assert cli("posts", "new", slug.title(), "--slug", slug, input="Results are in.\n").exit_code == 0
    assert cli("publish", slug, "--at", "2031-06-01 10:00", env=UTC_ZONE).exit_code == 0
    out = tmp_path / f"ex-{slug}"
    assert cli("export", str(out), "--format", "hugo").exit_code == 0
    [path] = out.rglob(f"{slug}.md")
    return out, path


def edited(path, *, date_line: str | None) -> None:
    text = path.read_text().replace("Results are in.", "Results are in (typo fixed).")
    path.write_text(re.sub(r"date: .*\n", "" if date_line is None else f"{date_line}\n", text))


@pytest.mark.parametrize(
    ("date_line", "why"),
    [
        pytest.param(None, "the text states no date", id="date-removed"),
        pytest.param("date: 2020-01-01T00:00:00Z", "has passed", id="past-date"),
        pytest.param("date: 2031-06-01T10:00:00Z\npublishDate: 2020-01-01T00:00:00Z", "has passed", id="publishDate"),
    ],
)
def test_reimporting_an_edited_export_keeps_a_scheduled_post_scheduled(
    cli, signed_up, tmp_path, superuser, date_line, why
):
    out, path = exported_scheduled(cli, tmp_path, "embargo")
    edited(path, date_line=date_line)
    result = cli("import", str(out), "--json", env=UTC_ZONE)
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["updated"] == 1, result.stdout
    assert stored(superuser, "embargo") == ("scheduled", LATER)
    [warning] = [w for w in result.json()["warnings"] if "stays scheduled" in w]
    assert "'embargo' stays scheduled for 2031-06-01 10:00 UTC" in warning and why in warning
    assert cli("posts", "list", "--all-authors", "--json").json() == []  # nothing on the site before its time
    again = cli("import", str(out), env=UTC_ZONE)  # the warning goes to stderr as a `warning:` line
    assert again.exit_code == 0 and stored(superuser, "embargo") == ("scheduled", LATER)


def test_a_file_stating_another_time_to_come_reschedules(cli, signed_up, tmp_path, superuser):
    out, path = exported_scheduled(cli, tmp_path, "moved")
    edited(path, date_line="date: 2032-01-02T03:04:00Z")
    result = cli("import", str(out), env=UTC_ZONE)
    assert result.exit_code == 0, result.stderr
    assert stored(superuser, "moved") == ("scheduled", datetime(2032, 1, 2, 3, 4, tzinfo=UTC))
    assert "warning:" not in result.stderr


def test_reimporting_an_unchanged_export_changes_nothing(cli, signed_up, tmp_path, superuser):
    out, _ = exported_scheduled(cli, tmp_path, "same")
    result = cli("import", str(out), "--json", env=UTC_ZONE)
    assert result.exit_code == 0 and result.json()["counts"]["unchanged"] == 1, result.stdout
    assert result.json()["warnings"] == []
    assert stored(superuser, "same") == ("scheduled", LATER)


@pytest.mark.parametrize(
    ("date_line", "kept", "warned"),
    [
        pytest.param("date: 2031-06-01T10:00:00Z", None, True, id="future-date"),  # not taken down
        # another past date: the writer corrected it in the file, and the post stays on the site
        pytest.param("date: 2019-05-05T05:05:00Z", datetime(2019, 5, 5, 5, 5, tzinfo=UTC), False, id="earlier-date"),
    ],
)
def test_a_published_post_stays_published(cli, signed_up, tmp_path, superuser, date_line, kept, warned):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "live.md").write_text("---\ntitle: Live\nslug: live\ndate: 2020-01-02T03:04:00Z\n---\nLive words.\n")
    assert cli("import", str(folder), "--format", "hugo").exit_code == 0
    dated = datetime(2020, 1, 2, 3, 4, tzinfo=UTC)
    assert stored(superuser, "live") == ("published", dated)
    (folder / "live.md").write_text(f"---\ntitle: Live\nslug: live\n{date_line}\n---\nLive words, edited.\n")
    result = cli("import", str(folder), "--format", "hugo", env=UTC_ZONE)
    assert result.exit_code == 0 and "1 updated" in result.stderr, result.stderr
    assert stored(superuser, "live") == ("published", kept or dated)
    assert (
        "warning:" in result.stderr and "'live' stays published dated 2020-01-02 03:04 UTC" in result.stderr
    ) is warned


def test_sync_follows_the_edit_rule(cli, signed_up, tmp_path, superuser):
    folder = tmp_path / "linked"
    folder.mkdir()
    path = folder / "emb.md"
    path.write_text("---\ntitle: Emb\nslug: emb\ndate: 2031-06-01T10:00:00Z\n---\nThe body.\n")
    first = cli("sync", str(folder), "--format", "hugo", env=UTC_ZONE)
    assert first.exit_code == 0, first.stderr
    assert stored(superuser, "emb") == ("scheduled", LATER)
    path.write_text("---\ntitle: Emb\nslug: emb\n---\nThe body, edited.\n")  # its date line removed
    again = cli("sync", str(folder), "--format", "hugo", env=UTC_ZONE)
    assert again.exit_code == 0, again.stderr
    assert stored(superuser, "emb") == ("scheduled", LATER)
    assert "warning:" in again.stderr and "'emb' stays scheduled for 2031-06-01 10:00 UTC" in again.stderr
    path.write_text("---\ntitle: Emb\nslug: emb\ndate: 2032-01-02T03:04:00Z\n---\nThe body, edited.\n")
    moved = cli("sync", str(folder), "--format", "hugo", env=UTC_ZONE)
    assert moved.exit_code == 0, moved.stderr
    assert stored(superuser, "emb") == ("scheduled", datetime(2032, 1, 2, 3, 4, tzinfo=UTC))


def test_a_file_showing_a_published_posts_own_date_keeps_it_to_the_microsecond(cli, signed_up, tmp_path, superuser):
    """The edit rule's, now import's too: a file whose date is its post's to the minute it is written
    to (as `posts show` shows it) re-dates nothing. Before, import's own re-dating moved the post to
    03:04:00, and recorded an old address it never had."""
    assert cli("posts", "new", "Live", "--slug", "live", "--status", "published", input="Live words.\n").exit_code == 0
    exact = datetime(2020, 1, 2, 3, 4, 0, 123456, tzinfo=UTC)
    superuser.execute("update public.blogs set published_at = %s where slug = 'live'", (exact,))
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "live.md").write_text("---\ntitle: Live\nslug: live\ndate: 2020-01-02 03:04\n---\nLive words, edited.\n")
    result = cli("import", str(folder), "--format", "hugo", "--json", env=UTC_ZONE)
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["updated"] == 1 and result.json()["warnings"] == []
    assert stored(superuser, "live") == ("published", exact)
    assert cli("posts", "show", "live", "--raw").stdout.strip() == "Live words, edited."
