"""content/rules.py's constants that SQL restates must stay what Python means by them."""

import sys

from blogster_cli.content.rules import BLANK


def test_blank_is_every_character_str_strip_removes():
    """BLANK, with which SQL agrees with publish_problems (btrim), is str.isspace exactly."""
    assert BLANK == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
