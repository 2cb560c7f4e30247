"""`analytics ingest` in the wrong `--format`: a log none of whose lines parses is refused, never recorded
as counted (it was, and its views could never be counted); a log taken as new although it opens as a
counted one is said so; a new log with views on none of your posts is refused (`--map`), or counted with a
warning when accepted as it is.

The logs are the shared real combined log (hackers-access.log) and the same requests written as nginx
writes them in the common and JSON formats."""

from __future__ import annotations

import json
import re
from functools import partial

import pytest

from blogster_cli.analytics import logformat
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.services import analytics_ingest
from tests.conftest import shared_data
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import GOOGLEBOT, line, write

author = base.author
# The shared log's paths are none of the test posts' (alpha, beta, gamma): its new logs are taken as they are.
ingest = partial(analytics_ingest.ingest, accept_unmatched=True)

_COMBINED = re.compile(r'(\S+) \S+ (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"')
# What nginx writes for a TLS handshake or a scanner's bytes sent to port 80: a 400 with no request.
JUNK = '185.224.128.17 - - [25/Oct/2015:04:11:20 +0100] "\\x16\\x03\\x01\\x00\\xF1\\x01" 400 157 "-" "-"\n'


def real_lines(count: int | None = None) -> list[str]:
    lines = shared_data("access_logs", "hackers-access.log").read_text().splitlines(keepends=True)
    return lines[:count]


def as_common(lines: list[str]) -> list[str]:
    """Without the referrer and user agent: `log_format common` (Apache's and nginx's default before combined)."""
    return [_COMBINED.match(text).group(0).rsplit(' "', 2)[0] + "\n" for text in lines]  # type: ignore[union-attr]


def as_nginx_json(lines: list[str]) -> list[str]:
    """`log_format json escape=json '{"time_local":"$time_local",...}'`, the usual nginx JSON log."""
    out = []
    for text in lines:
        ip, user, when, request, status, size, referrer, agent = _COMBINED.match(text).groups()  # type: ignore[union-attr]
        fields = {"time_local": when, "remote_addr": ip, "remote_user": "" if user == "-" else user,
                  "request": request, "status": status, "body_bytes_sent": size, "http_referer": referrer,
                  "http_user_agent": agent}  # fmt: skip
        out.append(json.dumps(fields, separators=(",", ":")) + "\n")
    return out


def ledger_rows(superuser, acting) -> int:
    return superuser.execute(
        "select count(*) from analytics_ingest_ranges where author_id = %s", (acting.actor.user_id,)
    ).fetchone()[0]


@pytest.mark.parametrize(
    ("shape", "written_in", "read_as"),
    [
        (as_nginx_json, LogFormat.NGINX_JSON, LogFormat.COMBINED),
        (as_common, LogFormat.COMMON, LogFormat.COMBINED),
        (lambda lines: lines, LogFormat.COMBINED, LogFormat.NGINX_JSON),
        (lambda lines: lines, LogFormat.COMBINED, LogFormat.COMMON),
    ],
    ids=["nginx-json as combined", "common as combined", "combined as nginx-json", "combined as common"],
)
def test_a_log_in_another_format_is_refused_then_counted_in_its_own(
    author, superuser, tmp_path, shape, written_in, read_as
):
    """Red team: read without `--format nginx-json`, every line was malformed and the log recorded as
    counted (exit 0); with the right format it then read "0 new lines", for ever."""
    acting = author()
    log = write(tmp_path / "n.json", [JUNK, *shape(real_lines(300))])
    wrong = ingest(acting, sources=[str(log)], log_format=read_as)
    assert (wrong.lines, wrong.page_views, ledger_rows(superuser, acting)) == (0, 0, 0)
    right = ingest(acting, sources=[str(log)], log_format=written_in)
    assert (right.files[0].known, right.lines, right.parsed) == ("new", 301, 300)
    assert (wrong.files[0].refused, right.files[0].refused) == (
        f"{log}: none of its 301 lines is a {read_as} request (--format {read_as}); they look like {written_in}:"
        f" try --format {written_in}; nothing of it was counted",
        None,
    )
    again = ingest(acting, sources=[str(log)], log_format=read_as)  # counted: nothing new, nothing refused
    assert (again.files[0].known, again.files[0].refused, again.lines) == ("counted", None, 0)


