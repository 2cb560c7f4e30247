"""documentation/query.py: a docs search query's terms as websearch_to_tsquery reads them, and the
rewrite a "did you mean" makes, which changes plain words only (never an excluded word, a
phrase's words or OR). tests/integration/test_docs_search_suggestions.py checks the reading
against PostgreSQL's own parser and the suggestion end to end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.documentation.query import Role, is_plain_word, rewrite, sought_words, terms


def read(query: str) -> list[tuple[str, str]]:
    return [(query[t.start : t.end], t.role.value) for t in terms(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"message queue" -deprecated', [("message queue", "phrase"), ("deprecated", "excluded")]),
        ("foo OR barr", [("foo", "sought"), ("OR", "or"), ("barr", "sought")]),
        ("- foo bar", [("foo", "excluded"), ("bar", "sought")]),  # the space after `-` is skipped
        ("e-mail -spam", [("e-mail", "sought"), ("spam", "excluded")]),  # a `-` inside a word is the word's
        ('a "unclosed -quote', [("a", "sought"), ("unclosed -quote", "phrase")]),  # a phrase to the end
        ('-"a b" c', [("a b", "phrase"), ("c", "sought")]),
        ('"a -b OR c" d', [("a -b OR c", "phrase"), ("d", "sought")]),  # inside quotes all is the phrase's
        ('a"b c', [("a", "sought"), ("b c", "phrase")]),
        ('x "" y', [("x", "sought"), ("y", "sought")]),
        ('a or "b"', [("a", "sought"), ("or", "or"), ("b", "phrase")]),
        ("a or:b", [("a", "sought"), ("or", "or"), (":b", "sought")]),
        ("a or-b", [("a", "sought"), ("or-b", "sought")]),
        ("(-foo bar)", [("foo", "excluded"), ("bar", "sought")]),
        ("or foo", [("or", "sought"), ("foo", "sought")]),  # no term before it: a word
        ("foo or", [("foo", "sought"), ("or", "sought")]),  # nothing after it: a word
        ("foo order", [("foo", "sought"), ("order", "sought")]),
        ("foo:bar", [("foo", "sought"), (":bar", "sought")]),
    ],
)
def test_terms_and_their_roles(query, expected):
    assert read(query) == expected


def test_only_plain_words_are_sought():
    query = 'workrs "mesage queue" -threds OR colr -"x y"'
    assert [w.text for w in sought_words(query)] == ["workrs", "colr"]


def test_the_walks_query_has_nothing_to_correct():
    assert list(sought_words('"message queue" -deprecated')) == []
    assert rewrite('"message queue" -deprecated', {"deprecated": "degrees", "message": "massage"}) == (
        '"message queue" -deprecated'
    )


def test_a_replacement_must_stay_one_plain_word():
    assert is_plain_word("workers") and is_plain_word("e-mail") and is_plain_word("don't")
    for text in ("or", "OR", "or's", "-x", "a b", 'x"', "x(y", "x:y", "", "2fa"):
        assert not is_plain_word(text), text


WORDS = st.sampled_from(["workrs", "Workrs", "colr", "queu", "mesage", "or", "OR", "e-mail", "x", "threds"])
PIECE = st.one_of(
    WORDS,
    WORDS.map(lambda w: f"-{w}"),
    WORDS.map(lambda w: f"- {w}"),
    st.lists(WORDS, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.lists(WORDS, min_size=1, max_size=3).map(lambda ws: '-"' + " ".join(ws) + '"'),
    st.sampled_from(['"', "(", ")", "!", "|", "&", "<", ":", "-", "OR", "or"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=4),
)
SEPARATOR = st.sampled_from([" ", "  ", "", "\t"])
QUERY = st.lists(st.tuples(PIECE, SEPARATOR), max_size=8).map(lambda parts: "".join(p + s for p, s in parts))
REPLACEMENT = st.sampled_from(["workers", "color", "queue", "message", "threads", "e-mail", "ok"])


@settings(max_examples=400, deadline=None)
@given(query=QUERY, replacements=st.dictionaries(WORDS.map(str.lower), REPLACEMENT))
def test_a_rewrite_changes_sought_words_only(query, replacements):
    """Property: whatever the query and whichever plain words are replaced, the rewritten query
    reads as the same terms in the same roles, and every term that is not sought (an excluded
    word, a phrase's word, OR) and all the text between terms are exactly as they were."""
    rewritten = rewrite(query, replacements)
    before, after = terms(query), terms(rewritten)
    assert [t.role for t in before] == [t.role for t in after]
    old_end = new_end = 0
    for old, new in zip(before, after, strict=True):
        assert query[old_end : old.start] == rewritten[new_end : new.start]  # between terms
        if old.role is not Role.SOUGHT:
            assert query[old.start : old.end] == rewritten[new.start : new.end]
        old_end, new_end = old.end, new.end
    assert query[old_end:] == rewritten[new_end:]


@given(query=QUERY)
def test_sought_words_lie_in_sought_terms(query):
    sought = [(t.start, t.end) for t in terms(query) if t.role is Role.SOUGHT]
    for word in sought_words(query):
        assert any(start <= word.start and word.end <= end for start, end in sought)
        assert word.text.lower() != "or"


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2003"])
def test_a_word_after_a_space_the_database_may_not_take_for_one_is_left_alone(space):
    """Red team 31: `-deploi\u3000sevre` had `sevre` corrected, though PostgreSQL under a C locale
    reads `-deploi\u3000sevre` as one excluded word: whether U+3000 separates words is the
    database's LC_CTYPE, so a word is sought only when it is under both readings."""
    assert [w.text for w in sought_words(f"-deploi{space}sevre")] == []
    assert rewrite(f"-deploi{space}sevre", {"sevre": "serve"}) == f"-deploi{space}sevre"
    assert [w.text for w in sought_words(f"deploi{space}sevre")] == []  # one word, or two: unsure
    assert [w.text for w in sought_words("deploi sevre")] == ["deploi", "sevre"]
