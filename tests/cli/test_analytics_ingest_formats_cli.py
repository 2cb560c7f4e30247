"""`blogster analytics ingest` of a log in another format than `--format`: one line and exit 2, or the
others counted and exit 1; the warnings of a log that opens as a counted one and of views on no post."""

from __future__ import annotations

from tests.cli.test_analytics_cli import posts  # noqa: F401 (fixture)
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, line, write
from tests.integration.test_analytics_ingest_formats import as_common, as_nginx_json, real_lines


def test_an_nginx_json_log_without_its_format_is_one_line_and_exit_2(cli, posts, tmp_path):  # noqa: F811
    """Red team: every line malformed, exit 0, and the log recorded as counted: `--format nginx-json`
    then read "0 new lines" (exit 0), and no command forgets a counted log."""
    log = write(tmp_path / "n.json", as_nginx_json(real_lines(200)))
    for json in ((), ("--json",)):
        wrong = cli("analytics", "ingest", str(log), *json)
        assert wrong.exit_code == 2, wrong.stderr
        assert wrong.stdout == ""
        assert wrong.stderr == (
            f"error: {log}: none of its 200 lines is a combined request (--format combined); they look like"
            " nginx-json: try --format nginx-json; nothing of it was counted\n"
        )
    right = cli("analytics", "ingest", "--format", "nginx-json", str(log), "--accept-unmatched", "--json")
    assert right.exit_code == 0, right.stderr
    assert (right.json()["lines"], right.json()["parsed"], right.json()["files"][0]["refused"]) == (200, 200, None)


def test_a_combined_log_given_format_common_is_refused_as_combined(cli, posts, tmp_path):  # noqa: F811
    """A combined line was a common one too: the log was counted without referrers and user agents
    (crawlers as visitors), exit 0. `interactive stats --from-log`, which runs the ingest, says the same."""
    lines = real_lines(120)
    log = write(tmp_path / "access.log", lines)
    refusal = (
        f"error: {log}: none of its 120 lines is a common request (--format common); they look like combined:"
        " try --format combined; nothing of it was counted\n"
    )
    for command in (("analytics", "ingest", str(log)), ("interactive", "stats", "--from-log", str(log))):
        wrong = cli(*command, "--format", "common")
        assert (wrong.exit_code, wrong.stdout, wrong.stderr) == (2, "", refusal), command
    common = write(tmp_path / "access.common.log", as_common(lines))
    for log_format, path in (("combined", log), ("common", common)):
        right = cli("analytics", "ingest", "--format", log_format, str(path), "--accept-unmatched", "--json")
        assert right.exit_code == 0, right.stderr
        assert (right.json()["lines"], right.json()["parsed"], right.json()["malformed"]) == (120, 120, 0)


def test_the_other_logs_are_counted_and_the_run_exits_1(cli, posts, tmp_path):  # noqa: F811
    lines = real_lines(60)
    good = write(tmp_path / "access.log", HAND_MADE_LOG)
    wrong = write(tmp_path / "n.json", as_nginx_json(lines))
    result = cli("analytics", "ingest", str(wrong), str(good), "--json")
    assert result.exit_code == 1, result.stderr
    assert f"error: {wrong}: none of its 60 lines is a combined request" in result.stderr
    summary = result.json()
    assert (summary["lines"], [f["refused"] is not None for f in summary["files"]]) == (8, [True, False])
    both = cli("analytics", "ingest", str(wrong), str(write(tmp_path / "m.json", as_nginx_json(real_lines(5)))))
    assert both.exit_code == 2 and both.stdout == ""
    assert [text.split(": none of")[0] for text in both.stderr.splitlines()] == [
        f"error: {wrong}", f"error: {tmp_path / 'm.json'}"
    ]  # fmt: skip


def test_a_log_that_opens_as_a_counted_one_warns_it_may_count_twice(cli, posts, tmp_path):  # noqa: F811
    lines = real_lines(40)
    first = cli("analytics", "ingest", str(write(tmp_path / "access.log.1", lines)), "--accept-unmatched")
    assert first.exit_code == 0, first.stderr
    rewritten = write(tmp_path / "access.log.1.anon", [*lines[:-1], "192.0.2.0" + lines[-1][lines[-1].index(" ") :]])
    result = cli("analytics", "ingest", str(rewritten), "--accept-unmatched", "--json")
    assert result.exit_code == 0, result.stderr
    warning = f"warning: {rewritten}: its first 39 lines are those of a log counted before, a later one differs"
    assert warning in result.stderr
    assert result.json()["files"][0]["same_opening_lines"] == 39
    assert result.json()["warnings"][0].startswith(f"{rewritten}: its first 39 lines")


def test_views_on_none_of_my_posts_point_to_map(cli, posts, tmp_path):  # noqa: F811
    log = write(tmp_path / "access.log", [line("10.0.0.1", "10:00:00", "/2026/12/alpha.html"),
                                          line("10.0.0.2", "10:00:00", "/2026/12/beta.html")])  # fmt: skip
    result = cli("analytics", "ingest", str(log), "--accept-unmatched")
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: none of the 2 page views read is on one of your posts (paths such as '/2026/12/alpha.html',"
        " '/2026/12/beta.html'): if your posts' addresses are not your permalink pattern, give --map PATTERN"
    ) in result.stderr
    assert "--map" not in cli("analytics", "ingest", str(write(tmp_path / "b.log", HAND_MADE_LOG))).stderr
