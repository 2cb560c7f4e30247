"""How long a file name may be: 255 bytes on most file systems, so every name Blogster makes
(a page's file, a temporary file beside one) is measured in bytes against that here."""

from __future__ import annotations

import hashlib

NAME_MAX_BYTES = 255
"""The longest file name most file systems take (ext4, XFS, Btrfs, APFS), in bytes."""


def name_bytes(name: str) -> int:
    """The bytes `name` takes on disk: its UTF-8, an undecodable byte of a name read from the
    file system (a surrogate from surrogateescape) counted as the one byte it is. Any other lone
    surrogate, which no name can hold, counts as its 3 surrogatepass bytes: measuring never fails."""
    try:
        return len(name.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return len(name.encode("utf-8", "surrogatepass"))


FITTED_HASH_DIGITS = 8
"""The hex digits of a name's SHA-256 that `fitted_name` puts after a name it cuts."""


def fitted_name(stem: str, suffix: str = "") -> str:
    """`stem + suffix`, or when that passes `NAME_MAX_BYTES`, `stem` cut at a character to leave
    room for `-`, the first 8 hex digits of the SHA-256 of the whole stem, and `suffix`: the same
    stem always gets the same name, and two long stems that start alike get two names."""
    name = stem + suffix
    if name_bytes(name) <= NAME_MAX_BYTES:
        return name
    digest = hashlib.sha256(stem.encode("utf-8", "surrogateescape")).hexdigest()[:FITTED_HASH_DIGITS]
    room = NAME_MAX_BYTES - name_bytes(suffix) - 1 - FITTED_HASH_DIGITS
    kept: list[str] = []
    used = 0
    for char in stem:
        used += name_bytes(char)
        if used > room:
            break
        kept.append(char)
    return f"{''.join(kept)}-{digest}{suffix}"


def hashed_hidden_name(name: str, suffix: str) -> str:
    """A hidden name standing for `name` that fits whatever `name`'s length ('.', 16 hex digits of
    the SHA-256 of its bytes, `suffix`): for a temporary file beside a file named `name`."""
    return f".{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}{suffix}"
