"""Did you mean: only plain words that found nothing are corrected, never a word the query
excludes (`-word`), a word of a quoted phrase, or OR. documentation/query.py reads the query
as PostgreSQL's websearch_to_tsquery does: checked here against PostgreSQL's own parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.documentation.query import Role, terms
from blogster_cli.services import documentation
from tests.integration.test_docs_search import corpus  # noqa: F401  (fixture)

PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def reader(db, make_user):
    return ActingUser(db, make_user())


def suggestion(acting: ActingUser, query: str) -> str | None:
    return documentation.search(acting, query=query).suggestion


def test_excluded_and_phrase_words_are_never_corrected(reader, corpus):  # noqa: F811
    # The walk's finding: `-deprecated` (in no page) came back as `-degrees`.
    assert suggestion(reader, '"message queue" -deprecatd') is None
    assert suggestion(reader, "-workrs") is None
    assert suggestion(reader, '"mesage queue"') is None
    assert suggestion(reader, "windos OR bublling") == "windows OR bubbling"
    # The same misspelling, sought and excluded: only the sought one changes.
    assert suggestion(reader, 'colr -colr "colr thread"') == 'color -colr "colr thread"'
    assert suggestion(reader, "- workrs colr") == "- workrs color"  # `- word` excludes the word too


# Misspellings of the corpus's words (and words in no page), to put in every role.
MISSPELT = ["workrs", "Workrs", "mesage", "queu", "bublling", "windos", "colr", "screan", "zepelin", "handlr"]
WORD = st.sampled_from([*MISSPELT, "queue", "message", "widget"])


PIECES = st.one_of(
    WORD.map(lambda w: ("sought", w)),
    WORD.map(lambda w: ("fixed", f"-{w}")),
    st.lists(WORD, min_size=1, max_size=3).map(lambda ws: ("fixed", '"' + " ".join(ws) + '"')),
    st.lists(WORD, min_size=1, max_size=3).map(lambda ws: ("fixed", '-"' + " ".join(ws) + '"')),
    st.just(("fixed", "OR")),
)


@PROPERTY
@given(pieces=st.lists(PIECES, min_size=1, max_size=6))
def test_a_suggestion_changes_only_the_plain_words(reader, corpus, pieces):  # noqa: F811
    """Property: for a query of plain words, excluded words, phrases (excluded or not) and OR,
    a suggestion, when there is one, is the query with only plain words changed: every `-word`,
    every `"phrase"` and every OR is there as written, in its place."""
    query = " ".join(text for _, text in pieces)
    found = suggestion(reader, query)
    if found is None:
        return
    shape = r"\s".join(r"[^\s\"]+" if role == "sought" else re.escape(text) for role, text in pieces)
    assert re.fullmatch(shape, found), (query, found)
    assert found != query


# --- the reading, against PostgreSQL's parser -------------------------------------------------

_TOKEN = re.compile(r"\s*('(?:[^']|'')*'|<->|<\d+>|[!&|()])")


def _postgres_reading(tsquery: str) -> list[tuple[str, bool, bool]]:
    """(lexeme, under a NOT, inside a phrase) for each operand of websearch_to_tsquery's output."""
    tokens = _TOKEN.findall(tsquery)
    at = 0
    found: list[tuple[str, bool, bool]] = []

    def peek() -> str | None:
        return tokens[at] if at < len(tokens) else None

    def take() -> str:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def unary(negated: bool, phrase: bool) -> None:
        token = take()
        if token == "!":
            unary(True, phrase)
        elif token == "(":
            either(negated, phrase)
            assert take() == ")"
        else:
            found.append((token[1:-1].replace("''", "'"), negated, phrase))

    def phrases(negated: bool, phrase: bool) -> None:
        start = len(found)
        unary(negated, phrase)
        chained = False
        while (token := peek()) is not None and token.startswith("<"):
            take()
            unary(negated, True)
            chained = True
        if chained:
            found[start:] = [(lexeme, neg, True) for lexeme, neg, _ in found[start:]]

    def both(negated: bool, phrase: bool) -> None:
        phrases(negated, phrase)
        while peek() == "&":
            take()
            phrases(negated, phrase)

    def either(negated: bool, phrase: bool) -> None:
        both(negated, phrase)
        while peek() == "|":
            take()
            both(negated, phrase)

    if tokens:
        either(False, False)
    assert at == len(tokens), tsquery
    return found


# Words of one length: two glued together are no word of the list.
WORDS = st.lists(st.text("abcdefghij", min_size=4, max_size=4), unique=True, max_size=6)
BEFORE = st.sampled_from(["", "-", "- ", '"', '-"', "(", "!", "OR ", "or ", "--", ":", "<", "|"])
AFTER = st.sampled_from(["", '"', ")", ":", "&", "<", " OR", " or", "!"])
GAP = st.sampled_from([" ", "", "  ", "\t"])


@settings(PROPERTY, max_examples=300)
@given(words=WORDS, data=st.data())
def test_the_reading_agrees_with_postgresql(superuser, words, data):
    """Property: a word read as sought is, for PostgreSQL, a word looked for outside any phrase;
    one read as excluded is under a NOT; a word PostgreSQL puts under a NOT or in a phrase is
    never read as sought (whatever the punctuation, OR and quotes around it)."""
    query = "".join(data.draw(BEFORE) + word + data.draw(AFTER) + data.draw(GAP) for word in words)
    tsquery = superuser.execute("select websearch_to_tsquery('simple', %s)::text", (query,)).fetchone()[0]
    postgres = _postgres_reading(tsquery)
    roles = {query[t.start : t.end]: t.role for t in terms(query)}
    for lexeme, negated, phrase in postgres:
        role = roles.get(lexeme)
        if role is None or lexeme not in words:
            continue  # glued to another word or to punctuation: not a term of its own
        if role is Role.SOUGHT:
            assert not negated and not phrase, (query, tsquery)
        if role is Role.EXCLUDED:
            assert negated, (query, tsquery)
        if negated or phrase:
            assert role is not Role.SOUGHT, (query, tsquery)


# --- stop words: skipped by a page language, never "corrected" ---------------------------------


@pytest.fixture
def two_languages(superuser):
    """An English page and a German one: each language skips its own stop words ("how", "und")."""
    for slug, config, markdown in (
        ("install", "english", "Install the queue. Show the chat, alter one setting."),
        ("warteschlange", "german", "Eine Warteschlange speichert Aufträge."),
    ):
        superuser.execute(
            "insert into documentation_pages (title, slug, content, status, search_config)"
            " values (%s, %s, %s, 'published', %s)",
            (slug.title(), slug, Jsonb({"version": 1, "markdown": markdown}), config),
        )


def test_a_stop_word_of_a_page_language_is_never_corrected(reader, two_languages):
    # The walk's finding: "how" became "show", "what" "chat", "after" "alter", "once" "one"
    # (English stop words, but words of the German pages' language: they looked misspelt).
    assert suggestion(reader, "how do I install the queue") is None
    assert suggestion(reader, "what happens after once") is None
    assert suggestion(reader, "und die Warteschlange") is None
    # A misspelt word still is, its stop words left as written.
    assert suggestion(reader, "how do I instll the queu") == "how do I install the queue"


def test_a_query_of_stop_words_only_is_too_common(reader, two_languages):
    for query in ("the a", "how", "und die", "the und"):
        result = documentation.search(reader, query=query)
        assert result.hits == [] and result.too_common and result.suggestion is None, query
    assert not documentation.search(reader, query="the zeppelin").too_common
