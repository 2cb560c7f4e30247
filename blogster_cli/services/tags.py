"""The tags on your posts."""

from __future__ import annotations

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.repositories import tags
from blogster_cli.repositories.tags import TagCount


def list_tags(acting: ActingUser) -> list[TagCount]:
    with unit_of_work(acting) as conn:
        return tags.list_mine(conn)
