"""The tests' wait on a terminal or pipe works on any descriptor number: late in the suite a worker
holds over a thousand, and select() refused them ("filedescriptor out of range in select()")."""

from __future__ import annotations

import os

from tests.terminal import readable


def test_a_descriptor_past_select_s_limit_is_waited_on():
    reader, writer = os.pipe()
    high = os.dup2(reader, 1500)
    try:
        assert not readable(high, 0.01)
        os.write(writer, b"x")
        assert readable(high, 1.0)
    finally:
        for fd in (reader, writer, high):
            os.close(fd)
