"""publish.relative_links: Hugo's `ref` and `relref` shortcodes in a post imported from Hugo lead to the
page of the published post imported from the file they name, looked up as Hugo does (checked against
Hugo 0.111's own output for the same folder: tests/integration/test_site_hugo_refs.py); one that names
none, or more than one, is left as written and named; code and comments are left alone (pure: no database).

Found by a writer: `[see]({{< ref "other.md" >}})` showed the shortcode as text on the page.
"""

from __future__ import annotations

from typing import Any

import pytest

from blogster_cli.publish.relative_links import (
    HugoPages,
    ref_targets,
    resolved,
    shortcode_warning,
    unresolved_warnings,
    unshown_content_file,
)

SITE_ROOT = {  # a Hugo site imported from its root: each file's path shows `content/`
    "a": {"slug": "a", "sp": "content/posts/a.md"},
    "b": {"slug": "b", "sp": "content/posts/b.md"},
    "c": {"slug": "c", "sp": "content/notes/c.md"},
    "bundle": {"slug": "bundle", "sp": "content/posts/bundle/index.md"},
}


def links(records: dict[str, dict[str, Any]], post: str, body: str) -> str:
    """`body` of the post `post` as a build shows it, each post's page at /p/<id>/ (`pages.SitePlan`)."""
    pages = HugoPages(records)
    found = {path: pages.find(path, records[post]) for path in ref_targets(body)}
    refs = {path: f"/p/{ids[0]}/" for path, ids in found.items() if len(ids) == 1}
    return resolved(body, records[post]["sp"], {}, refs)


@pytest.mark.parametrize(
    ("shortcode", "shown"),
    [
        ('{{< ref "b.md" >}}', "/p/b/"),  # from the linking page's folder
        ('{{< relref "b" >}}', "/p/b/"),  # without its extension
        ('{{< ref "B.MD" >}}', "/p/b/"),  # in any case
        ('{{< ref "./b.md" >}}', "/p/b/"),
        ('{{< relref "/posts/b.md#part" >}}', "/p/b/#part"),  # from `content/`, anchor kept
        ('{{< ref "/notes/c" >}}', "/p/c/"),
        ('{{< ref "notes/c.md" >}}', "/p/c/"),  # not beside it: from `content/`
        ('{{< ref "c" >}}', "/p/c/"),  # the one page of that name
        ('{{< ref "/c" >}}', "/p/c/"),
        ('{{< relref "bundle" >}}', "/p/bundle/"),  # a bundle by its folder
        ('{{< relref "bundle/index.md" >}}', "/p/bundle/"),
        ('{{< ref path="b.md" >}}', "/p/b/"),  # the named form
        ('{{% relref "b.md" %}}', "/p/b/"),
        ("{{< relref `b.md` >}}", "/p/b/"),
        ("{{<relref b.md>}}", "/p/b/"),
        ('{{< ref "b%2Emd?x=1#y" >}}', "/p/b/#y"),  # a URL: decoded, its query dropped
        ('{{< ref "#here" >}}', "#here"),  # an anchor of the page itself
    ],
)
def test_a_ref_leads_to_the_post_imported_from_the_file_it_names(shortcode, shown):
    assert links(SITE_ROOT, "a", f"[see]({shortcode}) and {shortcode}.") == f"[see]({shown}) and {shown}."


@pytest.mark.parametrize(
    "shortcode",
    [
        '{{< ref "nope.md" >}}',  # no such file
        '{{< ref "./c.md" >}}',  # from the page's folder only
        '{{< ref "x/c.md" >}}',  # a path, not a name: not looked up by its name
        '{{< ref "/about" >}}',  # a section's list page (`_index.md`) is never imported as a post
        '{{< ref path="b.md" lang="fr" >}}',  # another language's page: none here
        '{{< ref "b.md" %}}',  # not closed as opened
        '{{</* ref "b.md" */>}}',  # escaped: Hugo shows it as text
    ],
)
def test_a_ref_that_names_no_post_is_left_as_written(shortcode):
    body = f"[see]({shortcode})"
    assert links(SITE_ROOT, "a", body) == body


def test_a_bundles_refs_are_read_from_the_folder_that_holds_the_bundle():
    assert links(SITE_ROOT, "bundle", '{{< ref "b.md" >}} {{< ref "../b.md" >}}') == "/p/b/ /p/b/"


@pytest.mark.parametrize(
    "records",
    [
        {  # the site's `content/` folder imported: import recorded the layout (`content.document`)
            "a": {"slug": "a", "sp": "posts/a.md"},
            "b": {"slug": "b", "sp": "posts/b.md", "cp": "posts/b.md"},
        },
        {  # one section of it imported
            "a": {"slug": "a", "sp": "a.md", "cp": "posts/a.md"},
            "b": {"slug": "b", "sp": "b.md", "cp": "posts/b.md"},
        },
        {  # a folder whose place in a Hugo site is unknown: a path that ends with the one named
            "a": {"slug": "a", "sp": "blog/posts/a.md"},
            "b": {"slug": "b", "sp": "blog/posts/b.md"},
        },
    ],
    ids=["content-folder", "section-folder", "unknown-root"],
)
def test_a_path_from_content_names_the_post_whichever_folder_of_the_site_was_imported(records):
    body = '{{< ref "/posts/b.md" >}} {{< relref "/posts/b#x" >}} {{< ref "b" >}} {{< ref "posts/b.md" >}}'
    assert links(records, "a", body) == "/p/b/ /p/b/#x /p/b/ /p/b/"


