"""A site's custom domain (or url) is never the platform's domain (`site_base_domain`) nor a name
under it other than the site's own address there: bob.blogster.page, blogster.page and
www.blogster.page were taken, and the site's canonical URLs, feeds and sitemap then claimed that
address. The CSV imports' hint suggests only a custom domain the setting takes (it suggested
`site settings set custom-domain bob.blogster.page`, another account's address)."""

from __future__ import annotations

import pytest

REFUSED = "where each site's address is its own subdomain"


@pytest.fixture
def ada(cli, signed_up):
    """Ada's subdomain, with one published post."""
    assert cli("posts", "new", "Alpha", "--slug", "alpha", "--status", "published", input="Hi.\n").exit_code == 0
    return cli("site", "settings", "show", "--json").json()["subdomain"]


def one_line_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("bob.blogster.page", "bob.blogster.page is under the platform's domain blogster.page"),
        ("Bob.Blogster.Page", "bob.blogster.page is under the platform's domain blogster.page"),
        ("www.blogster.page", "www.blogster.page is under the platform's domain blogster.page"),
        ("a.b.blogster.page", "a.b.blogster.page is under the platform's domain blogster.page"),
        ("blogster.page", "blogster.page is the platform's domain"),
    ],  # fmt: skip
)
def test_a_custom_domain_on_the_platforms_domain_is_refused(cli, ada, tmp_path, value, where):
    error = one_line_error(cli("site", "settings", "set", "custom-domain", value))
    assert error == (
        f"error: {where}, {REFUSED} (yours: {ada}.blogster.page): a custom domain is a domain you own,"
        " like blog.example.com\n"
    )
    shown = cli("site", "settings", "show", "--json").json()
    assert (shown["custom_domain"], shown["base_url"]) == (None, f"https://{ada}.blogster.page/")
    built = cli("site", "build", "--out", str(tmp_path / "public"))
    assert built.exit_code == 0 and f"https://{ada}.blogster.page/" in built.stderr


def test_the_sites_own_address_needs_no_custom_domain(cli, ada):
    for value in (f"{ada}.blogster.page", f"www.{ada}.blogster.page"):
        error = one_line_error(cli("site", "settings", "set", "custom-domain", value))
        assert error == f"error: {value} is your site's address already (its subdomain under blogster.page):" \
            " it needs no custom domain\n"  # fmt: skip
    assert cli("site", "settings", "set", "custom-domain", "blog.example.com").exit_code == 0
    assert cli("site", "settings", "show", "--json").json()["base_url"] == "https://blog.example.com/"


def test_the_rule_follows_the_site_base_domain_setting(cli, ada):
    assert cli("config", "set", "site_base_domain", "example.org").exit_code == 0
    assert cli("site", "settings", "set", "custom-domain", "bob.blogster.page").exit_code == 0
    error = one_line_error(cli("site", "settings", "set", "custom-domain", "bob.example.org"))
    assert error.startswith("error: bob.example.org is under the platform's domain example.org,")


def test_a_url_on_the_platforms_domain_is_refused_unless_it_is_the_sites_own(cli, ada):
    for url in ("https://bob.blogster.page/", "https://blogster.page/ada/", "http://www.blogster.page/"):
        error = one_line_error(cli("site", "settings", "set", "url", url))
        assert error == (
            f"error: {url} is an address on the platform's domain blogster.page, {REFUSED} (yours:"
            f" {ada}.blogster.page): the url is an address you own, like https://blog.example.com/\n"
        )
    assert cli("site", "settings", "show", "--json").json()["url"] is None
    own = f"https://{ada}.blogster.page/blog/"
    assert cli("site", "settings", "set", "url", own).exit_code == 0
    assert cli("site", "settings", "show", "--json").json()["base_url"] == own


def test_the_import_hint_suggests_only_a_custom_domain_the_setting_takes(cli, ada, tmp_path):
    """Most lines are on bob.blogster.page (another site's address there): the hint names ada.dev,
    which the setting takes, and with no such host it suggests nothing."""
    report = tmp_path / "affiliate.csv"
    report.write_text(
        "Post,Revenue,Date,Reference\n"
        "https://bob.blogster.page/posts/alpha/,1,2026-11-02,r1\nhttps://bob.blogster.page/posts/x/,1,2026-11-02,r2\n"
        "https://127.0.0.1/posts/alpha/,1,2026-11-02,r3\nhttps://ada.dev/posts/alpha/,1,2026-11-02,r4\n"
    )
    result = cli("revenue", "import", str(report), "--type", "affiliate", "--provider", "shop")
    assert result.exit_code == 1, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == (
        "warning: 4 lines skipped as pages of other sites (bob.blogster.page, 127.0.0.1, ada.dev); your site is"
        f" {ada}.blogster.page: if ada.dev is yours, make it your site's address (blogster site settings set"
        " custom-domain ada.dev)"
    )
    assert cli("site", "settings", "set", "custom-domain", "ada.dev").exit_code == 0  # as the hint says

    others = tmp_path / "others.csv"
    others.write_text(
        "Post,Revenue,Date,Reference\nhttps://bob.blogster.page/posts/alpha/,1,2026-11-02,r1\n"
        "https://blogster.page/posts/alpha/,1,2026-11-02,r2\nhttp://localhost/posts/alpha/,1,2026-11-02,r3\n"
    )
    result = cli("revenue", "import", str(others), "--type", "affiliate", "--provider", "shop")
    assert result.exit_code == 1, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == (
        "warning: 3 lines skipped as pages of other sites (blogster.page, bob.blogster.page, localhost); your site"
        f" is {', '.join(sorted(['ada.dev', f'{ada}.blogster.page']))}"
    )
