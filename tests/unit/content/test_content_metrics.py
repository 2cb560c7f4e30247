"""Word count and reading time follow the documented rule (the database repeats it in SQL)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.content.metrics import count_words, reading_time


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("", 0),
        ("   \n\t\n  ", 0),
        ("Hello world", 2),
        ("# Heading\n\n- one item\n- two **bold** words\n", 6),
        ("don't e-mail 3.14 [a link](https://example.org)", 5),
        ("--- *** | -- ...", 0),
        ("你好世界", 4),
        ("你好，世界。", 4),
        ("日本語とEnglish", 5),
        ("東京　大阪", 4),
        ("안녕하세요 세계", 2),
        ("🎉", 1),
        ("🎉 🎉 🎉", 3),
    ],
)
def test_word_rule(markdown: str, words: int) -> None:
    assert count_words(markdown) == words


def test_fenced_code_is_not_counted() -> None:
    body = "Before fence\n\n```python\nx = 1\ny = 2\n```\n\nafter\n\n~~~\nmore code here\n~~~\nend\n"
    assert count_words(body) == 4


def test_fences_nested_in_lists_and_unclosed_fences() -> None:
    assert count_words("- item\n\n  ```\n  code words\n  ```\n- next\n") == 2
    assert count_words("words here\n```\nnever closed\nstill code") == 2
    assert count_words("one\n```\n~~~\nstill code\n```\ntwo") == 2


def test_front_matter_like_lines_in_fences_are_code() -> None:
    assert count_words("Intro\n```yaml\n---\ntitle: x\n---\n```\n+++\n") == 1


def test_reading_time_rounds_up_at_200_wpm() -> None:
    assert [reading_time(words) for words in (0, 1, 199, 200, 201, 400, 401)] == [0, 1, 1, 1, 2, 2, 3]
    with pytest.raises(ValueError):
        reading_time(-1)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_counts_are_never_negative_and_bounded(markdown: str) -> None:
    words = count_words(markdown)
    assert 0 <= words <= len(markdown)
    assert reading_time(words) >= 0


def test_real_posts_count_words(jekyll_corpus, zola_corpus) -> None:
    counts = [count_words(file.post.content["markdown"]) for file in jekyll_corpus + zola_corpus]
    assert all(count > 0 for count in counts)
    assert 300 < sorted(counts)[len(counts) // 2] < 2000
