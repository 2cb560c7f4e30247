"""`db status` on a terminal printed every migration (~120 rows) and its verdict last, out of sight
(new-user walk #9). It now answers first: how many are applied and whether any are pending (named);
`--all` lists the rows there too. Piped output, --json, --format and --limit still list every row,
as scripts read them; the summary goes to stderr then."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.cli import output

MIGRATIONS = sorted(p.stem for p in (Path(__file__).parents[2] / "db" / "migrations").glob("*.sql"))


def test_on_a_terminal_the_summary_is_all_unless_asked(cli, monkeypatch):
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    summary = cli("db", "status")
    assert summary.exit_code == 0, summary.stderr
    assert summary.stdout == f"{len(MIGRATIONS)} migrations applied; up to date.\n"
    assert summary.stderr == "blogster db status --all lists each migration.\n"
    every = cli("db", "status", "--all")
    assert every.stderr == f"{len(MIGRATIONS)} migrations applied; up to date.\n"
    assert [name for name in MIGRATIONS if name in every.stdout] == MIGRATIONS


def test_pending_migrations_are_named(cli, superuser, monkeypatch):
    superuser.execute("delete from internal.schema_migrations where name = any(%s)", (MIGRATIONS[-2:],))
    monkeypatch.setattr(output, "on_terminal", lambda: True)
    summary = cli("db", "status")
    assert summary.stdout == (
        f"{len(MIGRATIONS) - 2} migrations applied; 2 pending: {MIGRATIONS[-2]}, {MIGRATIONS[-1]}"
        " (blogster db migrate applies them).\n"
    )


def test_piped_and_json_list_every_row_as_before(cli):
    piped = cli("db", "status")
    assert piped.exit_code == 0 and len(piped.stdout.splitlines()) == len(MIGRATIONS) + 1  # a header line
    assert piped.stderr == f"{len(MIGRATIONS)} migrations applied; up to date.\n"
    rows = cli("db", "status", "--json").json()
    assert [row["migration"] for row in rows] == MIGRATIONS and all(row["applied_at"] for row in rows)
    assert cli("db", "status", "--format", "count").stdout == f"{len(MIGRATIONS)}\n"
