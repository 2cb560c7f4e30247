"""One set of id-prefix rules for every command taking an id or its first characters
(blogster_cli/id_prefixes.py): checked here through calendar entries (also named by UID) and ideas."""

from __future__ import annotations

import re

import pytest

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import calendar as calendar_rows
from blogster_cli.repositories import generation as idea_rows
from blogster_cli.services import calendar
from blogster_cli.services.generation_steps import resolve_idea_id

ONE = "abcd0000-0000-4000-8000-000000000001"
TWO = "abcd0000-0000-4000-8000-100000000002"
THEIRS = "ffff0000-0000-4000-8000-000000000003"
ENTRY = id_prefixes.Named("calendar entry", "calendar entries", "blogster calendar list", other_key="UID")
IDEA = id_prefixes.Named("idea", "ideas", "blogster ideas list")


def test_a_prefix_is_checked_before_any_query():
    assert id_prefixes.prefix(" ABCD0000-0 ", IDEA) == "abcd0000-0"
    for ref, said in [
        ("", "name an idea: its id, or its first characters (see `blogster ideas list`)"),
        ("abc", "'abc' is too short: give at least the first 4 characters of the idea's id"),
        ("ab%d", "'ab%d' is not an idea id or the start of one (hex digits, as `blogster ideas list` shows them)"),
        ("ab_d", "'ab_d' is not an idea id or the start of one"),
    ]:
        with pytest.raises(InvalidInput, match="^" + re.escape(said)):
            id_prefixes.prefix(ref, IDEA)
    assert id_prefixes.usable("ab%d", ENTRY) is None and id_prefixes.usable("abc", ENTRY) is None
    assert id_prefixes.usable("ABCD", ENTRY) == "abcd"


def test_what_a_lookup_found_is_one_row_none_or_several():
    assert id_prefixes.only(["row"], "abcd", IDEA) == "row"
    with pytest.raises(InvalidInput, match="^'abcd' names several ideas; type more of the id$"):
        id_prefixes.only(["a", "b"], "abcd", IDEA)
    with pytest.raises(NotFound, match="^no idea with id starting 'beef' \\(see `blogster ideas list`\\)$"):
        id_prefixes.only([], "beef", IDEA)
    with pytest.raises(NotFound, match=f"^no idea with id '{ONE}' "):
        id_prefixes.only([], ONE, IDEA)
    with pytest.raises(NotFound, match="^no calendar entry with id starting 'beef', nor with that UID "):
        id_prefixes.only([], "beef", ENTRY)
    with pytest.raises(NotFound, match="^no calendar entry with id or UID 'On a Thursday' "):
        id_prefixes.only([], "On a Thursday", ENTRY)
    # A mistyped id cannot start one, so only the UID was looked up: the message names both.
    with pytest.raises(NotFound, match="^no calendar entry with id or UID '8e46a31x' "):
        id_prefixes.only([], "8e46a31x", ENTRY)
    # A ref longer than an id is named as an id, and cut short in the message.
    with pytest.raises(NotFound, match=f"^no idea with id '{'a' * 40}' "):
        id_prefixes.only([], "a" * 500, IDEA)


@pytest.fixture
def entries(db, make_user, superuser):
    mine, theirs = make_user(), make_user()
    for user, entry_id, uid in [
        (mine, ONE, "team%_plan@example"),
        (mine, TWO, "second@example"),
        (theirs, THEIRS, "x"),
    ]:
        superuser.execute(
            "insert into public.content_calendar (id, user_id, title, scheduled_date, uid)"
            " values (%s, %s, 'Plan', current_date, %s)",
            (entry_id, user.user_id, uid),
        )
    return ActingUser(db, mine), ActingUser(db, theirs)


def test_an_entry_is_named_by_its_id_a_unique_prefix_or_its_uid(entries):
    mine, theirs = entries
    assert str(calendar.done(mine, ref=ONE).id) == ONE
    assert str(calendar.done(mine, ref="ABCD0000-0000-4000-8000-1").id) == TWO
    assert str(calendar.done(mine, ref="team%_plan@example").id) == ONE
    with pytest.raises(InvalidInput, match="^'abcd' names several calendar entries; type more of the id$"):
        calendar.done(mine, ref="abcd")
    with pytest.raises(NotFound, match="^no calendar entry with id starting 'beef0'"):
        calendar.done(mine, ref="beef0")
    with pytest.raises(InvalidInput, match="^name a calendar entry"):
        calendar.done(mine, ref="  ")
    with pytest.raises(NotFound, match="^no calendar entry with id starting 'ffff'"):  # another account's
        calendar.done(mine, ref="ffff")
    assert str(calendar.done(theirs, ref="ffff").id) == THEIRS


def test_like_metacharacters_in_a_prefix_match_only_themselves(entries):
    mine, _ = entries
    with orm_unit_of_work(mine) as session:
        assert calendar_rows.find(session, prefix="abcd0000-0000-4000-8000-0", uid="") != []
        assert calendar_rows.find(session, prefix="abcd%", uid="") == []
        assert calendar_rows.find(session, prefix="abcd_000", uid="") == []
        assert calendar_rows.find(session, prefix=None, uid="team__plan@example") == []
    with pytest.raises(NotFound, match="^no calendar entry with id or UID 'team%'"):
        calendar.done(mine, ref="team%")


def test_ideas_share_the_rules(db, make_user, superuser):
    me = make_user()
    acting = ActingUser(db, me)
    for idea_id in (ONE, TWO):
        superuser.execute(
            "insert into public.blog_ideas (id, user_id, title) values (%s, %s, 'Idea')", (idea_id, me.user_id)
        )
    with orm_unit_of_work(acting) as session:
        assert str(resolve_idea_id(session, acting, ONE)) == ONE
        assert str(resolve_idea_id(session, acting, "abcd0000-0000-4000-8000-1")) == TWO
        assert idea_rows.idea_ids_starting(session, user_id=me.user_id, prefix="abcd%") == []
        with pytest.raises(InvalidInput, match="^'abcd' names several ideas"):
            resolve_idea_id(session, acting, "abcd")
        with pytest.raises(InvalidInput, match="^'ab%d' is not an idea id"):
            resolve_idea_id(session, acting, "ab%d")
        with pytest.raises(NotFound, match="^no idea with id starting 'beef'"):
            resolve_idea_id(session, acting, "beef")
