"""How text that comes in is read: whether it is UTF-8 (bytes that were not, in a file name, a
command-line argument or a typed line, reach Python as lone surrogates (surrogateescape), which
PostgreSQL, nh3 and a UTF-8 stdout refuse, so each place text comes in checks it here), and its
line ends as LF."""

from __future__ import annotations


def is_utf8(text: str) -> bool:
    """Whether `text` encodes as UTF-8 (it holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unix_line_ends(text: str) -> str:
    """`text` with each CRLF and lone CR as LF: a file written on Windows or an old Mac, or a message
    typed there, reads, splits and compares like one written here."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
