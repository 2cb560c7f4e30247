"""Where a file sits in its site, the pictures a post links to, Jekyll's file-name dates and
what a WordPress export holds besides posts."""

import datetime as dt
from pathlib import PurePosixPath

import pytest

from blogster_cli.content.layout import layout_path, site_generator, site_key, site_permalink, site_root
from blogster_cli.content.linked_images import image_links, inside, rewrite_front_matter_value, rewrite_image_links
from blogster_cli.content.post import HUGO_PAGE_REASON, import_post, not_a_post
from blogster_cli.content.wordpress import parse_wxr, read_wxr


@pytest.mark.parametrize(
    ("root", "relative", "layout", "key", "site"),
    [
        ("/s/hugo", "content/posts/a.md", "content/posts/a.md", "content/posts/a.md", "/s/hugo"),
        ("/s/hugo/content", "posts/a.md", "content/posts/a.md", "posts/a.md", "/s/hugo"),
        ("/s/hugo/content/posts", "a.md", "content/posts/a.md", "a.md", "/s/hugo"),
        ("/s", "hugo/content/posts/a.md", "hugo/content/posts/a.md", "content/posts/a.md", "/s/hugo"),
        ("/s/astro/src/content/blog", "a.md", "src/content/blog/a.md", "a.md", "/s/astro"),
        ("/s", "astro/src/content/blog/a.md", "astro/src/content/blog/a.md", "src/content/blog/a.md", "/s/astro"),
        ("/s/jekyll", "_drafts/a.md", "_drafts/a.md", "_drafts/a.md", "/s/jekyll"),
        ("/s/notes", "a.md", "a.md", "a.md", None),
    ],
)
def test_a_file_reads_the_same_from_any_folder_of_its_site(root, relative, layout, key, site) -> None:
    root_parts = PurePosixPath(root).parts
    assert layout_path(root_parts, PurePosixPath(relative)) == PurePosixPath(layout)
    assert site_key(relative) == PurePosixPath(key).parts
    found = site_root(root_parts, PurePosixPath(relative))
    assert (PurePosixPath(*found).as_posix() if found else None) == site


def test_an_astro_entry_and_a_jekyll_draft_stay_so_imported_from_their_own_folder() -> None:
    text = "---\ntitle: A\n---\nBody\n"
    entry = import_post(text, "a.md", layout=PurePosixPath("src/content/blog/a.md"))
    assert entry.content["source"] == {
        "dialect": "astro", "path": "a.md", "date_text": None, "layout_path": "src/content/blog/a.md"
    }  # fmt: skip
    draft = import_post(text, "a.md", layout=PurePosixPath("_drafts/a.md"))
    assert draft.content["source"]["dialect"] == "jekyll" and draft.status == "draft"


@pytest.mark.parametrize(
    "text", ["Just a body.\n", "# A heading\n\nBody.\n", "---\nlayout: post\n---\nBody.\n", "---\ndate:\n---\nB\n"]
)
def test_jekyll_posts_without_a_date_take_it_and_the_slug_from_the_file_name(text: str) -> None:
    post = import_post(text, "_posts/2021-03-04-title.md")
    assert post.content["source"]["dialect"] == "jekyll"
    assert (post.slug, post.published_at) == ("title", dt.datetime(2021, 3, 4, tzinfo=dt.UTC))
    assert post.content["source"]["date_text"] == "2021-03-04"
    assert post.status == "published"
    assert (post.content["front_matter"]["raw"] or "") + post.content["markdown"] == text  # kept byte for byte


def test_a_post_outside_posts_folders_keeps_its_dated_name_when_it_has_no_front_matter() -> None:
    """Hugo ignores a date in a file name (unless configured to read it); plain markdown too."""
    plain = import_post("Body.\n", "notes/2021-03-04-title.md")
    assert (plain.content["source"]["dialect"], plain.slug, plain.published_at) == (
        "markdown", "2021-03-04-title", None,
    )  # fmt: skip
    hugo = import_post('+++\ntitle = "T"\n+++\nBody.\n', "content/posts/2021-03-04-title.md")
    assert (hugo.content["source"]["dialect"], hugo.slug, hugo.published_at) == ("hugo", "2021-03-04-title", None)


