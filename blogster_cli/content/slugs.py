"""Slug rules, in one pure place: generating slugs from titles, checking slugs written
by hand, and numbering them apart when they collide.

Generated slugs are lower case, words joined by single dashes. Latin letters are
transliterated to ASCII where Unicode decomposition or a short table allows (`Crème
brûlée` -> `creme-brulee`, `Straße` -> `strasse`); apostrophes are dropped (`Second's post`
-> `seconds-post`); letters and digits of other scripts are kept as they are (`東京の喫茶店`,
`привет-мир`): the schema, browsers and every supported generator accept Unicode slugs, and
a transliteration of Chinese or Japanese would be guesswork. Everything else becomes a
dash, and the result is cut at a dash to at most `max_length` characters. Only a title with
no letter or digit at all (emoji, punctuation) gets `post-` plus the first 8 hex digits of
the SHA-256 of its NFC form: stable across imports and distinct per title.

Slugs written by the author (front matter, file names, `--slug`) are kept as written
(`Rust-1.12` stays `Rust-1.12`), only composed (NFC: a decomposed `café` is the composed one),
when `is_usable` accepts them: the schema's check (one URL path segment, no invisible or
direction-changing characters nor ones that show as a box, composed) and not shaped like a post id, which
commands read as the id. A new post whose slug is taken gets `-2`, `-3`... (`unique`), whether the
slug came from its title or its file. A title's invisible characters become dashes, as its
punctuation does.
"""

import hashlib
import math
import re
import unicodedata
from collections.abc import Container, Iterable, Iterator

from blogster_cli.suggestions import close_matches

DEFAULT_MAX_LENGTH = 80
MAX_SLUG_LENGTH = 200  # the schema's limit
INVISIBLE_CHARACTERS = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
"""The characters a slug may not hold, written out as the schema's internal.holds_unshown_character
(0202, which the checks of slugs, tags and template names call) writes them. Invisible or
reordering what follows, they make slugs that look like another (`pay` U+200B `pal`, `pay` U+202E
`pal`, `pay` U+3164 `pal` beside `paypal`):

- Unicode's format characters (category Cf, as of Unicode 16.0; 0196): zero-width spaces and
  joiners, the soft hyphen, the bidirectional controls (U+202A-202E, U+2066-2069, the marks U+200E,
  U+200F, U+061C), the Arabic number signs, the Egyptian hieroglyph format controls;
- Unicode's Default_Ignorable_Code_Point (0198), the characters a renderer shows as nothing: the
  Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), the Khmer inherent vowels (U+17B4, U+17B5), the
  combining grapheme joiner (U+034F), the Mongolian free variation selectors (U+180B-180D, U+180F),
  the variation selectors (U+FE00-FE0F, U+E0100-E01EF), and the code points Unicode keeps
  unassigned as ignorable (U+2065, U+FFF0-FFF8, U+E0000-E0FFF). Source: DerivedCoreProperties.txt,
  https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt: 4,174 code points in
  Unicode 14.0 (Perl's tables) and 16.0 (the `regex` module's) alike;
  tests/unit/content/test_content_slugs.py checks this table against the regex module's
  \\p{Default_Ignorable_Code_Point} and \\p{Cf};
- the braille pattern blank U+2800, a blank cell that neither property lists."""
UNSHOWN_CHARACTERS = (
    "\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe\uffff\U00016fe4\U000f0000-\U0010ffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff"
    "\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff"
    "\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff"
)
"""The other characters a slug, a tag or a template's name may not hold (0201), as the schema's
internal.holds_unshown_character writes them: they show as nothing or as a box, so `pay` U+E000
`pal` beside `paypal` looks alike, while meaning nothing agreed: the private-use characters
(U+E000-F8FF, U+F0000-FFFFD, U+100000-10FFFD: a font's own icons), the noncharacters (U+FDD0-FDEF
and the last two code points of every plane), the object replacement character U+FFFC (a stand-in
for an embedded object) and the Khitan small script filler U+16FE4. Unassigned code points are not
refused: Python's Unicode and the server's differ, a character assigned in one would be refused for
nothing by the other."""
REFUSED_CHARACTERS = INVISIBLE_CHARACTERS + UNSHOWN_CHARACTERS
# What the schema's blogs_slug_format check accepts (but NFC, which Python checks apart): one URL
# path segment without invisible or unshown characters.
USABLE_SLUG = re.compile(rf"^[^\s/?#\\\x00-\x1f\x7f-\x9f{REFUSED_CHARACTERS}]{{1,200}}\Z")
_INVISIBLE_CHARACTER = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_REFUSED_CHARACTER = re.compile(f"[{REFUSED_CHARACTERS}]")
ID_SHAPED = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.IGNORECASE)
"""A post id's shape (any case): a slug so shaped would be read as the id of another post."""
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u02bc"), None)
_FALLBACK_PREFIX = "post-"
_FALLBACK_HASH_LENGTH = 8
_DASHES = re.compile(r"-+")
# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "&": " and ",
    }
)


