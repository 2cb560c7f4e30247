"""Export places an imported post by the path its site laid it out at (`layout_path`, kept when
import was given a folder inside the site's layout), not by its source path alone, which cannot
say which folder it counts from: `blog/x.md` imported from Astro's `src/content/` was written to
`src/content/blog/blog/x.md`, and `x.md` from Hugo's `content/posts/` to `content/x.md`."""

from pathlib import PurePosixPath

import pytest

from blogster_cli.content.export import export_file, laid_out_path
from blogster_cli.content.layout import layout_path
from blogster_cli.content.post import import_post

ASTRO = "---\ntitle: T\npubDate: 2021-01-01\n---\nBody\n"
HUGO = "---\ntitle: T\ndate: 2021-01-01\n---\nBody\n"


@pytest.mark.parametrize(
    ("text", "root", "relative", "expected"),
    [
        (ASTRO, "/s/site", "src/content/blog/hello.md", "src/content/blog/hello.md"),
        (ASTRO, "/s/site/src/content", "blog/hello.md", "src/content/blog/hello.md"),
        (ASTRO, "/s/site/src/content/blog", "hello.md", "src/content/blog/hello.md"),
        (ASTRO, "/s/site/src/content/notes", "hello.md", "src/content/notes/hello.md"),
        (ASTRO, "/s/site/src/content", "posts/2024/hello.md", "src/content/posts/2024/hello.md"),
        (HUGO, "/s/site/content", "posts/x.md", "content/posts/x.md"),
        (HUGO, "/s/site/content/posts", "x.md", "content/posts/x.md"),
        (HUGO, "/s/site/content/posts/x", "index.md", "content/posts/x/index.md"),
    ],
)
def test_a_post_imported_from_inside_its_layout_is_exported_where_its_site_had_it(text, root, relative, expected):
    laid = layout_path(PurePosixPath(root).parts, PurePosixPath(relative))
    post = import_post(text, relative, layout=laid if laid != PurePosixPath(relative) else None)
    dialect = post.content["source"]["dialect"]
    exported_file = export_file(post.fields(), post.content, dialect)
    path, written = exported_file.path, exported_file.text
    assert (path, written) == (expected, text)


@pytest.mark.parametrize(
    ("source", "dialect", "expected"),
    [
        ({"path": "blog/x.md", "layout_path": "src/content/blog/x.md"}, "astro", "src/content/blog/x.md"),
        ({"path": "x.md", "layout_path": "_posts/2021/x.md"}, "jekyll", "_posts/2021/x.md"),
        # plain markdown has no layout; Astro's layout is `src/content/`, not `content/`
        ({"path": "x.md", "layout_path": "content/notes/x.md"}, "markdown", "x.md"),
        ({"path": "x.md", "layout_path": "content/notes/x.md"}, "astro", "x.md"),
        ({"path": "x.md", "layout_path": "src/content/blog/x.md"}, "hugo", "x.md"),
        # a layout path import would not store: unsafe, or not ending with the source path
        ({"path": "x.md", "layout_path": "content/../../x.md"}, "hugo", "x.md"),
        ({"path": "x.md", "layout_path": "content/posts/y.md"}, "hugo", "x.md"),
        ({"path": "x.md", "layout_path": ["content", "x.md"]}, "hugo", "x.md"),
        ({"path": "x.md"}, "hugo", "x.md"),
    ],
)
def test_only_a_layout_path_of_the_dialects_own_layout_places_the_post(source, dialect, expected):
    assert laid_out_path(source, dialect) == PurePosixPath(expected)
    assert laid_out_path({"path": None}, dialect) is None
