"""`analytics report --from/--to` (h293 L4): a log of any date is counted, but only the last 30 or 90 days
could be reported, so the shared real log (25-30 Oct 2015) showed only in the dashboard's all-time views.
`analytics freshness --format` (h293 L1): every list takes --format; this one had none."""

from __future__ import annotations

import csv
import io

from tests.conftest import shared_data

SLUGS = ("doing-pxe-without-dhcp-control", "installing-fedora-linux-via-pxe-x86-64", "installing-gitlab-on-centos-6")


def test_a_historical_log_is_reported_over_its_own_dates(cli, signed_up):
    for slug in SLUGS:
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    log = shared_data("access_logs", "hackers-access.log")
    assert cli("analytics", "ingest", str(log), "--map", "/linux/{slug}").exit_code == 0
    assert cli("analytics", "report", "--json").json()["totals"]["views"] == 0  # the last 30 days: none of it
    report = cli("analytics", "report", "--from", "2015-10-25", "--to", "2015-10-31", "--json")
    assert report.exit_code == 0, report.stderr
    result = report.json()
    assert (result["since"], result["until"], len(result["days"])) == ("2015-10-25", "2015-10-31", 7)
    assert (result["totals"]["views"], result["totals"]["unique_visitors"]) == (193, 163)
    assert [post["slug"] for post in result["top_posts"]] == list(SLUGS)
    one = cli("analytics", "report", "--to", "2015-10-31", "--days", "7", "--blog", SLUGS[2], "--json").json()
    assert (one["since"], one["totals"]["views"]) == ("2015-10-25", 10)
    text = cli("analytics", "report", "--from", "2015-10-25", "--to", "2015-10-31").stdout
    assert text.startswith("Totals:\nsince\tuntil\tblog\tviews\tunique_visitors\t")  # piped (h293 L5)
    assert "\n2015-10-25\t2015-10-31\t\t193\t163\t" in text


def test_a_period_that_is_no_period_is_one_line_and_exit_2(cli, signed_up):
    for args, message in [
        (("--days", "30", "--from", "2015-10-25"), "error: give --days or --from, not both\n"),
        (("--from", "2015-11-01", "--to", "2015-10-01"), "error: --from 2015-11-01 is after --to 2015-10-01\n"),
        (("--days", "3661"), "error: --days must be between 1 and 3660\n"),
        (("--from", "2000-01-01", "--to", "2015-01-01"), None),
        (("--from", "2015-02-30"), None),
    ]:
        refused = cli("analytics", "report", *args)
        assert (refused.exit_code, refused.stdout) == (2, ""), args
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert message is None or refused.stderr == message


def test_freshness_takes_every_list_format(cli, signed_up):
    for slug in ("alpha", "beta"):
        assert (
            cli("posts", "new", slug.title(), "--slug", slug, "--status", "published", input="Words.\n").exit_code == 0
        )
    rows = list(csv.DictReader(io.StringIO(cli("analytics", "freshness", "--format", "csv").stdout)))
    assert sorted(row["slug"] for row in rows) == ["alpha", "beta"] and "freshness_score" in rows[0]
    assert sorted(cli("analytics", "freshness", "--format", "ids").stdout.split()) == ["alpha", "beta"]
    assert cli("analytics", "freshness", "--format", "count", "--limit", "1").stdout == "1\n"
    assert cli("analytics", "freshness", "--format", "json").json() == cli("analytics", "freshness", "--json").json()
    assert "update_priority:" in cli("analytics", "freshness", "--format", "yaml").stdout
    both = cli("analytics", "freshness", "--json", "--format", "csv")
    assert both.exit_code == 2 and both.stderr == "error: --json and --format csv disagree: give one of them\n"
