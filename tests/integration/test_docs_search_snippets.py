"""Documentation search's snippet shows the part of the page that matched, highlighted (0167):
a phrase where its words are next to each other, a word in any case on word boundaries (camel
case `DataTable`, not `Viewer` inside `MarkdownViewer`) and in its stemmed forms; an excluded
word never places it; the page's start only when nothing in its text matched. A new user's walk
found snippets empty and unhighlighted ("Show this message and exit. Commands" for `"time
zone"`). Pages hold the match past the first 800 characters, after near misses, as real pages do."""

from __future__ import annotations

import time

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.bundled import bundled_help
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import documentation
from tests.conftest import shared_data

# Words none of the queries below look for: past this, 0139's 800-character window never reached.
FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 12

PAGES = {
    # slug: (title, markdown)
    "phrase": (
        "Settings",
        f"# Settings\n\nEach time you start, the app reads them.\n\n{FILLER}\n\nA zone of the"
        f" screen holds widgets.\n\n{FILLER}\n\nSet the time zone with --tz.\n",
    ),
    "camel": ("Tables", f"# Tables\n\nRows and columns, in a grid.\n\n{FILLER}\n\nThe DataTable widget shows rows.\n"),
    "stem": ("Keys", f"# Keys\n\nThe binder holds notes.\n\n{FILLER}\n\nBindings map keys to actions.\n"),
    "typo": (
        "MarkdownViewer",
        f"# MarkdownViewer\n\nShows a document.\n\n{FILLER}\n\nThe viewer has a table of contents.\n",
    ),
    "excluded": (
        "Modes",
        f"# Modes\n\nPress a key to go on.\n\n{FILLER}\n\nModes switch between screens with a key or a binding.\n",
    ),
    "hyphen": ("Input", f"# Input\n\nKeys and a binder.\n\n{FILLER}\n\nKey bindings run actions.\n"),
    "elsewhere": ("Zeppelin airship", f"{FILLER}\n"),
}


def write_page(db, admin, slug, title, markdown):
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "insert into documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
            (title, slug, Jsonb({"version": 1, "markdown": markdown})),
        )


def snippets(db, reader, query):
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        return dict(conn.execute("select slug, snippet from search_documentation(%s, null, null, 20)", (query,)))


@pytest.fixture
def reader(db, make_user):
    admin = make_user(admin=True)
    for slug, (title, markdown) in PAGES.items():
        write_page(db, admin, slug, title, markdown)
    return make_user()


@pytest.mark.parametrize(
    ("query", "slug", "shown"),
    [
        ('"time zone"', "phrase", "Set the ⟦time⟧ ⟦zone⟧ with"),  # not "Each time" (first), nor "A zone"
        ("datatable", "camel", "The ⟦DataTable⟧ widget"),  # in camel case: 0139 looked for datat, Datat, DATAT
        ("binding", "stem", "⟦Bindings⟧ map keys"),  # a stemmed form, capitalised; `binder` is another stem
        # Not `Viewer` inside MarkdownViewer; the typo matches no word (search corrects none).
        ("markdwn viewer", "typo", "The ⟦viewer⟧ has"),
        # The excluded phrase's words placed it before; they are no words sought, nor highlighted.
        ('screens -"key bindings"', "excluded", "between ⟦screens⟧ with a key or a binding"),
        ("key-bindings", "hyphen", "⟦Key⟧ ⟦bindings⟧ run"),  # its parts, as the ranking found the page
    ],
)
def test_the_snippet_shows_and_highlights_what_matched(db, reader, query, slug, shown):
    found = snippets(db, reader, query)
    assert shown in found[slug], found


def test_only_a_page_matched_elsewhere_shows_its_start(db, reader):
    """`airship` is in the title alone: the text holds nothing to show, so it starts the snippet."""
    assert snippets(db, reader, "airship")["elsewhere"] == "Lorem ipsum dolor sit amet, consectetur"


@pytest.mark.parametrize(
    ("title", "text", "query", "shown"),
    [
        # Near misses everywhere (`bind` is not their stem): 16 windows parsed, then the page's start.
        ("Bind", "binder bindery Binder " * 50_000, "bind", None),
        ("Bindings", "alpha beta gamma delta " * 45_000, "binding", None),  # nothing in 250,000 characters
        ("Key bindings", "key binder " * 95_000, '"key bindings"', "⟦key⟧"),  # no phrase: its words one by one
        ("Emoji", "ünïcödé 漢字 😀 " * 40_000, "ünïcödé", "⟦ünïcödé⟧"),
        ("Xx", "x" * 1_000_000, "xx", None),  # one word
    ],
    # Named by title: an id holding the megabyte would be in PYTEST_CURRENT_TEST, past what one
    # environment string may hold, and every process started meanwhile (the server's stop at the
    # end of a worker's session) would fail with "Argument list too long".
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "",
)
def test_a_one_megabyte_page_gets_its_snippet_in_bounded_time(db, make_user, title, text, query, shown):
    """A red team indexed ~1 MB pages in about a second; the snippet of one costs far less. The
    page matches by its title, so its text is searched for what matched to its end."""
    write_page(db, make_user(admin=True), "huge", title, text)
    reader = make_user()
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        started = time.monotonic()
        rows = conn.execute("select slug, snippet from search_documentation(%s)", (query,)).fetchall()
        elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    assert [slug for slug, _ in rows] == ["huge"]
    assert len(rows[0][1]) <= 800
    if shown is None:
        assert "⟦" not in rows[0][1], rows[0][1]
    else:
        assert shown in rows[0][1], rows[0][1]


WALK = [
    # (query, slug, shown): the walk's queries against Textual's documentation, and the bundled help's
    ('"time zone"', "commands/notifications", "⟦time⟧ ⟦zone⟧"),
    ('"key bindings"', "guide/input", "⟦key⟧  ⟦bindings⟧"),
    ('"screen stack"', "guide/screens", "⟦Screen⟧ ⟦stack⟧"),
    ("datatable -cursor", "blog/posts/release0-11-0", "⟦DataTable⟧ improvements"),
    ("markdwn viewer", "roadmap", "Markdown ⟦viewer⟧"),
]


def test_the_walks_queries_show_what_matched_in_textuals_docs(db, make_user):
    admin = ActingUser(db, make_user(admin=True))
    documentation.import_tree(admin, root=bundled_help(), publish=True)
    documentation.import_tree(admin, root=shared_data("docs", "textual"), publish=True)
    reader = ActingUser(db, make_user())
    for query, slug, shown in WALK:
        hits = {hit.slug: hit.snippet for hit in documentation.search(reader, query=query).hits}
        assert shown in hits[slug], (query, hits)
        # Every hit whose text holds the words shows them: none starts "Input This chapter will ...".
        assert all("⟦" in snippet for snippet in hits.values() if query != "markdwn viewer"), (query, hits)
    # The MarkdownViewer page matched `viewer` in its path alone (search corrects no word): its start.
    found = documentation.search(reader, query="markdwn viewer")
    hits = {hit.slug: hit.snippet for hit in found.hits}
    assert hits["widgets/markdown-viewer"].startswith("MarkdownViewer")
    # Pages hold "viewer", none "markdon": the misspelt word is corrected, however many pages "viewer" found.
    # (Not "markdwn": the bundled help's Documentation guide, README's section, gives it as its example.)
    found = documentation.search(reader, query="markdon viewer")
    assert len(found.hits) >= 3 and found.suggestion == "markdown viewer"
