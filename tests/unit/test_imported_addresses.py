"""An imported post's kept addresses as `posts addresses` lists them, and forgetting them
(`content.imported_addresses`, red team 68 F3): out of the stored front matter (its other lines
kept), the address its generator gave it out of what `site build`, `analytics ingest` and export read."""

from blogster_cli.content.export import export_file
from blogster_cli.content.imported_addresses import SOURCE_PATH, KeptAddress, forgetting, kept_addresses
from blogster_cli.content.post import PostFields, import_post
from blogster_cli.publish.urls import imported_address

YAML = "---\ntitle: A  # as the first site had it\ndate: 2021-03-04\nredirect_from:\n  - /old/a/\n  - /older/a.html\n---\nWords.\n"


def address_document(content: dict) -> dict:
    """The post as `repositories.site.ADDRESS_FIELDS` reads it."""
    source, fields = content["source"], content["front_matter"]["fields"]
    return {key: fields.get(key) for key in ("url", "permalink", "path", "aliases", "redirect_from", "slug")} | {
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
