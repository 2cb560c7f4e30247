"""Generated slugs are ASCII, stable and short; explicit ones are never rewritten."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.content.post import import_post
from blogster_cli.content.slugs import slugify, suffixed


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("Crème brûlée for Ærø", "creme-brulee-for-aero"),
        ("Straße & Łódź", "strasse-and-lodz"),
        ("  --Rust 1.12:  what's new?--  ", "rust-1-12-what-s-new"),
        ("ÜBER", "uber"),
        ("ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "fullwidth-abc"),
    ],
)
def test_slugify_transliterates_and_collapses(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_titles_without_ascii_get_a_stable_hash() -> None:
    slug = slugify("東京の喫茶店")
    assert re.fullmatch(r"post-[0-9a-f]{8}", slug)
    assert slugify("東京の喫茶店") == slug
    assert slugify("大阪の喫茶店") != slug
    assert re.fullmatch(r"post-[0-9a-f]{8}", slugify("🎉🎉"))
    assert re.fullmatch(r"post-[0-9a-f]{8}", slugify(""))


def test_mixed_titles_keep_their_ascii_part() -> None:
    assert slugify("Rust 入門") == "rust"


def test_long_titles_are_cut_at_a_dash() -> None:
    slug = slugify("word " * 40, max_length=30)
    assert len(slug) <= 30
    assert slug == "word-word-word-word-word-word"
    assert slugify("a" * 50, max_length=20) == "a" * 20


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_title_gives_a_valid_slug(title: str) -> None:
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 80


def test_suffixed_numbers_collisions_within_the_length() -> None:
    assert suffixed("hello", 1) == "hello"
    assert suffixed("hello", 2) == "hello-2"
    assert suffixed("a" * 80, 12) == "a" * 77 + "-12"
    assert suffixed("Rust-1.12", 3) == "Rust-1.12-3"
    with pytest.raises(ValueError):
        suffixed("hello", 0)


def test_explicit_slugs_are_kept_as_written() -> None:
    post = import_post('+++\ntitle = "R"\npath = "2016/09/29/Rust-1.12"\n[extra]\n+++\n', "Rust-1.12/index.md")
    assert (post.slug, post.slug_explicit) == ("Rust-1.12", True)
    hugo = import_post("---\ntitle: Ü\nslug: Ünïcode_Slug\n---\n", "content/posts/x.md")
    assert (hugo.slug, hugo.slug_explicit) == ("Ünïcode_Slug", True)
    from_name = import_post("---\ntitle: T\n---\n", "_posts/2017-09-28-three-ways-to manage.md")
    assert (from_name.slug, from_name.slug_explicit) == ("three-ways-to manage", False)
