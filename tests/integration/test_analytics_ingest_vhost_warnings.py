"""A log shared by several sites (Debian's other_vhosts_access.log) warned about the other hosts on every
run of `analytics ingest` (h258 item 4): their lines are what such a log holds. They are counted and named
(`other_sites`, `other_hosts`); the warning is left for a log none of whose requests, in this run or an
earlier one, was a page view of my site (its address is then likely not the host the log names)."""

from __future__ import annotations

from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.services.analytics_ingest import ingest
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import line, write
from tests.integration.test_analytics_ingest_vhosts import with_custom_domain

author = base.author

MINE = [f"ada.example:443 {line('10.0.0.1', '10:00:00', '/posts/alpha/')}"]
OTHERS = [
    f"shop.example:443 {line('10.9.0.1', '10:00:30', '/cart/')}",
    f"other.org:80 {line('10.9.0.2', '10:01:00', '/')}",
    f"shop.example:443 {line('10.9.0.3', '10:02:00', '/')}",
]
MORE_OTHERS = [f"shop.example:443 {line('10.9.0.4', f'11:0{n}:00', '/')}" for n in range(3)]
WARNING = "3 lines skipped as pages of other sites (shop.example, other.org); your site is ada.example"


def run(acting, log):
    return ingest(acting, sources=[str(log)], log_format=LogFormat.VHOST_COMBINED)


def test_a_shared_log_names_the_other_sites_without_a_warning_run_after_run(author, superuser, tmp_path):
    acting = author()
    with_custom_domain(superuser, acting)
    log = write(tmp_path / "other_vhosts_access.log", MINE + OTHERS)
    first = run(acting, log)
    assert first.warnings == []  # my site is in it: its address is right
    assert (first.other_sites, first.other_hosts, first.matched) == (3, ["shop.example", "other.org"], 1)
    grown = run(acting, write(log, MINE + OTHERS + MORE_OTHERS))  # the next run: other sites' lines alone
    assert grown.warnings == []  # my site was seen in it before (the ledger)
    assert (grown.files[0].known, grown.lines, grown.other_sites, grown.matched) == ("resumed", 3, 3, 0)
    assert grown.other_hosts == ["shop.example"]


def test_a_log_with_no_page_of_my_site_yet_warns_until_one_comes(author, superuser, tmp_path):
    acting = author()
    with_custom_domain(superuser, acting)
    log = write(tmp_path / "other_vhosts_access.log", OTHERS)
    first = run(acting, log)
    assert [text.split(":", 1)[0] for text in first.warnings] == [WARNING]
    assert first.warnings[0].endswith("the logs read now are counted and are not read again")
    grown = run(acting, write(log, OTHERS + MORE_OTHERS))  # still none of mine: still said
    assert grown.files[0].known == "resumed" and grown.warnings[0].startswith("3 lines skipped as pages of other")
    seen = run(acting, write(log, OTHERS + MORE_OTHERS + [MINE[0].replace("10:00:00", "12:00:00")] + OTHERS[:1]))
    assert (seen.matched, seen.other_sites, seen.warnings) == (1, 1, [])
    after = run(acting, write(log, OTHERS + MORE_OTHERS + [MINE[0].replace("10:00:00", "12:00:00")] + OTHERS[:2]))
    assert (after.other_sites, after.warnings) == (1, [])
