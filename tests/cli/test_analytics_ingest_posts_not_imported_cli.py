"""New-user walk 12 H1 from the command line: another blog's access log (its addresses `/posts/SLUG/`, as my
permalink pattern writes them) ingested before its posts were imported was counted, every view on no post, with
a warning saying --map, and recorded as read: once the posts were imported the same log read 0 new lines, its
views lost for good. Until a view on one of my posts is counted such a log is refused, naming the slugs I have
no post with; once imported, the same log is counted, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import shared_data

POSTS = (
    "2015-10-22-preventing-technical-debt.md",
    "2015-10-26-micro-purchase-criteria-announcement.md",
    "2015-10-29-welcome-to-betafec.md",
)


@pytest.fixture
def blog(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Three 18F posts (a Jekyll folder), their slugs, and the shared real log (hackers-access.log, 25-30 Oct
    2015) with each request's path the 18F post's at `/posts/SLUG/` in turn, its other fields as they are."""
    folder = tmp_path / "f18"
    folder.mkdir()
    for name in POSTS:
        shutil.copy(shared_data("blog_md", "18f-jekyll", name), folder / name)
    slugs = [name[len("2015-10-26-") : -len(".md")] for name in POSTS]
    lines = shared_data("access_logs", "hackers-access.log").read_text().splitlines(keepends=True)
    rewritten = []
    for index, text in enumerate(lines):
        method_end = text.index(" ", text.index('"') + 1)
        path_end = text.index(" ", method_end + 1)
        rewritten.append(f"{text[: method_end + 1]}/posts/{slugs[index % len(slugs)]}/{text[path_end:]}")
    log = tmp_path / "erin.log"
    log.write_text("".join(rewritten))
    return folder, log, slugs


def test_a_log_of_posts_not_imported_yet_is_refused_then_counted_once(cli, signed_up, blog):
    folder, log, slugs = blog
    assert cli("posts", "new", "Notes", "--slug", "notes").exit_code == 0
    refused = cli("analytics", "ingest", str(log), "--json")
    assert (refused.exit_code, refused.stdout, refused.stderr.count("\n")) == (2, "", 1), refused.stderr
    paths = ", ".join(f"'/posts/{slug}/'" for slug in slugs)
    assert refused.stderr == (
        f"error: {log}: none of its 2351 page views is on one of your posts (paths such as {paths}; you have no"
        f" post with any of the slugs {', '.join(repr(slug) for slug in slugs)}); nothing of it was counted:"
        " create or import those posts first, or give --map '/prefix/{slug}' if these are not your posts' paths,"
        " and ingest it again (--accept-unmatched counts it as it is, never to be read again)\n"
    )
    period = ("analytics", "report", "--from", "2015-10-01", "--to", "2015-11-01", "--json")
    assert cli(*period).json()["totals"]["views"] == 0

    imported = cli("import", str(folder), "--format", "jekyll", "--json")
    assert imported.exit_code == 0, imported.stderr
    assert sorted(post["slug"] for post in cli("posts", "list", "--json").json()) == sorted([*slugs, "notes"])
    counted = cli("analytics", "ingest", str(log), "--json")
    assert counted.exit_code == 0, counted.stderr
    summary = counted.json()
    assert (summary["files"][0]["known"], summary["lines"], summary["page_views"], summary["matched"]) == (
        "new", 3456, 2351, 2351,
    )  # fmt: skip
    assert (summary["unmatched_sample"], summary["warnings"]) == ([], [])
    assert cli(*period).json()["totals"]["views"] == 2351
    again = cli("analytics", "ingest", str(log), "--json").json()
    assert (again["files"][0]["known"], again["page_views"]) == ("counted", 0)
    assert cli(*period).json()["totals"]["views"] == 2351


def test_interactive_stats_from_the_log_is_refused_and_counted_the_same_way(cli, signed_up, blog):
    folder, log, slugs = blog
    assert cli("posts", "new", "Notes", "--slug", "notes").exit_code == 0
    refused = cli("interactive", "stats", "--from-log", str(log))
    assert (refused.exit_code, refused.stdout, refused.stderr.count("\n")) == (2, "", 1), refused.stderr
    assert f"you have no post with any of the slugs {', '.join(repr(slug) for slug in slugs)}" in refused.stderr
    assert cli("import", str(folder), "--format", "jekyll").exit_code == 0
    counted = cli("interactive", "stats", "--from-log", str(log))
    assert counted.exit_code == 0, counted.stderr
    assert "Read 3456 new lines from 1 log: " in counted.stderr and " (2351 on your posts)" in counted.stderr


def test_a_counted_log_of_posts_not_imported_names_them_in_its_warning(cli, signed_up, blog):
    """--accept-unmatched counts it as it is: the warning says which posts are missing, not only --map."""
    _, log, slugs = blog
    assert cli("posts", "new", "Notes", "--slug", "notes").exit_code == 0
    accepted = cli("analytics", "ingest", str(log), "--accept-unmatched", "--json")
    assert accepted.exit_code == 0, accepted.stderr
    summary = accepted.json()
    assert (summary["page_views"], summary["matched"]) == (2351, 0)
    assert summary["unmatched_sample"] == [f"/posts/{slug}/" for slug in slugs]
    assert summary["warnings"] == [
        f"none of the 2351 page views read is on one of your posts (paths such as"
        f" {', '.join(repr(path) for path in summary['unmatched_sample'])}; you have no post with any of the"
        f" slugs {', '.join(repr(slug) for slug in slugs)}): create or import those posts before the next log (or"
        " give --map PATTERN if these are not your posts' paths); the logs read now are counted and are not read"
        " again"
    ]
