"""Cross-posting before your site's address is set (report h228 M6): the copies' canonical links
and "Originally published at" pointed to https://SUBDOMAIN.blogster.page/..., the default
site_base_domain nobody deployed to, without a word. It now warns, saying how to set the address
and that a re-run then updates the copies."""

from __future__ import annotations

import pytest

from tests.cli.test_crosspost_cli import POST, connect, publish_post
from tests.platform_servers import TOKEN, FakeForem

WARNING = "warning: your site's address is not set, so the copies link back to "


@pytest.fixture
def forem(http) -> FakeForem:
    return FakeForem(http).install()


@pytest.fixture
def published(cli, signed_up, tmp_path) -> str:
    return publish_post(cli, tmp_path, POST)


def default_address(cli) -> str:
    subdomain = cli("site", "settings", "show", "--json").json()["subdomain"]
    return f"https://{subdomain}.blogster.page/"


def test_a_copy_made_before_the_address_is_set_warns_and_a_rerun_after_setting_it_updates(cli, published, forem):
    connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    first = cli("crosspost", published, "--to", "devto", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    made_up = default_address(cli)
    assert first.stderr == (
        f"{WARNING}{made_up}, a default address no site of yours is at: set it with `blogster site settings set"
        " url https://YOUR-SITE/` (or custom-domain), then run this again to update the copies\n"
    )
    assert first.json()[0]["warnings"] == [first.stderr[len("warning: ") : -1]]  # what it printed, in its --json too
    [article] = forem.posts.values()
    assert article["canonical_url"].startswith(made_up)

    assert cli("site", "settings", "set", "url", "https://blog.example.com/").exit_code == 0
    again = cli("crosspost", published, "--to", "devto", "--json", env=env)
    assert again.exit_code == 0 and again.stderr == ""
    assert again.json()[0]["action"] == "updated"
    assert article["canonical_url"] == "https://blog.example.com/posts/ten-terminal-habits/"


def test_no_warning_once_a_custom_domain_or_a_base_domain_is_chosen(cli, published, forem):
    connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    assert cli("config", "set", "site_base_domain", "sites.example.org").exit_code == 0  # the operator's own host
    chosen = cli("crosspost", published, "--to", "devto", env=env)
    assert chosen.exit_code == 0 and "warning" not in chosen.stderr, chosen.stderr
    assert next(iter(forem.posts.values()))["canonical_url"].endswith(".sites.example.org/posts/ten-terminal-habits/")

    assert cli("config", "set", "site_base_domain", "").exit_code == 0  # the default again
    assert cli("site", "settings", "set", "custom-domain", "blog.example.net").exit_code == 0
    custom = cli("crosspost", published, "--to", "devto", env=env)
    assert custom.exit_code == 0 and "warning" not in custom.stderr, custom.stderr
    assert next(iter(forem.posts.values()))["canonical_url"] == "https://blog.example.net/posts/ten-terminal-habits/"


def test_a_failed_copy_says_only_its_error(cli, published, forem):
    connect(cli, "devto", "not-the-token")
    failed = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert failed.exit_code == 1 and failed.stderr.count("\n") == 1 and WARNING not in failed.stderr
