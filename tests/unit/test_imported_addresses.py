"""An imported post's kept addresses as `posts addresses` lists them, and forgetting them
(`content.imported_addresses`, red team 68 F3): out of the stored front matter (its other lines
kept), the address its generator gave it out of what `site build`, `analytics ingest` and export read."""

from blogster_cli.content.document import new_document
from blogster_cli.content.export import export_file
from blogster_cli.content.imported_addresses import SOURCE_PATH, KeptAddress, forgetting, kept_addresses
from blogster_cli.content.post import PostFields, import_post
from blogster_cli.publish.placement import case_only_aliases
from blogster_cli.publish.urls import imported_address

YAML = "---\ntitle: A  # as the first site had it\ndate: 2021-03-04\nredirect_from:\n  - /old/a/\n  - /older/a.html\n---\nWords.\n"


def address_document(content: dict) -> dict:
    """The post as `repositories.site.ADDRESS_FIELDS` reads it."""
    source, fields = content["source"], content["front_matter"]["fields"]
    return {
        key: fields.get(key) for key in ("url", "permalink", "path", "aliases", "redirect_from", "link", "slug")
    } | {
        "dialect": source["dialect"],
        "source_path": source["path"],
        "forgotten_addresses": source.get("forgotten_addresses"),
        "date": fields.get("date"),
    }


def test_an_alias_leaves_the_front_matter_its_other_lines_kept() -> None:
    post = import_post(YAML, "_posts/2021-03-04-a.md", dialect="jekyll")
    document = address_document(post.content)
    assert kept_addresses(document) == [
        KeptAddress("/old/a/", "redirect_from", False),
        KeptAddress("/older/a.html", "redirect_from", False),
        KeptAddress("/2021/03/04/a.html", SOURCE_PATH, False),
    ]
    changed = forgetting(post.content, document, {"/old/a/"})
    assert changed["front_matter"]["raw"] == (
        "---\ntitle: A  # as the first site had it\ndate: 2021-03-04\nredirect_from:\n  - /older/a.html\n---\n"
    )
    assert changed["front_matter"]["fields"]["redirect_from"] == ["/older/a.html"]
    assert post.content["front_matter"]["fields"]["redirect_from"] == ["/old/a/", "/older/a.html"]  # a copy changed
    last = forgetting(changed, address_document(changed), {"/older/a.html"})
    assert last["front_matter"]["raw"] == "---\ntitle: A  # as the first site had it\ndate: 2021-03-04\n---\n"
    assert "redirect_from" not in last["front_matter"]["fields"]


def test_the_address_its_generator_gave_it_is_forgotten_for_the_build_ingest_and_export() -> None:
    text = '+++\ntitle = "A"\ndate = 2021-03-04\naliases = "/blog/a/"\n+++\nWords.\n'
    post = import_post(text, "content/blog/a.md", dialect="hugo")
    document = address_document(post.content)
    assert imported_address(document) == (None, ["/blog/a/"])  # an alias at its generator's address too
    changed = forgetting(post.content, document, {"/blog/a/"})
    assert changed["source"]["forgotten_addresses"] == ["/blog/a/"]
    assert "aliases" not in changed["front_matter"]["fields"] and "aliases" not in changed["front_matter"]["raw"]
    assert imported_address(address_document(changed)) == (None, [])
    assert kept_addresses(address_document(changed)) == []
    fields = PostFields(title="A", slug="a", published_at=post.published_at)
    exported = export_file(fields, changed, "jekyll").text
    assert "redirect_from" not in exported and "/blog/a/" not in exported
    assert "- /blog/a/" in export_file(fields, post.content, "jekyll").text  # as it was before


def test_the_old_sites_url_comes_first_and_an_unusable_address_is_not_listed() -> None:
    document = {
        "dialect": "zola",
        "path": "2016/09/29/a",
        "aliases": ["x/../../etc", "/b/"],
        "source_path": "content/a.md",
    }
    assert kept_addresses(document) == [
        KeptAddress("/2016/09/29/a/", "path", True),
        KeptAddress("/b/", "aliases", False),
    ]
    assert kept_addresses({"dialect": "astro", "source_path": "src/content/blog/a.md"}) == []


def test_a_hugo_alias_without_its_slash_is_from_the_pages_folder_as_hugo_writes_it() -> None:
    """Tester 524: `aliases: [legacy-first]` of the page at `/2023/03/first/` is Hugo's
    `/2023/03/legacy-first/`, for the build, `posts addresses` and forgetting as for export."""
    text = "---\ntitle: First\nurl: /2023/03/first/\naliases: [legacy-first, /kept/]\n---\nHi.\n"
    post = import_post(text, "content/posts/first.md", dialect="hugo")
    document = address_document(post.content)
    assert imported_address(document) == ("/2023/03/first/", ["/2023/03/legacy-first", "/kept/"])
    assert kept_addresses(document) == [
        KeptAddress("/2023/03/first/", "url", True),
        KeptAddress("/2023/03/legacy-first/", "aliases", False),
        KeptAddress("/kept/", "aliases", False),
    ]
    changed = forgetting(post.content, document, {"/2023/03/legacy-first/"})
    assert changed["front_matter"]["fields"]["aliases"] == ["/kept/"]
    placed = import_post("---\ntitle: A\naliases: old-a\n---\n", "content/blog/a.md", dialect="hugo")
    assert imported_address(address_document(placed.content)) == (None, ["/blog/old-a", "/blog/a/"])
    for dialect, field, path in (
        ("jekyll", "redirect_from", "_posts/2021-03-04-a.md"),
        ("zola", "aliases", "content/blog/a.md"),
    ):
        document = {"dialect": dialect, field: ["old/a/"], "source_path": path, "date": "2021-03-04"}
        assert imported_address(document)[1][0] == "/old/a/"  # from the site's root


def test_a_wordpress_posts_link_is_its_old_address_on_any_host() -> None:
    """Tester 524: a WordPress post's `link` redirects on the new site, its path whatever host it names."""
    document = {"dialect": "wordpress", "link": "https://other.example/2019/05/h%C3%A9llo-world/"}
    assert imported_address(document) == (None, ["/2019/05/héllo-world/"])
    assert kept_addresses(document) == [KeptAddress("/2019/05/héllo-world/", "link", False)]
    assert kept_addresses({"dialect": "wordpress", "link": "https://old.example/?p=12"}) == []
    content = new_document(
        "Hello.", fields={"title": "Hello", "link": document["link"]}, source={"dialect": "wordpress", "path": "x.xml"}
    )
    assert "link" not in forgetting(content, document, {"/2019/05/héllo-world/"})["front_matter"]["fields"]


def test_an_alias_that_is_its_pages_address_in_another_case_is_found() -> None:
    """Tester 524: 18F's `/2015/05/21/TockingTime/` is one file with its page `/2015/05/21/tockingtime/`."""
    aliases = ["/2015/05/21/TockingTime/", "/2015/05/21/tockingtime/", "/old/"]
    assert case_only_aliases("/2015/05/21/tockingtime/", aliases) == ["/2015/05/21/TockingTime/"]
    assert case_only_aliases(None, aliases) == []
