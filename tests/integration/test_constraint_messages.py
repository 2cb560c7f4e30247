"""The one-line messages for constraint violations name constraints that exist (or that a schema
function raises as one, `using constraint = '...'`: a trigger's rule no CHECK can state, such as
0206's "not dated ahead" against the server's clock), and a flag name the schema refuses reads as a
rule, not as PostgreSQL's constraint text."""

from __future__ import annotations

import re

from blogster_cli.db.errors import _CONSTRAINT_MESSAGES

RAISED_AS = re.compile(r"constraint\s*=\s*'([a-z0-9_]+)'", re.IGNORECASE)


def test_every_constraint_message_names_a_constraint_of_the_schema(superuser):
    names = {row[0] for row in superuser.execute("select conname from pg_constraint").fetchall()}
    names |= {row[0] for row in superuser.execute("select indexrelid::regclass::text from pg_index").fetchall()}
    names |= {name.split(".")[-1] for name in names}
    sources = superuser.execute(
        "select prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname in ('public', 'internal', 'auth', 'content')"
    ).fetchall()
    names |= {name for (source,) in sources for name in RAISED_AS.findall(source)}
    assert sorted(set(_CONSTRAINT_MESSAGES) - names) == []
