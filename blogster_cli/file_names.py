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


def hashed_hidden_name(name: str, suffix: str) -> str:
    """A hidden name standing for `name` that fits whatever `name`'s length ('.', 16 hex digits of
    the SHA-256 of its bytes, `suffix`): for a temporary file beside a file named `name`."""
    return f".{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}{suffix}"
