"""media_files.is_stored_name: only the bare content-hash names Blogster stores, never a path."""

from __future__ import annotations

import pytest

from blogster_cli.content.images import content_hash_name
from blogster_cli.services.media_files import is_stored_name

HASH = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    "name",
    [
        f"{HASH}.png",
        f"{HASH}.jpg",
        f"{HASH}.webp",
        f"{HASH}.avif",
        f"{HASH}.svg",
        content_hash_name(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8),
        content_hash_name(b"GIF89a" + b"\x00" * 8),
    ],
)
def test_stored_names_pass(name):
    assert is_stored_name(name)


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "../credentials.json",
        "/etc/passwd",
        "a/b.png",
        "..",
        ".",
        f"/{HASH}.png",
        f"media/{HASH}.png",
        f"../{HASH}.png",
        f"{HASH}.png/..",
        f"{HASH}.png\n",
        f" {HASH}.png",
        f"{HASH.upper()}.png",
        f"{HASH[:-1]}.png",
        f"{HASH}0.png",
        f"{HASH}",
        f"{HASH}.",
        f"{HASH}.toolong",
        f"{HASH}.pn/g",
        f"{HASH}.png\x00",
        "credentials.json",
    ],
)
def test_anything_else_is_refused(name):
    assert not is_stored_name(name)
