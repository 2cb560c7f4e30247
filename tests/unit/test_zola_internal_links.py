"""publish.internal_links: which Zola internal links a body holds and where they lead (fenced code
left alone), and the path from `content/` a Zola post's file had, however it was imported."""

from __future__ import annotations

from blogster_cli.publish.internal_links import content_path, linked_paths, resolved

BODY = (
    "See [here](@/blog/a.md) and [there](<@/blog/b/index.md#part>).\n"
    "[ref]: @/blog/a.md#top\n"
    "```\n[code](@/blog/a.md)\n```\n"
    "[draft](@/blog/draft.md)\n"
)


def test_links_outside_code_lead_to_their_pages_anchor_kept_the_others_as_written():
    assert linked_paths(BODY) == ["blog/a.md", "blog/b/index.md", "blog/draft.md"]
    shown = resolved(BODY, {"blog/a.md": "/2024/a/", "blog/b/index.md": "/b/"})
    assert shown == (
        "See [here](/2024/a/) and [there](</b/#part>).\n"
        "[ref]: /2024/a/#top\n"
        "```\n[code](@/blog/a.md)\n```\n"
        "[draft](@/blog/draft.md)\n"
    )


def test_a_zola_posts_path_from_content_whichever_folder_was_imported():
    assert content_path({"dialect": "zola", "source_path": "blog/a.md"}) == "blog/a.md"
    site = {"dialect": "zola", "source_path": "posts/a.md", "layout_path": "content/posts/a.md"}
    assert content_path(site) == "posts/a.md"
    assert content_path({"dialect": "zola", "source_path": "site/content/a/index.md"}) == "a/index.md"
    assert content_path({"dialect": "hugo", "source_path": "content/posts/a.md"}) is None
