"""`blogster analytics ingest` from the command line: the --json summary, stdin, one-line errors."""

from __future__ import annotations

import gzip
import re
import tracemalloc

import pytest

from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write

SUMMARY_KEYS = {"lines", "parsed", "malformed", "crawlers", "matched", "unique_visitors", "malformed_sample"}


@pytest.fixture
def posts(cli, signed_up):
    for title in ("Alpha", "Beta"):
        assert cli("posts", "new", title, "--slug", title.lower()).exit_code == 0


def test_ingest_prints_a_json_summary_and_counts_once(cli, posts, tmp_path):
    log = write(tmp_path / "access.log", HAND_MADE_LOG)
    first = cli("analytics", "ingest", str(log), "--json")
    assert first.exit_code == 0, first.stderr
    summary = first.json()
    assert SUMMARY_KEYS <= set(summary)
    assert (summary["lines"], summary["parsed"], summary["malformed"], summary["crawlers"]) == (8, 7, 1, 1)
    assert (summary["matched"], summary["unique_visitors"]) == (4, 3)
    again = cli("analytics", "ingest", str(log), "--json").json()
    assert (again["lines"], again["files"][0]["known"]) == (0, "counted")


def test_ingest_reads_standard_input_and_prints_one_line_off_a_terminal(cli, posts):
    result = cli("analytics", "ingest", "-", input="".join(HAND_MADE_LOG))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "8 new lines" in lines[0] and "1 malformed" in lines[0]


@pytest.mark.parametrize(
    "args",
    [("--format", "apache"), ("--map", "/blog/no-slug-here"), ("/nonexistent/access.log",)],
    ids=["bad format", "bad map", "missing file"],
)
def test_bad_input_is_one_line_and_exit_2(cli, posts, tmp_path, args):
    log = write(tmp_path / "access.log", HAND_MADE_LOG)
    result = cli("analytics", "ingest", *(args if args[0].startswith("/") else (str(log), *args)))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_ingest_help_states_the_definitions(cli):
    text = cli("analytics", "ingest", "--help").stdout
    for words in ("30 minutes", "bounce rate", "IP + day + user agent", "crawler-user-agents", "UTC"):
        assert words in text


