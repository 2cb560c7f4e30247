"""`mapping.find_key`, the lookup import and export read every front matter field with: the
names' order decides (not the keys'), keys match ignoring case, a key whose value is absent or
of another type is passed over for a later spelling, and containers are searched in order.
It reads each container once, not once per name (export calls it dozens of times a post);
these pin what that one pass must keep."""

from blogster_cli.content.mapping import DESCRIPTION_KEYS, find_key


def test_the_first_name_wins_whatever_the_keys_order() -> None:
    values = {"excerpt": "c", "summary": "b", "description": "a"}
    found = find_key([values], DESCRIPTION_KEYS)
    assert found is not None and (found.key, found.value) == ("description", "a")


def test_keys_match_ignoring_case_and_the_first_spelling_wins() -> None:
    values = {"Title": "first", "TITLE": "second"}
    found = find_key([values], ("title",))
    assert found is not None and (found.key, found.value) == ("Title", "first")


def test_an_absent_or_other_typed_value_gives_way_to_a_later_spelling() -> None:
    values = {"title": "", "Title": None, "TITLE": ["a list"], "TiTle": "kept"}
    found = find_key([values], ("title",), str)
    assert found is not None and (found.key, found.value) == ("TiTle", "kept")
    assert find_key([{"title": "", "Title": None}], ("title",)) is None


def test_a_later_name_in_an_earlier_container_wins() -> None:
    top, extra = {"summary": "top"}, {"description": "extra"}
    found = find_key([top, extra], DESCRIPTION_KEYS)
    assert found is not None and found.container is top and found.value == "top"


def test_keys_that_are_not_text_are_passed_over() -> None:
    values = {1: "one", None: "none", "description": "text"}
    found = find_key([values], DESCRIPTION_KEYS)
    assert found is not None and found.key == "description"
