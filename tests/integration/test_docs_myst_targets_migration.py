"""0150 on a database that already holds documentation pages: a MyST target line (`(chains)=`)
leaves the search text of the pages holding one (their words, headings and the text snippets are
cut from), which are reindexed keeping their updated_at and taking no revision; a target line in
fenced code stays, as code. The search text is read by the triggers, so it holds for every later
write too; a page of hostile target-shaped lines is read in bounded time."""

from __future__ import annotations

import time

from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0150_documentation_search_drops_myst_targets"
# structlog 26.1.0's docs/processors.md, cut down (its snippet showed `(chains)=`).
PROCESSORS = (
    "(processors)=\n\n# Processors\n\nA log processor is a regular callable.\n\n(chains)=\n\n## Chains\n\n"
    "The *processor chain* is a list of processors.\n\n> (quoted-target)=\n\n```md\n(shown-as-code)=\n```\n"
)
PLAIN = "# Plain\n\nf(x)=1 is no target, nor is (this)= one.\n"
TEXT = (
    "select p.slug, p.updated_at, p.search_vector::text, d.body_text from public.documentation_pages p"
    " join internal.documentation_search_docs d on d.page_id = p.id"
)


def test_0150_drops_target_lines_from_the_search_text_of_stored_pages(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        for slug, markdown in (("processors", PROCESSORS), ("plain", PLAIN)):
            conn.execute(
                "insert into public.documentation_pages (title, slug, content, status)"
                " values (%s, %s, %s, 'published')",
                (slug.title(), slug, Jsonb({"version": 1, "markdown": markdown})),
            )
        before = {slug: rest for slug, *rest in conn.execute(TEXT)}
        revisions = conn.execute("select count(*) from public.documentation_revisions").fetchone()[0]
    assert "(chains)=" in before["processors"][2] and "'quoted-target'" in before["processors"][1]
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    with empty_db.connect() as conn:
        after = {slug: rest for slug, *rest in conn.execute(TEXT)}
        assert conn.execute("select count(*) from public.documentation_revisions").fetchone()[0] == revisions
    updated_at, vector, body = after["processors"]
    assert updated_at == before["processors"][0]
    assert body == (
        "Processors\nA log processor is a regular callable.\nChains\nThe *processor chain* is a list of processors."
        "\n(shown-as-code)="
    ), body
    assert "'quoted-target'" not in vector and "'quot'" not in vector  # a label's words are no words of the page
    assert after["plain"] == before["plain"]  # no target line: as it was


def test_a_page_of_hostile_target_lines_is_indexed_in_bounded_time(db, superuser):
    texts = ["(a)=\n" * 200_000, "(" * 1_000_000 + ")=", "(" * 1_000_000 + ")=x", "(a)=x\n" * 160_000]
    for text in texts:
        started = time.monotonic()
        plain = superuser.execute("select public.documentation_plain_text(%s)", (text,)).fetchone()[0]
        assert time.monotonic() - started < 5, text[:20]
        assert plain == ("" if text.endswith(")=") or text.startswith("(a)=\n") else text.strip()), text[:20]
