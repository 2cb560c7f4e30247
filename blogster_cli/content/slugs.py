"""Generate URL slugs from titles, and number them apart when they collide.

Generated slugs use only `[a-z0-9-]`: letters are transliterated to ASCII where Unicode
decomposition or a short table allows (`Crème brûlée` -> `creme-brulee`, `Straße` ->
`strasse`), everything else becomes a dash, dashes are collapsed and trimmed, and the
result is cut at a dash to at most `max_length` characters. A title with nothing
transliterable (Chinese, Japanese, emoji, punctuation only) gets `post-` plus the first
8 hex digits of the SHA-256 of its NFC form: stable across imports, ASCII, and still
distinct per title. Slugs written by the author (front matter, file names) are not
passed through here; they are kept exactly as written (`Rust-1.12` stays `Rust-1.12`).
"""

import hashlib
import re
import unicodedata

DEFAULT_MAX_LENGTH = 80
_FALLBACK_PREFIX = "post-"
_FALLBACK_HASH_LENGTH = 8
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
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
    """A slug of `[a-z0-9-]`, at most `max_length` long, never empty."""
    if max_length < _FALLBACK_HASH_LENGTH + len(_FALLBACK_PREFIX):
        raise ValueError(f"max_length must be at least {_FALLBACK_HASH_LENGTH + len(_FALLBACK_PREFIX)}")
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATIONS))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug.strip("-")
    if slug:
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    return _FALLBACK_PREFIX + digest[:_FALLBACK_HASH_LENGTH]


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