def test_dashboard_and_report_print_json_text_and_one_line_errors(cli, posts, tmp_path):
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", HAND_MADE_LOG))).exit_code == 0
    board = cli("analytics", "dashboard", "--json")
    assert board.exit_code == 0, board.stderr
    assert {"stats", "last_30_days", "previous_30_days", "deltas", "trending_score"} <= set(board.json())
    assert "engagement_rate" in cli("analytics", "dashboard").stdout
    result = cli("analytics", "report", "--days", "90", "--json")
    assert result.exit_code == 0 and len(result.json()["days"]) == 90
    text = cli("analytics", "report").stdout  # piped: a row a day under "Views per day:" (h293 L5)
    days = text.split("Views per day:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert days[0] == "date\tviews\tunique_visitors" and len(days) == 31
    assert cli("analytics", "report", "--days", "0").exit_code == 2
    missing = cli("analytics", "report", "--blog", "no-such-post")
    assert missing.exit_code == 3 and missing.stderr.count("\n") == 1


def test_seo_keywords_import_twice_and_list(cli, signed_up, tmp_path):
    csv_file = tmp_path / "keywords.csv"
    csv_file.write_text("Keyword,Volume,KD,CPC,Intent\nterminal habits,1200,35,0.8,informational\n,1,1,1,\n")
    first = cli("seo", "import-keywords", str(csv_file), "--json")
    assert first.exit_code == 0, first.stderr
    assert (first.json()["inserted"], len(first.json()["rejected"])) == (1, 1)
    assert cli("seo", "import-keywords", str(csv_file), "--json").json()["updated"] == 1
    listed = cli("seo", "keywords", "--json").json()
    assert [(k["keyword"], k["search_volume"], k["intent"]) for k in listed] == [
        ("terminal habits", 1200, "informational")
    ]
    missing = cli("seo", "import-keywords", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


@pytest.mark.same_on_every_server  # reading the log is Python's: CI's second pass leaves it out
def test_a_gzip_bomb_is_read_in_pieces_and_counted_as_one_malformed_line(cli, posts, tmp_path):
    """160 KB of gzip that unpacks to 160 MB without a newline: before, the line was held whole
    (660 MB of memory for a bigger one); now it is read through in pieces and counts once."""
    bomb = tmp_path / "access.log.gz"
    with gzip.open(bomb, "wb") as out:
        out.write("".join(HAND_MADE_LOG[:2]).encode())
        zeros = bytes(1 << 20)
        out.writelines(zeros for _ in range(160))
        out.write(b"\n" + "".join(HAND_MADE_LOG[2:]).encode())
    tracemalloc.start()
    try:
        result = cli("analytics", "ingest", str(bomb), "--json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert (summary["lines"], summary["malformed"]) == (len(HAND_MADE_LOG) + 1, 2)
    assert peak < 64 << 20, f"peak {peak >> 20} MiB"
    again = cli("analytics", "ingest", str(bomb), "--json").json()
    assert (again["lines"], again["files"][0]["known"]) == (0, "counted")


def _crc_failed(data: bytes) -> bytes:
    packed = bytearray(gzip.compress(data))
    packed[-8] ^= 0xFF  # its CRC-32
    return bytes(packed)


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b\x08\x00garbagegarbage",  # was: "unexpected failure: Error -3 while decompressing data", exit 1
        b"\x1f\x8b\x08\x00garbage",  # a header cut short: was read as an empty log, exit 0
        b"\x1f\x8b",
        _crc_failed("".join(HAND_MADE_LOG).encode()),
    ],
    ids=["garbage after a header", "a header cut short", "the signature alone", "a failed CRC"],
)
def test_a_file_with_the_gzip_signature_that_gzip_cannot_read_is_one_line_and_exit_2(cli, posts, tmp_path, data):
    log = tmp_path / "x.log"
    log.write_bytes(data)
    result = cli("analytics", "ingest", str(log))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: cannot read {log}: not a readable gzip file (")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_dashboard_table_shows_fractions_to_two_decimals(cli, posts, tmp_path):
    """It printed 0.6666666666666666; --json keeps the figure whole."""
    from datetime import UTC, datetime

    today = datetime.now(UTC).strftime("%d/%b/%Y")
    agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
    lines = [
        f'10.0.0.{n} - - [{today}:00:0{n}:00 +0000] "GET {path} HTTP/1.1" 200 512 "-" "{agent}"\n'
        for n, path in ((1, "/posts/alpha/"), (2, "/posts/alpha/"), (2, "/posts/beta/"), (3, "/posts/alpha/"))
    ]
    assert cli("analytics", "ingest", str(write(tmp_path / "today.log", lines))).exit_code == 0
    board = cli("analytics", "dashboard", "--json").json()["last_30_days"]
    fractions = [value for value in board.values() if isinstance(value, float) and round(value, 2) != value]
    assert fractions, board  # a figure with more than two decimals to show
    shown = cli("analytics", "dashboard").stdout
    assert re.search(r"\d\.\d{3,}", shown) is None, shown


def test_report_counts_a_reader_of_two_posts_once_a_day(cli, posts, tmp_path):
    """The day's and the period's visitors summed the posts' own: a reader of alpha and beta counted twice."""
    from datetime import UTC, datetime

    today = datetime.now(UTC).strftime("%d/%b/%Y")
    agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
    lines = [
        f'10.0.0.{n} - - [{today}:00:0{n}:00 +0000] "GET {path} HTTP/1.1" 200 512 "-" "{agent}"\n'
        for n, path in ((1, "/posts/alpha/"), (1, "/posts/beta/"), (2, "/posts/alpha/"))
    ]
    assert cli("analytics", "ingest", str(write(tmp_path / "today.log", lines))).exit_code == 0
    report = cli("analytics", "report", "--json").json()
    assert (report["totals"]["unique_visitors"], report["days"][-1]["unique_visitors"]) == (2, 2)
    assert sorted(post["unique_visitors"] for post in report["top_posts"]) == [1, 2]  # per post: its own
    assert cli("analytics", "dashboard", "--json").json()["last_30_days"]["unique_visitors"] == 2
    assert "however many" in cli("analytics", "report", "--help").stdout


def test_a_skipped_log_is_named_and_exits_1_after_the_others_are_counted(cli, posts, tmp_path, monkeypatch):
    """A log refused as differing from one counted before has its requests left out: cron must notice.
    (A log that differs is counted as another one, unless it differs further in than can be read again.)"""
    from blogster_cli.services import analytics_ingest

    monkeypatch.setattr(analytics_ingest, "PUT_BACK_BYTES", 10)
    first = HAND_MADE_LOG[0]
    write(tmp_path / "a.log", [first, HAND_MADE_LOG[2]])
    assert cli("analytics", "ingest", str(tmp_path / "a.log")).exit_code == 0
    write(tmp_path / "b.log", [first, HAND_MADE_LOG[3]])
    write(tmp_path / "c.log", [HAND_MADE_LOG[4]])
    for json in ((), ("--json",)):
        result = cli("analytics", "ingest", str(tmp_path / "b.log"), str(tmp_path / "c.log"), *json)
        assert result.exit_code == 1, result.stderr
        assert f"skipped: {tmp_path / 'b.log'}: it begins like a log read before and cannot be checked" in result.stderr
        assert "Traceback" not in result.stderr
    assert result.json()["files"][0]["known"] == "differs"
