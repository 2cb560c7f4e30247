"""Findings of the trial on real documentation sets (helper 214), fixed by helper 219: a link in
code is no link (L2); a page taken over is counted once (Count); text pages include is no page
(L3); pictures are checked and reported, not stored (L1)."""

from __future__ import annotations

from tests.cli.test_docs_cli import SMALL_TREE, files_of, write

PICTURE_NOTE = "docs pages keep their links; copy the files beside your site"


def test_a_link_in_code_is_neither_warned_of_nor_reported(cli, signed_up, tmp_path):
    """pymdown's changelog: "link 'u' leads to no page" for `` `[A](u)` ``, by import and check-links."""
    root = write(tmp_path / "docs", {
        "index.md": "# Changes\n\n- **NEW**: `__[A](u){target=\"_blank\"}__: x` is read.\n\n"
                    "```md\n[B](nowhere.md)\n```\n\n!!! note\n    See [the guide](guide.md).\n",
        "guide.md": "# Guide\n",
    })  # fmt: skip
    report = cli("docs", "import", str(root), "--publish", "--json")
    assert report.exit_code == 0, report.stderr
    assert report.json()["warnings"] == []
    checked = cli("docs", "check-links", "--json")
    assert (checked.exit_code, checked.json()) == (0, [])
    (root / "guide.md").unlink()  # the link in the admonition is a link: now it leads nowhere
    assert cli("docs", "import", str(root), "--json").json()["warnings"] == [
        "index.md: link 'guide.md' leads to no page"
    ]


def test_an_export_imported_back_with_replace_counts_each_page_once(cli, signed_up, tmp_path):
    """The trial: `unchanged: 144` and `replaced: 144` for the same pages."""
    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    (tmp_path / "out" / "index.md").write_text("# Welcome, edited\n", encoding="utf-8")
    result = cli("docs", "import", str(tmp_path / "out"), "--replace", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    buckets = [*report["created"], *report["updated"], *report["unchanged"], *(r["slug"] for r in report["replaced"])]
    assert sorted(buckets) == sorted(set(buckets)) == ["guide/advanced/workers", "guide/events", "guide/hugo-server",
                                                       "index"]  # fmt: skip
    assert [r["slug"] for r in report["replaced"]] == ["index"]  # its file changes it: overwritten
    assert sorted(report["unchanged"]) == ["guide/advanced/workers", "guide/events", "guide/hugo-server"]
    assert sum("took over 'guide/events' as it is" in note for note in report["notes"]) == 1  # it is theirs now
    said = cli("docs", "import", str(root), "--replace")  # and back: the words count each page once too
    assert said.exit_code == 0, said.stderr
    assert "0 created, 0 updated, 3 unchanged, 0 failed, 1 taken over;" in said.stderr


def test_text_pages_include_is_no_page(cli, signed_up, tmp_path):
    """textual's snippets/see_also_border.md: an include, imported as a page whose links were
    checked from the snippets folder ("link './border_title_align.md' leads to no page")."""
    root = write(tmp_path / "docs", {
        "styles/border.md": '# Border\n\n--8<-- "docs/snippets/see_also.md"\n\n--8<-- "docs/parts/intro.md"\n',
        "styles/border_title_align.md": "# Border title align\n",
        "snippets/see_also.md": "See [align](./border_title_align.md).\n",
        "_includes/footer.md": "Footer.\n",
        "parts/intro.md": "Intro, [broken from here](../nowhere.md).\n",
    })  # fmt: skip
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["created"] == ["styles/border", "styles/border-title-align"] and report["failed"] == []
    assert report["skipped"] == [
        ["_includes/footer.md", "an include (in _includes/), not a page"],
        ["parts/intro.md", "an include (--8<-- in styles/border.md), not a page"],
        ["snippets/see_also.md", "an include (in snippets/), not a page"],
    ]
    assert report["warnings"] == []
    assert cli("docs", "check-links", "--json").json() == []
    said = cli("docs", "import", str(root))  # again: the notes the first import gave, in one line (helper 268)
    assert "note: 4 notes as at earlier imports (slugs normalised, files skipped as includes)" in said.stderr
    assert "snippets/see_also.md: an include (in snippets/), not a page" in cli(
        "docs", "import", str(root), "--json").json()["repeated_notes"]  # fmt: skip
    assert "0 created, 0 updated, 2 unchanged, 0 failed, 3 skipped;" in said.stderr


def test_a_page_that_becomes_an_include_is_withdrawn_saying_why(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"index.md": "# Home\n", "parts/intro.md": "# Intro\n"})
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    (root / "index.md").write_text('# Home\n\n--8<-- "parts/intro.md"\n', encoding="utf-8")
    report = cli("docs", "import", str(root), "--json").json()
    assert report["withdrawn"] == ["parts/intro"]
    assert (
        "parts/intro.md: an include (--8<-- in index.md), not a page; its page 'parts/intro' is archived"
        in (report["notes"])
    )


