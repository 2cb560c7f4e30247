"""A docs search query's terms as PostgreSQL's websearch_to_tsquery reads them, which of its
words a "did you mean" may change, and the words one typo away from one.

The grammar (PostgreSQL's gettoken_query_websearch, with its word reader in web mode, as
PostgreSQL 14 and later have it): words are AND-ed; "a phrase" is the text between double
quotes, or from a quote with no closing one to the end; `-` before a word or a phrase excludes
it (`- word` too: the space is skipped), and inside a word (`e-mail`) is part of it; `OR` (any
case) between two terms is the operator; `! & | ( ) <` are skipped between terms and end a
word, as do whitespace, `"` and `:`.
Only a plain word the query looks for may be corrected: never an excluded word, a word of a
phrase, nor the operator.

Whitespace is the database's call: PostgreSQL asks the C library under the database's LC_CTYPE,
so a non-ASCII space (U+3000, U+00A0) separates words under one locale and not under another. A
word is taken as sought only when it is sought under both readings.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

# Characters the query parser skips between terms and that end a word (tsquery's ISOPERATOR).
_OPERATORS = frozenset("!&|()<")
# What ends a word besides whitespace (the word reader's delimiters in web mode).
_WORD_END = _OPERATORS | {'"', ":"}
# A word of a term, as the suggestion looks words up (a letter first; then letters, digits, ' and -).
WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


class Role(enum.Enum):
    SOUGHT = "sought"  # a plain word the query looks for
    PHRASE = "phrase"  # between double quotes (the whole text between them)
    EXCLUDED = "excluded"  # after `-`
    OR = "or"  # the OR operator


@dataclass(frozen=True)
class Term:
    start: int
    end: int
    role: Role


def _ascii_space(char: str) -> bool:
    return char in " \t\n\r\v\f"


def terms(query: str, *, is_space: Callable[[str], bool] = str.isspace) -> list[Term]:
    """The query's terms in order, each with its role (a phrase is one term: the text between its
    quotes); what the parser skips between terms is in none. `is_space`: what separates words
    (see the module's note on whitespace)."""
    found: list[Term] = []
    at, length = 0, len(query)
    operand = True  # waiting for a term (else for an operator)
    negated = False
    while at < length:
        char = query[at]
        if operand:
            if char == "-":
                negated = True
                at += 1
            elif char == '"':  # a phrase, to the closing quote or the end of the query
                close = query.find('"', at + 1)
                end = length if close < 0 else close
                if end > at + 1:
                    found.append(Term(at + 1, end, Role.PHRASE))
                negated, operand, at = False, False, end + 1
            elif char in _OPERATORS or is_space(char):
                at += 1
            else:
                end = at + 1
                while end < length and not (is_space(query[end]) or query[end] in _WORD_END):
                    end += 1
                found.append(Term(at, end, Role.EXCLUDED if negated else Role.SOUGHT))
                negated, operand, at = False, False, end
        elif _or_operator(query, at, is_space):
            found.append(Term(at, at + 2, Role.OR))
            operand, at = True, at + 2
        elif is_space(char):
            at += 1
        else:
            operand = True  # an AND before the next term (a word, a phrase, or a `-` excluding one)
    return found


def _or_operator(query: str, at: int, is_space: Callable[[str], bool]) -> bool:
    """Whether `or` (any case) at `at` is the operator: not the start of a longer word, and with
    something after it (PostgreSQL's parse_or_operator)."""
    if query[at : at + 2] not in ("or", "Or", "oR", "OR"):
        return False
    rest = query[at + 2 :]
    if not rest or rest[0] in "-_" or rest[0].isalnum():
        return False
    return any(not is_space(char) for char in rest[1:])


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


def sought_words(query: str) -> Iterator[Word]:
    """The words of the query's plain terms: the only ones a suggestion may change (a plain word
    `or`, where the operator could not stand, is left alone too)."""
    unicode, ascii = (
        {(t.start, t.end) for t in terms(query, is_space=space) if t.role is Role.SOUGHT}
        for space in (str.isspace, _ascii_space)
    )
    for start, end in sorted(unicode & ascii):
        for match in WORD.finditer(query, start, end):
            if match.group().lower() != "or":
                yield Word(match.start(), match.end(), match.group())


def is_plain_word(text: str) -> bool:
    """Whether `text`, put in the place of a sought word, stays one sought word wherever that
    stood: no space, quote, leading `-` or other delimiter, and not the operator (`or`, `or's`)."""
    if WORD.fullmatch(text) is None:
        return False
    expected = [
        Term(0, 1, Role.SOUGHT),
        Term(2, 2 + len(text), Role.SOUGHT),
        Term(3 + len(text), 4 + len(text), Role.SOUGHT),
    ]
    return terms(text) == [Term(0, len(text), Role.SOUGHT)] and terms(f"x {text} y") == expected


def rewrite(query: str, replacements: Mapping[str, str]) -> str:
    """The query with each sought word whose lower-case form `replacements` holds replaced by its
    value; everything else (phrases, excluded words, operators, spacing) exactly as it was."""
    pieces: list[str] = []
    last = 0
    for word in sought_words(query):
        replacement = replacements.get(word.text.lower())
        if replacement is None:
            continue
        pieces += [query[last : word.start], replacement]
        last = word.end
    pieces.append(query[last:])
    return "".join(pieces)


MAX_TYPO_WORD = 24  # the longest word whose one-typo spellings are looked up (1,321 of a to z at most)


def one_typo_away(word: str) -> list[str]:
    """The words one typo from `word` (lower case): a letter left out, one added, one changed, or
    two next to each other swapped, each letter from a to z or one of the word's own; none for a
    word of other characters than letters and digits (`e-mail`, `don't`) or longer than MAX_TYPO_WORD."""
    word = word.lower()
    if not word.isalnum() or len(word) > MAX_TYPO_WORD:
        return []
    letters = sorted(set(string.ascii_lowercase) | {char for char in word if char.isalpha()})
    splits = [(word[:at], word[at:]) for at in range(len(word) + 1)]
    found = [head + rest[1:] for head, rest in splits if rest]
    found += [head + rest[1] + rest[0] + rest[2:] for head, rest in splits if len(rest) > 1]
    found += [head + char + rest[1:] for head, rest in splits if rest for char in letters]
    found += [head + char + rest for head, rest in splits for char in letters]
    return [w for w in dict.fromkeys(found) if w != word]