def test_a_common_log_counts_the_combined_ones_views_but_its_crawlers(author, superuser, tmp_path):
    """A combined line was a common one too, cut before its referrer and user agent: a combined log given
    `--format common` was counted, its crawlers as visitors and its referrers lost (it is refused now, see
    above). The same requests written as common, a crawler's combined line and a junk line among them
    (malformed, not a reason to refuse the log), count the combined log's page views, referrers aside."""
    lines = [
        *real_lines(300),
        line("66.249.66.1", "10:06:00", "/posts/alpha/", agent=GOOGLEBOT),
        line("10.0.0.1", "10:00:00", "/posts/alpha/", ref="https://news.ycombinator.com/"),
    ]
    as_combined = author()
    combined = ingest(as_combined, sources=[str(write(tmp_path / "combined.log", lines))])
    assert (combined.lines, combined.parsed, combined.crawlers, combined.matched) == (302, 302, 1, 1)
    as_common_log = author()
    common_lines = [*as_common(lines[:150]), JUNK, lines[300], *as_common(lines[150:300]), *as_common(lines[301:])]
    common = ingest(as_common_log, sources=[str(write(tmp_path / "common.log", common_lines))],
                    log_format=LogFormat.COMMON)  # fmt: skip
    assert (common.files[0].refused, common.lines, common.parsed, common.malformed) == (None, 303, 301, 2)
    assert (common.page_views, common.matched, common.crawlers) == (combined.page_views, 1, 0)
    assert base.figures(superuser, as_combined)[("alpha", base.DAY)][4] == {"news.ycombinator.com": 1}
    assert base.figures(superuser, as_common_log)[("alpha", base.DAY)][4] == {}


def test_a_combined_log_counted_as_common_by_an_earlier_release_goes_on_as_combined(
    author, superuser, tmp_path, monkeypatch
):
    """Upgrading: a combined log an earlier release counted as common keeps its key (the first line any
    format reads); its new lines are refused as common, and `--format combined` reads them after the counted part."""
    acting = author()
    lines = real_lines(200)
    log = write(tmp_path / "access.log", lines[:100])
    with monkeypatch.context() as patch:  # the common format of earlier releases: any line that begins as one
        patch.setattr(logformat, "_COMMON_RE", re.compile(r'(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) \S+'))
        assert ingest(acting, sources=[str(log)], log_format=LogFormat.COMMON).parsed == 100
    write(log, lines)
    wrong = ingest(acting, sources=[str(log)], log_format=LogFormat.COMMON)
    assert (wrong.files[0].known, wrong.lines, ledger_rows(superuser, acting)) == ("resumed", 0, 1)
    assert wrong.files[0].refused == (
        f"{log}: none of its 100 new lines is a common request (--format common); they look like combined:"
        " try --format combined; nothing of it was counted"
    )
    right = ingest(acting, sources=[str(log)], log_format=LogFormat.COMBINED)
    assert (right.files[0].known, right.lines, right.parsed, right.files[0].refused) == ("resumed", 100, 100, None)


def test_a_file_in_no_format_is_refused_with_its_first_line(author, superuser, tmp_path):
    """An nginx error log named by mistake: recorded as counted, it could never be read by a later release."""
    acting = author()
    errors = write(tmp_path / "error.log", [
        '2026/12/01 10:00:00 [error] 812#812: *1 open() "/srv/www/wp-login.php" failed (2: No such file)\n',
        "2026/12/01 10:00:03 [notice] 812#812: signal process started\n",
    ])  # fmt: skip
    run = ingest(acting, sources=[str(errors)])
    assert (run.malformed, ledger_rows(superuser, acting)) == (0, 0)
    assert run.files[0].refused == (
        f"{errors}: none of its 2 lines is a combined request (--format combined); nor one in the other formats"
        " --format takes (common, nginx-json, vhost-combined, vhost-common); it begins '2026/12/01 10:00:00 [error]"
        ' 812#812: *1 open() "/srv/www/wp-login.php" failed (2\'; nothing of it was counted'
    )