def slugify(text: str, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """A generated slug (see the module docstring), at most `max_length` long, never empty."""
    if max_length < _FALLBACK_HASH_LENGTH + len(_FALLBACK_PREFIX):
        raise ValueError(f"max_length must be at least {_FALLBACK_HASH_LENGTH + len(_FALLBACK_PREFIX)}")
    words = "".join(
        _slug_chars(unicodedata.normalize("NFC", text.translate(_APOSTROPHES).translate(_TRANSLITERATIONS)))
    )
    slug = unicodedata.normalize("NFC", _DASHES.sub("-", words).strip("-"))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug.strip("-")
    if ID_SHAPED.match(slug):  # a title that is a post id: `post-` keeps it readable, not an id
        return _FALLBACK_PREFIX + slug
    if slug:
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    return _FALLBACK_PREFIX + digest[:_FALLBACK_HASH_LENGTH]


def _slug_chars(text: str) -> Iterator[str]:
    """Each character as it appears in a slug: ASCII, kept, or "-" (runs collapse later)."""
    kept_previous = False
    for char in text:
        if _REFUSED_CHARACTER.match(char):  # a Hangul filler is a letter, a variation selector a mark
            kept_previous = False
            yield "-"
            continue
        if char.isascii():
            kept_previous = False
            yield char.lower() if char.isalnum() else "-"
            continue
        ascii_form = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        category = unicodedata.category(char)
        if ascii_form and ascii_form.isascii():  # é -> e, ﬁ -> fi, fullwidth Ａ -> a
            kept_previous = False
            yield "".join(c.lower() if c.isalnum() else "-" for c in ascii_form)
        elif category[0] == "L" or category == "Nd" or (category[0] == "M" and kept_previous):
            kept_previous = True
            yield char.lower()
        else:
            kept_previous = False
            yield "-"


def composed(slug: str) -> str:
    """A slug as it is stored and looked up: composed (NFC), so `café` typed either way is one slug."""
    return unicodedata.normalize("NFC", slug)


def is_usable(slug: str) -> bool:
    """Whether a slug written by hand can be kept as written, once `composed`: one URL path segment
    without invisible characters, and not shaped like a post id."""
    return unusable_because(slug) is None


def unusable_because(slug: str) -> str | None:
    """Why a slug written by hand (once `composed`) cannot be kept, said of "it" ("slug 'x' " + this);
    None if it can."""
    if (refused := invisible_character(slug)) is not None:
        return holding(refused)
    if ID_SHAPED.match(slug):
        return "is shaped like a post id (commands would read it as that id)"
    if not USABLE_SLUG.match(slug) or slug in (".", "..") or slug != composed(slug):
        return "cannot be used in a URL (no spaces, '/', '?' or '#'; at most 200 characters)"
    return None


def quoted(slug: str) -> str:
    """A slug as a message names it: quoted as repr() quotes it, each refused character escaped
    (repr() shows a Hangul filler, a variation selector or a private-use character as it is, which
    reads as nothing or a box)."""
    return _REFUSED_CHARACTER.sub(lambda found: ascii(found.group())[1:-1], repr(slug))


def invisible_character(text: str) -> str | None:
    """The first character of `text` a slug may not hold for showing as nothing or a box, or
    reordering what follows (REFUSED_CHARACTERS), or None: the rule tag and template names share
    with slugs."""
    found = _REFUSED_CHARACTER.search(text)
    return None if found is None else found.group()


def kind_of_refused(char: str) -> str:
    """What a character `invisible_character` finds is, as a message says it."""
    if _INVISIBLE_CHARACTER.match(char):
        return "invisible or direction-changing"
    return "private-use, noncharacter or placeholder"


def holding(char: str) -> str:
    """A name holding `char`, which `invisible_character` found, as a message says it ("slug 'x' " + this)."""
    return f"holds the {kind_of_refused(char)} character U+{ord(char):04X}"


def kept_slug(slug: str) -> str | None:
    """A slug written by the author as it is kept (`composed`), or None when it is not `is_usable`."""
    wanted = composed(slug)
    return wanted if is_usable(wanted) else None


def without_invisible(text: str) -> str:
    """`text` without the characters `invisible_character` finds: what it shows (an imported tag's)."""
    return _REFUSED_CHARACTER.sub("", text)


def unique(base: str, taken: Container[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`... not in `taken`."""
    n = 1
    while suffixed(base, n) in taken:
        n += 1
    return suffixed(base, n)


def suffix_prefix(base: str, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """A prefix of `base` and of every `suffixed(base, n)` (suffixes up to 11 digits)."""
    return base[: max(0, max(max_length, len(base)) - 12)].rstrip("-")


def is_suffixed(slug: str, base: str) -> bool:
    """Whether `slug` is `base` or a `-N` de-duplication of it (as `suffixed` makes them)."""
    if slug == base:
        return True
    _, dash, number = slug.rpartition("-")
    return bool(dash) and number.isdigit() and not number.startswith("0") and suffixed(base, int(number)) == slug


def suffixed(slug: str, n: int, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """The n-th candidate for a slug: `slug` itself for n == 1, else `slug-n`.

    The base is shortened so the result is no longer than `max_length`, or than `slug`
    itself when that is longer already (an explicit slug).
    """
    if n < 1:
        raise ValueError("n counts candidates from 1")
    if n == 1:
        return slug
    suffix = f"-{n}"
    room = max(max_length, len(slug)) - len(suffix)
    base = slug[:room].rstrip("-") if len(slug) > room else slug
    return base + suffix


CLOSE_SLUG_CUTOFF = 0.8
"""How close (difflib's ratio) a slug must be to a mistyped one to be suggested."""
CLOSE_SLUGS = 3


def comparable_lengths(mistyped: str) -> tuple[int, int]:
    """The shortest and longest slug that can be CLOSE_SLUG_CUTOFF close to `mistyped`: difflib's
    ratio is 2 * matching characters / both lengths, and at most the shorter one's characters
    match, so the database sends only these (a whole account's slugs are not needed)."""
    length = len(mistyped)
    widest = (2 - CLOSE_SLUG_CUTOFF) / CLOSE_SLUG_CUTOFF
    return math.floor(length / widest), math.ceil(length * widest)


def close_slugs(mistyped: str, slugs: Iterable[str]) -> list[str]:
    """The slugs closest to a mistyped one (at most CLOSE_SLUGS), closest first, then in alphabetical
    order: suggestions.close_matches at this module's cutoff, the one comparable_lengths assumes."""
    return close_matches(mistyped, slugs, cutoff=CLOSE_SLUG_CUTOFF, most=CLOSE_SLUGS)
