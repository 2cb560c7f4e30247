"""A linked folder moved, renamed or cloned: the first sync where it is now takes its link over
when the old name is gone from disk (nothing imported twice), and is refused while the old one is
there (a second clone); a first run's --dry-run names the format the run itself would."""

import shutil
from pathlib import Path

import pytest

# Python-bound (folders compared on disk): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server


def site(folder: Path) -> Path:
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: One\n---\nFirst.\n")
    (folder / "two.md").write_text("---\ntitle: Two\n---\nSecond.\n")
    (folder / "three.md").write_text("---\ntitle: Three\n---\nThird.\n")
    return folder


def slugs(cli) -> list[str]:
    return sorted(line.split(",")[0] for line in cli("blogs", "list", "--format", "csv").stdout.splitlines()[1:])


def linked(cli) -> list[dict]:
    return cli("sync", "status", "--json").json()


def linked_in_its_place(cli, old: Path, copy: Path, *, unchanged: int) -> None:
    """`copy` of the `site` at `old` was refused: `old` is still the one linked, its posts as they were;
    unlinked, `copy`'s first sync matches its files to those posts (nothing imported again)."""
    assert slugs(cli) == ["one", "three", "two"] and [item["folder"] for item in linked(cli)] == [str(old)]
    assert cli("sync", str(old), "--unlink").exit_code == 0
    relinked = cli("sync", str(copy))
    assert relinked.exit_code == 0, relinked.stderr
    assert relinked.stderr.splitlines() == [f"{copy} (linked now) [hugo]: nothing to do; {unchanged} unchanged."]
    assert slugs(cli) == ["one", "three", "two"]


def test_a_moved_folder_takes_over_its_link_and_imports_nothing_again(cli, signed_up, tmp_path):
    """`mv blog blog-renamed; blogster sync blog-renamed` imported every file again as a new
    published post (`one-2`...), exit 0, no warning."""
    old = site(tmp_path / "blog")
    assert cli("sync", str(old)).exit_code == 0
    assert cli("blogs", "edit", "two", "--title", "Two, edited").exit_code == 0  # waits for the next run
    new = old.rename(tmp_path / "blog-renamed")

    plan = cli("sync", str(new), "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert plan.stderr.splitlines() == [
        f"Would take over the link of {old} (gone from disk): its posts would be this folder's.",
        f"Dry run, nothing changed: {new} [hugo]: 1 written; 2 unchanged.",
    ]
    assert [item["folder"] for item in linked(cli)] == [str(old)]

    result = cli("sync", str(new))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Took over the link of {old} (gone from disk): its posts are this folder's.",
        "written: two.md",
        f"{new} [hugo]: 1 written; 2 unchanged.",
    ]
    assert slugs(cli) == ["one", "three", "two"]
    assert "Two, edited" in (new / "two.md").read_text()
    [moved] = linked(cli)
    assert (
        moved["folder"] == str(new) and moved["receives_new_posts"] and (moved["pending"], moved["conflicts"]) == (0, 0)
    )
    again = cli("sync", str(new), "--json")
    assert again.exit_code == 0 and again.json()["moved_from"] is None and again.json()["files"] == []

    # Moved back: the link follows again, as --json says; posts written in Blogster still come here.
    back = new.rename(old)
    assert cli("blogs", "new", "Four", input="Written in Blogster.\n").exit_code == 0
    followed = cli("sync", str(back), "--json")
    assert followed.exit_code == 0, followed.stderr
    data = followed.json()
    assert data["moved_from"] == str(new) and not data["first_run"]
    assert [(file["action"], file["path"]) for file in data["files"]] == [("created", "posts/four.md")]
    assert slugs(cli) == ["four", "one", "three", "two"]


def test_a_file_deleted_while_the_folder_moved_keeps_it_from_taking_the_link_over(cli, signed_up, tmp_path):
    """Not told from an older copy of a folder only missing here: nothing is trashed from it;
    unlinked, the old folder's posts are matched to this one's files as a first run does."""
    old = site(tmp_path / "blog")
    assert cli("sync", str(old)).exit_code == 0
    new = old.rename(tmp_path / "moved")
    (new / "one.md").unlink()
    result = cli("sync", str(new))
    assert result.exit_code == 5 and "1 of its files changed or missing" in result.stderr
    linked_in_its_place(cli, old, new, unchanged=2)


