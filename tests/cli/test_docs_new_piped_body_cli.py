"""`docs new TITLE` takes a piped body as `posts new` does, and an empty page is never published
(new-user walk 12, item 1: the piped text was dropped, and the empty page went live with exit 0)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Python-bound (what stdin holds, read by processes of their own): `docs new`'s SQL runs on every
# server in test_docs_cli. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

BODY = "Use sentence case for headings.\n"
NO_CONTENT = "error: 'team-style-guide' cannot be published: it has no content\n"
LEFT_EMPTY = "it cannot be left with no text (archive it first)"


def page(cli, slug: str) -> dict:
    shown = cli("docs", "show", slug, "--json")
    assert shown.exit_code == 0, shown.stderr
    return shown.json()


def blogster(*args: str, **how) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "blogster_cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=120, **how)


def test_a_body_piped_into_docs_new_becomes_the_page(cli, signed_up):
    piped = blogster("docs", "new", "Team style guide", input=BODY)  # a real pipe, closed after the text
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "Read the body from standard input.\nCreated 'team-style-guide' (draft).\n"
    assert page(cli, "team-style-guide")["markdown"] == BODY
    assert cli("docs", "publish", "team-style-guide").exit_code == 0
    assert page(cli, "team-style-guide")["status"] == "published"


def test_docs_new_with_nothing_piped_does_not_wait_and_has_no_body(cli, signed_up):
    quiet = blogster("docs", "new", "From cron", stdin=subprocess.DEVNULL)  # cron, CI: stdin is /dev/null
    assert quiet.returncode == 0 and quiet.stderr == "Created 'from-cron' (draft).\n", quiet.stderr
    held = subprocess.Popen(  # a pipe left open with nothing in it (ssh): not waited for
        [sys.executable, "-m", "blogster_cli", "docs", "new", "Over ssh"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ,
    )  # fmt: skip
    try:
        held.wait(timeout=60)
        assert held.returncode == 0 and "not waiting" in held.stderr.read()
    finally:
        held.kill()
        for stream in (held.stdin, held.stdout, held.stderr):
            stream.close()
    assert page(cli, "from-cron")["markdown"] == page(cli, "over-ssh")["markdown"] == ""


def test_an_empty_page_is_not_published(cli, signed_up, tmp_path):
    assert cli("docs", "new", "Team style guide").exit_code == 0  # nothing piped: a draft to write later
    refused = cli("docs", "publish", "team-style-guide")
    assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", NO_CONTENT)
    assert page(cli, "team-style-guide")["status"] == "draft"

    refused = cli("docs", "new", "Team style guide", "--slug", "blank", "--status", "published", input=" \n\t\n")
    assert (refused.exit_code, refused.stderr) == (2, "error: 'blank' cannot be published: it has no content\n")
    assert cli("docs", "show", "blank").exit_code == 3  # nothing created

    front_matter_only = tmp_path / "page.md"
    front_matter_only.write_text("---\nstatus: published\n---\n", encoding="utf-8")
    refused = cli("docs", "edit", "team-style-guide", "--from", str(front_matter_only))
    assert (refused.exit_code, refused.stderr) == (2, NO_CONTENT)

    written = tmp_path / "written.md"
    written.write_text(BODY, encoding="utf-8")
    assert cli("docs", "edit", "team-style-guide", "--from", str(written)).exit_code == 0
    assert cli("docs", "publish", "team-style-guide").exit_code == 0
    front_matter_only.write_text("---\ntitle: Team style guide\n---\n", encoding="utf-8")
    emptied = cli("docs", "edit", "team-style-guide", "--from", str(front_matter_only))
    assert (emptied.exit_code, emptied.stderr) == (2, f"error: 'team-style-guide' is published: {LEFT_EMPTY}\n")
    assert page(cli, "team-style-guide")["markdown"] == BODY
    assert cli("docs", "archive", "team-style-guide").exit_code == 0  # not published: any text goes
    assert cli("docs", "edit", "team-style-guide", "--from", str(front_matter_only)).exit_code == 0
