"""publish.relative_links: which relative links to markdown files a body holds, where they lead, and
which Hugo shortcodes a build warns about (pure: no database)."""

from __future__ import annotations

from blogster_cli.publish.relative_links import linked_files, mdx_warning, resolved, shortcode_warning, source_file


def test_links_resolve_from_the_linking_files_folder_and_others_are_left_alone():
    body = (
        "[a](other.md) [b](./deeper/b.MD#x) [c](../up.md?plain=1) [d](with%20space.md)\n"
        "[web](https://example.org/x.md) [abs](/x.md) [zola](@/blog/x.md) [anchor](#x.md) [pic](a.png)\n"
        "    [indented code](other.md)\n"
    )
    assert linked_files(body, "notes/post.md") == [
        "notes/other.md",
        "notes/deeper/b.MD",
        "up.md",
        "notes/with space.md",
    ]
    shown = resolved(body, "notes/post.md", {"notes/other.md": "/posts/other/", "up.md": "/posts/up/"})
    assert shown.startswith("[a](/posts/other/) [b](./deeper/b.MD#x) [c](/posts/up/) [d](with%20space.md)\n[web](https")
    assert linked_files("no links here", "a.md") == []


def test_a_recorded_path_outside_the_folder_imported_is_no_source():
    assert source_file({"source_path": "a/../b.md"}) == "b.md"
    assert source_file({"source_path": "../b.md"}) is None
    assert source_file({"source_path": ""}) is None and source_file({}) is None


def test_hugo_shortcodes_are_named_but_escaped_ones_closers_and_blogsters_widgets_are_not():
    assert shortcode_warning("p", "{{< quiz my-quiz >}} and {{</* figure */>}}\n\n{{< /note >}}") is None
    warning = shortcode_warning("p", '{{% note %}}\nx\n{{% /note %}} {{< figure src="a.png" >}}\n')
    assert warning is not None and warning.startswith("'p': its Hugo shortcode '{{% note' (and 1 more)")
    assert shortcode_warning("p", "```\n{{< figure >}}\n```\n") is None


def test_an_mdx_posts_components_and_import_lines_are_warned_about() -> None:
    """Tester 524: `<Chart data={x} />` vanished from the page and `import` lines showed as text, unsaid."""
    markdown = (
        "import Chart from './Chart.astro';\nimport { A } from './a';\n\nText with <Chart data={x} /> and"
        " <motion.div>, <b>bold</b>, `<Code />`.\n\n```\n<Fenced />\nexport const y = 2;\n```\n\nImportant.\n"
    )
    assert mdx_warning("p", markdown) == (
        "'p': its MDX component <Chart> (and 1 more) is left out of its page, nothing in its place; its MDX line"
        " \"import Chart from './Chart.astro';\" (and 1 more) shows as text: edit the post to say it in markdown,"
        " without JSX"
    )
    assert mdx_warning("p", "Plain <b>text</b>, `<Code />` and <https://example.com>.\n") is None
