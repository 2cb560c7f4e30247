"""0146 on a database that already holds documentation pages: a title an import took from a first
heading reads its character references, as a new import of the file reads it (tree.title_from),
where that is certain; other titles stay. Titles with `<` or `>` are indexed as text (`<integer>`
by its word), and the pages it reindexes keep their updated_at and take no revision."""

from __future__ import annotations

from html.entities import html5

from psycopg.types.json import Jsonb

from blogster_cli.db import migrations
from blogster_cli.documentation.tree import title_from
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0146_documentation_titles_as_text"


def content(markdown: str, *, source: bool = True, title: str | None = None) -> Jsonb:
    value: dict[str, object] = {"version": 1, "markdown": markdown}
    if source:
        value["source"] = {"path": "css_types/integer.md", "tree": "t", "folder": "docs"}
        value["front_matter"] = {"title": title} if title else None
    return Jsonb(value)


# Every named reference the migration knows, and numeric ones, in one heading: read as Python reads them.
KNOWN = ("lt gt amp quot apos nbsp mdash ndash hellip lsquo rsquo ldquo rdquo laquo raquo copy reg trade times"
         " middot bull rarr larr harr rArr deg plusmn le ge ne minus euro pound sect para check infin").split()  # fmt: skip
EVERY = "All " + " ".join(f"&{name};" for name in KNOWN) + " &#65;&#x1F600;&#X42; end"

PAGES = {
    # slug: (stored title, content, title after 0146)
    "integer": ("&lt;integer&gt;", content("# &lt;integer&gt;\n\nA whole number.\n"), "<integer>"),
    "dash": ("Smooth &mdash; scrolling", content("# Smooth &mdash; scrolling\n\nText.\n"), "Smooth — scrolling"),
    "every": (EVERY, content(f"# {EVERY}\n"), title_from(f"# {EVERY}\n", "x.md")),
    "blank-end": ("Tabs&nbsp;", content("# Tabs&nbsp;\n"), "Tabs"),
    "unknown-reference": (
        "Arrows &DoubleRightArrow;",
        content("# Arrows &DoubleRightArrow;\n"),
        "Arrows &DoubleRightArrow;",
    ),  # fmt: skip
    "control-character": ("Bell &#7;", content("# Bell &#7;\n"), "Bell &#7;"),
    "written-here": ("Fish &amp; chips", content("# Fish &amp; chips\n", source=False), "Fish &amp; chips"),
    "front-matter": ("Fish &amp; chips", content("# Other\n", title="Fish &amp; chips"), "Fish &amp; chips"),
    "edited": ("Tom &amp; Jerry", content("# Heading\n"), "Tom &amp; Jerry"),
    "tag-like": ("The <Static> widget", content("# Intro\n", title="The <Static> widget"), "The <Static> widget"),
}


def test_0146_reads_references_in_titles_taken_from_headings_and_indexes_titles_as_text(
    empty_db, tmp_path, monkeypatch
):
    assert PAGES["every"][2].startswith("All < > & \" ' \xa0 — –") and PAGES["every"][2].endswith("∞ A😀B end")
    assert all(f"{name};" in html5 for name in KNOWN)
    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        for slug, (title, body, _) in PAGES.items():
            conn.execute(
                "insert into public.documentation_pages (title, slug, content, status)"
                " values (%s, %s, %s, 'published')",
                (title, slug, body),
            )
        before = dict(conn.execute("select slug, updated_at from public.documentation_pages").fetchall())
        revisions = conn.execute("select count(*) from public.documentation_revisions").fetchone()[0]
        static = conn.execute("select search_vector::text from public.documentation_pages where slug = 'tag-like'")
        assert "'static'" not in static.fetchone()[0]  # read as an XML tag, dropped
    monkeypatch.undo()
    migrations.apply(empty_db, until=MIGRATION)
    with empty_db.connect() as conn:
        after = {slug: (title, updated_at, vector) for slug, title, updated_at, vector in conn.execute(
            "select slug, title, updated_at, search_vector::text from public.documentation_pages")}  # fmt: skip
        assert conn.execute("select count(*) from public.documentation_revisions").fetchone()[0] == revisions
        norm = conn.execute(
            "select d.title_norm from internal.documentation_search_docs d"
            " join public.documentation_pages p on p.id = d.page_id where p.slug = 'integer'"
        ).fetchone()[0]
    assert {slug: row[0] for slug, row in after.items()} == {slug: page[2] for slug, page in PAGES.items()}
    assert all(after[slug][1] == before[slug] for slug in PAGES)
    assert "'integ':1A" in after["integer"][2] and norm == "integer"
    assert "'static':2A" in after["tag-like"][2] and "'widget':3A" in after["tag-like"][2]
