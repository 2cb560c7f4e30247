"""Images of posts: stored once per content (hash-named files), described in image_assets."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.repositories import activities
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import images as image_rows
from blogster_cli.repositories.images import ImageRow
from blogster_cli.services.media_files import (
    MAX_IMAGE_BYTES,
    StoredForRow,
    clear_unfinished,
    remove_unnamed,
    row_committed,
    store_for_row,
    store_media,
)
from blogster_cli.services.media_files import media_dir as media_dir  # re-exported: where `images add` puts files
from blogster_cli.services.post_steps import find_own
from blogster_cli.vocabulary import ActivityType


@dataclass(frozen=True)
class Attached:
    image: ImageRow
    reused: bool  # the post had this file already: its row was reused (its alt text and caption updated)


def add(
    acting: ActingUser, *, blog_ref: str, source: Path, featured: bool = False, alt: str | None = None,
    caption: str | None = None,
) -> ImageRow:  # fmt: skip
    """Copies the file into the media folder (named by its SHA-256) and attaches it to my post;
    the same file added to the same post again reuses its row."""
    return attach(acting, blog_ref=blog_ref, source=source, featured=featured, alt=alt, caption=caption).image


def attach(
    acting: ActingUser, *, blog_ref: str, source: Path, featured: bool = False, alt: str | None = None,
    caption: str | None = None,
) -> Attached:  # fmt: skip
    """`add`, saying whether the post had the file already. The file is stored once the post is
    found and its row written, just before the commit: a refused add stores nothing, one failing
    after that removes the file unless a row names it (or, while another add runs, leaves that to
    the next add), and one killed leaves a marker (`media_files.store_for_row`) from which the next
    add removes it."""
    from blogster_cli.content.files import read_named_file

    data = read_named_file(source, limit=MAX_IMAGE_BYTES)
    name, mime_type = store_media(data, str(source), write=False)
    url = f"media/{name}"
    stored: StoredForRow | None = None
    try:
        with unit_of_work(acting) as conn:
            clear_unfinished(conn)
            attached = _attach_row(
                conn, blog_ref=blog_ref, name=name, url=url, size=len(data), mime_type=mime_type, featured=featured,
                alt=alt, caption=caption, what=source.name,
            )  # fmt: skip
            stored = store_for_row(data, name)
    except BaseException:
        if stored is not None:
            stored.release()  # its marker stays for the clearing
            with suppress(BlogsterError), unit_of_work(acting) as conn:  # else the next add clears it
                clear_unfinished(conn)
        raise
    assert stored is not None  # stored before the commit
    row_committed(stored)
    return attached


def _attach_row(
    conn: Connection, *, blog_ref: str, name: str, url: str, size: int, mime_type: str, featured: bool,
    alt: str | None, caption: str | None, what: str,
) -> Attached:  # fmt: skip
    blog = find_own(conn, blog_ref)
    existing = image_rows.find_attached(conn, blog_id=blog.id, path=name)
    if existing is not None:  # the same file again: one row, its description updated
        image_id = existing.id
        image_rows.describe(conn, image_id=image_id, alt_text=alt, caption=caption)
    else:
        image_id = image_rows.insert(
            conn, url=url, path=name, size=size, file_type=mime_type, blog_id=blog.id, alt_text=alt, caption=caption,
        )  # fmt: skip
    if featured:
        blog_rows.update(conn, blog_id=blog.id, values={"featured_image": url})
    if existing is None or featured:
        activities.record(
            conn, type=ActivityType.EDITED, title=blog.title, description=f"Added image {what} to '{blog.title}'",
            blog_id=blog.id, metadata={"image_id": str(image_id), "featured": featured},
        )  # fmt: skip
    image = image_rows.find_mine(conn, image_id=str(image_id))
    assert image is not None  # just inserted or found in this unit of work
    return Attached(image, reused=existing is not None)


def markdown_link(image: ImageRow) -> str:
    """The markdown that shows `image` in its post's body (export rewrites the path per site)."""
    return markdown_image(image.url, image.alt_text)


def markdown_image(url: str, alt: str | None) -> str:
    """`![alt](url)`, the brackets in `alt` escaped (`images add`, `generate image`)."""
    escaped = (alt or "").replace("[", "\\[").replace("]", "\\]")
    return f"![{escaped}]({url})"


def list_images(acting: ActingUser, *, blog_ref: str | None = None) -> list[ImageRow]:
    with unit_of_work(acting) as conn:
        blog_id = find_own(conn, blog_ref, trashed=None).id if blog_ref else None
        return image_rows.list_mine(conn, blog_id=blog_id)


IMAGE = id_prefixes.Named("image", "images", "blogster images list")


def _mine(conn: Connection, ref: str) -> ImageRow:
    return id_prefixes.only(image_rows.mine_starting(conn, prefix=id_prefixes.prefix(ref, IMAGE)), ref, IMAGE)


@dataclass(frozen=True)
class Removed:
    images: list[ImageRow]
    unfeatured: list[str]
    """Slugs of the posts whose featured image was one of them: they have none now."""


def remove(acting: ActingUser, *, refs: list[str]) -> Removed:
    """Deletes my images named by their ids or first characters, all or none; a file goes too
    unless another row still uses it (`media_files.remove_unnamed`: checked again after the commit),
    and only when the row names a stored file (`is_stored_name`): the path column is written by its
    account. A post whose featured image
    was one of them (and no other of its images has that address) is left with none."""
    if not refs:
        raise InvalidInput("name at least one image")
    with unit_of_work(acting) as conn:
        removed = list({image.id: image for image in (_mine(conn, ref) for ref in refs)}.values())
        image_rows.delete(conn, image_ids=[image.id for image in removed])
        unfeatured = _unfeature(conn, removed)
        unused = {image.path for image in removed if image.path and not image_rows.path_in_use(conn, path=image.path)}
    if unused:
        with unit_of_work(acting) as conn:
            remove_unnamed(conn, unused)
    return Removed(removed, unfeatured)


def _unfeature(conn: Connection, removed: list[ImageRow]) -> list[str]:
    """Clears the featured image of each post that featured one of the `removed` images (by its
    address) and has no image left at that address; the slugs of those posts, each once."""
    slugs: list[str] = []
    for blog_id, url in dict.fromkeys((image.blog_id, image.url) for image in removed if image.blog_id):
        assert blog_id is not None  # filtered above
        blog = blog_rows.find_own(conn, ref=str(blog_id), trashed=None)
        if blog is None or (blog.featured_image or "").strip().lstrip("/") != url.lstrip("/"):
            continue
        if image_rows.find_by_url(conn, blog_id=blog_id, url=url) is not None:
            continue  # another row of the post still stores that picture
        blog_rows.update(conn, blog_id=blog_id, values={"featured_image": None})
        activities.record(
            conn, type=ActivityType.EDITED, title=blog.title,
            description=f"Removed the featured image of '{blog.title}' with its image", blog_id=blog_id,
            metadata={"featured_image": blog.featured_image},
        )  # fmt: skip
        if blog.slug not in slugs:
            slugs.append(blog.slug)
    return slugs
