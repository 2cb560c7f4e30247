"""`blogster posts addresses`: a renamed published post's former addresses, and forgetting them
(red team 66 F2: a slug that said too much stayed a redirect page and the feeds' id for good).
After `--forget`, the next `site build` removes the redirect page it had written from that slug."""

from tests.cli.conftest import PASSWORD, error_message


def test_forgotten_former_addresses_leave_the_built_site(cli, signed_up, tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Acme\nslug: layoffs-at-acme\n---\nWords.\n")
    assert cli("posts", "new", "--from", str(post), "--status", "published").exit_code == 0
    for old, new in (("layoffs-at-acme", "acme-news"), ("acme-news", "acme-update")):
        assert cli("posts", "edit", old, "--slug", new).exit_code == 0
    listed = cli("posts", "addresses", "acme-update", "--json").json()
    assert [entry["slug"] for entry in listed] == ["layoffs-at-acme", "acme-news"]
    table = cli("posts", "addresses", "acme-update")
    assert table.exit_code == 0 and "layoffs-at-acme" in table.stdout and "acme-news" in table.stdout
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "posts/layoffs-at-acme/index.html").is_file()
    assert "layoffs-at-acme" in (out / "index.xml").read_text()  # the feeds' id: the first former address

    unknown = cli("posts", "addresses", "acme-update", "--forget", "acme-news", "--forget", "never-was")
    assert error_message(unknown, 3) == "'acme-update' has no former address 'never-was'"
    long = cli("posts", "addresses", "acme-update", "--forget", "x" * 100_000)  # echoed whole before (red team 69)
    assert error_message(long, 3) == f"'acme-update' has no former address '{'x' * 199}…' (100,000 characters)"
    both = cli("posts", "addresses", "acme-update", "--forget", "acme-news", "--forget-all")
    assert error_message(both, 2) == "give --forget SLUG or --forget-all, not both"
    assert len(cli("posts", "addresses", "acme-update", "--json").json()) == 2  # nothing forgotten

    forgot = cli("posts", "addresses", "acme-update", "--forget", "layoffs-at-acme", "--json")
    assert forgot.exit_code == 0 and "1 former address forgotten" in forgot.stderr
    assert [entry["slug"] for entry in forgot.json()] == ["acme-news"]
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert not (out / "posts/layoffs-at-acme").exists()
    assert (out / "posts/acme-news/index.html").is_file()
    assert "layoffs-at-acme" not in (out / "index.xml").read_text() + (out / "atom.xml").read_text()

    assert cli("posts", "addresses", "acme-update", "--forget-all").exit_code == 0
    assert cli("posts", "addresses", "acme-update", "--json").json() == []
    assert "has no former addresses" in cli("posts", "addresses", "acme-update").stderr
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert not (out / "posts/acme-news").exists()
    assert error_message(cli("posts", "addresses", "no-such-post"), 3).startswith("no post with slug or id")


HUGO_POST = """+++
title = "Writing before email"
date = 2023-05-14T07:10:00-04:00
# kept from the old site
aliases = ["/2023/05/old-writing/", "/notes/writing/"]
tags = ["writing"]
+++
Words.
"""


def imported(cli, tmp_path, text: str, name: str) -> None:
    """A Hugo site's post `content/posts/NAME.md` imported and published (its slug: NAME)."""
    site = tmp_path / "hugo"
    (site / "content/posts").mkdir(parents=True, exist_ok=True)
    (site / "content/posts" / f"{name}.md").write_text(text)
    assert cli("import", str(site / "content/posts" / f"{name}.md"), "--format", "hugo").exit_code == 0
    assert cli("posts", "status", name, "published").exit_code == 0


