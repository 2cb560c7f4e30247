"""`blogs.discard_untouched`: the studio's new post closed as it was created is deleted; one that
anything changed since (a save, tags, a status) stays."""

from __future__ import annotations

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