BODY = """Intro ![A cat](cat.png "Cat") and ![](<my%20pic.png>) and ![x](https://e.com/a.png)
![y]({{ site.baseurl }}/assets/a.png) <img alt="z" src="./img/b.png"> {{< figure src="fig.jpg#center" >}}
```
![in code](code.png)
```
[diagram]: diagram.svg
[guide]: guide.pdf
![up](../up.png) ![root](/images/r.png) [not a picture](notes.png) ![again](cat.png)
"""


def test_local_picture_links_are_found_outside_code_and_rewritten_in_place() -> None:
    links = image_links(BODY)
    found = [(link.target, link.path, link.suffix, link.alt, link.rooted) for link in links]
    assert found == [
        ("cat.png", "cat.png", "", "A cat", False),
        ("<my%20pic.png>", "my pic.png", "", None, False),
        ("{{ site.baseurl }}/assets/a.png", "/assets/a.png", "", "y", True),  # Jekyll's Liquid
        ("./img/b.png", "./img/b.png", "", None, False),
        ("fig.jpg#center", "fig.jpg", "#center", None, False),
        ("diagram.svg", "diagram.svg", "", None, False),
        ("../up.png", "../up.png", "", "up", False),
        ("/images/r.png", "/images/r.png", "", "root", True),
    ]
    assert [inside(link.path) for link in links] == [
        "cat.png", "my pic.png", "assets/a.png", "img/b.png", "fig.jpg", "diagram.svg", None, "images/r.png",
    ]  # fmt: skip
    new = {"cat.png": "media/1.png", "<my%20pic.png>": "media/2.png", "./img/b.png": "media/3.png"}
    new |= {"fig.jpg#center": "media/4.jpg#center", "diagram.svg": "media/5.svg", "code.png": "media/6.png"}
    rewritten = rewrite_image_links(BODY, new)
    assert rewritten == (
        BODY.replace('(cat.png "Cat")', '(media/1.png "Cat")')
        .replace("(<my%20pic.png>)", "(media/2.png)")
        .replace('src="./img/b.png"', 'src="media/3.png"')
        .replace('src="fig.jpg#center"', 'src="media/4.jpg#center"')
        .replace("[diagram]: diagram.svg", "[diagram]: media/5.svg")
        .replace("![again](cat.png)", "![again](media/1.png)")
    )
    assert "![in code](code.png)" in rewritten and "(notes.png)" in rewritten
    assert rewrite_image_links(BODY, {}) is BODY


@pytest.mark.parametrize(
    ("config", "text", "generator"),
    [
        ("config.toml", 'base_url = "https://e.org"\ncompile_sass = true\n[markdown]\n', "zola"),
        ("config.toml", 'baseURL = "https://e.org/"\n', "hugo"),
        ("config.toml", 'baseurl = "x"\n[broken\n', "hugo"),
        ("hugo.yaml", "title: T\n", "hugo"),
        ("config.yaml", "baseURL: https://e.org/\n", "hugo"),
        ("_config.yml", "title: T\n", "jekyll"),
        ("astro.config.mjs", "export default {}\n", "astro"),
        ("config.toml", 'title = "T"\n', None),
    ],
)
def test_a_sites_generator_is_read_from_its_root_config(tmp_path, config, text, generator) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / config).write_text(text)
    parts = PurePosixPath(site).parts
    assert site_generator(parts, PurePosixPath("content/blog/b.md")) == generator
    assert site_generator((*parts, "content"), PurePosixPath("blog/b.md")) == generator
    toml = '+++\ntitle = "B"\n+++\nBee.\n'
    expected = generator or "hugo"
    assert import_post(toml, "content/blog/b.md", site=generator).content["source"]["dialect"] == expected
    assert import_post("Bee.\n", "content/blog/b.md", site=generator).content["source"]["dialect"] == "markdown"


LIQUID = """![a]({{ site.baseurl }}/assets/img/a.png) ![b]({{ "/assets/b.png" | relative_url }} "B")
<img src="{{ 'assets/c.png' | absolute_url }}"> ![d]({{ site.url }}{{ site.baseurl }}/d.png?v=1)
![e]({% link assets/e.png %}) ![f]({{ page.image }}) [r]: {{ site.baseurl }}/page.html
[g]: {{site.baseurl}}/g.png
```
![code]({{ site.baseurl }}/assets/img/a.png)
```
"""


