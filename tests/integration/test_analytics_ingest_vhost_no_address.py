"""A virtual-host log read before the site's address is set lost its lines for good (h293 M4): with only the
site's subdomain known, every line of `howto.basjes.nl` was skipped as another site's, the log recorded as
counted, and a run after `site settings set custom-domain howto.basjes.nl` read 0 new lines. Such a new log
is now refused, nothing of it recorded, while none of its first requests is for the site and its address is
not set; a site whose address is set keeps the warning (a small site in a busy shared log, h254)."""

from __future__ import annotations

from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.services.analytics_ingest import ingest
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write
from tests.integration.test_analytics_ingest_formats import ledger_rows
from tests.integration.test_analytics_ingest_vhosts import OTHERS, vhost_log, with_custom_domain

author = base.author


def run(acting, log, base_domain="blogster.page"):
    return ingest(acting, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED, base_domain=base_domain)


def test_a_log_of_another_host_is_refused_until_the_address_is_set_then_counted_whole(author, superuser, tmp_path):
    acting = author()
    subdomain = superuser.execute(
        "select subdomain from subdomain_settings where user_id = %s", (acting.actor.user_id,)
    ).fetchone()[0]
    log = write(tmp_path / "vhost.log", [f"howto.example.org:80 {text}" for text in HAND_MADE_LOG])
    refused = run(acting, log)
    assert refused.files[0].refused == (
        f"{log}: none of its 7 requests is for your site ({subdomain}.blogster.page): they are for"
        " howto.example.org, and your site's address is not set; set it first (blogster site settings set"
        " custom-domain howto.example.org, or url URL); nothing of it was counted"
    )
    assert (refused.lines, refused.other_sites, ledger_rows(superuser, acting)) == (0, 0, 0)
    with_custom_domain(superuser, acting, "howto.example.org")
    counted = run(acting, log)
    assert (counted.files[0].known, counted.files[0].refused, counted.lines) == ("new", None, 8)
    assert (counted.other_sites, counted.matched, counted.warnings) == (0, 4, [])


def test_a_log_with_my_subdomain_in_its_head_or_a_set_address_is_read(author, superuser, tmp_path):
    mine = author()
    subdomain = superuser.execute(
        "select subdomain from subdomain_settings where user_id = %s", (mine.actor.user_id,)
    ).fetchone()[0]
    shared = write(tmp_path / "shared.log", vhost_log(HAND_MADE_LOG, OTHERS, site=f"{subdomain}.blogster.page:443"))
    read = run(mine, shared)
    assert (read.files[0].refused, read.lines, read.other_sites, read.matched) == (None, 12, 4, 4)
    named = author()  # its address is set, though not the log's host: counted, with the warning (h254)
    with_custom_domain(superuser, named, "ada.example.net")
    others = write(tmp_path / "others.log", [f"shop.example:443 {text}" for text in HAND_MADE_LOG])
    warned = run(named, others)
    assert (warned.files[0].refused, warned.lines, warned.other_sites) == (None, 8, 7)
    assert warned.warnings[0].startswith("7 lines skipped as pages of other sites (shop.example); your site is")
    counted_before = author()  # a log resumed: its head was counted already, what follows is read
    log = write(tmp_path / "grown.log", [f"shop.example:443 {text}" for text in HAND_MADE_LOG[:2]])
    with_custom_domain(superuser, counted_before, "ada.example.com")
    assert run(counted_before, log).lines == 2
    with_custom_domain(superuser, counted_before, None)
    grown = run(counted_before, write(log, [f"shop.example:443 {text}" for text in HAND_MADE_LOG[:4]]))
    assert (grown.files[0].known, grown.files[0].refused, grown.lines) == ("resumed", None, 2)
