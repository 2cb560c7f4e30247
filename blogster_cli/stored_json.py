"""JSON an account may store by its own SQL, read as text and decoded here rather than by the driver.

A jsonb value holds a number of any length and arrays nested thousands deep; Python's json refuses
an integer of more digits than `sys.get_int_max_str_digits()` (ValueError) and nesting past its
recursion limit (RecursionError). Decoded by psycopg, such a value failed the whole query it came
in: every site build of its owner, and `calendar run-due` with it (red team 43b F1). Decoded here,
it is one value its reader sets aside.
"""

from __future__ import annotations

import json
import sys
from typing import Any

MAX_BYTES = 4 * 1024 * 1024
"""The longest JSON text read (`octet_length` in the query, which hands over None past it): well past
what a save lets an interactive structure hold (50 questions of 21 texts of 500 characters, 3.2 MB
with each character escaped), short of what would cost a build its memory."""


class UnreadableJson(ValueError):
    """Stored JSON Python cannot read; the message says why."""


def decoded(text: str | None) -> Any:
    """`text` (a jsonb value's text, None where it is longer than MAX_BYTES) as Python values, or UnreadableJson."""
    if text is None:
        raise UnreadableJson(f"it is longer than {MAX_BYTES // 2**20} MB")
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableJson("it nests too deeply") from None
    except ValueError:  # PostgreSQL's text is JSON: a number is what Python refuses
        raise UnreadableJson(f"it holds a number of more than {sys.get_int_max_str_digits():,} digits") from None