def test_jekyll_liquid_picture_links_read_as_site_addresses_and_are_rewritten_outside_code() -> None:
    links = image_links(LIQUID)
    assert [(link.target, link.path, link.suffix, link.liquid) for link in links] == [
        ("{{ site.baseurl }}/assets/img/a.png", "/assets/img/a.png", "", True),
        ('{{ "/assets/b.png" | relative_url }}', "/assets/b.png", "", True),
        ("{{ 'assets/c.png' | absolute_url }}", "/assets/c.png", "", True),
        ("{{ site.url }}{{ site.baseurl }}/d.png?v=1", "/d.png", "?v=1", True),
        ("{% link assets/e.png %}", "/assets/e.png", "", True),
        ("{{ page.image }}", "", "", True),  # cannot be resolved: import warns
        ("{{site.baseurl}}/g.png", "/g.png", "", True),
    ]
    new = {link.target: f"media/{n}.png{link.suffix}" for n, link in enumerate(links)}
    rewritten = rewrite_image_links(LIQUID, new)
    assert rewritten.split("```")[0] == (
        '![a](media/0.png) ![b](media/1.png "B")\n<img src="media/2.png"> ![d](media/3.png?v=1)\n'
        "![e](media/4.png) ![f](media/5.png) [r]: {{ site.baseurl }}/page.html\n[g]: media/6.png\n"
    )
    assert rewritten.split("```")[1] == LIQUID.split("```")[1]  # code is left as written


