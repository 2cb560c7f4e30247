"""bench/generate.py --count TABLE=ROWS: one table's rows instead of its scaled count, so a
measurement can grow the tables it reads (10,000,000 posts) without the ones it does not."""

import pytest

from bench.generate import BASE_COUNTS, count_override, main, scaled_counts


def test_a_count_set_replaces_only_its_table():
    scaled = scaled_counts(10)
    counts = scaled_counts(10, {"blog_analytics": 10_000_000, "chatbot_messages": 5})
    assert counts["blog_analytics"] == 10_000_000 and counts["chatbot_messages"] == 5
    others = set(BASE_COUNTS) - {"blog_analytics", "chatbot_messages"}
    assert {name: counts[name] for name in others} == {name: scaled[name] for name in others}
    assert counts["blogs"] == 10_000_000  # scale 10's


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("posts=5", "no count named 'posts'"),
        ("users=1", "users needs at least 2 rows"),
        ("blogs=0", "blogs needs at least 1 rows"),
        ("blogs=many", "invalid count_override value"),
    ],
)
def test_a_count_the_generator_cannot_honour_is_a_usage_error(argument, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--scale", "0.01", "--count", argument])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_counts_are_read_with_separators():
    assert count_override("blogs=10_000_000") == ("blogs", 10_000_000)
    assert count_override(" users = 100,000") == ("users", 100_000)
