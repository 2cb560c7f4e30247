"""Author lists as people type them into `research add --author`, read into names that APA and MLA
can invert and abbreviate.

Accepted: "Jane Doe", "Doe, Jane", "Doe, J. A.", lists separated by commas, semicolons, "and" or "&"
("Jane Doe, Bob Roe, and Ann Lee"; "Doe, J., & Roe, B."; "Doe, Jane; Roe, Bob"), a trailing "et al.",
and a suffix (Jr., Sr., II, III, IV) after the name or after a comma.
Printed as typed, never inverted: a single word ("Plato", "NASA") and anything that reads as an
organisation (a word like Organization, Institute, Foundation, Center, Inc., a lower-case "of",
"for", "the", or a leading "The": "World Health Organization", "Centers for Disease Control and Prevention"). Without
semicolons a whole list that reads as an organisation stays one author; separate authors with ";"
to mix people and organisations.
Name particles (van, von, de, da, di, du, la, le, der, den, del, della, ter, ten, bin, ibn) stay with
the family name: "Ludwig van Beethoven" and "Beethoven, Ludwig van" are both "van Beethoven, L."
In natural order the family name is the last word (with its particles), so a two-word family name
("Gabriel García Márquez") must be typed inverted: "García Márquez, Gabriel". Around a comma, "Doe,
Jane" (a bare family name, or a single given name or initials after it) is one inverted name, not
two one-word authors; "Jane Doe, Bob Roe" is two names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

PARTICLES = frozenset(
    {"van", "von", "de", "da", "di", "du", "la", "le", "der", "den", "del", "della", "ter", "ten", "bin", "ibn"}
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
ORGANISATION_WORDS = frozenset(
    {
        "academy", "administration", "agency", "alliance", "association", "authority", "bank", "board",
        "bureau", "center", "centers", "centre", "centres", "clinic", "co.", "coalition", "college",
        "commission", "committee", "company", "consortium", "corp.", "corporation", "council",
        "department", "federation", "force", "foundation", "fund", "government", "group", "hospital",
        "inc", "inc.", "initiative", "institute", "institution", "laboratory", "league", "library", "llc",
        "ltd", "ltd.", "ministry", "museum", "network", "office", "organisation", "organization", "panel",
        "plc", "press", "program", "programme", "project", "service", "services", "society", "team",
        "trust", "union", "university",
    }
)  # fmt: skip
ORGANISATION_LOWER_WORDS = frozenset({"of", "for", "the", "on", "in", "at", "to"})
_AND = re.compile(r",?\s+and\s+|,?\s*&\s*")
_LEADING_AND = re.compile(r"^(?:and\s+|&\s*)")
_ET_AL = re.compile(r",?\s*et\s+al\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class AuthorName:
    """A person (family and given names) or, with no given names, a name printed as typed."""

    family: str
    given: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Authors:
    names: tuple[AuthorName, ...]
    more: bool = False  # the list ended with "et al.": there are authors nobody typed


def parse_authors(text: str | None) -> Authors:
    text = " ".join((text or "").split())
    text, more = _ET_AL.sub("", text), bool(_ET_AL.search(text))
    names: list[AuthorName] = []
    for part in text.split(";"):
        part = _LEADING_AND.sub("", part.strip(" ,")).strip(" ,")
        if not part:
            continue
        if _reads_as_organisation(part):
            names.append(AuthorName(family=part))
            continue
        for chunk in _AND.split(part):
            names.extend(_names_in(chunk))
    return Authors(tuple(names), more=more and bool(names))


def initials(given: str) -> str:
    """ "Jane Ann" -> "J. A."; "Jean-Paul" -> "J.-P."; "J.A." -> "J. A." """
    words = (w.strip(".") for w in given.replace(".", ". ").split())
    return " ".join("-".join(f"{part[0]}." for part in w.split("-") if part) for w in words if w)


def _names_in(chunk: str) -> list[AuthorName]:
    """One and/&-separated chunk: a comma list of names, each either natural ("Jane Doe") or inverted
    across two pieces ("Doe", "Jane") when the first piece is just a family name."""
    pieces = [p.strip() for p in chunk.split(",") if p.strip()]
    names: list[AuthorName] = []
    i = 0
    while i < len(pieces):
        piece, following = pieces[i], pieces[i + 1] if i + 1 < len(pieces) else None
        if following is not None and not _is_suffix(following) and _inverted_pair(piece, following):
            name, i = _inverted(piece, following), i + 2
        else:
            name, i = _natural(piece), i + 1
        if i < len(pieces) and _is_suffix(pieces[i]) and name.given:
            name, i = AuthorName(name.family, name.given, pieces[i]), i + 1
        names.append(name)
    return names


def _natural(piece: str) -> AuthorName:
    words, suffix = piece.split(), ""
    while len(words) > 2 and _is_suffix(words[-1]):  # "Jane Doe Jr.": the last one typed is shown
        suffix = suffix or words[-1]
        words = words[:-1]
    if suffix:
        return replace(_natural(" ".join(words)), suffix=suffix)
    if len(words) < 2 or _reads_as_organisation(piece):
        return AuthorName(family=piece)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return AuthorName(family=" ".join(words[start:]), given=" ".join(words[:start]))


def _inverted(family: str, given: str) -> AuthorName:
    """ "Beethoven", "Ludwig van" -> van Beethoven, Ludwig."""
    words = given.split()
    end = len(words)
    while end > 1 and words[end - 1].lower() in PARTICLES:
        end -= 1
    return AuthorName(family=" ".join([*words[end:], family]), given=" ".join(words[:end]))


def _inverted_pair(piece: str, following: str) -> bool:
    """ "Doe", "Jane Ann" or "García Márquez", "G." -- not "Jane Doe", "Bob Roe" (two names)."""
    if _reads_as_organisation(piece):
        return False
    words, given = piece.split(), following.split()
    family_alone = all(w.lower() in PARTICLES for w in words[:-1])
    given_alone = len(given) == 1 or all(re.fullmatch(r"(?:\w\.)+", w) for w in given)
    return family_alone or given_alone


def _reads_as_organisation(text: str) -> bool:
    words = text.replace(",", " ").split()
    return (
        words[:1] == ["The"]
        or any(w.lower() in ORGANISATION_WORDS for w in words)
        or any(w in ORGANISATION_LOWER_WORDS for w in words)
    )


def _is_suffix(piece: str) -> bool:
    return piece.lower() in SUFFIXES
