"""h293 M4 from the command line: the shared real log under its own virtual host, ingested before the site's
address is set, was recorded with every line skipped (exit 0, a warning), and after `site settings set
custom-domain howto.basjes.nl` a second run read 0 new lines. Now the first run is refused (exit 2, one line,
nothing recorded) and the second counts the log."""

from __future__ import annotations

from tests.conftest import shared_data


def test_the_run_before_the_address_is_set_is_refused_and_the_log_counted_after(cli, signed_up, tmp_path):
    assert cli("posts", "new", "PXE", "--slug", "doing-pxe-without-dhcp-control").exit_code == 0
    text = shared_data("access_logs", "hackers-access.log").read_text()
    log = tmp_path / "vhost.log"
    log.write_text("".join(f"howto.basjes.nl:80 {line}" for line in text.splitlines(keepends=True)))
    refused = cli("analytics", "ingest", str(log), "--format", "vhost-combined")
    assert (refused.exit_code, refused.stdout, refused.stderr.count("\n")) == (2, "", 1), refused.stderr
    assert refused.stderr.startswith(f"error: {log}: none of its 3456 requests is for your site (")
    assert refused.stderr.endswith(
        "they are for howto.basjes.nl, and your site's address is not set; set it first (blogster site settings"
        " set custom-domain howto.basjes.nl, or url URL); nothing of it was counted\n"
    )
    assert cli("site", "settings", "set", "custom-domain", "howto.basjes.nl").exit_code == 0
    counted = cli("analytics", "ingest", str(log), "--format", "vhost-combined", "--map", "/linux/{slug}", "--json")
    assert counted.exit_code == 0, counted.stderr
    summary = counted.json()
    assert (summary["files"][0]["known"], summary["lines"], summary["other_sites"]) == ("new", 3456, 0)
    assert (summary["unique_visitors"], summary["matched"]) == (672, 95)
