"""A custom domain or url stored on the platform's domain (before `site settings set custom-domain` or
`url` refused it, or by SQL through an own login) is left out of the site's address, with a one-line
warning, and `doctor` flags it (h258 item 3, h270 item 1): `site build` built bob.blogster.page's
address into ada's canonical URLs, feed and sitemap, cross-posts linked back there, newsletters too
(h270 item 3), and imports counted bob's pages as ada's. `site verify-domain` refuses a custom domain
the site's address leaves out (h270 item 2).

Each case runs for both settings (`setting`); the two settings together and verify-domain once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from blogster_cli.services import site_domain
from tests.cli.test_crosspost_cli import connect
from tests.dns_resolver import Resolver, running_resolver
from tests.platform_servers import TOKEN, FakeForem

BOBS = "https://bob.blogster.page/"


@dataclass(frozen=True)
class Setting:
    key: str
    """As `site settings set` takes it."""
    column: str
    shown_as: str
    """Its key in `site settings show --json`."""
    stored: str
    """Another site's address on the platform's domain, which the setting refuses now."""
    refusal: str
    """The warning's text after "refuses now: ", with {ada} for ada's subdomain."""
    taken: str
    """A value the setting takes, with {ada}; and the address the site is built for with it: `taken_base`."""
    taken_base: str

    @property
    def fix(self) -> str:
        return f"blogster site settings set {self.key} ''"

    def warning(self, ada: str) -> str:
        what = "custom domain" if self.key == "custom-domain" else "url"
        return (
            f"warning: your site's address leaves out its {what}, which `site settings set {self.key}` refuses"
            f" now: {self.refusal.format(ada=ada)}; set yours, or clear it with `{self.fix}`\n"
        )


CUSTOM_DOMAIN = Setting(
    key="custom-domain",
    column="custom_domain",
    shown_as="custom_domain",
    stored="bob.blogster.page",
    refusal="bob.blogster.page is under the platform's domain blogster.page, where each site's address is its"
    " own subdomain (yours: {ada}.blogster.page): a custom domain is a domain you own, like blog.example.com",
    taken="blog.example.com",
    taken_base="https://blog.example.com/",
)
URL = Setting(
    key="url",
    column="site_url",
    shown_as="url",
    stored=BOBS,
    refusal=f"{BOBS} is an address on the platform's domain blogster.page, where each site's address is its own"
    " subdomain (yours: {ada}.blogster.page): the url is an address you own, like https://blog.example.com/",
    taken="https://{ada}.blogster.page/blog/",  # its own address on the platform: `set url` takes it too
    taken_base="https://{ada}.blogster.page/blog/",
)


@pytest.fixture(params=[CUSTOM_DOMAIN, URL], ids=lambda setting: setting.key)
def setting(request: pytest.FixtureRequest) -> Setting:
    param: Setting = request.param
    return param


@pytest.fixture
def ada(cli, signed_up, superuser, setting: Setting) -> str:
    """Ada's subdomain, with one published post and bob's address stored as her site's `setting`."""
    assert cli("posts", "new", "Alpha", "--slug", "alpha", "--status", "published", input="Hi.\n").exit_code == 0
    subdomain = cli("site", "settings", "show", "--json").json()["subdomain"]
    superuser.execute(f"update public.subdomain_settings set {setting.column} = %s", (setting.stored,))
    return subdomain


def test_the_build_and_the_settings_leave_it_out_and_say_so_once(cli, ada, setting, tmp_path):
    warning = setting.warning(ada)
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out), "--json")
    assert built.exit_code == 0, built.stderr
    own = f"https://{ada}.blogster.page/"
    assert built.json()["base_url"] == own and built.json()["warnings"] == [warning[9:-1]]
    assert built.stderr == warning
    site_text = "".join(path.read_text() for path in out.rglob("*") if path.suffix in (".html", ".xml"))
    assert "bob.blogster.page" not in site_text and f"{own}posts/alpha/" in site_text
    again = cli("site", "build", "--out", str(out))  # nothing to write: still said
    assert again.exit_code == 0 and again.stderr.startswith(warning), again.stderr
    assert again.stderr.count("warning:") == 1

    shown = cli("site", "settings", "show", "--json")
    assert shown.json()["base_url"] == own and shown.json()[setting.shown_as] == setting.stored
    assert shown.stderr == warning
    assert cli("site", "settings", "set", setting.key, "").exit_code == 0  # as the warning says
    clean = cli("site", "build", "--out", str(out))
    assert clean.exit_code == 0 and "warning" not in clean.stderr, clean.stderr


def test_a_value_the_setting_takes_is_used_without_a_warning(cli, ada, setting, superuser, tmp_path):
    taken = setting.taken.format(ada=ada)
    superuser.execute(f"update public.subdomain_settings set {setting.column} = %s", (taken,))
    built = cli("site", "build", "--out", str(tmp_path / "public"), "--json")
    assert built.json()["base_url"] == setting.taken_base.format(ada=ada) and built.json()["warnings"] == []
    assert "warning" not in built.stderr
    assert not [c for c in cli("doctor", "--json").json() if c["name"] == "site addresses"]


