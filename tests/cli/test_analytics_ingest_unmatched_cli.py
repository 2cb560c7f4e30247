"""h338 from the command line. #1: a first log ingested before `--map` (or before its posts) was counted with
a warning, views on no post, and recorded as read: the run with `--map` then read 0 new lines, for good. Now
it is refused (exit 2, one line, nothing recorded) and the run with `--map` counts it. #4: a log of 2015 gave
`report` and `dashboard` only zeros with no hint; the summary names its days and both say where the views are."""

from __future__ import annotations

from tests.conftest import shared_data
from tests.integration.test_analytics_ingest import BROWSER, write

SLUGS = ("doing-pxe-without-dhcp-control", "installing-gitlab-on-centos-6")


def old_line(ip: str, day: int, path: str) -> str:
    return f'{ip} - - [{day:02d}/Oct/2015:10:00:00 +0000] "GET {path} HTTP/1.1" 200 512 "-" "{BROWSER}"\n'


OLD_LOG = [
    old_line("10.0.0.1", 25, "/linux/doing-pxe-without-dhcp-control"),
    old_line("10.0.0.2", 25, "/"),
    old_line("10.0.0.3", 30, "/linux/installing-gitlab-on-centos-6"),
]


def test_a_log_before_its_posts_and_map_is_refused_then_counted_with_its_days(cli, signed_up, tmp_path):
    log = write(tmp_path / "access.log", OLD_LOG)
    refused = cli("analytics", "ingest", str(log))
    assert (refused.exit_code, refused.stdout, refused.stderr.count("\n")) == (2, "", 1), refused.stderr
    assert refused.stderr.startswith(
        f"error: {log}: none of its 3 page views is on a post: you have no post with a slug yet (paths such as"
        " '/linux/doing-pxe-without-dhcp-control', '/linux/installing-gitlab-on-centos-6'); nothing of it was"
        " counted: create the posts, give --map '/prefix/{slug}'"
    )
    for slug in SLUGS:
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    unmapped = cli("analytics", "ingest", str(log), "--json")  # the posts are at /posts/SLUG/ by default
    assert unmapped.exit_code == 2 and "none of its 3 page views is on one of your posts" in unmapped.stderr
    counted = cli("analytics", "ingest", str(log), "--map", "/linux/{slug}")
    assert counted.exit_code == 0, counted.stderr
    assert counted.stderr.startswith("Read 3 new lines from 1 log: ")
    assert (
        "3 page views (UTC days 2015-10-25 to 2015-10-30: analytics report --from 2015-10-25 --to 2015-10-30)"
        " (2 on your posts)"
    ) in counted.stderr
    again = cli("analytics", "ingest", str(log), "--map", "/linux/{slug}", "--json").json()
    assert (again["lines"], again["first_day"], again["last_day"]) == (0, None, None)
    other = write(tmp_path / "other.log", [old_line("10.0.0.4", 26, "/about/")])
    quiet = cli("analytics", "ingest", str(other), "--json")  # the paths match now: counted, with a warning
    assert quiet.exit_code == 0 and "warning: none of the 1 page view read" in quiet.stderr, quiet.stderr
    assert (quiet.json()["first_day"], quiet.json()["last_day"]) == ("2015-10-26", "2015-10-26")


def test_accept_unmatched_counts_a_log_as_it_is(cli, signed_up, tmp_path):
    log = write(tmp_path / "access.log", OLD_LOG)
    for command in (("analytics", "ingest", str(log)), ("interactive", "stats", "--from-log", str(log))):
        accepted = cli(*command, "--accept-unmatched")
        assert accepted.exit_code == 0, accepted.stderr
    assert "Read 0 new lines" in cli("analytics", "ingest", str(log), "--map", "/linux/{slug}").stderr


def test_report_and_dashboard_of_no_views_name_the_latest_day_with_views(cli, signed_up, tmp_path):
    for slug in SLUGS:
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    assert cli("analytics", "ingest", str(write(tmp_path / "a.log", OLD_LOG)), "--map", "/linux/{slug}").exit_code == 0
    report = cli("analytics", "report")
    assert report.exit_code == 0, report.stderr
    assert report.stdout.startswith("Totals:\nsince\tuntil\tblog\tviews\t")  # the piped data as before
    note = report.stderr.removesuffix("\n")
    assert "\n" not in note and note.startswith("note: no views from ")
    assert note.endswith(
        "; the latest day with views is 2015-10-30: analytics report --from 2015-10-01 --to 2015-10-30 shows it"
    )
    seen = cli("analytics", "report", "--from", "2015-10-01", "--to", "2015-10-30", "--json")
    assert (seen.json()["totals"]["views"], seen.json()["latest_view_day"], seen.stderr) == (2, "2015-10-30", "")
    assert cli("analytics", "report", "--from", "2015-10-01", "--to", "2015-10-30").stderr == ""
    one = cli("analytics", "report", "--blog", SLUGS[0], "--days", "7")
    assert "the latest day with views is 2015-10-25: analytics report --from 2015-10-19 --to 2015-10-25" in one.stderr
    board = cli("analytics", "dashboard")
    assert board.exit_code == 0 and board.stdout.startswith("Figures:\nfigure\tlast_30_days\t")
    assert board.stderr.startswith("note: no views from ") and board.stderr.count("\n") == 1
    assert "the latest day with views is 2015-10-30: analytics report --from 2015-10-01 --to 2015-10-30" in board.stderr
    assert cli("analytics", "dashboard", "--json").json()["latest_view_day"] == "2015-10-30"


def test_the_shared_log_ingested_before_its_map_is_counted_with_it(cli, signed_up):
    """The walk's repro on the shared real log (hackers-access.log, 25-30 Oct 2015)."""
    log = shared_data("access_logs", "hackers-access.log")
    for slug in SLUGS:
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    refused = cli("analytics", "ingest", str(log))
    assert (refused.exit_code, refused.stdout, refused.stderr.count("\n")) == (2, "", 1), refused.stderr
    assert refused.stderr.startswith(f"error: {log}: none of its 2351 page views is on one of your posts")
    counted = cli("analytics", "ingest", str(log), "--map", "/linux/{slug}", "--json")
    assert counted.exit_code == 0, counted.stderr
    summary = counted.json()
    assert (summary["lines"], summary["first_day"], summary["last_day"]) == (3456, "2015-10-25", "2015-10-30")
    assert summary["matched"] > 0 and summary["files"][0]["known"] == "new"
