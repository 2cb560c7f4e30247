"""`analytics ingest`: what a log is known by. A one-line log keeps its key when its newline comes, logs
that open with the same header are told apart, and logs recorded under the key forms of earlier
releases are still recognised (never counted twice after an upgrade)."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest

from blogster_cli.analytics.ledger import FileKeys, LogReader
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.services import analytics_ingest
from blogster_cli.services.analytics_ingest import ingest
from tests.integration import test_analytics_ingest as base
from tests.integration.test_analytics_ingest import DAY, figures, line, write

author = base.author


def views(superuser, acting, slug: str = "alpha") -> int:
    return figures(superuser, acting).get((slug, DAY), (0,))[0]


def test_a_one_line_log_counted_before_its_newline_is_not_counted_again(author, superuser, tmp_path):
    acting = author()
    first, second = line("6.6.6.1", "10:00:00", "/posts/alpha/"), line("6.6.6.2", "10:05:00", "/posts/alpha/")
    log = tmp_path / "nn.log"
    log.write_text(first.rstrip("\n"))  # complete, its newline not written yet: counted
    assert ingest(acting, sources=[str(log)]).page_views == 1
    log.write_text(first + second)
    run = ingest(acting, sources=[str(log)])
    assert (run.files[0].known, run.lines, run.page_views) == ("resumed", 1, 1)
    assert views(superuser, acting) == 2


def test_a_one_line_log_on_standard_input_resumes_too(author, superuser):
    acting = author()
    first, second = line("6.6.6.1", "10:00:00", "/posts/alpha/"), line("6.6.6.2", "10:05:00", "/posts/alpha/")
    assert ingest(acting, sources=["-"], stdin=io.BytesIO(first.rstrip("\n").encode())).page_views == 1
    run = ingest(acting, sources=["-"], stdin=io.BytesIO((first + second).encode()))
    assert (run.files[0].known, run.page_views) == ("resumed", 1)
    assert views(superuser, acting) == 2


@pytest.mark.parametrize("opening", ["\n", "#Fields: date time c-ip\n", "=== rotated by logrotate ===\n\n"])
def test_logs_that_open_with_the_same_line_are_all_counted_once(author, superuser, tmp_path, opening):
    acting = author()
    bx = write(tmp_path / "bx.log", [opening, line("5.5.5.1", "10:00:00", "/posts/alpha/"),
                                     line("5.5.5.2", "10:01:00", "/posts/alpha/")])  # fmt: skip
    by = write(tmp_path / "by.log", [opening, line("5.5.5.3", "11:00:00", "/posts/alpha/"),
                                     line("5.5.5.4", "11:01:00", "/posts/alpha/")])  # fmt: skip
    assert [f.known for f in ingest(acting, sources=[str(bx), str(by)]).files] == ["new", "new"]
    assert views(superuser, acting) == 4
    again = ingest(acting, sources=[str(by), str(bx)])
    assert ([f.known for f in again.files], again.lines) == (["counted", "counted"], 0)
    assert views(superuser, acting) == 4


def old_release_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key logs as earlier releases did: the SHA-256 of the first line as read (no newline added)."""

    def first_line_key(self: LogReader, _request_tests: object) -> FileKeys | None:
        head = self.read(1 << 16)
        self.unread(head)
        newline = head.find(b"\n")
        return FileKeys(hashlib.sha256(head if newline < 0 else head[: newline + 1]).hexdigest()) if head else None

    monkeypatch.setattr(LogReader, "file_keys", first_line_key)


def test_logs_recorded_under_an_earlier_key_form_are_recognised(author, superuser, tmp_path):
    acting = author()
    first, second = line("6.6.6.1", "10:00:00", "/posts/alpha/"), line("6.6.6.2", "10:05:00", "/posts/alpha/")
    one_line = tmp_path / "nn.log"
    one_line.write_text(first.rstrip("\n"))
    header = write(tmp_path / "bx.log", ["\n", line("5.5.5.1", "10:00:00", "/posts/alpha/")])
    with pytest.MonkeyPatch.context() as patch:
        old_release_keys(patch)
        ingest(acting, sources=[str(one_line), str(header)])
    assert views(superuser, acting) == 2
    # after the upgrade: the one-line log grew, the other is fed again, a third shares its blank first line
    one_line.write_text(first + second)
    shares = write(tmp_path / "by.log", ["\n", line("5.5.5.3", "11:00:00", "/posts/alpha/")])
    run = ingest(acting, sources=[str(one_line), str(header), str(shares)])
    assert [f.known for f in run.files] == ["resumed", "counted", "new"]
    assert views(superuser, acting) == 4
    assert [f.known for f in ingest(acting, sources=[str(one_line), str(header), str(shares)]).files] == [
        "counted", "counted", "counted"
    ]  # fmt: skip
    assert views(superuser, acting) == 4


