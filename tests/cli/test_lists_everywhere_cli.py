"""The lists README names take --format and --limit too; reports of several lists have headings;
help shows REF, N and TEXT; `sync status` has its own help; `calendar week DAY`; plurals agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.test_lists_and_names import check_list_options
from tests.cli.test_workers_cli import failed_job


def post(cli, tmp_path: Path, slug: str) -> None:
    body = tmp_path / f"{slug}.md"
    body.write_text(f"---\ntitle: {slug.title()}\nslug: {slug}\ndraft: true\n---\nSome words.\n")
    assert cli("import", str(body)).exit_code == 0


def test_schedule_list_takes_the_list_options(cli, signed_up, tmp_path):
    for slug in ("later", "much-later"):
        post(cli, tmp_path, slug)
    assert cli("publish", "later", "much-later", "--at", "2999-12-01 09:00").exit_code == 0
    records = check_list_options(cli, ("schedule", "list"))
    assert sorted(cli("schedule", "list", "--format", "ids").stdout.split()) == ["later", "much-later"]
    assert len(records) == 2


def test_sync_status_takes_the_list_options_and_has_its_own_help(cli, signed_up, tmp_path):
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\nText.\n")
        assert cli("sync", str(folder)).exit_code == 0
    check_list_options(cli, ("sync", "status"))
    assert cli("sync", "status", "--format", "ids").stdout.split() == [
        r["folder"] for r in cli("sync", "status", "--json").json()
    ]
    shown = cli("sync", "status", "--help")
    assert shown.exit_code == 0 and shown.stdout.startswith("Usage: blogster sync status [OPTIONS]\n")
    assert "--adopt" not in shown.stdout and "--limit N" in shown.stdout
    refused = cli("sync", "status", "--adopt")
    assert refused.exit_code == 2 and "blogster sync status --help" in refused.stderr
    assert "--adopt" in cli("sync", "--help").stdout


def test_calendar_agenda_takes_the_list_options_and_week_a_day(cli, signed_up):
    today = datetime.now(UTC).date()
    for offset, title in ((1, "Soon"), (2, "Later")):
        day = (today + timedelta(days=offset)).isoformat()
        assert cli("calendar", "add", title, "--date", day, "--time", "09:00").exit_code == 0
    agenda = cli("calendar", "agenda", "--json").json()
    assert [e["title"] for d in agenda["days"] for e in d["events"]] == ["Soon", "Later"]
    assert cli("calendar", "agenda", "--format", "json").json() == agenda
    assert cli("calendar", "agenda", "--format", "count").stdout == "2\n"
    assert cli("calendar", "agenda", "--format", "csv").stdout.splitlines()[0] == "date,time,type,status,title"
    assert len(cli("calendar", "agenda", "--format", "ids").stdout.split()) == 2
    limited = cli("calendar", "agenda", "--limit", "1", "--json").json()
    assert [e["title"] for d in limited["days"] for e in d["events"]] == ["Soon"]
    assert cli("calendar", "agenda", "--format", "yaml").stdout.startswith("timezone: ")
    day = (today + timedelta(days=1)).isoformat()
    assert cli("calendar", "week", day, "--json").json() == cli("calendar", "week", "--date", day, "--json").json()
    assert cli("calendar", "week", day, "--date", "2026-01-01").exit_code == 2


def test_credits_takes_the_list_options(cli, signed_up):
    report = cli("credits", "--json").json()
    assert set(report) == {"tier", "credits_remaining", "credits_held", "credits_available", "credits_used", "recent"}
    assert cli("credits", "--format", "json").json() == report
    assert cli("credits", "--limit", "0", "--json").json() == report
    assert cli("credits", "--format", "count").stdout == "0\n"
    assert cli("credits", "--format", "csv").stdout == "created_at,kind,model,success,tokens_used,estimated_cost_usd\n"
    assert cli("credits", "--format", "yaml").stdout.startswith("tier: ")
    table = cli("credits")
    assert table.exit_code == 0 and "Recent generations:" in table.stdout


def test_workers_status_heads_each_list_and_takes_the_options(cli, superuser):
    job_id = failed_job(superuser)
    shown = cli("workers", "status")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Queues:" and lines.index("Failed jobs:") < lines.index("Workers:")
    assert "(none)" not in shown.stderr  # an empty list says so under its heading
    report = cli("workers", "status", "--json").json()
    assert cli("workers", "status", "--format", "json").json() == report
    assert len(report["queues"]) == 2
    assert len(cli("workers", "status", "--limit", "1", "--json").json()["queues"]) == 1
    assert cli("workers", "status", "--format", "yaml").stdout.startswith("queues:")
    refused = cli("workers", "status", "--format", "csv")
    assert refused.exit_code == 2 and "use --format table, json or yaml" in refused.stderr
    assert [f["id"] for f in report["failed"]] == [job_id]


def test_help_shows_values_as_words_in_capitals(cli):
    assert cli("publish", "--help").stdout.startswith("Usage: blogster publish [OPTIONS] REFS...\n")
    assert cli("review", "approve", "--help").stdout.startswith("Usage: blogster review approve [OPTIONS] REF\n")
    listed = cli("posts", "list", "--help").stdout
    assert "--limit N " in listed and "--title TEXT " in listed and "--since DATE " in listed
    assert "<int" not in listed and "<str" not in listed and "{" not in listed
    assert "--profile TEXT" in cli("--help").stdout


def test_plural_agrees_with_its_count():
    from blogster_cli.cli.import_cmd import one_line
    from blogster_cli.services.imports import FileOutcome, ImportSummary
    from blogster_cli.wording import plural

    assert [plural(1, "image"), plural(2, "image"), plural(0, "entry", "entries")] == [
        "1 image",
        "2 images",
        "0 entries",
    ]
    summary = ImportSummary(files=[FileOutcome(path="a.md", outcome="skipped")])
    assert one_line(summary).startswith("1 item: 0 imported,")


def test_docs_categories_and_search_take_the_list_options(cli, signed_up, tmp_path):
    """`docs categories` keeps its indented tree as the table; `docs search`'s JSON and YAML keep the
    query and "did you mean", its csv/ids/count list the hits."""
    from tests.cli.test_docs_cli import SMALL_TREE, write

    root = write(tmp_path / "docs", SMALL_TREE)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    records = check_list_options(cli, ("docs", "categories"))
    assert [r["slug"] for r in records] == ["guide", "guide-advanced"]
    assert cli("docs", "categories", "--format", "ids").stdout.split() == ["guide", "guide-advanced"]
    assert cli("docs", "categories").stdout.splitlines()[1].startswith("  ")  # the tree, indented
    found = cli("docs", "search", "events", "--json").json()
    assert found["query"] == "events" and found["results"]
    assert cli("docs", "search", "events", "--format", "json").json() == found
    assert cli("docs", "search", "events", "--format", "ids").stdout.split() == [r["slug"] for r in found["results"]]
    assert cli("docs", "search", "events", "--format", "count").stdout == f"{len(found['results'])}\n"
    assert cli("docs", "search", "events", "--format", "csv").stdout.splitlines()[0] == "slug,title,score"
    assert cli("docs", "search", "events", "--format", "yaml").stdout.startswith("query: events")
