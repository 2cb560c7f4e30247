"""0153 (helper 296): documentation search reads a MyST directive's content (```` ```{note} ````) as
markdown, so a target line in it (`(label)=`) is left out as one outside is (0150), and a MyST role
shows its text (`` {class}`Foo` `` reads `Foo`) in the search text and its snippets. Code fences,
inside a directive too, stay as written."""

from __future__ import annotations

import time

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from tests.integration.test_docs_search_reads_text import search, write_page
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0153_documentation_search_reads_myst_directives_and_roles"
# attrs' and structlog's docs, cut down: a note holding a target, a role, a link and code.
PAGE = (
    "# Frozen\n\nUse {class}`attrs.Attribute` and {func}`~attrs.validators.instance_of`; see"
    " {ref}`the glossary <glossary-entry>` and {doc}`!examples`.\n\n"
    "````{note}\n:class: dropdown\n:name: note-label\n\n(zebra-note)=\n\nA **frozen** class is [immutable](how-frozen)."
    "\n\n```python\n(kept-as-code)=\n{class}`Code`\n```\n\nAfter the code.\n````\n\n"
    "```{admonition} The admonition's title\n(yak-admonition)=\nBody.\n```\n\n"
    "```{code-block} python\n(code-block)=\n```\n\n"
    "```\n{class}`InCode`\n```\n"
)
EXPECTED = (
    "Frozen\nUse attrs.Attribute and instance_of; see the glossary and examples.\n"
    "A frozen class is  immutable .\n(kept-as-code)=\n{class}`Code`\nAfter the code.\n"
    "The admonition's title\nBody.\n(code-block)=\n{class}`InCode`"
)
TEXT = (
    "select p.slug, p.updated_at, p.search_vector::text, d.body_text from public.documentation_pages p"
    " join internal.documentation_search_docs d on d.page_id = p.id"
)


def plain(superuser, markdown):
    return superuser.execute("select public.documentation_plain_text(%s)", (markdown,)).fetchone()[0]


def test_a_directives_content_is_read_as_markdown_and_roles_show_their_text(superuser):
    assert plain(superuser, PAGE) == EXPECTED


def test_a_closing_fence_closes_the_outermost_fence_it_can(superuser):
    """With runs of three, the ```python in a note is code in it, and the next ``` closes the note
    (markdown-it reads the text around the directive first): the page's prose follows."""
    assert plain(superuser, "```{note}\n```python\n(a)=\n```\n(b)=\nText.\n") == "(a)=\nText."
    # A fence nested 9 directives deep holds code, as content/fences.py reads it.
    deep = "".join("`" * (20 - i) + "{note}\n" for i in range(9)) + "(deep)=\n"
    assert plain(superuser, deep) == "(deep)="
    assert plain(superuser, "".join("`" * (20 - i) + "{note}\n" for i in range(8)) + "(deep)=\n") == ""


def test_search_finds_a_directives_words_and_shows_roles_as_text(db, make_user):
    admin = make_user(admin=True)
    write_page(db, admin, "frozen", "Frozen", PAGE)
    reader = make_user()
    assert search(db, reader, "zebra") == [] and search(db, reader, "yak") == []
    (slug, _, snippet), *_ = search(db, reader, "glossary")
    assert slug == "frozen" and "the ⟦glossary⟧ and examples" in snippet, snippet
    for markup in ("{", "`", "<", "entry"):
        assert markup not in snippet, snippet


def test_0153_reindexes_stored_pages(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    plain_page = "# Plain\n\nNo directive, {no role}.\n\n```python\ncode\n```\n"
    with empty_db.connect() as conn:
        for slug, markdown in (("frozen", PAGE), ("plain", plain_page)):
            conn.execute(
                "insert into public.documentation_pages (title, slug, content, status)"
                " values (%s, %s, %s, 'published')",
                (slug.title(), slug, Jsonb({"version": 1, "markdown": markdown})),
            )
        before = {slug: rest for slug, *rest in conn.execute(TEXT)}
        revisions = conn.execute("select count(*) from public.documentation_revisions").fetchone()[0]
    assert "(zebra-note)=" in before["frozen"][2] and "{class}" in before["frozen"][2]
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    with empty_db.connect() as conn:
        after = {slug: rest for slug, *rest in conn.execute(TEXT)}
        assert conn.execute("select count(*) from public.documentation_revisions").fetchone()[0] == revisions
    updated_at, vector, body = after["frozen"]
    assert updated_at == before["frozen"][0]
    assert body == EXPECTED, body
    assert "'zebra'" not in vector and "'note-label'" not in vector and "'dropdown'" not in vector, vector
    assert after["plain"] == before["plain"]


HOSTILE = [
    "```{note}\n" * 100_000,
    "````{note}\n```{note}\n(a)=\n````\n" * 40_000,
    "{a}`" * 250_000,
    "{a}`~" + "a." * 500_000,
    "{a}`x <" * 150_000,
    "```{note}\n" + ":a: b\n" * 150_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_directives_and_roles_are_read_in_bounded_time(superuser, text):
    started = time.monotonic()
    plain(superuser, text)
    assert time.monotonic() - started < 10, text[:20]