def vhost_logs(tmp_path: Path, first: str, a_lines: int, b_lines: int) -> tuple[Path, Path]:
    """Two sites' logs that open with the same request (a visitor of both in the same second)."""
    a = write(tmp_path / "a.log", [first] + [line(f"5.5.5.{i}", "10:01:00", "/posts/alpha/") for i in range(a_lines)])
    b = write(tmp_path / "b.log", [first] + [line(f"7.7.{i}.7", "11:01:00", "/posts/beta/") for i in range(b_lines)])
    return a, b


@pytest.mark.parametrize("b_lines", [3, 40], ids=["shorter", "longer"])
def test_logs_that_open_with_the_same_request_are_each_counted(author, superuser, tmp_path, b_lines):
    """Red team 28: the second log ended inside the first one's counted range and was taken as counted
    unread (0 lines, exit 0), or differed later and was refused for ever."""
    acting = author()
    a, b = vhost_logs(tmp_path, line("6.6.6.6", "10:00:00", "/posts/gamma/"), 20, b_lines)
    run = ingest(acting, sources=[str(a), str(b)])
    assert [(f.known, f.new_lines) for f in run.files] == [("new", 21), ("new", b_lines + 1)]
    assert (views(superuser, acting, "beta"), views(superuser, acting, "gamma")) == (b_lines, 2)
    # each is its own log from now on: fed again, grown, gzipped, cut short, in either order
    again = ingest(acting, sources=[str(b), str(a)])
    assert ([f.known for f in again.files], again.lines) == (["counted", "counted"], 0)
    b.write_text(b.read_text() + line("7.7.7.8", "12:00:00", "/posts/beta/"))
    grown = ingest(acting, sources=[str(b)])
    assert (grown.files[0].known, grown.lines) == ("resumed", 1)
    zipped = write(tmp_path / "b.log.1.gz", [b.read_text()], gz=True)
    cut_short = tmp_path / "b.log.2.gz"  # stored, not deflated: half the file is half the log
    cut_short.write_bytes(gzip.compress(b.read_bytes(), compresslevel=0)[: b.stat().st_size // 2])
    rotated = ingest(acting, sources=[str(zipped), str(cut_short), str(a)])
    assert ([f.known for f in rotated.files], rotated.lines) == (["counted", "counted", "counted"], 0)
    assert (views(superuser, acting, "beta"), views(superuser, acting, "gamma")) == (b_lines + 1, 2)


def test_a_copy_cut_short_is_checked_line_by_line(author, superuser, tmp_path):
    """A log that ends inside a counted range is counted when each of its lines is the counted one (a .gz
    cut short, a copy taken earlier), and a log of its own when one is not: never taken unread."""
    acting = author()
    first = line("6.6.6.6", "10:00:00", "/posts/gamma/")
    a, _ = vhost_logs(tmp_path, first, 200, 0)
    assert ingest(acting, sources=[str(a)]).lines == 201
    data = a.read_bytes()
    half = tmp_path / "a.log.1.gz"  # stored, not deflated: half the file is half the log
    half.write_bytes(gzip.compress(data, compresslevel=0)[: len(data) // 2])
    earlier = write(tmp_path / "a.log.0", [data[: data.index(b"5.5.5.50 ")].decode()])
    run = ingest(acting, sources=[str(half), str(earlier)])
    assert ([f.known for f in run.files], run.lines) == (["counted", "counted"], 0)
    # the same lines but one (the 51st of 201): another log, counted from its first byte
    edited = write(tmp_path / "edited.log", [data.decode().replace("5.5.5.50 ", "5.5.5.99 ")[: len(data) // 2]])
    other = ingest(acting, sources=[str(edited)])
    assert (other.files[0].known, other.lines) == ("new", edited.read_text().count("\n"))
    assert views(superuser, acting, "gamma") == 2


def test_ranges_recorded_before_line_digests_are_still_checked_whole(author, superuser, tmp_path):
    """Ranges of earlier releases have no line digests: a copy that ends inside one cannot be checked
    and is refused (exit 1), never taken as counted; a longer one that differs is a log of its own."""
    acting = author()
    first = line("6.6.6.6", "10:00:00", "/posts/gamma/")
    a, b = vhost_logs(tmp_path, first, 20, 3)
    ingest(acting, sources=[str(a)])
    superuser.execute(
        "update analytics_ingest_ranges set line_digests = null where author_id = %s", (acting.actor.user_id,)
    )
    assert ingest(acting, sources=[str(a)]).files[0].known == "counted"
    assert ingest(acting, sources=[str(b)]).files[0].known == "differs"
    b.write_text(b.read_text() + "".join(line(f"7.7.8.{i}", "11:02:00", "/posts/beta/") for i in range(30)))
    assert [(f.known, f.new_lines) for f in ingest(acting, sources=[str(b), str(b)]).files] == [
        ("new", 34), ("counted", 0)
    ]  # fmt: skip
    assert views(superuser, acting, "beta") == 33


def test_a_log_that_differs_beyond_what_can_be_read_again_is_refused(author, superuser, tmp_path, monkeypatch):
    """Reading it as another log needs its first bytes again (standard input cannot be rewound): a log
    that differs from the counted one further in than PUT_BACK_BYTES is refused, as before."""
    acting = author()
    first = line("5.5.5.1", "10:00:00", "/posts/alpha/")
    ingest(
        acting, sources=[str(write(tmp_path / "a.log", ["#v1\n", first, line("5.5.5.2", "10:01:00", "/posts/beta/")]))]
    )
    monkeypatch.setattr(analytics_ingest, "PUT_BACK_BYTES", 10)
    edited = write(tmp_path / "b.log", ["#v1\n", first, line("5.5.5.9", "10:09:00", "/posts/gamma/")])
    assert ingest(acting, sources=[str(edited)]).files[0].known == "differs"
    assert ("gamma", DAY) not in figures(superuser, acting)


def test_a_log_read_in_another_format_is_the_same_log(author, superuser, tmp_path):
    """Red team 28: the first request was found with the chosen format's parser, so a log whose first
    request is common (not combined) had another key under each `--format` and was counted twice."""
    acting = author()
    common = '6.6.6.1 - - [01/Dec/2026:09:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 512\n'
    log = write(tmp_path / "mixed.log", ["#header\n", common, line("6.6.6.2", "10:00:00", "/posts/alpha/")])
    assert ingest(acting, sources=[str(log)], log_format=LogFormat.COMBINED).files[0].known == "new"
    for log_format in (LogFormat.COMMON, LogFormat.NGINX_JSON, LogFormat.COMBINED):
        run = ingest(acting, sources=[str(log)], log_format=log_format)
        assert (run.files[0].known, run.lines) == ("counted", 0), log_format
    keys = superuser.execute(
        "select distinct file_key from analytics_ingest_ranges where author_id = %s", (acting.actor.user_id,)
    ).fetchall()
    assert len(keys) == 1


def test_a_log_recorded_under_its_formats_own_key_stays_there(author, superuser, tmp_path, monkeypatch):
    """Logs recorded by earlier releases under the key of the chosen format's first request are found."""
    acting = author()
    common = '6.6.6.1 - - [01/Dec/2026:09:00:00 +0000] "GET /posts/alpha/ HTTP/1.1" 200 512\n'
    log = write(tmp_path / "mixed.log", ["#header\n", common, line("6.6.6.2", "10:00:00", "/posts/alpha/")])
    with monkeypatch.context() as patch:  # as earlier releases: keyed by the combined parser alone
        patch.setattr(analytics_ingest, "LogFormat", [LogFormat.COMBINED])
        ingest(acting, sources=[str(log)], log_format=LogFormat.COMBINED)
    recorded = superuser.execute("select file_key from analytics_ingest_ranges where author_id = %s",
                                 (acting.actor.user_id,)).fetchone()[0]  # fmt: skip
    assert recorded == hashlib.sha256(log.read_bytes()).hexdigest()
    log.write_text(log.read_text() + common.replace("6.6.6.1", "6.6.6.3"))  # read as common: a common line
    run = ingest(acting, sources=[str(log)], log_format=LogFormat.COMMON)
    assert (run.files[0].known, run.lines) == ("resumed", 1)
    assert views(superuser, acting) == 2  # 6.6.6.1 is no combined request: malformed in the first run
