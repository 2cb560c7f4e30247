"""docs import reports a page it cannot store (here a stray NUL, which jsonb and text columns
cannot hold: refused before the database is asked) with a one-line reason and every other page
goes in (exit 1, as for an unreadable file); an error that ends the transaction (a statement
timeout) still ends the import, with nothing written. A page the database itself refuses:
tests/cli/test_docs_red_team_lows.py."""

from __future__ import annotations

from blogster_cli.documentation.tree import NUL_REFUSED
from tests.cli.test_docs_cli import write

TREE = {f"guide/page-{n}.md": f"# Page {n}\n\nAbout topic{n}.\n" for n in range(5)}
TREE["index.md"] = "# Welcome\n"
TREE["guide/stray-byte.md"] = "# Stray byte\n\nCopied from a binary \x00 dump.\n"  # in the body
TREE["guide/nul-title.md"] = "# Nul\x00 title\n"  # in the title
REFUSED = {"guide/stray-byte.md": NUL_REFUSED, "guide/nul-title.md": NUL_REFUSED}
GOOD = sorted(["index", *(f"guide/page-{n}" for n in range(5))])


def slugs(cli) -> list[str]:
    return sorted(page["slug"] for page in cli("docs", "list", "--json").json())


def test_pages_the_database_refuses_are_reported_and_the_others_go_in(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", TREE)
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 1 and result.stdout, result.stderr  # a report, not the whole import aborted
    report = result.json()
    assert dict(report["failed"]) == REFUSED
    assert sorted(report["created"]) == GOOD
    assert slugs(cli) == GOOD

    (root / "guide/page-2.md").write_text("# Page 2\n\nNow with a \x00 too.\n", encoding="utf-8")
    (root / "guide/page-3.md").write_text("# Page 3\n\nRewritten.\n", encoding="utf-8")
    again = cli("docs", "import", str(root), "--publish")
    assert again.exit_code == 1
    assert "Traceback" not in again.stderr and "INSERT" not in again.stderr and "UPDATE" not in again.stderr
    assert sorted(line for line in again.stderr.splitlines() if line.startswith("error: ")) == sorted(
        f"error: {path}: {reason}"
        for path, reason in {**REFUSED, "guide/page-2.md": REFUSED["guide/stray-byte.md"]}.items()
    )
    assert "0 created, 1 updated, 4 unchanged, 3 failed" in again.stdout + again.stderr
    assert cli("docs", "show", "guide/page-3", "--json").json()["markdown"] == "# Page 3\n\nRewritten.\n"
    assert cli("docs", "show", "guide/page-2", "--json").json()["markdown"] == TREE["guide/page-2.md"]


def test_an_error_that_ends_the_transaction_ends_the_import(cli, signed_up, superuser, tmp_path):
    superuser.execute(
        "create function public.test_slow_page() returns trigger language plpgsql as $$"
        " begin if new.slug = 'guide/page-3' then perform pg_sleep(5); end if; return new; end $$"
    )
    superuser.execute(
        "create trigger test_slow_page before insert on public.documentation_pages"
        " for each row execute function public.test_slow_page()"
    )
    assert cli("config", "set", "statement_timeout_ms", "300").exit_code == 0
    root = write(tmp_path / "docs", {name: text for name, text in TREE.items() if name not in REFUSED})
    result = cli("docs", "import", str(root))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the database took too long to answer, so the command was stopped; try again, or allow it more time:"
        " `blogster config set statement_timeout_ms MS`"
    )
    assert slugs(cli) == []
