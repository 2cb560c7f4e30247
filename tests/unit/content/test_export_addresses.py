"""Exported to another generator, a post keeps its old addresses in the keys that generator reads
(new-user walk 13, M3), and a Jekyll post's Liquid is resolved or counted as `site build` does (M4).

Hugo reads an alias without a leading `/` from the page's folder: Zola's `2019/10/15/x.html`
(from the site's root) was built at `/2019/10/15/2019/10/15/x.html`. Jekyll's `permalink` and
`redirect_from` meant nothing to Hugo, nor Hugo's `aliases` to Jekyll, and a WordPress post's old
`link` led nowhere. In its own dialect a file stays byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt

from blogster_cli.content.document import new_document
from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.frontmatter import parse_raw, split_front_matter
from blogster_cli.content.post import PostFields, import_post

ZOLA = (
    '+++\npath = "2019/10/15/Rustup-1.20.0"\ntitle = "Announcing Rustup 1.20.0"\n'
    'aliases = ["2019/10/15/Rustup-1.20.0.html", "/releases/rustup"]\n+++\n\nBody.\n'
)
JEKYLL = (
    "---\ntitle: Tocking time\ndate: 2015-05-21\npermalink: /2015/05/21/tockingtime/\n"
    "redirect_from:\n- 2015/05/21/TockingTime/\n---\nBody.\n"
)
HUGO = (
    "---\ntitle: Moved\ndate: 2024-01-02\naliases:\n- /old/moved/\n- moved.html\n---\nBody.\n"  # the second: relative
)


def front_of(text: str) -> dict:
    return parse_raw(split_front_matter(text).raw or "")[1].values


def exported(text: str, path: str, dialect: str, **source: object) -> dict:
    post = import_post(text, path)
    if source:
        post.content["source"].update(source)
    return front_of(export_file(post.fields(), post.content, dialect).text)  # type: ignore[arg-type]


def test_zola_aliases_are_written_from_the_site_root_for_hugo_and_jekyll() -> None:
    hugo = exported(ZOLA, "content/Rustup-1.20.0.md", "hugo")
    assert hugo["url"] == "/2019/10/15/Rustup-1.20.0/"
    assert hugo["aliases"] == ["/2019/10/15/Rustup-1.20.0.html", "/releases/rustup"]
    jekyll = exported(ZOLA, "content/Rustup-1.20.0.md", "jekyll")
    assert jekyll["permalink"] == "/2019/10/15/Rustup-1.20.0/"
    # Zola writes `/releases/rustup` as a folder, Jekyll as `releases/rustup.html`: stated as a folder
    assert jekyll["redirect_from"] == ["/2019/10/15/Rustup-1.20.0.html", "/releases/rustup/"]
    assert "aliases" not in jekyll and "path" not in jekyll


def test_jekyll_permalink_and_redirect_from_become_hugo_url_and_aliases() -> None:
    hugo = exported(JEKYLL, "_posts/2015-05-21-TockingTime.md", "hugo")
    assert hugo["url"] == "/2015/05/21/tockingtime/"
    assert hugo["aliases"] == ["/2015/05/21/TockingTime/"]  # jekyll-redirect-from reads it from the root
    assert "permalink" not in hugo and "redirect_from" not in hugo
    assert list(hugo).index("url") == list(front_of(JEKYLL)).index("permalink")  # in its place


def test_addresses_keep_the_file_their_generator_wrote_them_at() -> None:
    """Jekyll writes `permalink: /about` at `about.html` (its `.html` added to an address ending with
    neither `/` nor `.html`, a `redirect_from` too), Hugo `url: /about` at `about/index.html` (as
    an alias, Zola too): carried as written, the page moved to another public URL."""
    text = "---\ntitle: About\ndate: 2015-05-21\npermalink: /about\nredirect_from:\n- /old\n- /old.html\n- /x/\n---\nBody.\n"
    hugo = exported(text, "_posts/2015-05-21-about.md", "hugo")
    assert (hugo["url"], hugo["aliases"]) == ("/about.html", ["/old.html", "/x/"])
    zola = exported(text, "_posts/2015-05-21-about.md", "zola")
    assert zola["aliases"] == ["about.html", "old.html", "x/"]
    kept = exported(text.replace("/about\n", "/about.html\n"), "_posts/2015-05-21-about.md", "hugo")
    assert kept["url"] == "/about.html"
    hugo_text = "---\ntitle: About\ndate: 2015-05-21\nurl: /about\naliases:\n- /old\n- /old.html\n---\nBody.\n"
    jekyll = exported(hugo_text, "content/about.md", "jekyll")
    assert (jekyll["permalink"], jekyll["redirect_from"]) == ("/about/", ["/old/", "/old.html"])
    assert exported(hugo_text.replace("/about\n", "/feed.xml\n"), "content/about.md", "jekyll")["permalink"] == (
        "/feed.xml"  # a file in Hugo, named by its extension: Jekyll's output takes that extension too
    )


def test_a_jekyll_address_with_an_extension_is_the_file_it_names() -> None:
    """Jekyll writes `permalink: /feed.xml` at `feed.xml` (its output takes the permalink's extension;
    only one without gets `.html`): Hugo's `url` names that file as written, where `/feed.xml.html`
    moved the post; an alias, which Hugo and Zola write as a folder, keeps the address too."""
    text = "---\ntitle: Feed\ndate: 2015-05-21\npermalink: /feed.xml\nredirect_from:\n- /old.txt\n---\nBody.\n"
    hugo = exported(text, "_posts/2015-05-21-feed.md", "hugo")
    assert (hugo["url"], hugo["aliases"]) == ("/feed.xml", ["/old.txt"])
    assert exported(text, "_posts/2015-05-21-feed.md", "zola")["aliases"] == ["feed.xml", "old.txt"]


def test_jekyll_default_address_is_kept_only_when_the_site_style_is_known() -> None:
    text = "---\ntitle: Plain\ndate: 2016-03-04\n---\nBody.\n"
    assert "aliases" not in exported(text, "_posts/2016-03-04-plain.md", "hugo")
    known = exported(text, "_posts/2016-03-04-plain.md", "hugo", site_permalink="pretty")
    assert known["aliases"] == ["/2016/03/04/plain/"]


def test_hugo_aliases_and_address_become_jekyll_redirect_from() -> None:
    jekyll = exported(HUGO, "content/blog/moved.md", "jekyll")
    # `moved.html` was Hugo's from the page's folder (`/blog/moved/` is in `/blog/`); the page's own
    # address, where Hugo put it, redirects too
    assert jekyll["redirect_from"] == ["/old/moved/", "/blog/moved.html", "/blog/moved/"]
    stated = exported(HUGO.replace("date:", "url: /elsewhere/x/\ndate:"), "content/blog/moved.md", "jekyll")
    assert stated["permalink"] == "/elsewhere/x/"
    assert stated["redirect_from"] == ["/old/moved/", "/elsewhere/moved.html"]


def test_zola_gets_every_old_address_as_an_alias_but_its_own() -> None:
    zola = exported(JEKYLL, "_posts/2015-05-21-TockingTime.md", "zola")
    assert zola["aliases"] == ["2015/05/21/tockingtime/", "2015/05/21/TockingTime/"]  # paths, as Zola's own
    assert "permalink" not in zola and "permalink" not in zola.get("extra", {})
    # a Hugo page at the address Zola gives it too: no alias to itself
    own = exported("---\ntitle: Own\nurl: /own/\n---\nBody.\n", "content/own.md", "zola")
    assert "aliases" not in own


def test_a_wordpress_link_becomes_an_alias() -> None:
    def fields(link: str) -> dict:
        post = PostFields(title="Morning", slug="morning", published_at=dt.datetime(2023, 11, 16, tzinfo=dt.UTC))
        content = new_document(
            "Body.\n", fields={"title": "Morning", "link": link}, source={"dialect": "wordpress", "path": None}
        )
        return front_of(export_file(post, content, "hugo").text)

    assert fields("https://example.org/2023/11/morning/")["aliases"] == ["/2023/11/morning/"]
    assert fields("https://example.org/%E6%9C%9D/")["aliases"] == ["/朝/"]  # as the server reads the request
    assert "aliases" not in fields("https://example.org/?p=9")  # an address by query: no page to write


def test_astro_and_the_same_dialect_keep_addresses_as_written() -> None:
    astro = exported(JEKYLL, "_posts/2015-05-21-TockingTime.md", "astro")
    assert astro["permalink"] == "/2015/05/21/tockingtime/" and astro["redirect_from"] == ["2015/05/21/TockingTime/"]
    for text, path in ((ZOLA, "content/Rustup-1.20.0.md"), (JEKYLL, "_posts/2015-05-21-TockingTime.md")):
        post = import_post(text, path)
        dialect = post.content["source"]["dialect"]
        assert export_file(post.fields(), post.content, dialect).text == text


def test_a_zola_export_read_back_as_hugo_exports_the_same_again() -> None:
    """A Zola file with no `[extra]`, `[taxonomies]` or `path` reads as Hugo's: exported to Zola again,
    it gains no alias for the address Hugo would give a file where it already is."""
    post = import_post(ZOLA, "content/Rustup-1.20.0.md")
    exported_file = export_file(post.fields(), post.content, "hugo")
    path, hugo = exported_file.path, exported_file.text
    back = import_post(hugo, path, dialect="hugo")
    exported_file = export_file(back.fields(), back.content, "zola")
    path, zola = exported_file.path, exported_file.text
    again = import_post(zola, path)
    assert again.content["source"]["dialect"] == "hugo"
    assert export_file(again.fields(), again.content, "zola") == ExportedFile(path, zola)


def test_jekyll_liquid_is_resolved_for_another_generator_and_the_rest_counted() -> None:
    body = (
        "![A man]({{ site.baseurl }}/assets/a.jpg)\n\n{% oembed https://x.example/1 %}\n\n"
        "`{{ site.baseurl }}` in code\n"
    )
    post = import_post("---\ntitle: L\ndate: 2016-01-02\n---\n" + body, "_posts/2016-01-02-l.md")
    file = export_file(post.fields(), post.content, "hugo", resolve_liquid=True)
    assert file.text.endswith(
        "![A man](/assets/a.jpg)\n\n{% oembed https://x.example/1 %}\n\n`{{ site.baseurl }}` in code\n"
    )
    assert (file.left.liquid, file.left.liquid_count) == ("{% oembed https://x.example/1 %}", 1)
    # without resolve_liquid (an account export), and to Jekyll itself, the body is as written
    assert export_file(post.fields(), post.content, "hugo").text.endswith(body)
    kept = export_file(post.fields(), post.content, "jekyll", resolve_liquid=True)
    assert kept.text.endswith(body) and kept.left.liquid is None


def test_zola_internal_links_are_counted_outside_code() -> None:
    body = "See [the plan](@/inside-rust/plan.md) and [x][x].\n\n[x]: @/x.md\n\n```\n[c](@/code.md)\n```\n"
    post = import_post('+++\ntitle = "Z"\npath = "z"\n+++\n' + body, "content/z.md")
    assert export_file(post.fields(), post.content, "hugo", resolve_liquid=True).left.zola_links == 2
    assert export_file(post.fields(), post.content, "zola", resolve_liquid=True).left.zola_links == 0


RENAMED_AT = dt.datetime(2021, 1, 2, tzinfo=dt.UTC)


def renamed(text: str, path: str, dialect: str, slug: str, former: str) -> str:
    """The file export writes for the post of `text` at `path` renamed `slug`, once published as `former`."""
    post = import_post(text, path, dialect=dialect)  # type: ignore[arg-type]
    fields = post.fields()
    fields.slug = slug
    return export_file(fields, post.content, dialect, former=[(former, RENAMED_AT)]).text  # type: ignore[arg-type]


def test_a_renamed_post_lists_its_old_address_where_its_generator_reads_aliases() -> None:
    """Its own dialect's file (byte for byte otherwise) gets the address its generator gave it under
    its former slug: a Zola alias goes above the file's tables, a Hugo one joins a lone alias, and one
    already listed (from the page's folder, as Hugo reads it) is not listed again."""
    zola = '+++\ntitle = "X"\ndate = 2021-01-02\n\n[extra]\nfoo = 1\n+++\nBody\n'
    assert renamed(zola, "content/blog/x.md", "zola", "y", "x") == (
        '+++\ntitle = "X"\ndate = 2021-01-02\naliases = ["blog/x/"]\n\n[extra]\nfoo = 1\n+++\nBody\n'
    )
    hugo = '+++\ntitle = "X"\naliases = "old"\ndate = 2021-01-02\n+++\nBody\n'
    assert renamed(hugo, "content/posts/x.md", "hugo", "y", "x") == hugo.replace('"old"', '["old", "/posts/x/"]')
    listed = "---\ntitle: X\ndate: 2021-01-02\nslug: y\naliases:\n- x\n---\nBody\n"  # `x` of /posts/y/ is /posts/x
    assert renamed(listed.replace("slug: y", "slug: x"), "content/posts/a.md", "hugo", "y", "x") == listed
    jekyll = "---\ntitle: X\n---\nBody\n"  # no `redirect_from`: the site may not run jekyll-redirect-from
    assert renamed(jekyll, "_posts/2021-01-02-x.md", "jekyll", "y", "x") == jekyll


def renamed_file(text: str, path: str, dialect: str, slug: str, former: str) -> ExportedFile:
    post = import_post(text, path, dialect=dialect)  # type: ignore[arg-type]
    fields = post.fields()
    fields.slug = slug
    return export_file(fields, post.content, dialect, former=[(former, RENAMED_AT)])  # type: ignore[arg-type]


def test_null_or_empty_aliases_are_replaced_by_the_former_addresses() -> None:
    """`aliases: ~` became `[null, "/posts/x/"]`, which Hugo cannot read as a list of addresses."""
    for empty in ("~", "", "[]", "''"):
        hugo = f"---\ntitle: X\ndate: 2021-01-02\naliases: {empty}\n---\nBody\n"
        written = renamed_file(hugo, "content/posts/x.md", "hugo", "y", "x")
        assert front_of(written.text)["aliases"] == ["/posts/x/"], empty
        assert written.left.aliases_unlisted == 0


def test_aliases_of_another_shape_are_left_as_written_and_counted() -> None:
    """A number, a table, a list holding other than text: the file keeps it byte for byte, no alias
    is added (`[5, "/posts/x/"]`, `[{old = "/x/"}, ...]` before), and export says so."""
    shapes = [
        ("content/posts/x.md", '+++\ntitle = "X"\ndate = 2021-01-02\naliases = 5\n+++\nBody\n'),
        ("content/posts/x.md", '+++\ntitle = "X"\ndate = 2021-01-02\n[aliases]\nold = "/x/"\n+++\nBody\n'),
        ("content/posts/x.md", "---\ntitle: X\ndate: 2021-01-02\naliases: [/a/, 3]\n---\nBody\n"),
        ("content/blog/x.md", '+++\ntitle = "X"\ndate = 2021-01-02\naliases = [true]\n+++\nBody\n'),
        ("_posts/2021-01-02-x.md", "---\ntitle: X\nredirect_from: {a: /b/}\n---\nBody\n"),
    ]
    for path, text in shapes:
        dialect = "zola" if "blog" in path else "jekyll" if path.startswith("_") else "hugo"
        written = renamed_file(text, path, dialect, "y", "x")
        assert written.text == text, text
        assert written.left.aliases_unlisted == 1, text
