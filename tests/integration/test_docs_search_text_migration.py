"""0139 on a database that already holds documentation pages: each is reindexed from its text
(no longer from its markdown), keeping its updated_at and taking no revision, and a title an
import took from a first heading with an attribute list loses the list, as a new import of the
file gives it; other titles stay as they are."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0139_documentation_search_reads_text"
BODY = "{heading}\n\n![walrus badge](https://img.shields.io/badge/x.svg)\n\nSee the [guide](guide.md).\n"


def content(heading: str, *, source: bool = True, title: str | None = None) -> Jsonb:
    value: dict[str, object] = {"version": 1, "markdown": BODY.format(heading=heading)}
    if source:
        value["source"] = {"path": "about/notes.md", "tree": "t", "folder": "docs"}
        value["front_matter"] = {"title": title} if title else None
    return Jsonb(value)


PAGES = {
    # slug: (title, content, title after 0139)
    "imported": ("7.0 Migration Notes {: #\\7.0}", content("# 7.0 Migration Notes {: #\\7.0}"), "7.0 Migration Notes"),
    "closing-hashes": ("Setup ## {#setup .wide}", content("## Setup ## {#setup .wide}"), "Setup"),
    "written-here": ("Braces {: #x}", content("# Braces {: #x}", source=False), "Braces {: #x}"),
    "front-matter": ("Kept {: #y}", content("# Kept {: #y}", title="Kept {: #y}"), "Kept {: #y}"),
    "edited": ("Another title {: #z}", content("# Heading {: #z}"), "Another title {: #z}"),
    "not-an-attribute-list": ("Fields {root:uri}", content("# Fields {root:uri}"), "Fields {root:uri}"),
}


def test_0139_reindexes_stored_pages_from_their_text_and_reads_their_titles(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        for slug, (title, body, _) in PAGES.items():
            conn.execute(
                "insert into public.documentation_pages (title, slug, content, status)"
                " values (%s, %s, %s, 'published')",
                (title, slug, body),
            )
        before = {slug: (updated_at, vector) for slug, updated_at, vector in conn.execute(
            "select slug, updated_at, search_vector::text from public.documentation_pages")}  # fmt: skip
        revisions = conn.execute("select count(*) from public.documentation_revisions").fetchone()[0]
    assert all("'walrus'" in vector for _, vector in before.values())  # a badge's alt text was a word
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    with empty_db.connect() as conn:
        after = {
            slug: (title, updated_at, vector, body_text, headings)
            for slug, title, updated_at, vector, body_text, headings in conn.execute(
                "select p.slug, p.title, p.updated_at, p.search_vector::text, d.body_text, d.headings_norm"
                " from public.documentation_pages p join internal.documentation_search_docs d on d.page_id = p.id"
            )
        }
        assert conn.execute("select count(*) from public.documentation_revisions").fetchone()[0] == revisions
    assert {slug: row[0] for slug, row in after.items()} == {slug: page[2] for slug, page in PAGES.items()}
    for slug, (_, updated_at, vector, body_text, _) in after.items():
        assert updated_at == before[slug][0]
        assert "walrus" not in vector and "'guid':" in vector
        assert "![" not in body_text and "](" not in body_text and "{" not in body_text.replace("{root:uri}", "")
        assert "See the guide" in " ".join(body_text.split())
    assert after["imported"][4] == "\n7 0 migration notes\n"
    assert after["closing-hashes"][4] == "\nsetup\n"
