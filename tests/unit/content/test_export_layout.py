"""Export writes each dialect's site layout, also for posts imported from a flat folder."""

import pytest

from blogster_cli.content.export import export_file, site_path
from blogster_cli.content.post import import_post

DATED_YAML = "---\ntitle: T\n---\nBody\n"
DATED_HUGO = "---\ntitle: T\ndate: 2021-01-01\n---\nBody\n"
ZOLA = '+++\ntitle = "T"\ndate = 2021-01-01\n[extra]\nx = 1\n+++\nBody\n'


@pytest.mark.parametrize(
    ("text", "source", "dialect", "expected"),
    [
        # A flat folder of dated YAML files reads as Jekyll: Jekyll only builds `_posts/`.
        (DATED_YAML, "2021-06-16-slug.md", "jekyll", "_posts/2021-06-16-slug.md"),
        (DATED_YAML, "notes/2021-06-16-slug.md", "jekyll", "_posts/notes/2021-06-16-slug.md"),
        # A Jekyll site imported from its parent folder comes back from `_posts/` on, as the
        # import counts its paths (`content.layout.site_key`); folders below `_posts/` stay.
        (DATED_YAML, "jekyll/_posts/2021-06-16-slug.md", "jekyll", "_posts/2021-06-16-slug.md"),
        (DATED_YAML, "sites/blog/_posts/a/2021-06-16-slug.md", "jekyll", "_posts/a/2021-06-16-slug.md"),
        (DATED_YAML, "_posts/a/2021-06-16-slug.md", "jekyll", "_posts/a/2021-06-16-slug.md"),
        # Hugo and Zola build `content/`; a folder imported from inside it goes back in.
        (DATED_HUGO, "posts/slug.md", "hugo", "content/posts/slug.md"),
        (DATED_HUGO, "slug.md", "hugo", "content/slug.md"),
        (DATED_HUGO, "content/posts/slug.md", "hugo", "content/posts/slug.md"),
        # A site imported from a parent folder is written at the export folder's root.
        (DATED_HUGO, "hugo/content/posts/slug.md", "hugo", "content/posts/slug.md"),
        (ZOLA, "flat.md", "zola", "content/flat.md"),
        (ZOLA, "blog/content/inside-rust/flat.md", "zola", "content/inside-rust/flat.md"),
        # Plain markdown has no layout: the path stays.
        ("# T\nBody\n", "notes/slug.md", "markdown", "notes/slug.md"),
    ],
)
def test_same_dialect_export_writes_the_dialect_layout(text: str, source: str, dialect: str, expected: str) -> None:
    post = import_post(text, source)
    exported_file = export_file(post.fields(), post.content, dialect)
    path, written = exported_file.path, exported_file.text
    assert path == expected
    assert written == text  # still the same bytes
    assert site_path(source, dialect) == expected


def test_an_astro_collection_keeps_its_path_from_src_content() -> None:
    assert site_path("site/src/content/blog/x.md", "astro") == "src/content/blog/x.md"
    assert site_path("x.md", "astro") == "src/content/blog/x.md"
