"""README's attack counts are the security suite's: collected from tests/security, never typed by hand.

Every file in tests/security belongs to one kind below (a new file fails this test until it is
given one), and README holds the block `expected_block()` renders from the collected tests.
When this fails after adding attacks, paste the block it prints (or run
`python -m tests.unit.test_readme_security_counts`) into README's security section.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SECURITY = REPO_ROOT / "tests" / "security"

# (what the kind attacks, its files): the order README lists them in.
KINDS: list[tuple[str, tuple[str, ...]]] = [
    (
        "every table × owner, another account and anon × select/insert/update/delete; moving a row to"
        " another owner (WITH CHECK), upserts onto another's row, child rows under another's parent,"
        " granting yourself rights (the RLS matrix: a table it does not cover fails it)",
        ("test_rls_matrix.py",),
    ),
    (
        "another account's rows by raw SQL as your own role, one capability at a time (analytics,"
        " bans, calendar, chatbot, dashboard totals, distribution, docs, the flag audit log, the accounts a flag names, held AI credits,"
        " job queue, public profiles, review, row ids that name a row in others' commands,"
        " SEO/revenue/audience, sync state, the shared tags, tag links and their names and spellings)",
        (
            "test_analytics_attacks.py",
            "test_banned_accounts_scheduled_attacks.py",
            "test_calendar_attacks.py",
            "test_interactive_counts_attacks.py",
            "test_chatbot_attacks.py",
            "test_dashboard_totals_attacks.py",
            "test_distribution_attacks.py",
            "test_newsletter_removal_attacks.py",
            "test_account_emails_attacks.py",
            "test_social_error_attacks.py",
            "test_docs_rls.py",
            "test_docs_spellings_attacks.py",
            "test_flag_log_deletion_reason_attacks.py",
            "test_flag_log_scrub_attacks.py",
            "test_flag_rule_attacks.py",
            "test_held_credits_attacks.py",
            "test_id_column_attacks.py",
            "test_job_queue_attacks.py",
            "test_public_profiles.py",
            "test_review_attacks.py",
            "test_review_email_attacks.py",
            "test_seo_revenue_audience_attacks.py",
            "test_sync_attacks.py",
            "test_sync_counter_attacks.py",
            "test_sync_unlink_attacks.py",
            "test_tag_attacks.py",
            "test_tag_link_names.py",
            "test_tag_link_visibility.py",
            "test_tag_spelling.py",
        ),
    ),
    (
        "a moved post's former addresses (its old slugs, still published as redirect pages and feed ids):"
        " its author forgets entries and only that (adding, altering or reordering one by raw SQL is not kept);"
        " another account, the post's assignee among them, and anon write none",
        ("test_former_address_attacks.py",),
    ),
    (
        "becoming someone else or outlasting a ban with your own login on a shared server: SET ROLE to"
        " another account or a privileged role, claim settings, passwords on the wire, table locks,"
        " temp and large objects, a stalled migration or restore, functions and tables put in `postgres` or"
        " `template1` for a superuser or a restore to pick up, or in a new database while it migrates,"
        " blocking upgrades, watching the server from another database, every connection slot, the server's lock table,"
        " its NOTIFY queue (every job queued), a statement no one can end, a documentation search made"
        " to scan every page's text once a word",
        (
            "test_login_roles.py",
            "test_docs_search_bounds_attacks.py",
            "test_role_passwords.py",
            "test_shared_server_attacks.py",
            "test_server_databases_attacks.py",
            "test_migration_attacks.py",
            "test_notify_queue_attacks.py",
            "test_uninterruptible_functions_attacks.py",
        ),
    ),
    (
        "mailing past your daily newsletter sending limit through the operator's SMTP server: raising or"
        " resetting your own limit or its count by raw SQL, deleting what was counted, skipping the count,"
        " spending another account's allowance, holding a lock the workers' record would wait on or another account's sending turn",
        ("test_newsletter_limit_attacks.py",),
    ),
    (
        "stopping every `db restore` from carrying over anyone's mails and posts with your own rows: remote ids"
        " and URLs past their length, copies, social posts and deliveries dated ahead (by insert or update,"
        " and in the records a deletion leaves), the bounds turned off",
        ("test_carried_over_records_attacks.py",),
    ),
    (
        "catalog gates over every table, view and function: RLS enabled and forced, definer functions"
        " owned and pinned (search_path), views that run as the caller, no TRUNCATE/TRIGGER/REFERENCES,"
        " statistics that do not leak, temp objects shadowing functions",
        ("test_catalog.py",),
    ),
    (
        "side channels: counting hidden rows through EXPLAIN ANALYZE; watching another account work through"
        " the server's activity, per-table counters, locks and sizes",
        ("test_explain_oracles.py", "test_activity_side_channels.py"),
    ),
    (
        "local files and paths: private modes, symlinks and special files, a backup that tries to run SQL,"
        " a site output folder with links, devices and hand-edited manifests, a picture row naming a file outside"
        " the media folder",
        (
            "test_private_files.py",
            "test_symlinks.py",
            "test_restore_runs_no_sql.py",
            "test_site_output_links.py",
            "test_image_path_forgery.py",
        ),
    ),
    (
        "your own rows written by raw SQL past the checks the commands make, reaching your built site: an"
        " interactive widget's structure holding markup, or one that stopped every build and `calendar run-due`;"
        " a post's slug `.` or `..` built over the posts list page, or one that looks like another (invisible,"
        " direction-changing, private-use or decomposed characters) or is another post's id, and tags and template"
        " names the same (a template's name with terminal control codes too);"
        " JSON Python cannot read (a 5,000-digit number, nesting 5,000 deep) in a post's front matter or any"
        " row, which stopped builds, exports, `account export`, analytics ingest, lists and every read of the one"
        " post (`posts show`, `posts edit`, `publish`, `revisions`, `review show`, the studio's editor) or of a"
        " linked folder (`sync status`); a post published before its time (a scheduled one, or one dated ahead"
        " or at infinity), on the site and in the feeds at once",
        (
            "test_early_publication_attacks.py",
            "test_interactive_structure_attacks.py",
            "test_unreadable_json_attacks.py",
            "test_dot_slug_attacks.py",
            "test_invisible_slug_attacks.py",
            "test_invisible_tag_and_template_name_attacks.py",
        ),
    ),
    (
        "other people's text on your terminal: ESC/OSC sequences, C1 codes and bidi overrides in titles,"
        " docs pages, notifications and access-log referrers, through CLI tables, messages, reports, worker logs and the studio",
        ("test_terminal_escapes.py",),
    ),
]


def collected_per_file() -> Counter[str]:
    """Test ids pytest collects in tests/security (each parametrised case counts), per file."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(SECURITY)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return Counter(Path(line.split("::", 1)[0]).name for line in result.stdout.splitlines() if "::" in line)


def expected_block(per_file: Counter[str]) -> str:
    total = sum(per_file.values())
    lines = [f"The suite holds {total} attack tests in `tests/security` (each parametrised case counted once):", ""]
    for description, files in KINDS:
        lines.append(f"- {sum(per_file[f] for f in files)}: {description}")
    return "\n".join(lines) + "\n"


def test_every_security_file_has_a_kind_and_readme_has_the_counts() -> None:
    per_file = collected_per_file()
    classified = {name for _, files in KINDS for name in files}
    files_on_disk = {p.name for p in SECURITY.glob("test_*.py")}
    assert files_on_disk - classified == set(), "give these tests/security files a kind in KINDS"
    assert classified - files_on_disk == set(), "these files in KINDS are gone"
    assert sum(per_file.values()) > 300  # the whole suite was collected, not a fraction
    block = expected_block(per_file)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert block in readme, "README's security section must hold, verbatim:\n\n" + block


if __name__ == "__main__":
    print(expected_block(collected_per_file()), end="")
