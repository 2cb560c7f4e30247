"""Red team 68 F5 from the command line: with the permalink `/{slug}/`, a post renamed from `archive` kept
`/archive/` as a former address, where the build writes the archive page, not a redirect; `analytics ingest`
counted that page's visits for the post."""

from tests.integration.test_analytics_ingest import line


def test_visits_to_the_archive_page_count_for_no_post_renamed_from_archive(cli, signed_up, tmp_path):
    assert cli("site", "settings", "set", "permalink", "/{slug}/").exit_code == 0
    post = tmp_path / "arch.md"
    post.write_text("---\ntitle: Arch\nslug: archive\n---\nWords.\n")
    assert cli("posts", "new", "--from", str(post), "--status", "published").exit_code == 0
    assert cli("posts", "edit", "archive", "--slug", "archive-notes").exit_code == 0
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert "refresh" not in (out / "archive/index.html").read_text()  # the archive page: no redirect there
    log = tmp_path / "access.log"
    log.write_text("".join(line(f"10.0.0.{n}", "10:00:00", path) for n, path in enumerate(
        ["/archive/", "/archive/", "/archive/", "/archive-notes/"]
    )))  # fmt: skip
    run = cli("analytics", "ingest", str(log), "--json")
    assert run.exit_code == 0, run.stderr
    assert (run.json()["page_views"], run.json()["matched"]) == (4, 1)
