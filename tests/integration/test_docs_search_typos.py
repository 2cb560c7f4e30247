"""Did you mean, for a word one typo from a word of the pages (helper 301, h293 M1): the index holds
stems ("animation" is `anim`, 4 edits from "animaton"), so the suggestion looks up the words one
typo from the query's (public.documentation_spellings, 0156) and offers the one the pages write.
Only pages the reader may read count: a draft's or a hidden category's words are never offered."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.services import documentation

PAGES = {
    # slug: (status, hidden category, markdown)
    "guide/animation": ("published", False, "# Animation\n\nThe animator animates a style. Animation is smooth.\n"),
    "guide/reactivity": ("published", False, "# Reactivity\n\nReactive attributes. Reactivity explained.\n"),
    "widgets/data-table": ("published", False, "# DataTable\n\nA DataTable shows rows. Each DataTable sorts.\n"),
    "guide/bindings": ("published", False, "# Bindings\n\nKey bindings bind keys to actions.\n"),
    "guide/containers": ("published", False, "# Containers\n\nA container holds widgets; it contains them.\n"),
    "faq/install": ("published", False, "# Installing on Windows\n\nUse the new Windows Terminal.\n"),
    "guide/widgets": ("published", False, "# Widgets\n\nEvery widget renders.\n"),
    "guide/roadmap": ("draft", False, "# Roadmap\n\nThe zeppelin ships next year.\n"),
    "internal/notes": ("published", True, "# Notes\n\nThe obsidian vault.\n"),
}


@pytest.fixture
def typo_corpus(superuser):
    hidden = superuser.execute(
        "insert into documentation_categories (name, slug, is_visible) values ('Internal', 'internal', false)"
        " returning id"
    ).fetchone()[0]
    for slug, (status, in_hidden, markdown) in PAGES.items():
        superuser.execute(
            "insert into documentation_pages (title, slug, content, status, category_id) values (%s, %s, %s, %s, %s)",
            (slug.rsplit("/", 1)[-1].title(), slug, Jsonb({"version": 1, "markdown": markdown}), status,
             hidden if in_hidden else None),
        )  # fmt: skip


def suggestion(acting: ActingUser, query: str, **options) -> str | None:
    return documentation.search(acting, query=query, **options).suggestion


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("animaton", "animation"),  # the walk's: a letter left out ("animator" is one typo away too)
        ("reactvity", "reactivity"),
        ("datatabel", "datatable"),  # two letters swapped
        ("bindngs", "bindings"),  # was `bind`: the closest stem
        ("containr", "container"),  # was `contains`
        ("widgit", "widget"),  # a letter changed
        ("qidget", "widget"),  # in the first letter too
        ("windos", "windows"),  # "window" stems alike, but the pages write "Windows"
        ("animaton reactvity", "animation reactivity"),
    ],
)
def test_a_word_one_typo_away_is_offered_as_the_pages_write_it(db, make_user, typo_corpus, query, expected):
    assert suggestion(ActingUser(db, make_user()), query) == expected


def test_a_word_of_the_pages_is_not_corrected(db, make_user, typo_corpus):
    reader = ActingUser(db, make_user())
    for query in ("animator", "reactive", "contains", "windows"):  # one hit each at most: poor, yet known
        assert suggestion(reader, query) is None, query


def test_words_the_reader_may_not_read_are_never_offered(db, make_user, typo_corpus):
    reader = ActingUser(db, make_user())
    assert suggestion(reader, "zepelin") is None  # a draft's word
    assert suggestion(reader, "zepelin", include_drafts=True) is None  # --all, refused to a reader
    assert suggestion(reader, "obsidan") is None  # a hidden category's
    admin = ActingUser(db, make_user(admin=True))
    assert suggestion(admin, "zepelin") is None  # an admin's drafts only when asked for
    assert suggestion(admin, "zepelin", include_drafts=True) == "zeppelin"


def test_the_spelling_offered_follows_what_the_pages_write_now(db, make_user, typo_corpus, superuser):
    """Whether a word is written comes from an index kept with each page (0172), not a scan of its
    text: once the page says "window", that is the spelling offered for `windos`."""
    reader = ActingUser(db, make_user())
    assert suggestion(reader, "windos") == "windows"
    superuser.execute("update documentation_pages set content = %s where slug = 'faq/install'",
                      (Jsonb({"version": 1, "markdown": "# Installing\n\nOpen a window of the terminal.\n"}),))  # fmt: skip
    assert suggestion(reader, "windos") == "window"