def test_a_second_clone_of_a_linked_folder_is_refused_until_the_first_is_unlinked(cli, signed_up, tmp_path):
    first = site(tmp_path / "blog")
    assert cli("sync", str(first)).exit_code == 0
    clone = Path(shutil.copytree(first, tmp_path / "blog clone"))
    for extra in ([], ["--dry-run"], ["--json"]):
        result = cli("sync", str(clone), *extra)
        assert result.exit_code == 5 and result.stdout == ""
        assert result.stderr == (
            f"error: {clone} holds the files of {first}, linked already: sync that folder, or unlink it first"
            f" (`blogster sync {first} --unlink`) to link this one in its place\n"
        )
    linked_in_its_place(cli, first, clone, unchanged=3)


def test_a_site_sharing_a_few_files_with_a_linked_one_is_its_own(cli, signed_up, tmp_path):
    """Not a copy: less than half of the linked folder's files, byte for byte at their paths."""
    first = site(tmp_path / "blog")
    assert cli("sync", str(first)).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(first / "one.md", other / "one.md")
    (other / "two.md").write_text("---\ntitle: Two\n---\nAnother site's second post.\n")
    result = cli("sync", str(other))
    assert result.exit_code == 0, result.stderr
    assert "imported: one.md (matches 'one' by source path; imported again as 'one-2')" in result.stderr
    assert [item["folder"] for item in linked(cli)] == [str(first), str(other)]


def test_a_first_runs_dry_run_names_the_format_the_run_will_link(cli, signed_up, tmp_path):
    """The dry run said [markdown] (it imported no post to count the format of)."""
    jekyll = tmp_path / "jk"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: Site\n")
    (jekyll / "_posts" / "2024-01-02-a.md").write_text("---\ntitle: A\n---\nA.\n")
    plain = site(tmp_path / "plain")
    for folder, dialect in ((jekyll, "jekyll"), (plain, "hugo")):
        plan = cli("sync", str(folder), "--dry-run")
        assert plan.exit_code == 0 and plan.stderr.endswith(
            f"{folder} [{dialect}]: {'1' if folder == jekyll else '3'} imported; 0 unchanged.\n"
        )
        result = cli("sync", str(folder))
        assert result.exit_code == 0 and f"(linked now) [{dialect}]" in result.stderr


def test_a_first_sync_of_a_jekyll_export_of_hugo_posts_links_it_as_jekyll(cli, signed_up, tmp_path):
    """Its files match posts stored as read from Hugo files: the run counted those, [hugo], and
    would have written posts written in Blogster into the Jekyll folder as Hugo files."""
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text("title = 'Site'\n")
    (hugo / "content" / "posts" / "a.md").write_text("+++\ntitle = 'A'\ndate = 2024-01-02\n+++\nA.\n")
    assert cli("import", str(hugo)).exit_code == 0
    jekyll = tmp_path / "jekyll"
    assert cli("export", str(jekyll), "--format", "jekyll").exit_code == 0
    plan = cli("sync", str(jekyll), "--dry-run")
    assert plan.exit_code == 0 and f"{jekyll} [jekyll]:" in plan.stderr, plan.stderr
    result = cli("sync", str(jekyll))
    assert result.exit_code == 0 and f"{jekyll} (linked now) [jekyll]:" in result.stderr, result.stderr


def body(cli, slug: str) -> str:
    return cli("blogs", "show", slug, "--json").json()["markdown"]


def test_an_older_copy_of_a_folder_missing_here_is_refused_not_taken_over(cli, signed_up, tmp_path):
    """Red team 44 M1: `cp -a tz tz2`, an edit and a new file synced from tz, then tz unmounted (or
    renamed away): `sync tz2` took tz's link over and rolled t2 back to the copy's body, trashed t5,
    and tz, back, then ping-ponged and imported t5 again as `t5-2`."""
    old = tmp_path / "tz"
    old.mkdir()
    for n in range(1, 5):
        (old / f"t{n}.md").write_text(f"---\ntitle: T{n}\n---\nBody {n}.\n")
    assert cli("sync", str(old)).exit_code == 0
    stale = Path(shutil.copytree(old, tmp_path / "tz2"))
    (old / "t2.md").write_text("---\ntitle: T2\n---\nBody 2, edited.\n")
    (old / "t5.md").write_text("---\ntitle: T5\n---\nBody 5.\n")
    assert cli("sync", str(old)).exit_code == 0
    away = old.rename(tmp_path / "tz.off")

    for extra in ([], ["--dry-run"], ["--json"]):
        result = cli("sync", str(stale), *extra)
        assert result.exit_code == 5 and result.stdout == "", result.stderr
        assert result.stderr == (
            f"error: {stale} looks like an older or changed copy of {old} (linked, not on disk here): 2 of its files"
            f" changed or missing; to link this one anyway, unlink that folder first (`blogster sync {old}"
            " --unlink`): this folder's first sync then matches its files to your posts without duplicates\n"
        )
    assert slugs(cli) == ["t1", "t2", "t3", "t4", "t5"] and "edited" in body(cli, "t2")
    assert [item["folder"] for item in linked(cli)] == [str(old)]

    back = away.rename(old)
    result = cli("sync", str(back))
    assert result.exit_code == 0 and result.stderr.splitlines() == [f"{old} [hugo]: nothing to do; 5 unchanged."]
    assert slugs(cli) == ["t1", "t2", "t3", "t4", "t5"]


