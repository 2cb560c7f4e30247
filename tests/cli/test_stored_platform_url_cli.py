"""A stored `url` that `site settings set url` refuses now (another site's address on the platform's
domain, stored before the setting refused it, or by SQL through an own login) is left out of the
site's address as a refused custom domain is, with the same one-line warning and doctor's check
(h270 item 1); `site verify-domain` refuses a custom domain the site's address leaves out (item 2);
newsletters say so too (item 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from blogster_cli.services import site_domain
from tests.cli.test_crosspost_cli import connect
from tests.dns_resolver import Resolver, running_resolver
from tests.platform_servers import TOKEN, FakeForem

BOBS = "https://bob.blogster.page/"


@pytest.fixture
def ada(cli, signed_up, superuser) -> str:
    """Ada's subdomain, with one published post and bob's address stored as her site's url."""
    assert cli("posts", "new", "Alpha", "--slug", "alpha", "--status", "published", input="Hi.\n").exit_code == 0
    subdomain = cli("site", "settings", "show", "--json").json()["subdomain"]
    superuser.execute("update public.subdomain_settings set site_url = %s", (BOBS,))
    return subdomain


def url_warning(ada: str) -> str:
    return (
        "warning: your site's address leaves out its url, which `site settings set url` refuses now:"
        f" {BOBS} is an address on the platform's domain blogster.page, where each site's address is its own"
        f" subdomain (yours: {ada}.blogster.page): the url is an address you own, like https://blog.example.com/;"
        " set yours, or clear it with `blogster site settings set url ''`\n"
    )


def test_the_build_and_the_settings_leave_it_out_and_say_so(cli, ada, tmp_path):
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out), "--json")
    assert built.exit_code == 0, built.stderr
    own = f"https://{ada}.blogster.page/"
    assert built.json()["base_url"] == own and built.json()["warnings"] == [url_warning(ada)[9:-1]]
    assert built.stderr == url_warning(ada)
    site_text = "".join(path.read_text() for path in out.rglob("*") if path.suffix in (".html", ".xml"))
    assert "bob.blogster.page" not in site_text and f"{own}posts/alpha/" in site_text

    shown = cli("site", "settings", "show", "--json")
    assert shown.json()["base_url"] == own and shown.json()["url"] == BOBS and shown.stderr == url_warning(ada)
    assert cli("site", "settings", "set", "url", "").exit_code == 0  # as the warning says
    clean = cli("site", "build", "--out", str(out))
    assert clean.exit_code == 0 and "warning" not in clean.stderr, clean.stderr


def test_its_own_address_as_url_is_kept_without_a_warning(cli, ada, superuser, tmp_path):
    """`site settings set url` takes the site's own address on the platform: so does its address."""
    own = f"https://{ada}.blogster.page/blog/"
    superuser.execute("update public.subdomain_settings set site_url = %s", (own,))
    built = cli("site", "build", "--out", str(tmp_path / "public"), "--json")
    assert built.json()["base_url"] == own and built.json()["warnings"] == [] and "warning" not in built.stderr
    assert not [c for c in cli("doctor", "--json").json() if c["name"] == "site addresses"]


def test_a_refused_custom_domain_and_url_each_get_their_line_and_doctor_lists_both(cli, ada, superuser):
    superuser.execute("update public.subdomain_settings set custom_domain = 'carl.blogster.page'")
    shown = cli("site", "settings", "show")
    assert shown.exit_code == 0
    lines = shown.stderr.splitlines()
    assert lines[0].startswith("warning: your site's address leaves out its custom domain, which")
    assert lines[1] == url_warning(ada)[:-1] and len(lines) == 2
    checks = {c["name"]: c for c in cli("doctor", "--json").json()}
    assert "custom domains" not in checks
    assert checks["site addresses"] == {
        "name": "site addresses",
        "status": "warn",
        "detail": "1 site stores a custom domain or url on the platform's domain blogster.page, which `site settings"
        f" set` refuses now and its address leaves out: {ada} (custom-domain carl.blogster.page, url {BOBS}); each"
        " owner sets their own or clears it with `blogster site settings set custom-domain ''` or"
        " `blogster site settings set url ''`",
        "unreachable": False,
    }


def test_a_cross_posts_canonical_url_is_on_the_sites_own_address(cli, ada, http):
    forem = FakeForem(http).install()
    connect(cli, "devto", TOKEN)
    sent = cli("crosspost", "alpha", "--to", "devto", "--json", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert sent.exit_code == 0, sent.stderr
    [outcome] = sent.json()
    assert outcome["canonical_url"] == f"https://{ada}.blogster.page/posts/alpha/"
    assert url_warning(ada) in sent.stderr


def test_an_import_no_longer_counts_the_other_sites_pages_as_mine(cli, ada, tmp_path):
    report = tmp_path / "affiliate.csv"
    report.write_text(
        "Post,Revenue,Date,Reference\n"
        "https://bob.blogster.page/posts/alpha/,1,2026-11-02,r1\n"
        f"https://{ada}.blogster.page/posts/alpha/,1,2026-11-02,r2\n"
    )
    result = cli("revenue", "import", str(report), "--type", "affiliate", "--provider", "shop", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["inserted"] == 1  # ada's page only: bob's counted as ada's too


def test_newsletters_say_their_links_leave_it_out(cli, ada, smtp, tmp_path):
    made = cli("newsletter", "create", "--blogs", "alpha", "--subject", "News", "--json")
    assert made.exit_code == 0, made.stderr
    assert made.stderr == url_warning(ada)
    newsletter = made.json()["id"]
    preview = cli("newsletter", "preview", newsletter)
    assert preview.exit_code == 0 and preview.stderr == url_warning(ada)
    assert f"https://{ada}.blogster.page/posts/alpha/" in preview.stdout and "bob.blogster.page" not in preview.stdout
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nreader@example.com\n")
    recorder, url = smtp
    sent = cli("newsletter", "send", newsletter, "--to", str(readers), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert sent.stderr.startswith(url_warning(ada)) and sent.stderr.count("warning:") == 1
    assert len(recorder.messages) == 1


@pytest.fixture
def resolver() -> Iterator[Resolver]:
    with running_resolver() as running:
        yield running


def test_verify_domain_refuses_a_custom_domain_the_address_leaves_out(cli, signed_up, superuser, resolver):
    assert cli("config", "set", "dns_resolver_url", resolver.url).exit_code == 0
    subdomain = cli("site", "settings", "show", "--json").json()["subdomain"]
    [(user_id,)] = superuser.execute("update public.subdomain_settings set custom_domain = 'bob.blogster.page'"
                                     " returning user_id").fetchall()  # fmt: skip
    # The record is there (made for this account and domain): the check would mark the domain verified.
    resolver.records["_blogster.bob.blogster.page"] = [site_domain.record_value(user_id, "bob.blogster.page")]
    refused = cli("site", "verify-domain", "--json")
    assert refused.exit_code == 2, refused.stderr
    assert refused.stdout == "" and refused.stderr == (
        "error: your custom domain is not checked: `site settings set custom-domain` refuses it now, and your"
        " site's address leaves it out: bob.blogster.page is under the platform's domain blogster.page, where each"
        f" site's address is its own subdomain (yours: {subdomain}.blogster.page): a custom domain is a domain you"
        " own, like blog.example.com; set yours, or clear it with `blogster site settings set custom-domain ''`\n"
    )
    assert resolver.requests == []  # not even asked
    verified = superuser.execute("select is_custom_domain_verified from public.subdomain_settings").fetchone()[0]
    assert verified is False
