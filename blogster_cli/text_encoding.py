"""Whether text is UTF-8: bytes that were not (a file name, a command-line argument, a typed
line) reach Python as lone surrogates (surrogateescape), which PostgreSQL, nh3 and a UTF-8
stdout refuse, so each place text comes in checks it here."""

from __future__ import annotations


def is_utf8(text: str) -> bool:
    """Whether `text` encodes as UTF-8 (it holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