def test_a_copy_made_before_a_conflict_is_an_older_copy(cli, signed_up, tmp_path):
    """Its file says what the conflict's file said before both sides changed, which was counted as
    what the last sync saw: taken over, it resolved the conflict for the older file."""
    old = site(tmp_path / "blog")
    assert cli("sync", str(old)).exit_code == 0
    stale = Path(shutil.copytree(old, tmp_path / "copy"))
    (old / "two.md").write_text("---\ntitle: Two\n---\nEdited in the file.\n")
    assert cli("blogs", "edit", "two", "--title", "Two, edited").exit_code == 0
    assert "conflict" in cli("sync", str(old)).stderr
    old.rename(tmp_path / "away")
    result = cli("sync", str(stale))
    assert result.exit_code == 5 and "1 of its files changed or missing" in result.stderr, result.stderr
    assert cli("blogs", "show", "two", "--json").json()["title"] == "Two, edited"


def test_a_moved_folder_with_half_its_files_changed_is_refused_not_imported_again(cli, signed_up, tmp_path):
    """Moved, then half its files edited (or all: a formatter run over them): not byte for byte a copy,
    its first sync imported every post again as `one-2`... It reads as the moved folder's posts, which
    the link records at those paths: refused as a changed copy is, naming the old folder."""
    old = site(tmp_path / "blog")
    (old / "four.md").write_text("---\ntitle: Four\n---\nFourth.\n")
    assert cli("sync", str(old)).exit_code == 0
    new = old.rename(tmp_path / "renamed")
    for name in ("one", "two"):
        (new / f"{name}.md").write_text(f"---\ntitle: {name.title()}\n---\nEdited after the move.\n")
    for extra in ([], ["--dry-run"]):
        result = cli("sync", str(new), *extra)
        assert result.exit_code == 5 and result.stdout == "", result.stderr
        assert result.stderr.startswith(
            f"error: {new} looks like an older or changed copy of {old} (linked, not on disk here): 2 of its files"
            f" changed or missing; to link this one anyway, unlink that folder first (`blogster sync {old} --unlink`)"
        )
    assert slugs(cli) == ["four", "one", "three", "two"] and [item["folder"] for item in linked(cli)] == [str(old)]

    assert cli("sync", str(old), "--unlink").exit_code == 0
    relinked = cli("sync", str(new))
    assert relinked.exit_code == 0, relinked.stderr
    assert relinked.stderr.splitlines()[-1] == f"{new} (linked now) [hugo]: 2 updated; 2 unchanged."
    assert slugs(cli) == ["four", "one", "three", "two"] and "Edited after the move." in body(cli, "one")


def test_a_site_at_a_gone_folders_paths_stating_other_slugs_is_its_own(cli, signed_up, tmp_path):
    """The same names as a linked folder gone from disk, but other posts (each states its slug): not a copy."""
    old = site(tmp_path / "blog")
    assert cli("sync", str(old)).exit_code == 0
    old.rename(tmp_path / "away")
    other = tmp_path / "other"
    other.mkdir()
    for name in ("one", "two", "three"):
        (other / f"{name}.md").write_text(f"---\ntitle: Other {name}\nslug: other-{name}\n---\nElse.\n")
    result = cli("sync", str(other))
    assert result.exit_code == 0 and "3 imported" in result.stderr, result.stderr
    assert slugs(cli) == ["one", "other-one", "other-three", "other-two", "three", "two"]
