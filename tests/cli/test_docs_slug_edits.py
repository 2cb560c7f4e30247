"""Slugs in `docs edit`, `docs new`, import and export: an edit renames a page only when its front
matter says `slug:` (a page `guide/index` is not renamed `guide` by any edit), a slug given in an
edit is taken as written or refused naming the form it would take, and a slug with a part longer
than a file name allows is refused (new, edit, import), while export writes the other pages."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli.test_docs_cli import write

FORM = "is not a page slug (lower-case words and digits joined by '-', folders by '/')"
LONG = "a" * 201
TOO_LONG = "a part longer than 200 characters"


def slugs(cli) -> list[str]:
    return sorted(page["slug"] for page in cli("docs", "list", "--json").json())


def appending_editor(tmp_path: Path) -> str:
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'Edited.\\n' >> \"$1\"\n", encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    return str(editor)


def test_an_edit_without_a_slug_line_never_renames_an_index_page(cli, signed_up, tmp_path):
    """`guide/index.md` reads as `guide`: an edit's text (which never holds `slug:`) read that way
    renamed `guide/index` to `guide` on every save."""
    assert cli("docs", "new", "Guide", "--slug", "guide/index").exit_code == 0
    root = write(tmp_path / "docs", {"help/index.md": "---\ntitle: Help\nslug: help/index\n---\nHelp.\n"})
    assert cli("docs", "import", str(root)).exit_code == 0
    edited = cli("docs", "edit", "guide/index", "--json", env={"EDITOR": appending_editor(tmp_path), "VISUAL": ""})
    assert edited.exit_code == 0, edited.stderr
    assert edited.json()["slug"] == "guide/index" and edited.json()["markdown"] == "Edited.\n"
    text = tmp_path / "edited.md"
    text.write_text("---\ntitle: Help again\n---\nBody.\n", encoding="utf-8")
    assert cli("docs", "edit", "help/index", "--from", str(text), "--json").json()["slug"] == "help/index"
    assert slugs(cli) == ["guide/index", "help/index"]
    text.write_text("---\ntitle: Help\nslug: help\n---\nBody.\n", encoding="utf-8")  # said: renamed
    assert cli("docs", "edit", "help/index", "--from", str(text), "--json").json()["slug"] == "help"
    assert slugs(cli) == ["guide/index", "help"]


def test_a_slug_given_in_an_edit_is_taken_as_written_or_refused_with_the_form_it_would_take(cli, signed_up, tmp_path):
    assert cli("docs", "new", "Backups").exit_code == 0
    text = tmp_path / "edited.md"
    for asked, accepted in [("../x", "x"), ("/abs", "abs"), ("a//b", "a/b"), ("Ünïcode Slug", "n-code-slug"),
                            ("guide/Taking Backups", "guide/taking-backups")]:  # fmt: skip
        text.write_text(f"---\ntitle: Backups\nslug: {asked}\n---\nBody.\n", encoding="utf-8")
        result = cli("docs", "edit", "backups", "--from", str(text))
        assert (result.exit_code, result.stderr) == (2, f"error: slug {asked!r} {FORM}: did you mean {accepted!r}?\n")
    assert slugs(cli) == ["backups"]
    assert cli("docs", "show", "backups", "--json").json()["markdown"] == ""
    text.write_text("---\ntitle: Backups\nslug: guide/taking-backups-2\n---\nBody.\n", encoding="utf-8")
    assert cli("docs", "edit", "backups", "--from", str(text)).exit_code == 0
    assert slugs(cli) == ["guide/taking-backups-2"]


def test_a_slug_with_a_part_longer_than_a_file_name_is_refused_in_new_edit_and_import(cli, signed_up, tmp_path):
    result = cli("docs", "new", "Long", "--slug", f"guide/{LONG}")
    assert result.exit_code == 2 and TOO_LONG in result.stderr and len(result.stderr.splitlines()) == 1
    assert cli("docs", "new", "Long", "--slug", f"guide/{'a' * 200}").exit_code == 0  # the longest part taken
    assert cli("docs", "new", "Backups").exit_code == 0
    text = tmp_path / "edited.md"
    text.write_text(f"---\ntitle: Backups\nslug: {LONG}\n---\nBody.\n", encoding="utf-8")
    result = cli("docs", "edit", "backups", "--from", str(text))
    assert result.exit_code == 2 and TOO_LONG in result.stderr and len(result.stderr.splitlines()) == 1
    root = write(tmp_path / "docs", {"long.md": f"---\nslug: x/{LONG}\n---\n# Long\n", "ok.md": "# Ok\n"})
    result = cli("docs", "import", str(root), "--json")
    assert result.exit_code == 1
    report = result.json()
    assert report["created"] == ["ok"]
    assert [path for path, _ in report["failed"]] == ["long.md"] and TOO_LONG in report["failed"][0][1]
    assert slugs(cli) == ["backups", f"guide/{'a' * 200}", "ok"]
    exported = cli("docs", "export", str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.stderr


def test_a_title_longer_than_a_slug_part_makes_a_shortened_slug(cli, signed_up):
    title = "word " * 59 + "end"  # 298 characters
    made = cli("docs", "new", title, "--json")
    assert made.exit_code == 0, made.stderr
    assert made.json()["slug"] == ("word-" * 40)[:200].rstrip("-")


def test_a_long_slug_of_short_parts_is_edited_in_the_editor(cli, signed_up, tmp_path):
    """The editor's file was named after the whole slug: past 255 bytes, no file."""
    slug = f"{'a' * 150}/{'b' * 150}"
    assert cli("docs", "new", "Deep", "--slug", slug).exit_code == 0
    edited = cli("docs", "edit", slug, "--json", env={"EDITOR": appending_editor(tmp_path), "VISUAL": ""})
    assert edited.exit_code == 0, edited.stderr
    assert edited.json()["markdown"] == "Edited.\n"