def test_an_imported_posts_old_addresses_are_listed_and_forgotten_as_former_ones(cli, signed_up, tmp_path):
    """Red team 68 F3: a renamed imported post kept redirecting from the address its generator gave
    it and from its front matter's aliases, which `--forget` could not reach."""
    imported(cli, tmp_path, HUGO_POST, "writing-before-email")
    assert cli("posts", "edit", "writing-before-email", "--slug", "writing-second").exit_code == 0
    listed = cli("posts", "addresses", "writing-second", "--json").json()
    assert [(entry["kind"], entry.get("slug") or entry["address"], entry.get("kept_in")) for entry in listed] == [
        ("former", "writing-before-email", None),
        ("imported", "/2023/05/old-writing/", "aliases"),
        ("imported", "/notes/writing/", "aliases"),
        ("imported", "/posts/writing-before-email/", "source path"),
    ]
    table = cli("posts", "addresses", "writing-second").stdout
    assert "/posts/writing-before-email/" in table and "source path" in table
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "posts/writing-before-email/index.html").is_file()
    assert (out / "notes/writing/index.html").is_file()

    forgot = cli(
        "posts", "addresses", "writing-second", "--forget", "writing-before-email", "--forget", "/notes/writing"
    )
    assert forgot.exit_code == 0 and "3 former addresses forgotten" in forgot.stderr
    assert "/posts/writing-before-email/" not in forgot.stdout and "/2023/05/old-writing/" in forgot.stdout
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert not (out / "posts/writing-before-email").exists() and not (out / "notes/writing").exists()
    assert (out / "2023/05/old-writing/index.html").is_file() and (out / "posts/writing-second/index.html").is_file()
    hugo = tmp_path / "hugo-export"
    assert cli("export", str(hugo), "--format", "hugo").exit_code == 0
    written = (hugo / "content/posts/writing-second.md").read_text()
    assert 'aliases = ["/2023/05/old-writing/"]' in written and "# kept from the old site" in written

    assert cli("posts", "addresses", "writing-second", "--forget-all").exit_code == 0
    assert cli("posts", "addresses", "writing-second", "--json").json() == []
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert not (out / "2023").exists()
    for generator, place in (
        ("hugo", "content/posts/writing-second.md"),
        ("jekyll", "_posts/2023-05-14-writing-second.md"),
    ):
        assert cli("export", str(tmp_path / generator), "--format", generator, "--force").exit_code == 0
        written = (tmp_path / generator / place).read_text()
        assert "writing-before-email" not in written and "old-writing" not in written and "notes/writing" not in written
    assert error_message(cli("posts", "addresses", "writing-second", "--forget", "writing-before-email"), 3) == (
        "'writing-second' has no former address 'writing-before-email'"
    )


def test_the_old_sites_url_is_the_posts_page_and_is_not_forgotten(cli, signed_up, tmp_path):
    text = '+++\ntitle = "Kept"\ndate = 2023-05-14\nurl = "/blog/kept/"\naliases = ["/old/kept/"]\n+++\nWords.\n'
    imported(cli, tmp_path, text, "kept")
    assert cli("posts", "addresses", "kept", "--json").json() == [
        {"kind": "imported", "address": "/blog/kept/", "kept_in": "url", "page": True},
        {"kind": "imported", "address": "/old/kept/", "kept_in": "aliases", "page": False},
    ]
    refused = cli("posts", "addresses", "kept", "--forget", "/blog/kept/")
    assert error_message(refused, 2) == (
        "'kept' is at /blog/kept/, its old site's URL (front matter `url`): that is its page, not a redirect,"
        " and is not forgotten; nothing forgotten"
    )
    assert len(cli("posts", "addresses", "kept", "--json").json()) == 2
    assert "1 former address forgotten" in cli("posts", "addresses", "kept", "--forget", "kept").stderr  # the alias
    assert error_message(cli("posts", "addresses", "kept", "--forget", "kept"), 2).startswith(
        "'kept' is at /blog/kept/"
    )
    assert cli("posts", "addresses", "kept", "--forget-all").exit_code == 0
    assert [entry["address"] for entry in cli("posts", "addresses", "kept", "--json").json()] == ["/blog/kept/"]
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "blog/kept/index.html").is_file() and not (out / "old").exists()


def test_another_account_neither_sees_nor_forgets_my_imported_addresses(cli, signed_up, tmp_path):
    imported(cli, tmp_path, HUGO_POST, "writing-before-email")
    assert cli("posts", "edit", "writing-before-email", "--slug", "writing-second").exit_code == 0
    post_id = cli("posts", "show", "writing-second", "--json").json()["id"]
    assert cli("posts", "new", "Draft", "--slug", "my-draft").exit_code == 0
    assert cli("auth", "logout").exit_code == 0
    bob = cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert bob.exit_code == 0
    for args in ((), ("--forget-all",), ("--forget", "writing-before-email")):
        refused = cli("posts", "addresses", post_id, *args)
        assert error_message(refused, 4) == f"{post_id!r} is another account's post: not yours to change"
    assert error_message(cli("posts", "addresses", "my-draft", "--forget-all"), 3).startswith("no post with slug")
    assert cli("auth", "logout").exit_code == 0
    login = cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert login.exit_code == 0
    assert len(cli("posts", "addresses", "writing-second", "--json").json()) == 4


def test_a_jekyll_posts_old_address_is_forgotten_by_its_old_slug(cli, signed_up, tmp_path):
    posts = tmp_path / "jekyll/_posts"
    posts.mkdir(parents=True)
    (posts / "2021-03-04-hello.md").write_text("---\ntitle: Hello\n---\nWords.\n")
    assert cli("import", str(tmp_path / "jekyll"), "--format", "jekyll").exit_code == 0
    assert cli("posts", "status", "hello", "published").exit_code == 0
    listed = cli("posts", "addresses", "hello", "--json").json()
    assert listed == [
        {"kind": "imported", "address": "/2021/03/04/hello.html", "kept_in": "source path", "page": False}
    ]
    assert "1 former address forgotten" in cli("posts", "addresses", "hello", "--forget", "hello").stderr
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "posts/hello/index.html").is_file() and not (out / "2021").exists()