def test_the_content_path_kept_is_the_one_the_files_path_does_not_show():
    assert unshown_content_file({"source_path": "content/posts/a.md"}) is None  # the site's root imported
    assert unshown_content_file({"source_path": "posts/a.md", "layout_path": "content/posts/a.md"}) == "posts/a.md"
    assert unshown_content_file({"source_path": "a.md", "layout_path": "content/posts/a.md"}) == "posts/a.md"
    assert unshown_content_file({"source_path": "a.md"}) is None
    assert unshown_content_file({"source_path": "a.md", "layout_path": "src/content/blog/a.md"}) is None  # Astro's


def test_a_ref_two_posts_could_answer_is_left_as_written_and_named():
    records = {
        **SITE_ROOT,
        "c2": {"slug": "c2", "sp": "content/about/c.md"},  # a second page named c
        "copy": {"slug": "copy", "sp": "b.md", "cp": "posts/b.md"},  # a section of a copy of the site imported
        "r": {"slug": "r", "sp": "content/posts/r.md", "hr": ["c", "/posts/b.md", "nope.md", "/notes/c"]},
    }
    body = '{{< ref "c" >}} {{< ref "/posts/b.md" >}} {{< ref "/notes/c" >}}'
    assert links(records, "r", body) == '{{< ref "c" >}} {{< ref "/posts/b.md" >}} /p/c/'
    assert unresolved_warnings(records) == [
        "the post 'r' links to 'c' by a Hugo ref, which names 2 of your published posts"
        " (content/about/c.md, content/notes/c.md): left as written",
        "the post 'r' links to '/posts/b.md' by a Hugo ref, which names 2 of your published posts"
        " (b.md, content/posts/b.md): left as written",
        "the post 'r' links to 'nope.md' by a Hugo ref, which is none of your published posts: left as written",
    ]


def test_a_post_whose_path_from_content_is_known_is_preferred_to_one_whose_path_only_ends_so():
    records = {**SITE_ROOT, "old": {"slug": "old", "sp": "old/posts/b.md"}}  # another folder, its root unknown
    assert links(records, "a", '{{< ref "/posts/b.md" >}}') == "/p/b/"
    del records["b"]
    assert links(records, "a", '{{< ref "/posts/b.md" >}}') == "/p/old/"


def test_refs_in_code_or_comments_are_left_alone_and_named_by_no_one():
    body = (
        'Write `{{< ref "b.md" >}}` to link, as [here]({{< ref "b.md" >}}).\n'
        "\n"
        '    {{< ref "gone.md" >}}\n'
        "\n"
        '<!-- {{< ref "gone.md" >}} -->\n'
        "\n"
        '```\n{{< ref "gone.md" >}}\n```\n'
    )
    assert ref_targets(body) == ["b.md"]
    assert links(SITE_ROOT, "a", body) == body.replace('[here]({{< ref "b.md" >}})', "[here](/p/b/)")


def test_only_a_post_from_hugo_has_its_refs_resolved():
    body = '{{< ref "b.md" >}} {{< ref "#x" >}}'
    assert resolved(body, "content/posts/a.md", {}, None) == body
    assert resolved(body, "content/posts/a.md", {}, {"b.md": "/p/b/"}) == "/p/b/ #x"


def test_refs_are_no_shortcodes_left_as_written_but_other_shortcodes_still_are():
    assert shortcode_warning("p", '[a]({{< ref "a.md" >}}) {{% relref "/b" %}} {{< ref "#x" >}}') is None
    warning = shortcode_warning("p", '{{< ref "a.md" >}} {{< figure src="a.png" >}} {{< ref path="a" lang="fr" >}}')
    assert warning is not None and warning.startswith("'p': its Hugo shortcode '{{< figure' (and 1 more)")


def test_a_deep_path_is_looked_up_without_indexing_every_end_of_it() -> None:
    """Every end of every path of unknown place was indexed: a 12,000-folder path (the account's own
    SQL can store one) took 1.7 s and 342 MB of one build, 100,000 folders tens of GB (red team 69 F4)."""
    import time

    deep = "a/" * 100_000 + "x.md"
    records = {"deep": {"slug": "deep", "sp": deep}, "r": {"slug": "r", "sp": "posts/r.md"}}
    started = time.perf_counter()
    pages = HugoPages(records)
    assert pages.find("/a/a/x.md", records["r"]) == ["deep"] and pages.find("/b/x.md", records["r"]) == []
    assert time.perf_counter() - started < 2.0  # linear: some milliseconds; the old index never finished
