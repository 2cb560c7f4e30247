"""`blogster import` and `blogster sync` of a Hugo site name each page at the top of `content/`
(`about.md`: no section, no date) they skip, with the reason, count it in the summary and list it in
`--json`; no post is made of it."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.content.post import HUGO_PAGE_REASON


def hugo_site(root: Path) -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\n')
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\nWho we are.\n")
    (root / "content" / "posts" / "first.md").write_text("---\ntitle: First\ndate: 2024-01-02\n---\nOne.\n")
    return root


def test_import_names_the_skipped_page_and_counts_it(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    shown = cli("import", str(site))
    assert shown.exit_code == 0, shown.stderr
    about = site / "content" / "about.md"
    assert f"skipped: {about}: {HUGO_PAGE_REASON}" in shown.stderr.splitlines()
    assert "1 skipped" in shown.stderr.splitlines()[-1]
    listed = cli("import", str(site), "--json")
    assert listed.exit_code == 0, listed.stderr
    data = listed.json()
    assert data["counts"]["skipped"] == 1
    assert [(f["path"], f["reason"]) for f in data["files"] if f["outcome"] == "skipped"] == [
        (str(about), HUGO_PAGE_REASON)
    ]
    assert sorted(post["slug"] for post in cli("blogs", "list", "--json").json()) == ["first"]


def test_sync_names_the_skipped_page(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    shown = cli("sync", str(site), "--json")
    assert shown.exit_code == 0, shown.stderr
    data = shown.json()
    assert [(f["path"], f.get("note")) for f in data["files"] if f["action"] == "skipped"] == [
        ("content/about.md", HUGO_PAGE_REASON)
    ]
    again = cli("sync", str(site))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == [
        f"skipped: content/about.md ({HUGO_PAGE_REASON})",
        f"{site} [hugo]: 1 skipped; 1 unchanged.",
    ]


def test_a_top_level_page_without_front_matter_is_skipped_as_one_with_it(cli, signed_up, tmp_path):
    """`contact.md` without front matter read as plain markdown and was imported as a draft, while
    `about.md`, with front matter and as undated, was skipped: both are the site's pages."""
    site = hugo_site(tmp_path / "site")
    contact = site / "content" / "contact.md"
    contact.write_text("# Contact\n\nWrite to us.\n")
    (site / "content" / "posts" / "bare.md").write_text("In a section: a post, undated.\n")
    shown = cli("import", str(site), "--json")
    assert shown.exit_code == 0, shown.stderr
    skipped = sorted((f["path"], f["reason"]) for f in shown.json()["files"] if f["outcome"] == "skipped")
    assert skipped == [(str(site / "content" / "about.md"), HUGO_PAGE_REASON), (str(contact), HUGO_PAGE_REASON)]
    assert sorted(post["slug"] for post in cli("blogs", "list", "--json").json()) == ["bare", "first"]
    synced = cli("sync", str(site), "--json")
    assert synced.exit_code == 0, synced.stderr
    assert sorted(f["path"] for f in synced.json()["files"] if f["action"] == "skipped") == [
        "content/about.md",
        "content/contact.md",
    ]
