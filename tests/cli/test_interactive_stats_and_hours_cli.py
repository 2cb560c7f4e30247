"""The new-user walk's findings (helper 197): a poll's requests were page views; `interactive stats
--from-log` set its counts from one log (a rotation wiped them), counted crawlers, 4xx and lines that
merely mention a tracking URL, could not read .gz or '-', and held the log in memory; `calendar suggest`
always said 09:00 without saying it was a default. On the real access log, shifted to recent days."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from tests.unit.analytics.test_own_requests import LINE, POST_PATH, real_log, with_beacons

MAP = "/linux/{slug}"
SLUG = POST_PATH.rsplit("/", 1)[1]


def a_post_with_a_poll(cli, tmp_path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: PXE\n---\nTry it.\n\n{{< poll pxe-poll >}}\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", SLUG).exit_code == 0
    poll = tmp_path / "poll.json"
    poll.write_text(json.dumps({"question": "Did it work?", "options": ["yes", "no"]}))
    made = cli("interactive", "create", "poll", "--title", "PXE poll", "--tracking-id", "pxe-poll",
               "--structure", str(poll))  # fmt: skip
    assert made.exit_code == 0, made.stderr


def starts(index: int, count: int, *, day: str = "02/Nov/2015") -> list[str]:
    return [
        f'10.9.{index}.{n} - - [{day}:10:00:{n % 60:02d} +0100] "GET /_i/pxe-poll/start HTTP/1.1" 204 0'
        f' "https://howto.basjes.nl{POST_PATH}" "Mozilla/5.0 (X11; Linux x86_64; rv:42.0) Gecko/20100101 Firefox/42.0"\n'
        for n in range(count)
    ]


def stats(cli, *args: str, input: str | None = None) -> dict:
    result = cli("interactive", "stats", *args, "--map", MAP, "--json", input=input)
    assert result.exit_code == 0, result.stderr
    [item] = result.json()
    return item


def test_stats_from_log_accumulates_once_per_line_through_a_rotation_gz_and_stdin(cli, signed_up, tmp_path):
    a_post_with_a_poll(cli, tmp_path)
    lines, started, completed = with_beacons(real_log())
    log = tmp_path / "access.log"
    log.write_text("".join(lines))
    item = stats(cli, "--from-log", str(log))
    assert (item["participation_count"], item["completion_rate"]) == (started, completed / started)
    assert stats(cli, "--from-log", str(log))["participation_count"] == started  # read again: nothing new

    # logrotate: access.log (grown by 3 starts) becomes access.log.1.gz; the new access.log has 10.
    (tmp_path / "access.log.1.gz").write_bytes(gzip.compress("".join(lines + starts(1, 3)).encode()))
    log.write_text("".join(starts(2, 10, day="03/Nov/2015")))
    item = stats(cli, "--from-log", str(tmp_path / "access.log.1.gz"), "--from-log", str(log))
    assert item["participation_count"] == started + 13  # was set to 10: the history wiped

    assert stats(cli, "--from-log", "-", input="".join(starts(3, 2, day="04/Nov/2015")))["participation_count"] == (
        started + 15
    )
    # The same ledger as `analytics ingest`: a log either command read is not counted again by the other.
    again = cli("analytics", "ingest", str(log), str(tmp_path / "access.log.1.gz"), "--map", MAP, "--json").json()
    assert (again["lines"], again["interactive_starts"]) == (0, 0)
    listed = cli("interactive", "stats", "--json").json()  # without --from-log: the stored counts
    assert [entry["participation_count"] for entry in listed] == [started + 15]
    table = cli("interactive", "stats")
    assert table.exit_code == 0 and "pxe-poll" in table.stdout and str(started + 15) in table.stdout


def test_the_polls_requests_are_no_page_views_in_the_ingest_summary(cli, signed_up, tmp_path):
    a_post_with_a_poll(cli, tmp_path)
    plain = tmp_path / "plain.log"
    plain.write_text("".join(real_log()))
    polled = tmp_path / "polled.log"
    lines, started, completed = with_beacons(real_log())
    polled.write_text("".join(lines))
    without = cli("analytics", "ingest", str(plain), "--map", MAP, "--json").json()
    assert cli("auth", "logout").exit_code == 0  # another account: the two logs open alike
    password = "correct horse battery staple 42"
    signup = cli("auth", "signup", "--email", "bo@example.com", "--password-stdin", input=password + "\n")
    assert signup.exit_code == 0, signup.stderr
    a_post_with_a_poll(cli, tmp_path)
    run = cli("analytics", "ingest", str(polled), "--map", MAP, "--json").json()
    assert run["lines"] == without["lines"] + started + completed
    assert (run["page_views"], run["matched"]) == (without["page_views"], without["matched"])
    assert (run["interactive_starts"], run["interactive_completions"]) == (started, completed)
    text = cli("analytics", "ingest", str(polled), "--map", MAP)
    assert "0 interactive starts (0 completed)" in text.stderr


def recent(lines: list[str], days_ago: int = 9) -> list[str]:
    """The real log's lines moved to recent days (same times of day, same offsets): `calendar suggest`
    reads the last 90 days."""
    first = datetime(2015, 10, 25, tzinfo=UTC).date()
    target = datetime.now(UTC).date() - timedelta(days=days_ago)
    out = []
    for line in lines:
        found = re.search(r"\[(\d\d/\w+/\d{4})", line)
        day = datetime.strptime(found.group(1), "%d/%b/%Y").date()
        moved = target + (day - first)
        out.append(line.replace(found.group(1), moved.strftime("%d/%b/%Y"), 1))
    return out


def test_suggest_learns_the_hour_from_ingested_views_and_says_when_it_is_a_default(cli, signed_up, superuser, tmp_path):
    a_post_with_a_poll(cli, tmp_path)
    (blog_id,) = superuser.execute("select id from public.blogs where slug = %s", (SLUG,)).fetchone()
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    superuser.execute(
        "insert into public.blog_analytics (blog_id, date, views) values (%s, %s, 5)", (blog_id, yesterday)
    )  # figures of an earlier release: no hours
    defaulted = cli("calendar", "suggest", "--json", env={"BLOGSTER_TIMEZONE": "UTC"})
    assert defaulted.exit_code == 0, defaulted.stderr
    assert (defaulted.json()["hour"], defaulted.json()["hour_source"], defaulted.json()["days_with_hours"]) == (
        9, "default", 0
    )  # fmt: skip
    assert "09:00 is a default, not your readers' hour" in defaulted.stderr

    lines = recent(real_log())
    log = tmp_path / "access.log"
    log.write_text("".join(lines))
    assert cli("analytics", "ingest", str(log), "--map", MAP).exit_code == 0
    by_hour: Counter[int] = Counter()
    for line in lines:
        found = LINE.match(line.rstrip("\n"))
        if found and found.group(9) == POST_PATH and found.group(10)[0] in "23":
            local = datetime.strptime(line.split("[", 1)[1].split("]", 1)[0], "%d/%b/%Y:%H:%M:%S %z")
            by_hour[local.astimezone(UTC).hour] += 1
    busiest = max(range(24), key=lambda hour: (by_hour[hour], -hour))
    learnt = cli("calendar", "suggest", "--json", env={"BLOGSTER_TIMEZONE": "UTC"})
    assert learnt.exit_code == 0 and "default" not in learnt.stderr
    found = learnt.json()
    assert (found["hour"], found["hour_source"]) == (busiest, "views") and found["days_with_hours"] >= 5
    stored = superuser.execute(
        "select sum(views), array_agg(views_by_hour) from public.blog_analytics where blog_id = %s and date <> %s",
        (blog_id, yesterday),
    ).fetchone()
    assert stored[0] == sum(by_hour.values()) == sum(map(sum, stored[1]))
