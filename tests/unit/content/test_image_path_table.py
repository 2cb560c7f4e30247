"""A featured image given as a table with `path:` (jekyll-seo-tag's `image: {path, alt}`, which
the Chirpy theme uses) is the post's picture, and export writes it back where it was."""

from __future__ import annotations

from pathlib import Path

import yaml

from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.post import import_post

CHIRPY_POSTS = Path(__file__).parent / "chirpy_site" / "_posts"


def front_matter_of(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_chirpys_image_path_is_the_featured_image_and_round_trips() -> None:
    posts = sorted(CHIRPY_POSTS.glob("*.md"))
    assert len(posts) == 3
    for file in posts:
        text = file.read_text()
        post = import_post(text, f"_posts/{file.name}")
        assert post.featured_image == front_matter_of(text)["image"]["path"]
        assert export_file(post.fields(), post.content, "jekyll") == ExportedFile(f"_posts/{file.name}", text)


def test_a_changed_picture_is_written_into_the_same_table() -> None:
    text = "---\ntitle: T\nimage:\n  path: /a.jpg\n  alt: A picture\n---\nBody\n"
    post = import_post(text, "_posts/2024-01-02-t.md")
    fields = post.fields()
    fields.featured_image = "/b.jpg"
    assert front_matter_of(export_file(fields, post.content, "jekyll").text)["image"] == {
        "path": "/b.jpg",
        "alt": "A picture",
    }
    # the keys read before `path` still come first: a table with both is read by its `src`
    both = import_post("---\ntitle: T\nimage: {path: /p.jpg, src: /s.jpg}\n---\n", "_posts/2024-01-02-t.md")
    assert both.featured_image == "/s.jpg"
