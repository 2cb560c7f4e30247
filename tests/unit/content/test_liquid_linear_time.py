"""`content.liquid` reads a body in time linear in its length: the lazy regex it used read to the
line's end from every `{%`/`{{` without a closer, 2.5 s for a 32 KB line of `{%` and hours for a
4 MB one (the content limit), in `site build`, `crosspost` and `newsletter create`. The Liquid it
finds is the regex's own, on any text."""

from __future__ import annotations

import random
import re
import time

import pytest

from blogster_cli.content.liquid import ForReaders, _liquid, resolved

MB = 1_000_000
BOUND = 2.0  # CPU seconds of this thread: each body takes well under 0.2 s; the old reading took minutes to hours
# (CPU time, not the clock: CI run 122 took 2.3 s of wall clock for one on a loaded machine)
# The regex each Liquid tag and output was found with: the spec `_liquid` keeps, in linear time.
REGEX = re.compile(r"\{%.*?%\}|\{\{(?![<%]).*?\}\}")
PIECES = ["{", "}", "%", "{{", "}}", "{%", "%}", "<", "\n", "\r\n", "\r", " ", "`", "a", "-", "site.url", "|", "#"]


@pytest.mark.parametrize(
    "body",
    [
        "{%" * (MB // 2),
        "{{ " * (MB // 3),
        "`{{" * (MB // 3),
        "{% {{ `{{ `{% {{- {{< {{% x " * (4 * MB // 30),  # 4 MB of every opener, on one line
        "{% {{ `{{ x\n" * (4 * MB // 12),  # and on 330,000 lines
    ],
    ids=["tags", "outputs", "code-spans", "mixed-4mb", "mixed-4mb-lines"],
)
def test_a_body_of_unclosed_liquid_is_read_in_linear_time(body: str) -> None:
    started = time.thread_time()
    shown = resolved(body, base="/b")
    assert time.thread_time() - started < BOUND
    assert shown == ForReaders(body)


def test_the_liquid_found_is_the_regexs() -> None:
    pick = random.Random(0)
    for _ in range(20_000):
        text = "".join(pick.choice(PIECES) for _ in range(pick.randint(0, 40)))
        assert list(_liquid(text)) == [m.span() for m in REGEX.finditer(text)], text
