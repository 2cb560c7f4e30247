"""`text_encoding.is_utf8`: the one check every way text comes in (a file name, an argument, a
typed line, a post, a chat message) makes before the database, nh3 or stdout see it."""

from __future__ import annotations

from blogster_cli.text_encoding import is_utf8

UNDECODABLE = b"caf\xe9.md".decode("utf-8", "surrogateescape")  # a Latin-1 name, as os.listdir gives it


def test_text_that_encodes_is_utf8() -> None:
    assert is_utf8("") and is_utf8("café ✓ \U0001f600") and is_utf8("\x00\n")


def test_undecodable_bytes_and_lone_surrogates_are_not() -> None:
    assert not is_utf8(UNDECODABLE)
    assert not is_utf8("a\ud800b")
