"""A Jekyll post's permalink from `_config.yml` `defaults` (Jekyll 4's FrontmatterDefaults#all).

`chirpy_site/` is a trimmed copy of a real site built on the Chirpy theme (npm
jekyll-theme-chirpy 5.3.21, MIT): its `_config.yml` keeps the real `collections` and
`defaults` blocks, which set the posts' permalink only under `defaults` (no top-level one).
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest
import yaml

from blogster_cli.content.jekyll_defaults import default_value, document_type
from blogster_cli.content.layout import site_permalink

CHIRPY = Path(__file__).parent / "chirpy_site"
CHIRPY_CONFIG = yaml.safe_load((CHIRPY / "_config.yml").read_text())


def parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


@pytest.mark.parametrize(
    ("path", "kind", "permalink", "comments"),
    [
        ("_posts/2022-11-11-installing-go.md", "posts", "/posts/:title/", True),
        ("blog/_posts/2022-11-11-a.md", "posts", "/posts/:title/", True),
        # a draft is a post (Jekyll 4): the `_drafts` set is more specific, the posts set fills in
        ("_drafts/a.md", "posts", "/posts/:title/", False),
        ("_tabs/about.md", "tabs", "/:title/", None),  # a collection the config names
        ("_other/a.md", "pages", None, None),
        ("about.md", "pages", None, None),
    ],
)
def test_chirpys_defaults_by_path_and_type(path, kind, permalink, comments) -> None:
    assert document_type(parts(path), CHIRPY_CONFIG) == kind
    assert default_value(CHIRPY_CONFIG, parts(path), "permalink") == permalink
    assert default_value(CHIRPY_CONFIG, parts(path), "comments") == comments


def sets(*entries: tuple[dict | None, dict]) -> dict:
    return {
        "defaults": [{"values": values} | ({"scope": scope} if scope is not None else {}) for scope, values in entries]
    }


POST = parts("_posts/2021-03-04-a.md")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # the longer scope path wins, whatever the order
        (sets(({"path": "_posts"}, {"permalink": "/long/"}), ({"path": ""}, {"permalink": "/short/"})), "/long/"),
        (sets(({"path": ""}, {"permalink": "/short/"}), ({"path": "_posts"}, {"permalink": "/long/"})), "/long/"),
        # as long: a scope with a type wins over one without; between equals, the later
        (
            sets(({"path": "", "type": "posts"}, {"permalink": "/typed/"}), ({"path": ""}, {"permalink": "/any/"})),
            "/typed/",
        ),
        (
            sets(({"path": ""}, {"permalink": "/any/"}), ({"path": "", "type": "posts"}, {"permalink": "/typed/"})),
            "/typed/",
        ),
        (
            sets(({"type": "posts"}, {"permalink": "/first/"}), ({"type": "posts"}, {"permalink": "/second/"})),
            "/second/",
        ),
        # a more specific set without the setting still takes precedence: a later, less
        # specific set only fills in what is unset (so the first one's value stays)
        (
            sets(
                ({"path": "", "type": "posts"}, {"permalink": "/first/"}),
                ({"path": "_posts"}, {"layout": "post"}),
                ({"path": "", "type": "posts"}, {"permalink": "/third/"}),
            ),
            "/first/",
        ),
        # a leading slash is not part of the path (precedence), the singular type is the plural
        (sets(({"path": "/_posts", "type": "post"}, {"permalink": "/x/"})), None),  # Jekyll compares as written
        (sets((None, {"permalink": "/all/"}), ({"type": "post"}, {"permalink": "/singular/"})), "/singular/"),
        # a plain string prefix, as Jekyll compares; another folder or type does not apply
        (sets(({"path": "_post"}, {"permalink": "/prefix/"})), "/prefix/"),
        (sets(({"path": "blog"}, {"permalink": "/blog/"})), None),
        (sets(({"type": "pages"}, {"permalink": "/page/"})), None),
        # a glob names files from the site's folder; its match covers what is under it
        (sets(({"path": "_posts/*.md"}, {"permalink": "/glob/"})), "/glob/"),
        (sets(({"path": "**/_posts"}, {"permalink": "/deep/"})), "/deep/"),
        (sets(({"path": "{blog,_posts}/*"}, {"permalink": "/either/"})), "/either/"),
        (sets(({"path": "{blog,_posts}"}, {"permalink": "/text/"})), None),  # no `*`: not a glob
        (sets(({"path": "_posts/*.html"}, {"permalink": "/html/"})), None),
        # sets Jekyll ignores or cannot use
        ({"defaults": [{"scope": {"path": ""}}, "text", {"values": [1]}]}, None),
        ({"defaults": {"scope": {}, "values": {"permalink": "/x/"}}}, None),
        (sets(({"type": 3}, {"permalink": "/x/"})), None),
    ],
)
def test_the_precedence_of_default_sets(config, expected) -> None:
    assert default_value(config, POST, "permalink") == expected


def test_collections_dir_is_read_as_jekyll_reads_it() -> None:
    config = {"collections_dir": "my_collections", "collections": {"recipes": {}}} | sets(
        ({"path": "my_collections/_posts", "type": "posts"}, {"permalink": "/in/:title/"}),
        ({"path": "my_collections/_recipes/*"}, {"permalink": "/r/:title/"}),
    )
    assert default_value(config, parts("my_collections/_posts/2021-03-04-a.md"), "permalink") == "/in/:title/"
    recipe = parts("my_collections/_recipes/soup.md")
    assert document_type(recipe, config) == "recipes"
    assert default_value(config, recipe, "permalink") == "/r/:title/"


def chirpy_copy(tmp_path: Path, config: str | None = None) -> Path:
    site = tmp_path / "chirpy"
    shutil.copytree(CHIRPY, site)
    if config is not None:
        (site / "_config.yml").write_text(config)
    return site


def test_site_permalink_reads_the_defaults_of_a_chirpy_site(tmp_path) -> None:
    site = chirpy_copy(tmp_path)
    name = PurePosixPath("2022-11-11-installing-go.md")
    # imported from the site, from its `_posts/` and from the folder above it
    assert site_permalink(site.parts, "_posts" / name, None) == "/posts/:title/"
    assert site_permalink((*site.parts, "_posts"), name, "_posts" / name) == "/posts/:title/"
    assert site_permalink(site.parent.parts, PurePosixPath("chirpy/_posts") / name, None) == "/posts/:title/"
    assert site_permalink(site.parts, PurePosixPath("_tabs/about.md"), None) == "/:title/"
    assert site_permalink(site.parts, PurePosixPath("about.md"), None) is None


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # defaults beat the site's permalink, and the posts collection's
        (
            "permalink: pretty\ncollections: {posts: {permalink: /c/:title/}}\n"
            "defaults: [{scope: {path: '', type: posts}, values: {permalink: /d/:title/}}]\n",
            "/d/:title/",
        ),
        ("permalink: pretty\ncollections: {posts: {permalink: /c/:title/}}\n", "/c/:title/"),
        # a default set to null, or to something that is no pattern, leaves the site's
        ("permalink: pretty\ndefaults: [{scope: {type: posts}, values: {permalink: null}}]\n", "pretty"),
        ("permalink: pretty\ndefaults: [{scope: {type: posts}, values: {permalink: [a]}}]\n", "pretty"),
        ("defaults: [{scope: {type: pages}, values: {permalink: /p/}}]\n", None),
    ],
)
def test_the_order_of_a_jekyll_sites_permalink_settings(tmp_path, config, expected) -> None:
    site = chirpy_copy(tmp_path, config)
    assert site_permalink(site.parts, PurePosixPath("_posts/2022-11-11-installing-go.md"), None) == expected
