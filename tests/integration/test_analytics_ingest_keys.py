"""`analytics ingest`: what a log is known by. A one-line log keeps its key when its newline comes, logs
that open with the same header are told apart, and logs recorded under the key forms of earlier
releases are still recognised (never counted twice after an upgrade)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from blogster_cli.analytics.ledger import FileKeys, LogReader
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

    def first_line_key(self: LogReader, _is_request: object) -> FileKeys | None:
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


def test_a_log_differing_after_its_first_request_is_still_refused(author, superuser, tmp_path: Path):
    acting = author()
    first = line("5.5.5.1", "10:00:00", "/posts/alpha/")
    ingest(
        acting, sources=[str(write(tmp_path / "a.log", ["#v1\n", first, line("5.5.5.2", "10:01:00", "/posts/beta/")]))]
    )
    edited = write(tmp_path / "b.log", ["#v1\n", first, line("5.5.5.9", "10:09:00", "/posts/gamma/")])
    assert ingest(acting, sources=[str(edited)]).files[0].known == "differs"
    assert ("gamma", DAY) not in figures(superuser, acting)
