"""`docs import`, `search`, `list` and `export` on mkdocs-style pages (attribute lists, badges, tabs):
titles and snippets read as the pages show, and the files come back byte for byte."""

from __future__ import annotations

from tests.cli.test_docs_cli import files_of, write

TREE = {
    "about/releases/7.0.md": (
        "# 7.0 Migration Notes {: #\\7.0}\n\n## Tabbed Extension {: #tabbed }\n\n"
        "A new extension called [Tabbed](../../extensions/tabbed.md) has been added.\n"
    ),
    "extensions/tabbed.md": '# Tabbed\n\n=== "macOS"\n    Tabs for each [platform](https://example.com/platforms).\n',
    "index.md": (
        "# Home\n\n[![PyPI - Version](https://img.shields.io/pypi/v/hatch.svg){ loading=lazy }]"
        "(https://pypi.org/project/hatch/)\n\nWelcome.\n"
    ),
    "setup.md": '---\ntitle: "Setup {: #kept}"\n---\n# Other {: #x}\n\nAs the front matter says.\n',
}


def test_titles_snippets_and_the_files_read_as_the_pages_show(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 0, result.stderr
    titles = {page["slug"]: page["title"] for page in cli("docs", "list", "--json").json()}
    assert titles["about/releases/7-0"] == "7.0 Migration Notes"
    assert titles["setup"] == "Setup {: #kept}"  # front matter is taken as written

    hit = cli("docs", "search", "tabbed extension", "--json").json()["results"][0]
    assert (hit["slug"], hit["title"]) == ("about/releases/7-0", "7.0 Migration Notes")
    assert "{" not in hit["snippet"] and "](" not in hit["snippet"] and "Tabbed" in hit["snippet"], hit
    hit = cli("docs", "search", "macos platform", "--json").json()["results"][0]
    assert hit["slug"] == "extensions/tabbed" and "===" not in hit["snippet"] and "https" not in hit["snippet"], hit
    assert cli("docs", "search", "pypi", "--json").json()["results"] == []  # only in a badge

    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    assert files_of(tmp_path / "out") == files_of(root)
    again = cli("docs", "import", str(root), "--publish", "--json").json()
    assert sorted(again["unchanged"]) == sorted(titles) and again["updated"] == []
