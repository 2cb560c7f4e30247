"""Reading a documentation folder: categories, slugs, titles, front matter, links."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.documentation import links, tree


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_folders_become_ordered_categories_and_files_pages(tmp_path):
    root = write(tmp_path, {
        "index.md": "# Welcome\n",
        "guide/b.md": "# B\n",
        "guide/a.md": "---\ntitle: Alpha\norder: 2\ntags: [x, y]\nstatus: published\nversion: '1.0'\n---\nbody\n",
        "guide/deep/c.md": "no heading here\n",
        "api/z.md": "# Z\n",
    })  # fmt: skip
    result = tree.read_tree(root)
    assert [(c.path, c.slug, c.parent_path, c.order) for c in result.categories] == [
        ("api", "api", None, 0),
        ("guide", "guide", None, 1),
        ("guide/deep", "guide-deep", "guide", 0),
    ]
    pages = {p.path: p for p in result.pages}
    assert pages["guide/a.md"].title == "Alpha" and pages["guide/a.md"].tags == ["x", "y"]
    assert (pages["guide/a.md"].order, pages["guide/a.md"].status, pages["guide/a.md"].version) == (
        2,
        "published",
        "1.0",
    )
    assert pages["guide/b.md"].title == "B"  # first heading
    assert pages["guide/deep/c.md"].title == "C"  # file name
    assert pages["index.md"].slug == "index" and pages["guide/deep/c.md"].slug == "guide/deep/c"
    assert result.problems == []


def test_rejected_slugs_are_normalised_and_reported(tmp_path):
    root = write(tmp_path, {"commands/hugo_server.md": "# hugo server\n", "X.md": "---\nslug: My_Page\n---\n"})
    pages = {p.path: p for p in tree.read_tree(root).pages}
    assert pages["commands/hugo_server.md"].slug == "commands/hugo-server"
    assert "'commands/hugo-server'" in pages["commands/hugo_server.md"].notes[0]
    assert pages["X.md"].slug == "my-page"


def test_a_bad_page_is_reported_and_the_rest_are_read(tmp_path):
    root = write(
        tmp_path,
        {"good.md": "# Good\n", "bad.md": "---\ntitle: [unclosed\n---\n", "worse.md": "---\nstatus: gone\n---\n"},
    )
    result = tree.read_tree(root)
    assert [p.path for p in result.pages] == ["good.md"]
    assert sorted(p.path for p in result.problems) == ["bad.md", "worse.md"]


def test_page_text_keeps_the_original_front_matter_until_a_field_changes():
    raw = "---\ntitle: Alpha\nstatus: draft\ncustom: 1\n---\n"
    fm = {"title": "Alpha", "status": "draft", "custom": 1}
    same = tree.page_text(
        front_matter_raw=raw, front_matter=fm, current={"title": "Alpha", "status": "draft"}, body="b\n"
    )
    assert same == raw + "b\n"
    changed = tree.page_text(
        front_matter_raw=raw, front_matter=fm, current={"title": "Alpha", "status": "published"}, body="b\n"
    )
    assert "status: published" in changed and "custom: 1" in changed and changed.endswith("---\nb\n")


def test_links_resolve_relative_paths_and_site_urls():
    pages = [
        ("guide/events", "guide/events.md", "See [queue](../events/index.md#q), [app](/api/app/), [x](missing.md)"),
        (
            "events",
            "events/index.md",
            "[ok](../guide/events.md) ![img](../images/a.png) [ext](https://x.org) [API][textual.app]",
        ),
        ("api/app", "api/app.md", "```\n[not](a-link.md)\n```\n"),
    ]
    assert links.broken_links(pages) == [links.BrokenLink("guide/events", "missing.md")]


def test_each_page_is_searched_in_its_own_language(tmp_path):
    root = write(
        tmp_path,
        {
            "de.md": "---\nlang: de-DE\n---\n# Einstellungen\n",
            "fr.md": "---\nlanguage: French\n---\n# Réglages\n",
            "plain.md": "# Settings\n",
            "klingon.md": "---\nlang: tlh\n---\n# nuqneH\n",
        },
    )
    pages = {p.path: p for p in tree.read_tree(root).pages}
    assert pages["de.md"].search_config == "german"
    assert pages["fr.md"].search_config == "french"
    assert pages["plain.md"].search_config == "english"
    assert pages["klingon.md"].search_config == "simple"
    assert "language 'tlh'" in pages["klingon.md"].notes[0]
