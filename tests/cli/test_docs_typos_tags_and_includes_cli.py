"""Findings of a new user's walk through the help centre (h293), fixed by helper 301:

- M1: `docs search` offers the word one typo away as pages write it (`animaton`: "animation").
- M2: `docs edit --from FILE` keeps what the file does not state (tags, excerpt, version; the
  title when the file has neither `title:` nor a heading), as `posts edit` does.
- L23: an include line the import could not read (`--8<-- "docs/examples/app.py"` in a code
  fence) is not the page's text: no search finds it, no snippet shows it.
"""

from __future__ import annotations

from tests.cli.test_docs_cli import write


def page(cli, slug: str) -> dict:
    shown = cli("docs", "show", slug, "--json")
    assert shown.exit_code == 0, shown.stderr
    return shown.json()


def edit(cli, tmp_path, slug: str, text: str) -> None:
    source = tmp_path / "edited.md"
    source.write_text(text, encoding="utf-8")
    edited = cli("docs", "edit", slug, "--from", str(source))
    assert edited.exit_code == 0, edited.stderr


def test_an_edit_from_a_file_keeps_the_tags_it_does_not_state(cli, signed_up, tmp_path):
    created = cli("docs", "new", "Tag test", "--tag", "alpha", "--tag", "beta", "--from", "-", input="x\n")
    assert created.exit_code == 0, created.stderr
    edit(cli, tmp_path, "tag-test", "only body\n")  # the walk's: no front matter at all
    shown = page(cli, "tag-test")
    assert (shown["tags"], shown["title"], shown["markdown"]) == (["alpha", "beta"], "Tag test", "only body\n")
    edit(cli, tmp_path, "tag-test", "---\ntitle: Tags kept\n---\nbody\n")  # front matter without `tags:`
    assert (page(cli, "tag-test")["tags"], page(cli, "tag-test")["title"]) == (["alpha", "beta"], "Tags kept")
    edit(cli, tmp_path, "tag-test", "---\ntags: [gamma]\n---\nbody\n")  # stated: replaced
    assert page(cli, "tag-test")["tags"] == ["gamma"]
    edit(cli, tmp_path, "tag-test", "---\ntags: []\n---\nbody\n")  # stated empty: cleared
    assert page(cli, "tag-test")["tags"] == []


def test_an_edit_from_a_file_keeps_the_title_excerpt_and_version_it_does_not_state(cli, signed_up, tmp_path):
    text = "---\ntitle: Restoring a backup\nexcerpt: How to restore.\nversion: '2.1'\n---\nSteps.\n"
    source = write(tmp_path / "new", {"page.md": text}) / "page.md"
    assert cli("docs", "new", "Restoring a backup", "--slug", "restore", "--from", str(source)).exit_code == 0
    edit(cli, tmp_path, "restore", "---\ntitle: Restoring a backup\nexcerpt: How to restore.\nversion: '2.1'\n---\n"
                                   "Steps.\n")  # fmt: skip
    before = page(cli, "restore")
    edit(cli, tmp_path, "restore", "New steps.\n")  # no title, no heading: not named after the slug
    after = page(cli, "restore")
    assert (after["title"], after["excerpt"], after["version"]) == (before["title"], before["excerpt"],
                                                                     before["version"])  # fmt: skip
    assert after["title"] == "Restoring a backup" and after["excerpt"] == "How to restore."
    edit(cli, tmp_path, "restore", "# From a backup\n\nNew steps.\n")  # a heading names an untitled page
    assert page(cli, "restore")["title"] == "From a backup"


def test_the_walks_typos_get_a_did_you_mean(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {
        "guide/animation.md": "# Animation\n\nThe animator animates styles. Animation, smoothly.\n",
        "guide/reactivity.md": "# Reactivity\n\nReactive attributes refresh the widget.\n",
        "widgets/data_table.md": "# DataTable\n\nA DataTable displays rows.\n",
    })  # fmt: skip
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    for query, expected in (("animaton", "animation"), ("reactvity", "reactivity"), ("datatabel", "datatable"),
                            ("widgit", "widget")):  # fmt: skip
        found = cli("docs", "search", query, "--json")
        assert found.exit_code == 0, found.stderr
        assert (found.json()["results"], found.json()["did_you_mean"]) == ([], expected), query
    shown = cli("docs", "search", "animaton")
    assert "animation" in shown.stdout + shown.stderr


APP = "from textual.app import App\n\nclass GreetingApp(App):\n    pass\n"


def test_an_include_the_import_could_not_read_is_not_searched_or_shown(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {
        "guide/app.md": (
            "# App basics\n\nThe render method draws the app.\n\n"
            '```python title="app.py"\n--8<-- "docs/examples/guide/app.py"\n```\n\n'
            '```python title="missing.py"\n--8<-- "docs/examples/guide/missing_example.py"\n```\n\n'
            "Then render again.\n"
        ),
        "examples/guide/app.py": APP,
    })  # fmt: skip
    imported = cli("docs", "import", str(root), "--publish", "--json")
    assert imported.exit_code == 0, imported.stderr
    assert any("missing_example.py" in warning for warning in imported.json()["warnings"])  # warned, as before
    found = cli("docs", "search", "render", "--json").json()["results"]
    assert [hit["slug"] for hit in found] == ["guide/app"]
    assert "8<" not in found[0]["snippet"] and "missing_example" not in found[0]["snippet"]
    assert cli("docs", "search", "greetingapp", "--json").json()["results"]  # the include read: searched
    for words in ("missing_example", "examples"):  # the one not read: no words of the page
        assert cli("docs", "search", words, "--json").json()["results"] == [], words
    assert page(cli, "guide/app")["markdown"].count("--8<--") == 2  # the page itself is kept as written
