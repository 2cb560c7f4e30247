"""An idea gets one post: the store of a draft from it checks, under the idea's row lock and in the
unit of work that stores the post, that no other post was linked to it first (red team 55 F4; the
claim of `generate draft --idea` refuses such an idea before any credit: tests/cli/test_generate_claim_cli.py)."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import Conflict
from blogster_cli.models.ideas import BlogIdea
from blogster_cli.repositories import generation as rows
from blogster_cli.services.generation_steps import link_started
from blogster_cli.services.post_steps import NewBlog, insert_new


def test_a_post_for_an_idea_another_post_was_linked_to_first_is_not_stored(db, make_user):
    acting = ActingUser(db, make_user())
    with orm_unit_of_work(acting) as session:
        (idea,) = rows.insert_ideas(session, ideas=[BlogIdea(user_id=acting.actor.user_id, title="One")])
        earlier = insert_new(driver_connection(session), NewBlog(title="Earlier", markdown="x"))
        link_started(session, idea.id, earlier.id)
        idea_id = idea.id
    with pytest.raises(Conflict, match=r"already started as a post \(earlier\): this draft was not stored or charged"):
        with orm_unit_of_work(acting) as session:
            later = insert_new(driver_connection(session), NewBlog(title="Later", markdown="y"))
            link_started(session, idea_id, later.id)
    with orm_unit_of_work(acting) as session:
        found = rows.find_idea(session, idea_id=idea_id)
        assert found is not None and found.blog_id == earlier.id
        assert driver_connection(session).execute("select count(*) from public.blogs").fetchone() == (1,)
