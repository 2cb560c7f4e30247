"""The tags on your posts."""

from __future__ import annotations

from dataclasses import dataclass

from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import normalise_tags
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import blogs_bulk, tags
from blogster_cli.repositories.tags import TagCount


def list_tags(acting: ActingUser) -> list[TagCount]:
    with unit_of_work(acting) as conn:
        return tags.list_mine(conn)


@dataclass(frozen=True)
class Respelled:
    was: str
    spelling: str
    posts: int
    """Posts outside the trash carrying the tag: what `tags list` counts."""
    in_trash: int
    """Posts in the trash carrying it, respelled too."""


def respell(acting: ActingUser, *, name: str, spelling: str) -> Respelled:
    """Spell one of my tags another way (case, spacing) on every post of mine carrying it.

    A tag is shared by every account and each link keeps its writer's spelling, one per account
    and tag (0117): so all my links go and come back with the new spelling in one unit of work
    (the posts in the trash too, or their spelling would win again). A different name is not a
    spelling: `blogs tag add/rm` moves posts between tags. Posts imported from a file are marked
    (`content.source.respelled`), so that export and sync write the new spelling into their files.
    """
    [wanted] = normalise_tags([spelling]) or [""]
    with unit_of_work(acting) as conn:
        mine = tags.my_links(conn, name=" ".join(name.split()))
        if mine is None:
            raise NotFound(f"no post of yours is tagged {name!r} (see `blogster tags list`)")
        if wanted.lower() != mine.spelling.lower():
            raise InvalidInput(
                f"{spelling!r} is another name, not a spelling of {mine.spelling!r}: only case and spacing can"
                " change (to move posts to another tag: `blogster blogs tag add` and `rm`)"
            )
        if wanted != mine.spelling:
            blogs_bulk.unlink_tags(conn, pairs=[(blog_id, mine.tag_id) for blog_id in mine.blog_ids])
            blog_rows.link_tags(conn, links=[(blog_id, mine.tag_id, wanted) for blog_id in mine.blog_ids])
            tags.mark_respelled(conn, blog_ids=mine.blog_ids, name=wanted.casefold())  # reaches their files
        live = len(mine.blog_ids) - mine.in_trash
        return Respelled(was=mine.spelling, spelling=wanted, posts=live, in_trash=mine.in_trash)
