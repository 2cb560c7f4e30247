"""A Hugo expiryDate at or before the publish date, and a copy of an export's file of a post in the trash.

Hugo builds a page from its publishDate until its expiryDate: one that expires at or before it
goes live is never built, so import and `posts new --from` make it a draft and say why, as they
do for an expiryDate passed. An exported file of a post now in the trash, copied without the
export's manifest, still reads as that post: import skips it and says so, never brings it back
live as `x-2` beside the one in the trash; `--on-conflict rename` imports it all the same (red
team 65, F3 and F4).
"""

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.conftest import PASSWORD

pytestmark = pytest.mark.same_on_every_server  # files read and written (Python-bound)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _early_expiry(title: str) -> str:
    goes_live = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return (
        f"---\ntitle: {title}\ndraft: false\npublishDate: {_iso(goes_live)}\n"
        f"expiryDate: {_iso(goes_live - timedelta(minutes=30))}\n---\nNever built.\n"
    )


def _status(cli, slug: str) -> str:
    result = cli("posts", "show", slug, "--json")
    assert result.exit_code == 0, result.stderr
    return str(result.json()["status"])


def test_an_expiry_before_the_publish_date_makes_an_imported_hugo_post_a_draft(cli, signed_up, tmp_path):
    site = tmp_path / "hugo"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text("title = 'x'\n")
    (site / "content" / "posts" / "gone.md").write_text(_early_expiry("Gone"), encoding="utf-8")
    result = cli("import", "--format", "hugo", str(site / "content"))
    assert result.exit_code == 0, result.stderr
    assert _status(cli, "gone") == "draft"
    assert (
        "is not after its publish date" in result.stderr
        and "Hugo never builds it: imported as a draft" in result.stderr
    )
    assert "stays scheduled" not in result.stderr


def test_an_expiry_before_the_publish_date_makes_posts_new_from_a_draft(cli, signed_up, tmp_path):
    path = tmp_path / "soon.md"
    path.write_text(_early_expiry("Soon gone"), encoding="utf-8")
    result = cli("posts", "new", "--from", str(path))
    assert result.exit_code == 0, result.stderr
    assert _status(cli, "soon") == "draft"
    assert "Hugo never builds it: created as a draft" in result.stderr and "scheduled" not in result.stderr


def _export_then_trash(cli, tmp_path):
    assert cli("posts", "new", "Alpha launch", "--slug", "alpha", input="secret embargoed words\n").exit_code == 0
    assert cli("publish", "alpha").exit_code == 0
    out = tmp_path / "out"
    assert cli("export", str(out), "--format", "hugo").exit_code == 0
    assert cli("posts", "rm", "alpha").exit_code == 0
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(out / "content" / "posts" / "alpha.md", copy / "alpha.md")
    assert not (copy / ".blogster-export.json").exists()
    return copy


def test_a_copy_of_an_exported_file_of_a_trashed_post_is_skipped(cli, signed_up, tmp_path):
    copy = _export_then_trash(cli, tmp_path)
    result = cli("import", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "0 imported" in result.stderr and "1 skipped" in result.stderr
    assert "'alpha'" in result.stderr and "in the trash" in result.stderr and "posts restore alpha" in result.stderr
    listed = cli("posts", "list")
    assert "alpha-2" not in listed.stdout and "Alpha launch" not in listed.stdout
    # an edited body is another post's text: imported, as before
    (copy / "alpha.md").write_text((copy / "alpha.md").read_text().replace("secret", "public"))
    edited = cli("import", str(copy))
    assert edited.exit_code == 0 and "1 imported" in edited.stderr, edited.stderr


def test_on_conflict_rename_imports_the_copy_as_a_new_post(cli, signed_up, tmp_path):
    copy = _export_then_trash(cli, tmp_path)
    result = cli("import", str(copy), "--on-conflict", "rename")
    assert result.exit_code == 0, result.stderr
    assert "1 imported" in result.stderr
    assert _status(cli, "alpha-2") == "published"


def test_another_accounts_trashed_post_does_not_skip_a_copy_of_its_file(cli, signed_up, tmp_path):
    copy = _export_then_trash(cli, tmp_path)
    bob = ("auth", "signup", "--email", "bob@example.com", "--password-stdin")
    assert cli("--profile", "bob", *bob, input=PASSWORD + "\n").exit_code == 0
    result = cli("--profile", "bob", "import", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "1 imported" in result.stderr and "trash" not in result.stderr
    assert "Alpha launch" in cli("--profile", "bob", "posts", "list").stdout


@pytest.mark.parametrize(
    "copied",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: text + "\n", id="extra-trailing-newline"),
        pytest.param(lambda text: text.replace("\n", "  \n"), id="trailing-spaces"),
    ],
)
def test_a_copy_with_other_line_ends_or_trailing_whitespace_is_still_skipped(cli, signed_up, tmp_path, copied):
    """An editor or another system writes the copy's line ends and trailing blanks its own way: the
    file still reads as the trashed post, and is skipped (red team 67, F5)."""
    copy = _export_then_trash(cli, tmp_path)
    path = copy / "alpha.md"
    path.write_bytes(copied(path.read_text(encoding="utf-8")).encode("utf-8"))
    result = cli("import", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "0 imported" in result.stderr and "1 skipped" in result.stderr and "in the trash" in result.stderr
    assert "alpha-2" not in cli("posts", "list").stdout
