"""The pictures a sync stored for a post, recorded by the links its file writes (`source.pictures`),
linked as `media/<name>` for the build and the export; and where the file a link names is."""

from pathlib import PurePosixPath

from blogster_cli.content.linked_images import (
    LIQUID_UNRESOLVED,
    PictureFile,
    featured_as_stored,
    local_link,
    picture_file,
    stored_links,
    with_stored_pictures,
)

NAME = "a" * 64 + ".png"


def test_stored_pictures_are_linked_as_media_and_junk_is_left_out():
    pictures = {"diagram.png?v=2": NAME, "/cover.png": NAME, "bad.png": "../etc/passwd", "n.png": 3, "x": None}
    assert stored_links(pictures) == {"diagram.png?v=2": f"media/{NAME}?v=2", "/cover.png": f"media/{NAME}"}
    assert stored_links(["diagram.png"]) == {} and stored_links(None) == {}
    body = "![d](diagram.png?v=2) ![c](/cover.png) ![b](bad.png)\n\n```\n![d](diagram.png?v=2)\n```\n"
    assert with_stored_pictures(body, pictures) == (
        f"![d](media/{NAME}?v=2) ![c](media/{NAME}) ![b](bad.png)\n\n```\n![d](diagram.png?v=2)\n```\n"
    )
    assert featured_as_stored("/cover.png", pictures) == f"media/{NAME}"
    assert featured_as_stored("other.png", pictures) == "other.png" and featured_as_stored(None, pictures) is None


def test_a_link_names_the_file_beside_its_post_or_in_its_sites_static_folder():
    root = ("/", "home", "site")
    bundle = PurePosixPath("content/posts/x/index.md")

    def where(target: str, dialect: str = "hugo", relative: PurePosixPath = bundle) -> PictureFile | str | None:
        link = local_link(target)
        assert link is not None
        return picture_file(root, relative, link, dialect)

    assert where("./img/../diagram.png") == PictureFile(
        ("/", "home", "site", "content", "posts", "x"), PurePosixPath("diagram.png"), "beside the post"
    )
    assert where("/images/cover.png") == PictureFile(
        root, PurePosixPath("static/images/cover.png"), "in the site's static files"
    )
    assert where("/cover.png", "astro", PurePosixPath("src/content/blog/x.md")) == PictureFile(
        root, PurePosixPath("public/cover.png"), "in the site's static files"
    )
    assert where("../../../../outside.png") == "outside the post's folder"
    assert where("/cover.png", "markdown") is None  # no site to serve it
    assert where("{{ site.baseurl }}/a.png") is None  # Liquid means nothing outside Jekyll
    assert where("{{ page.image }}", "jekyll", PurePosixPath("_posts/2024-01-02-x.md")) == LIQUID_UNRESOLVED
