"""Three Low findings on `blogster docs`: a slug another page holds (`docs new`) is a one-line
Conflict (exit 5) that names nobody; a NUL in a page (import, new, edit) is refused before the
database with a reason naming the page; and an import warns of links to pages it refused, as
`docs check-links` reports them."""

from __future__ import annotations

from tests.cli.test_docs_cli import write


def taken(slug: str) -> str:
    return f"error: a documentation page {slug!r} already exists: pick another slug"


NUL = "the page holds a NUL character, which PostgreSQL text cannot store"


def slugs(cli) -> list[str]:
    return sorted(page["slug"] for page in cli("docs", "list", "--json").json())


def test_a_slug_another_page_holds_is_a_one_line_conflict(cli, signed_up, tmp_path):
    assert cli("docs", "new", "Backups").exit_code == 0
    for args in (["Other page", "--slug", "backups"], ["Backups"]):  # given, or from the title
        result = cli("docs", "new", *args)
        assert (result.exit_code, result.stderr.strip()) == (5, taken("backups"))
    imported = write(tmp_path / "docs", {"restore.md": "# Restore\n"})
    assert cli("docs", "import", str(imported)).exit_code == 0
    result = cli("docs", "new", "Restore")  # held by an imported page: the same words
    assert (result.exit_code, result.stderr.strip()) == (5, taken("restore"))
    assert slugs(cli) == ["backups", "restore"]


def test_a_nul_in_an_imported_page_is_refused_naming_the_file(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {
        "good.md": "# Good\n",
        "guide/body.md": "# Body\n\nCopied from a binary \x00 dump.\n",  # jsonb refused it: "unsupported Unicode..."
        "guide/title.md": "# A\x00 title\n",  # a text column: psycopg refused to send it
        "guide/escaped.md": '---\ntitle: "An escaped \\0 NUL"\n---\nBody.\n',  # no NUL byte in the file itself
    })  # fmt: skip
    result = cli("docs", "import", str(root), "--json")
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert dict(report["failed"]) == {"guide/body.md": NUL, "guide/title.md": NUL, "guide/escaped.md": NUL}
    assert report["created"] == ["good"]
    plain = cli("docs", "import", str(root))
    errors = sorted(line for line in plain.stderr.splitlines() if line.startswith("error: "))
    assert errors == [f"error: guide/{name}.md: {NUL}" for name in ("body", "escaped", "title")]


def test_a_nul_in_docs_new_or_docs_edit_is_refused_naming_the_page(cli, signed_up, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("Copied from a binary \x00 dump.\n", encoding="utf-8")
    result = cli("docs", "new", "Backups", "--from", str(body))
    assert (result.exit_code, result.stderr.strip()) == (2, f"error: backups: {NUL}")
    result = cli("docs", "new", "Nul\x00 title", "--slug", "nul-title")
    assert (result.exit_code, result.stderr.strip()) == (2, f"error: nul-title: {NUL}")
    assert slugs(cli) == []
    assert cli("docs", "new", "Backups").exit_code == 0
    for text in ("---\ntitle: Backups\n---\nNow with a \x00.\n", '---\ntitle: "Back\\0ups"\n---\nBody.\n'):
        body.write_text(text, encoding="utf-8")
        result = cli("docs", "edit", "backups", "--from", str(body))
        assert (result.exit_code, result.stderr.strip()) == (2, f"error: backups: {NUL}")
    assert cli("docs", "show", "backups", "--json").json()["markdown"] == ""


def test_an_import_warns_of_links_to_the_pages_it_refused(cli, signed_up, superuser, tmp_path):
    """Refused by the database (here a trigger standing in for any constraint) or before it (a NUL):
    the link leads to no page, as `docs check-links` says afterwards."""
    superuser.execute(
        "create function public.test_refuse_page() returns trigger language plpgsql as $$"
        " begin if new.slug = 'refused' then raise exception 'refused by the test' using errcode = '23514';"
        " end if; return new; end $$"
    )
    superuser.execute(
        "create trigger test_refuse_page before insert on public.documentation_pages"
        " for each row execute function public.test_refuse_page()"
    )
    root = write(tmp_path / "docs", {
        "index.md": "# Welcome\n\nSee [the refused page](refused.md), [the NUL page](/nul/) and [ok](ok.md).\n",
        "refused.md": "# Refused\n",
        "nul.md": "# Nul\n\nA \x00 here.\n",
        "ok.md": "# Ok\n",
    })  # fmt: skip
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 1
    report = result.json()
    assert sorted(path for path, _ in report["failed"]) == ["nul.md", "refused.md"]
    assert sorted(report["warnings"]) == [
        "index.md: link '/nul/' leads to no page",
        "index.md: link 'refused.md' leads to no page",
    ]
    broken = cli("docs", "check-links", "--json").json()
    assert sorted(link["target"] for link in broken) == ["/nul/", "refused.md"]


def test_a_page_whose_update_is_refused_still_answers_links(cli, signed_up, superuser, tmp_path):
    """Its earlier version stays: a link to it is not broken (`docs check-links` finds nothing)."""
    root = write(tmp_path / "docs", {"index.md": "# Welcome\n\nSee [setup](setup.md).\n", "setup.md": "# Setup\n"})
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    superuser.execute(
        "create function public.test_refuse_update() returns trigger language plpgsql as $$"
        " begin if new.slug = 'setup' then raise exception 'refused by the test' using errcode = '23514';"
        " end if; return new; end $$"
    )
    superuser.execute(
        "create trigger test_refuse_update before update on public.documentation_pages"
        " for each row execute function public.test_refuse_update()"
    )
    (root / "setup.md").write_text("# Setup\n\nChanged.\n", encoding="utf-8")
    (root / "index.md").write_text("# Welcome\n\nSee [setup](setup.md) again.\n", encoding="utf-8")
    report = cli("docs", "import", str(root), "--publish", "--json").json()
    assert [path for path, _ in report["failed"]] == ["setup.md"]
    assert report["warnings"] == []
    assert cli("docs", "check-links", "--json").json() == []
    (root / "setup.md").write_text("# Setup\n\nNow with a \x00.\n", encoding="utf-8")  # refused as it is read
    report = cli("docs", "import", str(root), "--publish", "--json").json()
    assert report["failed"] == [["setup.md", NUL]]
    assert report["warnings"] == [] and report["withdrawn"] == []
    assert cli("docs", "check-links", "--json").json() == []


def test_a_slug_in_the_edited_front_matter_renames_the_page(cli, signed_up, tmp_path):
    """`docs edit` read a `slug:` and dropped it without a word; it renames the page, as in an
    imported file (taken as written: see test_docs_slug_edits.py), and a taken one is the one-line conflict."""
    assert cli("docs", "new", "Backups").exit_code == 0 and cli("docs", "new", "Restore").exit_code == 0
    edited = tmp_path / "edited.md"
    edited.write_text("---\ntitle: Backups\nslug: guide/taking-backups\n---\nBody.\n", encoding="utf-8")
    renamed = cli("docs", "edit", "backups", "--from", str(edited), "--json")
    assert renamed.exit_code == 0, renamed.stderr
    assert renamed.json()["slug"] == "guide/taking-backups"
    assert slugs(cli) == ["guide/taking-backups", "restore"]
    edited.write_text("---\ntitle: Restore\nslug: guide/taking-backups\n---\nBody.\n", encoding="utf-8")
    refused = cli("docs", "edit", "restore", "--from", str(edited))
    assert (refused.exit_code, refused.stderr.strip()) == (5, taken("guide/taking-backups"))
    assert slugs(cli) == ["guide/taking-backups", "restore"]
