"""0172 (h321 F5): documentation_spellings reads whether a word is written as it is from
internal.documentation_written_words, not from a scan of each page's text: the pages stored before
the migration enter it, and every later write of a page keeps it (the search index's trigger)."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0172_documentation_spellings_read_written_words_from_an_index"
WORDS = (
    "select w.word from internal.documentation_written_words w"
    " join public.documentation_pages p on p.id = w.page_id where p.slug = %s order by w.word"
)


def test_0172_indexes_the_words_stored_pages_write_and_follows_their_edits(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        markdown = "Use the new Windows Terminal, v2_beta.\n"
        conn.execute(
            "insert into public.documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
            ("Installing: FAQ", "install", Jsonb({"version": 1, "markdown": markdown})),
        )
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        # Title and text, in lower case; a word of one letter is none `documentation_spellings` reads.
        assert [w for (w,) in conn.execute(WORDS, ("install",))] == [
            "faq", "installing", "new", "terminal", "the", "use", "v2_beta", "windows"]  # fmt: skip
        conn.execute("update public.documentation_pages set content = %s where slug = 'install'",
                     (Jsonb({"version": 1, "markdown": "A window."}),))  # fmt: skip
        assert [w for (w,) in conn.execute(WORDS, ("install",))] == ["faq", "installing", "window"]
        conn.execute("update public.documentation_pages set title = 'Setup' where slug = 'install'")
        assert [w for (w,) in conn.execute(WORDS, ("install",))] == ["setup", "window"]
        conn.execute("delete from public.documentation_pages")
        assert conn.execute("select count(*) from internal.documentation_written_words").fetchone() == (0,)
