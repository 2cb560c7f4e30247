"""`blogster analytics ingest --format vhost-combined`: Apache's vhost_combined log (Debian's
other_vhosts_access.log) was refused with exit 2 as in no format; other virtual hosts' lines are skipped,
counted and named in the summary, with a warning only while none of the log is my site's (h258)."""

from __future__ import annotations

from tests.cli.test_analytics_cli import posts  # noqa: F401 (fixture)
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write
from tests.integration.test_analytics_ingest_vhosts import OTHERS, vhost_log


def test_a_vhost_combined_log_is_named_then_read_for_my_host_only(cli, posts, tmp_path):  # noqa: F811
    assert cli("site", "settings", "set", "custom-domain", "ada.example").exit_code == 0
    log = write(tmp_path / "other_vhosts_access.log", vhost_log(HAND_MADE_LOG, OTHERS))
    wrong = cli("analytics", "ingest", str(log))
    assert (wrong.exit_code, wrong.stdout) == (2, "")
    assert wrong.stderr == (
        f"error: {log}: none of its 12 lines is a combined request (--format combined); they look like"
        " vhost-combined: try --format vhost-combined; nothing of it was counted\n"
    )
    right = cli("analytics", "ingest", "--format", "vhost-combined", str(log), "--json")
    assert right.exit_code == 0, right.stderr
    summary = right.json()
    assert (summary["lines"], summary["parsed"], summary["other_sites"], summary["matched"]) == (12, 11, 4, 4)
    assert summary["unique_visitors"] == 3  # as the combined log of my host's lines alone
    assert (summary["other_hosts"], summary["warnings"]) == (["shop.example", "localhost", "other.org"], [])
    assert "warning" not in right.stderr  # a shared log's other sites are what it holds: named, not warned of
    shown = cli("analytics", "ingest", "--format", "vhost-combined", str(write(tmp_path / "shown.log", vhost_log(
        [HAND_MADE_LOG[0].replace("10:00:00", "17:00:00")], OTHERS))))  # fmt: skip
    assert shown.exit_code == 0 and "warning" not in shown.stderr, shown.stderr
    assert "(4 for other sites, skipped: shop.example, localhost, other.org)" in shown.stderr, shown.stderr
    text = cli("analytics", "ingest", "--format", "vhost-combined", str(write(tmp_path / "next.log", vhost_log(
        [HAND_MADE_LOG[0].replace("10:00:00", "18:00:00")], OTHERS[:2]))))  # fmt: skip
    assert text.exit_code == 0, text.stderr
    assert (
        "3 new lines from 1 log: 3 parsed (2 for other sites, skipped: other.org, shop.example), 0 malformed"
        in text.stderr
    )

    alone = cli("analytics", "ingest", "--format", "vhost-combined", str(write(tmp_path / "others.log", vhost_log(
        [], OTHERS))))  # fmt: skip  # none of it is my site's: its address may not be the one the log names
    assert alone.exit_code == 0, alone.stderr
    [warning] = [text for text in alone.stderr.splitlines() if text.startswith("warning:")]
    assert warning.startswith("warning: 4 lines skipped as pages of other sites (shop.example, localhost, other.org);")


def test_the_help_names_the_vhost_formats(cli):
    text = cli("analytics", "ingest", "--help").stdout
    assert "vhost-combined" in text and "other_vhosts_access.log" in text and "vhost-common" in text
