"""`blogster posts addresses`: a renamed published post's former addresses, and forgetting them
(red team 66 F2: a slug that said too much stayed a redirect page and the feeds' id for good).
After `--forget`, the next `site build` removes the redirect page it had written from that slug."""

from tests.cli.conftest import error_message


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
