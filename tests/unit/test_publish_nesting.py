"""A post body nested past what a page can sensibly hold is shown as its text, quickly: the
sanitiser's HTML parser takes time growing with the square of the depth (200 KB of `>` took
272 s), which would stall the author's site build and the worker rebuilding it."""

import time

from blogster_cli.publish.markdown import MAX_NESTING, render_post


def test_deep_nesting_is_shown_as_text_in_well_under_a_second():
    for body in (">" * 200_000 + " deep", "<div>" * 100_000 + "x"):
        started = time.perf_counter()
        rendered = render_post(body).html
        assert time.perf_counter() - started < 5
        assert rendered.startswith("<pre>") and rendered.endswith("</pre>"), rendered[:80]


def test_ordinary_nesting_renders_as_markdown():
    quoted = "".join("> " * depth + f"level {depth}\n\n" for depth in range(1, 40))
    rendered = render_post(quoted).html
    assert rendered.count("<blockquote>") == sum(range(1, 40)) and "<pre>" not in rendered  # 1 + 2 + ... + 39
    assert MAX_NESTING >= 512  # what browsers' own parsers allow before they flatten