def test_a_real_log_with_junk_lines_is_read_and_junk_alone_after_a_counted_part_too(author, superuser, tmp_path):
    """Malformed lines never decide alone: one request in the head is enough; and a log read before
    whose new lines are only junk (its rotated copy ends with a scanner's) is read, not refused each run."""
    acting = author()
    lines = real_lines(200)
    log = write(tmp_path / "access.log", [JUNK, JUNK, *lines[:100]])
    first = ingest(acting, sources=[str(log)])
    assert (first.files[0].refused, first.lines, first.malformed) == (None, 102, 2)
    write(log, [JUNK, JUNK, *lines[:100], JUNK])
    rotated = ingest(acting, sources=[str(log)])
    assert (rotated.files[0].known, rotated.files[0].refused, rotated.malformed) == ("resumed", None, 1)
    # its new part in another format is refused, and read in that format: the counted part stays counted
    write(log, [JUNK, JUNK, *lines[:100], JUNK, *as_nginx_json(lines[100:])])
    wrong = ingest(acting, sources=[str(log)])
    assert (wrong.lines, ledger_rows(superuser, acting)) == (0, 2)
    right = ingest(acting, sources=[str(log)], log_format=LogFormat.NGINX_JSON)
    assert (right.files[0].known, right.lines, right.parsed) == ("resumed", 100, 100)
    assert ledger_rows(superuser, acting) == 3
    assert wrong.files[0].refused == (
        f"{log}: none of its 100 new lines is a combined request (--format combined); they look like nginx-json:"
        " try --format nginx-json; nothing of it was counted"
    )


def test_a_line_still_being_written_is_not_judged(author, superuser, tmp_path):
    """A new log of one line the server is still writing is no log in another format: it waits."""
    acting = author()
    log = tmp_path / "access.log"
    log.write_text(real_lines(1)[0][:40])
    run = ingest(acting, sources=[str(log)])
    assert (run.files[0].refused, run.lines, ledger_rows(superuser, acting)) == (None, 0, 0)


def test_the_other_logs_of_the_run_are_counted(author, superuser, tmp_path):
    acting = author()
    lines = real_lines(100)
    good = write(tmp_path / "access.log", lines[:50])
    wrong = write(tmp_path / "n.json", as_nginx_json(lines[50:]))
    run = ingest(acting, sources=[str(wrong), str(good)])
    assert ([(f.known, f.new_lines) for f in run.files], run.lines) == ([("new", 0), ("new", 50)], 50)
    assert [f.refused is not None for f in run.files] == [True, False]


def test_a_log_taken_as_new_though_it_opens_as_a_counted_one_says_so(author, superuser, tmp_path):
    """A log that differs from a counted one only in its last line (rewritten after rotation) is counted
    again from its first byte (the ledger's design, 0128): at least the run says so."""
    acting = author()
    lines = real_lines(120)
    ingest(acting, sources=[str(write(tmp_path / "access.log.1", lines))])
    last = lines[-1]
    rewritten = [*lines[:-1], "192.0.2.0" + last[last.index(" ") :]]  # its last address anonymised
    run = ingest(acting, sources=[str(write(tmp_path / "access.log.1.anon", rewritten))])
    [file] = run.files
    assert (file.known, file.new_lines, file.same_opening_lines) == ("new", 120, 119)
    assert run.warnings[0] == (
        f"{tmp_path / 'access.log.1.anon'}: its first 119 lines are those of a log counted before, a later one"
        " differs: counted as another log from its first line (if it is that log rewritten, as when addresses"
        " are anonymised, its requests are now counted twice)"
    )
    again = ingest(acting, sources=[str(tmp_path / "access.log.1.anon")])  # its own log now: no warning
    assert (again.files[0].known, again.files[0].same_opening_lines, again.warnings) == ("counted", 0, [])


def test_a_new_log_with_views_on_none_of_my_posts_is_refused_until_mapped(author, superuser, tmp_path):
    """h338 #1: a first run without the `--map` the site needs stored its views on no post and recorded the
    log as counted: the run with `--map` then read nothing new, and nothing undid it. Now nothing of it is
    recorded, and the run with `--map` counts it."""
    acting = author()
    log = write(tmp_path / "access.log", [
        line("10.0.0.1", "10:00:00", "/"),
        line("10.0.0.1", "10:00:05", "/blog/2026/alpha.html"),
        line("10.0.0.2", "10:01:00", "/blog/2026/beta.html?ref=feed"),
        line("10.0.0.2", "10:01:01", "/static/site.css"),
    ])  # fmt: skip
    run = analytics_ingest.ingest(acting, sources=[str(log)])
    assert run.files[0].refused == (
        f"{log}: none of its 3 page views is on one of your posts (paths such as '/blog/2026/alpha.html',"
        " '/blog/2026/beta.html'); nothing of it was counted: create the posts, give --map '/prefix/{slug}' if"
        " their paths are not your permalink pattern, and ingest it again (--accept-unmatched counts it as it"
        " is, never to be read again)"
    )
    assert (run.page_views, run.lines, run.warnings, ledger_rows(superuser, acting)) == (0, 0, [], 0)
    mapped = analytics_ingest.ingest(acting, sources=[str(log)], map_pattern="/blog/*/{slug}.html")
    assert (mapped.files[0].known, mapped.files[0].refused, mapped.page_views, mapped.matched) == ("new", None, 3, 2)
    assert {slug for slug, _ in base.figures(superuser, acting)} == {"alpha", "beta"}
    quiet = write(tmp_path / "access.log.next", [line("10.0.0.3", "11:00:00", "/about/")])
    later = analytics_ingest.ingest(acting, sources=[str(quiet)])  # the paths match now: a quiet day's log
    assert (later.files[0].refused, later.page_views, later.matched, len(later.warnings)) == (None, 1, 0, 1)


