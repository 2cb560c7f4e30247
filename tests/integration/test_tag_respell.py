"""`blogster tags respell`: one of my tags spelled another way on all my posts, nobody else's.

Tags are shared and each link keeps its writer's spelling, one per account and tag (0117), so
the first spelling I wrote stays on every later post: respelling is the way to change it (and
the way to give links made before 0117, which carry the shared spelling, my own)."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.services import blogs, tags


def post(acting: ActingUser, title: str, tags_: list[str]) -> blogs.BlogRow:
    return blogs.create(acting, new=blogs.NewBlog(title=title, markdown=f"Words of {title}.", tags=tags_))


def spellings(superuser, acting: ActingUser) -> list[str]:
    return [
        name
        for (name,) in superuser.execute(
            "select tag_name from public.blogs_to_tags where author_id = %s order by tag_name",
            (acting.actor.user_id,),
        ).fetchall()
    ]


@pytest.fixture
def two(db, make_user):
    return ActingUser(db, make_user()), ActingUser(db, make_user())


def test_every_post_of_mine_takes_the_new_spelling_and_no_one_elses(two, superuser):
    alice, mal = two
    post(mal, "Mal post", ["KUBERNETES"])
    post(alice, "One", ["kubernetes", "rust"])
    post(alice, "Two", ["Kubernetes"])  # shows her first spelling, `kubernetes`
    binned = post(alice, "Three", ["kubernetes"])
    blogs.trash(alice, refs=[str(binned.id)])
    assert spellings(superuser, alice) == ["kubernetes", "kubernetes", "kubernetes", "rust"]

    done = tags.respell(alice, name="KUBERNETES", spelling="  Kubernetes ")
    assert (done.was, done.spelling, done.posts, done.in_trash) == ("kubernetes", "Kubernetes", 2, 1)
    assert spellings(superuser, alice) == ["Kubernetes", "Kubernetes", "Kubernetes", "rust"]
    assert sorted((t.name, t.posts) for t in tags.list_tags(alice)) == [("Kubernetes", 2), ("rust", 1)]
    # A post tagged later keeps the new spelling (the trashed post's link was respelled too).
    assert post(alice, "Four", ["kubernetes"]).tags == ["Kubernetes"]
    assert spellings(superuser, mal) == ["KUBERNETES"]
    assert superuser.execute("select count(*) from public.blog_tags").fetchone() == (2,)


def test_only_case_and_spacing_change(two):
    alice, _ = two
    post(alice, "One", ["machine learning"])
    with pytest.raises(InvalidInput, match="another name, not a spelling of 'machine learning'"):
        tags.respell(alice, name="machine learning", spelling="machine-learning")
    assert tags.respell(alice, name="Machine  Learning", spelling="Machine   Learning").spelling == "Machine Learning"
    same = tags.respell(alice, name="machine learning", spelling="Machine Learning")
    assert same.was == same.spelling == "Machine Learning"


def test_a_tag_only_another_account_uses_is_not_found(two, superuser):
    alice, mal = two
    post(mal, "Mal post", ["secret-project"])
    with pytest.raises(NotFound, match="no post of yours is tagged 'secret-project'"):
        tags.respell(alice, name="secret-project", spelling="Secret-Project")
    assert spellings(superuser, mal) == ["secret-project"]
