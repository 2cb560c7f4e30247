"""id_prefixes.shown: how much of an id a list on a terminal shows."""

from blogster_cli import id_prefixes


def test_ids_show_their_first_8_characters_or_as_many_as_tell_them_apart():
    a, b, c = "0123456789ab", "0123456789cd", "fedcba987654"
    assert id_prefixes.shown([c]) == ["fedcba98"]
    assert id_prefixes.shown([a, c]) == ["01234567", "fedcba98"]
    assert id_prefixes.shown([a, b, c]) == ["0123456789a", "0123456789c", "fedcba98765"]  # one length for all
    assert id_prefixes.shown([a, a, c]) == ["01234567", "01234567", "fedcba98"]  # the same id twice is one id
    assert id_prefixes.shown(["abcd", "abc"]) == ["abcd", "abc"]  # never longer than the ids themselves
    assert id_prefixes.shown([]) == []
    assert id_prefixes.SHOWN_CHARS >= id_prefixes.MIN_CHARS  # what is shown can be typed back