def test_a_new_log_of_home_page_views_alone_is_counted(author, superuser, tmp_path):
    """The home page is no post whatever the paths: it says nothing of --map."""
    acting = author()
    run = analytics_ingest.ingest(acting, sources=[str(write(tmp_path / "a.log", [line("10.0.0.1", "10:00:00", "/")]))])
    assert (run.files[0].refused, run.page_views, run.matched, ledger_rows(superuser, acting)) == (None, 1, 0, 1)


def test_a_log_accepted_as_it_is_is_counted_and_says_map(author, superuser, tmp_path):
    """--accept-unmatched: counted as before the refusal, with its warning; a later log can be mapped."""
    acting = author()
    log = write(tmp_path / "access.log", [line("10.0.0.1", "10:00:05", "/blog/2026/alpha.html")])
    run = ingest(acting, sources=[str(log)])
    assert (run.files[0].refused, run.page_views, run.matched) == (None, 1, 0)
    assert run.warnings == [
        "none of the 1 page view read is on one of your posts (paths such as '/blog/2026/alpha.html'): if your"
        " posts' addresses are not your permalink pattern, give --map PATTERN from the next log on; the logs"
        " read now are counted and are not read again"
    ]
    mapped = ingest(acting, sources=[str(log)], map_pattern="/blog/*/{slug}.html")
    assert (mapped.files[0].known, mapped.matched, mapped.warnings) == ("counted", 0, [])
    later = write(tmp_path / "access.log.next", [line("10.0.0.3", "11:00:00", "/blog/2026/alpha.html")])
    assert ingest(acting, sources=[str(later)], map_pattern="/blog/*/{slug}.html").matched == 1


def test_a_log_with_a_view_on_a_post_after_others_is_counted_once_whole(author, superuser, tmp_path, monkeypatch):
    """The batches held back until the first view on a post are counted, in order, each once; a log whose
    views on no post fill the first UNMATCHED_PROBE_BYTES is refused on them (its first ones)."""
    lines = [line(f"10.0.0.{n}", f"10:{n:02d}:00", "/about/") for n in range(1, 30)]
    lines.append(line("10.0.0.1", "10:59:00", "/posts/alpha/"))
    log = write(tmp_path / "access.log", lines)
    held, reference = author(), author()
    run = analytics_ingest.ingest(held, sources=[str(log)], batch_bytes=300)  # a line or two a batch
    assert (run.files[0].refused, run.lines, run.page_views, run.matched) == (None, 30, 30, 1)
    analytics_ingest.ingest(reference, sources=[str(log)], accept_unmatched=True)
    assert base.figures(superuser, held) == base.figures(superuser, reference) != {}
    assert analytics_ingest.ingest(held, sources=[str(log)]).files[0].known == "counted"
    monkeypatch.setattr(analytics_ingest, "UNMATCHED_PROBE_BYTES", 1000)
    late = author()
    refused = analytics_ingest.ingest(late, sources=[str(log)], batch_bytes=300)
    assert (refused.files[0].refused or "").startswith(f"{log}: none of its first ")
    assert ledger_rows(superuser, late) == 0


def test_views_of_an_account_with_no_posts_are_refused(db, make_user, tmp_path):
    from blogster_cli.actors import ActingUser

    log = write(tmp_path / "access.log", real_lines(50))
    run = analytics_ingest.ingest(ActingUser(db, make_user()), sources=[str(log)])
    assert (run.files[0].refused or "").startswith(
        f"{log}: none of its 37 page views is on a post: you have no post with a slug yet (paths such as"
    )
    assert run.page_views == 0 and run.warnings == []