def test_pictures_are_reported_not_stored_and_checked(cli, signed_up, tmp_path):
    """hatch's vscode.md shows ./vscode/select-interpreter.png: import said nothing of it, export
    left it behind and check-links did not look at pictures."""
    root = write(tmp_path / "docs", {
        "index.md": "# Home\n\n![Logo](assets/logo.svg) and ![badge](https://img.shields.io/x.svg)\n",
        "how-to/vscode.md": "# VS Code\n\n<figure markdown>\n  ![Select](./vscode/select.png){ loading=lazy }\n"
                            "</figure>\n\n![Gone](./vscode/gone.png) ![Gone again](vscode/gone.png)\n"
                            '<img src="/assets/logo.svg" width="20">\n',
    })  # fmt: skip
    for picture in ("assets/logo.svg", "how-to/vscode/select.png"):
        (root / picture).parent.mkdir(parents=True, exist_ok=True)
        (root / picture).write_bytes(b"\x89PNG\r\n\x1a\n")
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["pictures"] == ["assets/logo.svg", "how-to/vscode/select.png"]
    assert f"2 pictures not stored: {PICTURE_NOTE}" in report["notes"]
    assert report["warnings"] == ["how-to/vscode.md: picture './vscode/gone.png' is not in the folder",
                                  "how-to/vscode.md: picture 'vscode/gone.png' is not in the folder"]  # fmt: skip
    checked = cli("docs", "check-links", "--json")
    assert checked.exit_code == 1
    assert checked.json() == [{"page": "how-to/vscode", "target": "./vscode/gone.png", "kind": "picture"},
                              {"page": "how-to/vscode", "target": "vscode/gone.png", "kind": "picture"}]  # fmt: skip
    shown = cli("docs", "check-links")
    assert "how-to/vscode: vscode/gone.png (picture)" in shown.stdout and "2 broken links." in shown.stderr
    # An edit may show another picture of the folder (found by another page's import): not broken.
    edited = tmp_path / "edited.md"
    edited.write_text("# VS Code\n\n![Logo](../assets/logo.svg)\n", encoding="utf-8")
    assert cli("docs", "edit", "how-to/vscode", "--from", str(edited)).exit_code == 0
    assert cli("docs", "check-links", "--json").json() == []
    # Export writes the pages only (the pictures stay where they are): said on import, and in the README.
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    assert sorted(files_of(tmp_path / "out")) == ["how-to/vscode.md", "index.md"]
    said = cli("docs", "import", str(root))
    assert f"note: 2 pictures not stored: {PICTURE_NOTE}" in said.stderr


def test_a_page_written_in_blogster_has_its_pictures_left_unchecked(cli, signed_up, tmp_path):
    """No folder to look in: Blogster cannot tell, so it does not say a picture is missing."""
    body = tmp_path / "body.md"
    body.write_text("![Shot](shot.png) and [a page](missing.md)\n", encoding="utf-8")
    assert cli("docs", "new", "Shots", "--from", str(body)).exit_code == 0
    assert cli("docs", "check-links", "--json").json() == [{"page": "shots", "target": "missing.md", "kind": "page"}]


def test_pages_imported_before_pictures_were_recorded_are_checked_once_imported_again(
    cli, signed_up, superuser, tmp_path
):
    root = write(tmp_path / "docs", {"index.md": "# Home\n\n![Gone](gone.png) and [a page](guide.md)\n",
                                     "guide.md": "# Guide\n"})  # fmt: skip
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    superuser.execute("update documentation_pages set content = content #- '{source,pictures}'")
    assert cli("docs", "check-links", "--json").json() == []  # nothing recorded: not checked
    again = cli("docs", "import", str(root), "--json").json()
    assert sorted(again["unchanged"]) == ["guide", "index"] and again["updated"] == []
    assert cli("docs", "check-links", "--json").json() == [{"page": "index", "target": "gone.png", "kind": "picture"}]
