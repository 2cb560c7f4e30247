"""`blogs.discard_untouched`: the studio's new post closed as it was created is deleted; one that
anything changed since (a save, tags, a status) stays."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs
from blogster_cli.services.blogs import BlogChanges, NewBlog


def test_only_a_post_unchanged_since_it_was_created_is_discarded(db, make_user):
    acting = ActingUser(db, make_user())
    left = blogs.create(acting, new=NewBlog(title="Left alone"))
    written = blogs.create(acting, new=NewBlog(title="Written in"))
    tagged = blogs.create(acting, new=NewBlog(title="Tagged"))
    blogs.update(acting, ref=written.slug, changes=BlogChanges(markdown="Words."))
    blogs.tag(acting, ref=tagged.slug, add=["python"])

    assert blogs.discard_untouched(acting, ref=str(written.id), updated_at=written.updated_at) is None
    assert blogs.discard_untouched(acting, ref=str(tagged.id), updated_at=tagged.updated_at) is None
    discarded = blogs.discard_untouched(acting, ref=str(left.id), updated_at=left.updated_at)
    assert discarded is not None and discarded.id == left.id
    assert sorted(row.title for row in blogs.list_blogs(acting)) == ["Tagged", "Written in"]
    assert blogs.discard_untouched(acting, ref=str(left.id), updated_at=left.updated_at) is None  # gone already


def test_a_post_written_while_it_is_being_discarded_stays(db, make_user):
    """The studio discards a new post left as it was created while another process (`blogs edit`,
    `posts update`) saves text into it: the discard read the post unchanged, then deleted it by its
    id once the save committed, text and all. It now holds the post while it checks it."""
    acting = ActingUser(db, make_user())
    left = blogs.create(acting, new=NewBlog(title="Left alone"))
    with db.connect() as other:
        other.autocommit = False
        other.execute(  # a save in flight: the post's row written, not yet committed
            "update public.blogs set content = jsonb_build_object('markdown', 'Typed elsewhere.'),"
            " updated_at = clock_timestamp() where id = %s",
            (left.id,),
        )
        with ThreadPoolExecutor(1) as pool:
            discarding = pool.submit(blogs.discard_untouched, acting, ref=str(left.id), updated_at=left.updated_at)
            time.sleep(1.0)  # the discard has read the post (and waits for its row, or holds it)
            other.commit()
            discarded = discarding.result(timeout=30)
    assert discarded is None
    [kept] = blogs.list_blogs(acting)
    assert kept.id == left.id and "Typed elsewhere." in blogs.markdown_of(blogs.get_own(acting, ref=str(left.id)))
