"""`analytics ingest --format vhost-combined` (Apache's vhost_combined, Debian's other_vhosts_access.log) and
`vhost-common`: the lines of my site's hosts count as the same lines of a combined log would; those of other
virtual hosts are skipped and counted (a warning while none of the log is my site's: see
test_analytics_ingest_vhost_warnings), as the CSV imports skip other sites' pages."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.errors import InvalidInput
from blogster_cli.services.analytics_ingest import ingest
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import GOOGLEBOT, HAND_MADE_LOG, line, write
from tests.integration.test_analytics_ingest_formats import as_common, ledger_rows

author = base.author

OTHERS = [
    line("10.9.0.1", "10:00:30", "/posts/alpha/"),  # another site's page at my post's path
    line("10.9.0.2", "10:01:00", "/posts/beta/", ref="https://shop.example/"),
    line("66.249.66.9", "10:03:00", "/posts/gamma/", agent=GOOGLEBOT),
    line("10.9.0.3", "10:04:00", "/_i/quiz-1/start"),
]


def vhost_log(mine: list[str], others: list[str], *, site: str = "www.ada.example:443") -> list[str]:
    """My lines under my host (ports 443 and 80, upper case), the others under three other hosts, interleaved."""
    hosts = ["shop.example:443", "other.org:80", "localhost:80"]
    out = []
    for n, text in enumerate(mine):
        out.append(f"{site if n % 2 else site.upper().replace(':443', ':80')} {text}")
        if n < len(others):
            out.append(f"{hosts[n % 3]} {others[n]}")
    return out + [f"{hosts[n % 3]} {text}" for n, text in enumerate(others[len(mine) :], len(mine))]


def with_custom_domain(superuser, acting, domain: str = "ada.example") -> None:
    superuser.execute(
        "update subdomain_settings set custom_domain = %s where user_id = %s", (domain, acting.actor.user_id)
    )


def test_my_hosts_lines_count_as_their_combined_log_and_other_sites_are_skipped(author, superuser, tmp_path):
    """A vhost_combined log was refused whole (h229): no format read it."""
    as_vhost, as_combined = author(), author()
    with_custom_domain(superuser, as_vhost)
    log = write(tmp_path / "other_vhosts_access.log", vhost_log(HAND_MADE_LOG, OTHERS))
    run = ingest(as_vhost, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)
    alone = ingest(as_combined, sources=[str(write(tmp_path / "access.log", HAND_MADE_LOG))])
    assert (run.files[0].refused, run.lines, run.parsed, run.malformed, run.other_sites) == (None, 12, 11, 1, 4)
    assert (run.crawlers, run.page_views, run.matched, run.unique_visitors, run.interactive_starts) == (
        alone.crawlers, alone.page_views, alone.matched, alone.unique_visitors, 0,
    )  # fmt: skip
    assert base.figures(superuser, as_vhost) == base.figures(superuser, as_combined)
    assert (run.other_hosts, run.warnings) == (["shop.example", "localhost", "other.org"], [])  # my site is in it
    mislabelled = author()  # its address is not the host the log names: none of the log is its
    with_custom_domain(superuser, mislabelled, "ada.example.net")
    lost = ingest(mislabelled, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)
    assert lost.warnings == [
        "11 lines skipped as pages of other sites (ada.example, shop.example, localhost, ...); your site is"
        " ada.example.net: if ada.example is yours, make it your site's address (blogster site settings set"
        " custom-domain ada.example); the logs read now are counted and are not read again"
    ]
    again = ingest(as_vhost, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)
    assert (again.files[0].known, again.lines, again.other_sites, again.warnings) == ("counted", 0, 0, [])


def test_a_vhost_log_given_combined_is_refused_then_counted_in_its_own_format(author, superuser, tmp_path):
    acting = author()
    with_custom_domain(superuser, acting)
    log = write(tmp_path / "other_vhosts_access.log", vhost_log(HAND_MADE_LOG, OTHERS))
    wrong = ingest(acting, sources=[str(log)])
    assert (wrong.lines, ledger_rows(superuser, acting)) == (0, 0)
    assert wrong.files[0].refused == (
        f"{log}: none of its 12 lines is a combined request (--format combined); they look like vhost-combined:"
        " try --format vhost-combined; nothing of it was counted"
    )
    right = ingest(acting, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)
    assert (right.files[0].known, right.lines, right.matched) == ("new", 12, 4)


def test_the_common_form_without_port_and_my_subdomain(author, superuser, tmp_path):
    """Apache's "Common Log Format with Virtual Host" (%v %h ...); without a custom domain my site is my subdomain."""
    acting = author()
    subdomain = superuser.execute(
        "select subdomain from subdomain_settings where user_id = %s", (acting.actor.user_id,)
    ).fetchone()[0]
    mine = as_common(HAND_MADE_LOG[:-1])
    log = write(tmp_path / "vhost-common.log", vhost_log(mine, as_common(OTHERS), site=f"{subdomain}.blogster.page"))
    run = ingest(acting, sources=[str(log)], log_format=LogFormat.VHOST_COMMON, base_domain="blogster.page")
    assert (run.lines, run.parsed, run.other_sites, run.malformed) == (11, 11, 4, 0)
    assert (run.crawlers, run.matched) == (0, 5)  # common lines have no user agent: the crawler's view counts
    assert (run.other_hosts, run.warnings) == (["shop.example", "localhost", "other.org"], [])


def test_a_site_with_no_address_known_is_refused_before_anything_is_counted(author, superuser, tmp_path):
    """Every line would be another site's, and a counted log is never read again."""
    acting = author()
    log = write(tmp_path / "other_vhosts_access.log", vhost_log(HAND_MADE_LOG, OTHERS))
    with pytest.raises(InvalidInput) as refused:
        ingest(acting, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)
    assert str(refused.value) == (
        "--format vhost-combined: your site's address is not known, so its lines cannot be told from other sites':"
        " set it first (blogster site settings set custom-domain HOST, or url URL)"
    )
    assert ledger_rows(superuser, acting) == 0
