"""The one-line messages for constraint violations name constraints that exist, and a flag name
the schema refuses reads as a rule, not as PostgreSQL's constraint text."""

from __future__ import annotations

from blogster_cli.db.errors import _CONSTRAINT_MESSAGES


def test_every_constraint_message_names_a_constraint_of_the_schema(superuser):
    names = {row[0] for row in superuser.execute("select conname from pg_constraint").fetchall()}
    names |= {row[0] for row in superuser.execute("select indexrelid::regclass::text from pg_index").fetchall()}
    names |= {name.split(".")[-1] for name in names}
    assert sorted(set(_CONSTRAINT_MESSAGES) - names) == []
