"""A chat message loses whole terminal escape sequences, not just their ESC byte."""

from __future__ import annotations

import pytest

from blogster_cli.chatbot.sanitize import sanitise_message


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("how do I \x1b[31mimport\x1b[0m posts", "how do I import posts"),  # CSI: colours
        ("a\x1b[?25lb\x1b[2Jc\x1b[1;31;4mend", "abcend"),  # CSI: private mode, clear screen, several parameters
        ("x\x9b31my", "xy"),  # CSI as the one C1 byte 0x9b
        ("before\x1b]0;new title\x07after", "beforeafter"),  # OSC 0 (window title) ended by BEL
        ("a\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 (hyperlink) ended by ESC \
        ("a\x9d0;title\x9cb", "ab"),  # OSC and ST as C1 bytes
        ("a\x1b]0;title\x1b[1mb", "ab"),  # an OSC cut short by the next sequence
        ("copy\x1b]52;c;aGVsbG8=", "copy"),  # an OSC 52 (clipboard) never ended
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel) ended by ST
        ("a\x1b_app\x1b\\b\x1b^pm\x1b\\c", "abc"),  # APC, PM
        ("a\x1b(Bb\x1bcc\x1b7d\x1b8e\x1bMf", "abcdef"),  # charset, reset, save/restore cursor, reverse index
        ("tab\tand\nnewline stay\x07\x00\x7f\x85", "tab\tand\nnewline stay"),  # other C0/C1 controls as before
        ("keep [31m and ]0; as typed", "keep [31m and ]0; as typed"),  # no ESC: plain text is kept
    ],
)
def test_terminal_escape_sequences_are_removed_whole(sent, stored):
    assert sanitise_message(sent) == stored


def test_a_message_of_escape_sequences_only_is_empty():
    from blogster_cli.errors import InvalidInput

    with pytest.raises(InvalidInput, match="empty"):
        sanitise_message("\x1b[31m\x1b]0;x\x07\x1b[0m")