def test_the_cron_rebuild_notes_it(cli, ada, setting, superuser, tmp_path):
    assert cli("config", "set", "site_out", str(tmp_path / "public")).exit_code == 0
    assert cli("posts", "new", "Beta", "--slug", "beta", input="Hi.\n").exit_code == 0
    assert cli("publish", "beta", "--at", "2030-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = now() - interval '1 minute' where slug = 'beta'")
    ran = cli("calendar", "run-due")  # was --now 2030: a time to come is only previewed now
    assert ran.exit_code == 0, ran.stderr
    assert "site rebuilt" in ran.stderr and f"note: {setting.warning(ada)[9:]}" in ran.stderr


def test_doctor_flags_it(cli, ada, setting):
    checks = {c["name"]: c for c in cli("doctor", "--json").json()}
    assert "custom domains" not in checks
    assert checks["site addresses"] == {  # "custom domains" until it covered the url too (h270)
        "name": "site addresses",
        "status": "warn",
        "detail": "1 site stores a custom domain or url on the platform's domain blogster.page, which `site settings"
        f" set` refuses now and its address leaves out: {ada} ({setting.key} {setting.stored}); each owner sets"
        f" their own or clears it with `{setting.fix}`",
        "unreachable": False,
    }
    assert cli("doctor").exit_code == 0  # a warning, not a failure


@pytest.mark.parametrize("setting", [URL], ids=["url"])
def test_a_refused_custom_domain_and_url_each_get_their_line_and_doctor_lists_both(cli, ada, superuser):
    superuser.execute("update public.subdomain_settings set custom_domain = 'carl.blogster.page'")
    shown = cli("site", "settings", "show")
    assert shown.exit_code == 0
    lines = shown.stderr.splitlines()
    assert lines[0].startswith("warning: your site's address leaves out its custom domain, which")
    assert lines[1] == URL.warning(ada)[:-1] and len(lines) == 2
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


def test_a_cross_posts_canonical_url_is_on_the_sites_own_address(cli, ada, setting, http):
    forem = FakeForem(http).install()
    connect(cli, "devto", TOKEN)
    sent = cli("crosspost", "alpha", "--to", "devto", "--json", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert sent.exit_code == 0, sent.stderr
    [outcome] = sent.json()
    assert outcome["canonical_url"] == f"https://{ada}.blogster.page/posts/alpha/"
    assert setting.warning(ada) in sent.stderr
    assert outcome["warnings"] == [line.removeprefix("warning: ") for line in sent.stderr.splitlines()]  # in --json too


def test_an_import_no_longer_counts_the_other_sites_pages_as_mine(cli, ada, tmp_path):
    report = tmp_path / "affiliate.csv"
    report.write_text(
        "Post,Revenue,Date,Reference\n"
        "https://bob.blogster.page/posts/alpha/,1,2026-11-02,r1\n"
        f"https://{ada}.blogster.page/posts/alpha/,1,2026-11-02,r2\n"
    )
    result = cli("revenue", "import", str(report), "--type", "affiliate", "--provider", "shop", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["inserted"] == 1  # ada's page only: bob's counted as ada's too
    assert summary["warnings"] == [
        f"1 line skipped as pages of other sites (bob.blogster.page); your site is {ada}.blogster.page"
    ]


def test_newsletters_say_their_links_leave_it_out(cli, ada, setting, smtp, tmp_path):
    warning = setting.warning(ada)
    made = cli("newsletter", "create", "--blogs", "alpha", "--subject", "News", "--json")
    assert made.exit_code == 0, made.stderr
    assert made.stderr == warning
    assert made.json()["warnings"] == [warning[9:-1]]  # what it printed is in its --json too
    newsletter = made.json()["id"]
    preview = cli("newsletter", "preview", newsletter)
    assert preview.exit_code == 0 and preview.stderr == warning
    assert f"https://{ada}.blogster.page/posts/alpha/" in preview.stdout and "bob.blogster.page" not in preview.stdout
    previewed = cli("newsletter", "preview", newsletter, "--json")  # h391: its --json had no warnings
    assert previewed.exit_code == 0 and previewed.stderr == warning
    assert previewed.json()["warnings"] == [warning[9:-1]]
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nreader@example.com\n")
    recorder, url = smtp
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    kept = cli("newsletter", "send", newsletter, "--to", str(readers), "--at", f"{later} +00:00", "--json")
    assert kept.exit_code == 0 and kept.stderr == warning, kept.stderr
    assert kept.json()["warnings"] == [warning[9:-1]]
    sent = cli("newsletter", "send", newsletter, "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    assert sent.stderr.startswith(warning) and sent.stderr.count("warning:") == 1
    assert sent.json()[0]["warnings"] == [warning[9:-1]]
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