def test_a_front_matter_picture_is_rewritten_where_it_is_written() -> None:
    raw = '---\ncover:\n  image: cover.jpg\nimages: ["cover.jpg", other.jpg]\nalt: a cover.jpgx\n---\n'
    assert rewrite_front_matter_value(raw, "cover.jpg", "media/h.jpg") == (
        '---\ncover:\n  image: media/h.jpg\nimages: ["media/h.jpg", other.jpg]\nalt: a cover.jpgx\n---\n'
    )
    toml = '+++\n[extra]\nimage = "cover.jpg"\n+++\n'
    assert rewrite_front_matter_value(toml, "cover.jpg", "media/h.jpg") == toml.replace("cover.jpg", "media/h.jpg")


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/">
<channel>{items}</channel></rss>
"""
ITEM = """<item><title>{title}</title><content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>{kind}</wp:post_type></item>"""


def wxr(*items: tuple[str, str, str, str]) -> bytes:
    """A WXR export of (title, body, status, post type) items."""
    return WXR.format(
        items="".join(
            ITEM.format(title=title, body=body, id=n, slug=f"item-{n}", status=status, kind=kind)
            for n, (title, body, status, kind) in enumerate(items, 1)
        )
    ).encode()


def test_every_item_of_a_wordpress_export_is_imported_skipped_with_a_reason_or_counted() -> None:
    data = wxr(
        ("Kept", "<p>Body</p>", "publish", "post"),
        ("Binned", "<p>Body</p>", "trash", "post"),
        ("Never saved", "", "auto-draft", "post"),
        ("Odd page", "<p>Body</p>", "inherit", "page"),
        ("A revision", "<p>Body</p>", "inherit", "revision"),
        ("photo.jpg", "", "inherit", "attachment"),
        ("Home", "", "publish", "nav_menu_item"),
        ("Portfolio piece", "<p>Work</p>", "publish", "portfolio"),
        ("Private", "<p>Body</p>", "private", "post"),
    )
    export = read_wxr(data)
    shown = [(entry.title, getattr(entry, "reason", None)) for entry in export.entries]
    assert shown == [
        ("Kept", None),
        ("Binned", "a WordPress post in the trash"),
        ("Never saved", "a WordPress post that is an auto-draft (never saved by its author)"),
        ("Odd page", "a WordPress page with status inherit (a revision's or an attachment's)"),
        ("Portfolio piece", "a WordPress item of post type 'portfolio': only posts and pages are imported"),
        ("Private", None),
    ]
    assert export.internal == {"revision": 1, "attachment": 1, "nav_menu_item": 1}
    assert [post.title for post in parse_wxr(data)] == ["Kept", "Private"]


def test_an_item_nesting_too_deeply_is_skipped_and_the_rest_imported() -> None:
    deep = "<div>" * 3000 + "Deep" + "</div>" * 3000
    data = wxr(
        ("Before", "<p>A</p>", "publish", "post"), ("Deep", deep, "publish", "post"), ("After", "B", "draft", "page")
    )
    shown = [(entry.title, getattr(entry, "reason", None)) for entry in read_wxr(data).entries]
    assert shown == [
        ("Before", None),
        ("Deep", "a WordPress post whose HTML nests too deeply to convert"),
        ("After", None),
    ]


@pytest.mark.parametrize(
    ("path", "site", "dialect", "skipped"),
    [
        ("README.md", None, None, "repository file (README.md), not a post"),
        ("License.markdown", "hugo", "hugo", "repository file (License.markdown), not a post"),
        ("content/README.md", "hugo", None, None),
        ("notes/README.md", None, None, None),
        ("about.md", "jekyll", None, "page, not a post: Jekyll posts are in _posts/ or _drafts/"),
        ("docs/index.md", "jekyll", "markdown", "page, not a post: Jekyll posts are in _posts/ or _drafts/"),
        ("_recipes/soup.md", "jekyll", None, "in _recipes/, not a post: Jekyll posts are in _posts/ or _drafts/"),
        ("_posts/2021-01-02-a.md", "jekyll", None, None),
        ("blog/_drafts/a.md", "jekyll", "jekyll", None),
        ("src/content/blog/a.md", "jekyll", None, None),
        ("about.md", "jekyll", "hugo", None),
        ("about.md", None, None, None),
        ("2021-01-02-a.md", None, None, None),
    ],
)
def test_what_is_not_a_post_by_its_place_in_the_site(path, site, dialect, skipped) -> None:
    assert not_a_post(PurePosixPath(path), site=site, dialect=dialect) == skipped


@pytest.mark.parametrize(
    ("text", "path", "skipped"),
    [
        ("---\nheadless: true\n---\n", "content/g/index.md", "headless bundle (headless: true): not a page, not a post"),
        ("+++\nHeadless = 'yes'\n+++\n", "content/g/index.md", "headless bundle (headless: true): not a page, not a post"),
        ("---\nheadless: true\n---\nA page.\n", "content/posts/g.md", None),
        ("---\nheadless: false\n---\nA post.\n", "content/posts/g/index.md", None),
        ("---\n_build:\n  render: never\n---\n", "content/g/index.md", "never rendered (_build: render: never): not a page, not a post"),
        ('{"build": {"render": false}}\n', "content/p.md", "never rendered (build: render: false): not a page, not a post"),
        ("---\nbuild:\n  render: always\n  list: never\n---\nX.\n", "content/posts/g/index.md", None),
        ("---\nbuild: never\n---\nX.\n", "content/posts/g/index.md", None),
    ],
)  # fmt: skip
def test_hugo_pages_it_never_renders_are_not_posts(text, path, skipped) -> None:
    assert import_post(text, path, site="hugo").not_a_page == skipped
    assert import_post(text, path, dialect="zola").not_a_page is None


@pytest.mark.parametrize(
    ("text", "path", "site", "page"),
    [
        ("---\ntitle: About\n---\nUs.\n", "content/about.md", "hugo", True),
        ("+++\ntitle = 'About'\n+++\nUs.\n", "site/content/about/index.md", "hugo", True),
        ("---\ntitle: About\ntype: page\n---\nUs.\n", "content/about.md", "hugo", True),
        ("---\ntitle: Hello\ndate: 2024-01-02\n---\nA post at the top.\n", "content/hello.md", "hugo", False),
        ("---\ntitle: Hello\ntype: posts\n---\nTyped a post.\n", "content/hello.md", "hugo", False),
        ("---\ntitle: Hello\n---\nIn a section.\n", "content/posts/hello.md", "hugo", False),
        ("---\ntitle: Hello\n---\nA bundle in a section.\n", "content/posts/hello/index.md", "hugo", False),
        ("---\ntitle: Hello\n---\nA page of the about/ section.\n", "content/about/team.md", "hugo", False),
        ("---\ntitle: About\n---\nUs.\n", "content/about.md", None, False),  # no config: maybe Zola's
        ("+++\ntitle = 'About'\n+++\nUs.\n", "content/about.md", "zola", False),
    ],
)  # fmt: skip
def test_a_hugo_page_at_the_top_of_content_is_not_a_post(text, path, site, page) -> None:
    """Hugo gives a file at the top of `content/` no section and the type `page` (`hugo` 0.111:
    `.Section` "", `.Type` "page", outside `mainSections`): undated and untyped, it is a page."""
    assert (import_post(text, path, site=site).page_unless_linked == HUGO_PAGE_REASON) is page


def test_a_file_on_no_layout_folder_finds_its_site_in_its_own_folders(tmp_path) -> None:
    """`site/index.md` imported from the folder above is still in a Jekyll site."""
    (tmp_path / "jk" / "docs").mkdir(parents=True)
    (tmp_path / "jk" / "_config.yml").write_text("title: T\n")
    parts = PurePosixPath(tmp_path).parts
    assert site_generator(parts, PurePosixPath("jk/index.md")) == "jekyll"
    assert site_generator(parts, PurePosixPath("jk/docs/a.md")) == "jekyll"
    assert site_generator(parts, PurePosixPath("other/a.md")) is None


@pytest.mark.parametrize(
    ("config", "text", "generator"),
    [
        ("_config.yml", "title: " + "[" * 3000, "jekyll"),
        ("hugo.json", '{"permalinks": ' + "[" * 3000, "hugo"),
        ("config.toml", 'baseURL = "x"\npermalinks = ' + "[" * 3000, "hugo"),
    ],
    ids=["yaml", "json", "toml"],
)
def test_a_config_nested_too_deeply_reads_as_unreadable(tmp_path, config, text, generator) -> None:
    (tmp_path / config).write_text(text)
    relative = PurePosixPath("_posts/2021-03-04-a.md" if generator == "jekyll" else "content/posts/a.md")
    assert site_generator(tmp_path.parts, relative) == generator
    assert site_permalink(tmp_path.parts, relative, relative) is None


def test_a_sites_permalink_pattern_is_read_from_its_config(tmp_path):
    from blogster_cli.content.layout import site_permalink

    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\npermalink: 'pretty'\n")
    relative = PurePosixPath("2021-03-04-a.md")
    assert site_permalink((*site.parts, "_posts"), relative, PurePosixPath("_posts") / relative) == "pretty"
    assert site_permalink(site.parts, PurePosixPath("_posts") / relative, None) == "pretty"
    other = tmp_path / "other"
    (other / "_posts").mkdir(parents=True)
    (other / "_config.yml").write_text("permalink: [not, text]\n")
    assert site_permalink(other.parts, PurePosixPath("_posts") / relative, None) is None
    (other / "_config.yml").write_text("title: [unclosed\n")
    assert site_permalink(other.parts, PurePosixPath("_posts/2021-03-05-b.md"), None) is None
    hugo = tmp_path / "hugo"
    (hugo / "content/posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://x/"\n[permalinks]\nposts = "/:year/:slug/"\n')
    assert site_permalink(hugo.parts, PurePosixPath("content/posts/a.md"), PurePosixPath("content/posts/a.md")) == (
        "/:year/:slug/"
    )
    assert site_permalink(hugo.parts, PurePosixPath("content/notes/a.md"), PurePosixPath("content/notes/a.md")) is None
    newer = tmp_path / "newer"
    (newer / "config/_default").mkdir(parents=True)
    (newer / "content/blog").mkdir(parents=True)
    (newer / "hugo.yaml").write_text("baseURL: https://x/\n")
    (newer / "config/_default/hugo.yaml").write_text("permalinks:\n  page:\n    blog: /b/:filename/\n")
    inside = PurePosixPath("content/blog/a.md")
    assert site_permalink((*newer.parts, "content", "blog"), PurePosixPath("a.md"), inside) == "/b/:filename/"