def test_export_writes_the_other_pages_when_a_stored_slug_cannot_be_a_file_name(cli, signed_up, superuser, tmp_path):
    """A page stored before slugs were limited: reported, and the others exported (the whole export failed)."""
    long = "a" * 300
    assert cli("docs", "new", "Long", "--slug", "long").exit_code == 0
    assert cli("docs", "new", "Short").exit_code == 0
    superuser.execute("update public.documentation_pages set slug = %s where slug = 'long'", [long])
    out = tmp_path / "out"
    result = cli("docs", "export", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {long}: not written: {long}.md: file name too long",
                                          f"Wrote 1 page to {out}."]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["short.md"]
    result = cli("docs", "export", str(tmp_path / "again"), "--json")
    assert result.exit_code == 1
    answer = result.json()
    assert answer["pages"] == 1 and answer["failed"] == [
        {"slug": long, "path": f"{long}.md", "reason": "file name too long"}
    ]
    text = tmp_path / "edited.md"
    text.write_text("---\ntitle: Long\n---\nKept.\n", encoding="utf-8")  # still edited as it is
    assert cli("docs", "edit", long, "--from", str(text), "--json").json()["slug"] == long
    text.write_text("---\ntitle: Long\nslug: long\n---\nRenamed.\n", encoding="utf-8")  # and renamed to export
    assert cli("docs", "edit", long, "--from", str(text), "--json").json()["slug"] == "long"
    assert cli("docs", "export", str(tmp_path / "last")).exit_code == 0


@pytest.mark.parametrize("asked", ["../x", "/abs", "Guide/Taking Backups"])
def test_docs_new_takes_a_slug_as_written_or_refuses_it(cli, signed_up, asked):
    """Red team 26: `docs new --slug ../x` made page `x` without a word, as `docs edit` did."""
    result = cli("docs", "new", "Page", "--slug", asked)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"slug {asked!r} is not a page slug" in result.stderr and "did you mean" in result.stderr
    assert cli("docs", "list", "--json").json() == []


def test_an_export_folder_whose_name_is_too_long_is_one_error_not_one_per_page(cli, signed_up, tmp_path):
    """Each page was reported as not written for the file name too long (the folder's), with exit 1."""
    assert cli("docs", "new", "One").exit_code == 0
    assert cli("docs", "new", "Two").exit_code == 0
    out = tmp_path / ("a" * 300)
    result = cli("docs", "export", str(out))
    assert result.exit_code == 8
    assert result.stderr.splitlines() == [f"error: cannot use {out}: file name too long"]
