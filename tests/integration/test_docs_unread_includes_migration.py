"""0156 (h293 L23): a snippet include line the import could not read, left in the page as written,
is no text of the page for search (its words, its snippets), in a code fence too, and a MyST
`{include}` or `{literalinclude}` shows nothing; stored pages holding one are reindexed, keeping
their updated_at and taking no revision. The search text is read by the triggers, so it holds for
every later write too."""

from __future__ import annotations

import time

from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0156_documentation_spellings_and_unread_includes"
# Textual's docs/guide/animation.md, cut down: one include read (content.includes), one not.
ANIMATION = (
    "# Animation\n\nTextual's animator changes a style.\n\n"
    '```python hl_lines="14"\n--8<-- "docs/examples/guide/animator/animation01.py"\n```\n\n'
    '```python\n--8<-- "docs/examples/guide/animator/animation02.py"\n```\n'
)
READ = {'--8<-- "docs/examples/guide/animator/animation02.py"': "class AnimationApp(App):\n    pass"}
MYST = (
    "# Reference\n\nSee below.\n\n```{literalinclude} ../examples/app.py\n:language: python\n:lines: 1-5\n```\n\n"
    "```{include} ../README.md\n:start-after: intro\n```\n\n```{note} A note\nKept.\n```\n"
)
PLAIN = "# Plain\n\nNothing included.\n"
TEXT = (
    "select p.slug, p.updated_at, p.search_vector::text, d.body_text from public.documentation_pages p"
    " join internal.documentation_search_docs d on d.page_id = p.id"
)


def test_0156_drops_unread_includes_from_the_search_text_of_stored_pages(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        for slug, content in (("animation", {"markdown": ANIMATION, "includes": READ}), ("myst", {"markdown": MYST}),
                              ("plain", {"markdown": PLAIN})):  # fmt: skip
            conn.execute(
                "insert into public.documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
                (slug.title(), slug, Jsonb({"version": 1, **content})),
            )
        before = {slug: rest for slug, *rest in conn.execute(TEXT)}
        revisions = conn.execute("select count(*) from public.documentation_revisions").fetchone()[0]
    assert 'animation01.py"' in before["animation"][2] and ":language: python" in before["myst"][2]
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        after = {slug: rest for slug, *rest in conn.execute(TEXT)}
        assert conn.execute("select count(*) from public.documentation_revisions").fetchone()[0] == revisions
        # A later write reads the page the same way (the triggers compute it).
        conn.execute("update public.documentation_pages set title = 'Animation' where slug = 'animation'")
        rewritten = conn.execute(TEXT + " where p.slug = 'animation'").fetchone()[3]
    updated_at, vector, body = after["animation"]
    assert updated_at == before["animation"][0]
    assert body == "Animation\nTextual's animator changes a style.\nclass AnimationApp(App):\npass" == rewritten
    assert "'animation01.py'" not in vector and "'docs'" not in vector and "'exampl'" not in vector
    assert after["myst"][2] == "Reference\nSee below.\nA note\nKept."
    assert after["plain"] == before["plain"]  # nothing included: as it was


def test_only_an_include_as_pymdown_reads_one_is_dropped(superuser):
    def plain(markdown: str) -> str:
        return superuser.execute("select public.documentation_plain_text(%s)", (markdown,)).fetchone()[0]

    fenced = "```text\n{}\n```\n"
    assert plain(fenced.format('--8<-- "a.md"')) == ""
    assert plain(fenced.format("    ---8<--- 'b.md'")) == ""  # indented, more dashes, single quotes
    for line in (';--8<-- "a.md"', '--8<-- "a.md" ', 'x --8<-- "a.md"', "--8<--", '> --8<-- "a.md"'):
        assert plain(fenced.format(line)) == line.strip(), line  # escaped, a trailing blank, not alone: code as written
    assert plain('Before.\n--8<-- "missing.md"\nAfter.\n') == "Before.\nAfter."


def test_a_page_of_hostile_include_lines_is_indexed_in_bounded_time(superuser):
    texts = ['```\n' + '--8<-- "' + "a" * 200_000 + '"\n```', "```\n" + '--8<-- "a\\"' * 50_000 + "\n```",
             "```\n" + '--8<-- "a.md"\n' * 40_000 + "```", "```\n" + "-" * 200_000 + "8<" + "-" * 200_000 + "\n```"]  # fmt: skip
    for text in texts:
        started = time.monotonic()
        superuser.execute("select public.documentation_plain_text(%s)", (text,)).fetchone()
        assert time.monotonic() - started < 5, text[:20]
