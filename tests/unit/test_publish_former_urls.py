"""The addresses Hugo, Zola and Jekyll gave imported posts by default (`publish.former_urls`)."""

import pytest

from blogster_cli.publish.former_urls import former_address
from blogster_cli.publish.urls import imported_address


@pytest.mark.parametrize(
    ("document", "address"),
    [
        ({"dialect": "hugo", "source_path": "content/blog/My Post.md"}, "/blog/my-post/"),
        ({"dialect": "hugo", "source_path": "content/blog/2020/trip/index.md"}, "/blog/2020/trip/"),
        ({"dialect": "hugo", "source_path": "content/notes/a.md", "slug": "Other"}, "/notes/other/"),
        ({"dialect": "hugo", "source_path": "content/about.md"}, "/about/"),
        ({"dialect": "hugo", "source_path": "content/index.md"}, None),
        ({"dialect": "hugo", "source_path": "posts/a.md"}, None),  # a flat folder: no site to place it in
        ({"dialect": "zola", "source_path": "content/blog/2021-03-04-first-steps.md"}, "/blog/first-steps/"),
        ({"dialect": "zola", "source_path": "content/blog/2021-03-04_Café/index.md"}, "/blog/cafe/"),
        ({"dialect": "jekyll", "source_path": "_posts/2021-03-04-hello-world.md"}, "/2021/03/04/hello-world.html"),
        (
            {"dialect": "jekyll", "source_path": "_posts/rust/2021-03-04-hello.md", "categories": ["Rust", "Web"]},
            "/rust/web/2021/03/04/hello.html",
        ),
        (
            {
                "dialect": "jekyll",
                "source_path": "_posts/2021-03-04-hello.md",
                "category": "news",
                "date": "2021-03-05 09:00:00 +0100",
                "slug": "hi",
            },
            "/news/2021/03/05/hi.html",
        ),  # fmt: skip
        (
            {"dialect": "jekyll", "source_path": "_posts/2021-03-04-hello.md", "site_permalink": "pretty"},
            "/2021/03/04/hello/",
        ),
        (
            {"dialect": "jekyll", "source_path": "_posts/2021-03-04-hello.md", "site_permalink": "/blog/:year/:title/"},
            "/blog/2021/hello/",
        ),
        (
            {"dialect": "jekyll", "source_path": "_posts/2021-02-01-x.md", "site_permalink": "ordinal"},
            "/2021/032/x.html",
        ),
        ({"dialect": "jekyll", "source_path": "_posts/hello.md"}, None),  # Jekyll builds no post from it
        ({"dialect": "jekyll", "source_path": "_drafts/2021-03-04-hello.md"}, None),
        # a flat folder of Jekyll-named files (18F's), which import read as Jekyll posts by their names
        ({"dialect": "jekyll", "source_path": "2021-03-05-flat-hello.md"}, "/2021/03/05/flat-hello.html"),
        ({"dialect": "jekyll", "source_path": "notes/2021-03-05-x.md", "category": "news"}, "/news/2021/03/05/x.html"),
        ({"dialect": "jekyll", "source_path": "hello.md"}, None),  # `--format jekyll`: no date in its name
        ({"dialect": "jekyll", "source_path": "_recipes/2021-03-05-soup.md"}, None),  # another collection's
        ({"dialect": "jekyll", "source_path": "_posts/2021-03-04-x.md", "site_permalink": "weekdate"}, None),
        ({"dialect": "astro", "source_path": "src/content/blog/a.md"}, None),
        ({"dialect": "hugo"}, None),
    ],
)
def test_the_address_each_generator_gave_a_post(document, address) -> None:
    assert former_address(document) == address


def test_a_former_address_is_an_alias_unless_the_post_names_its_own() -> None:
    placed = {"dialect": "hugo", "source_path": "content/blog/a.md", "aliases": ["/old/a/"]}
    assert imported_address(placed) == (None, ["/old/a/", "/blog/a/"])
    named = {**placed, "url": "/elsewhere/a/"}
    assert imported_address(named) == ("/elsewhere/a/", ["/old/a/"])
    assert imported_address({**placed, "aliases": ["/blog/a/"]}) == (None, ["/blog/a/"])


@pytest.mark.parametrize(
    ("pattern", "path", "fields", "address"),
    [
        (
            "/:year/:month/:slug/",
            "content/posts/a.md",
            {"date": "2024-03-05T10:00:00Z", "title": "Hello World"},
            "/2024/03/hello-world/",
        ),
        ("/:year/:month/:slug/", "content/posts/a.md", {"date": "2024-03-05", "slug": "Mine"}, "/2024/03/mine/"),
        ("/articles/:filename/", "content/posts/trip/index.md", {}, "/articles/trip/"),
        ("/:sections/:title/", "content/posts/2020/x.md", {"title": "Big  Day!"}, "/posts/2020/big-day/"),
        ("/:section/:slugorfilename", "content/notes/My Note.md", {"title": "T"}, "/notes/my-note/"),
        ("/:year/:slug/", "content/posts/a.md", {"title": "No date"}, None),  # it has no date to place it by
        ("/:year/:unknown/", "content/posts/a.md", {"date": "2024-01-01"}, None),
    ],
)
def test_a_hugo_sections_permalink_pattern_places_its_posts(pattern, path, fields, address) -> None:
    document = {"dialect": "hugo", "source_path": path, "site_permalink": pattern, **fields}
    assert former_address(document) == address
