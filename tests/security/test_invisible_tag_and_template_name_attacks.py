"""Red team (F5, F6): an account's own SQL against tag and template names (0199), next to the slugs'
(test_invisible_slug_attacks.py).

- F5: the commands refuse a tag holding an invisible or direction-changing character, or decomposed;
  an account's own SQL (public.tag_ids, a plain INSERT into the shared blog_tags) is refused the same
  by blog_tags_name_format, and an administrator's rename too.
- F6: a template's name shaped like an id, holding such a character, or decomposed, is refused to an
  administrator's own SQL by blog_templates_name_format.
- Red team 64 (F3, F4, 0201): a tag holding a character that shows as nothing or as a box
  (private-use, noncharacter, U+FFFC, U+16FE4) is refused as an invisible one; a template's name
  holding a control character (ESC sequences a terminal acts on) or whitespace other than single
  spaces (`pay` U+200A `pal` beside `paypal`) is refused by blog_templates_name_format; a tag's
  trailing no-break space through public.tag_ids is trimmed, not a raw check violation.
- 0202: a tag not in its compatibility form (NFKC: `Ｃq` fullwidth beside `Cq`, the ligature `ﬁsh`
  beside `fish`, the superscript `x²`), which the commands never store, is refused to an account's
  own SQL too; and the one list of refused characters the checks call
  (internal.holds_unshown_character) is not an account's to redefine.
"""

from __future__ import annotations

import unicodedata

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction

LOOKALIKES = {
    "zwsp": "C\u200b",
    "rlo": "pay\u202epal",
    "isolate": "\u2066C\u2069",
    "soft-hyphen": "C\u00ad",
    "nfd": unicodedata.normalize("NFD", "Café"),
    "hangul-filler": "C\u3164",
    "variation-selector": "C\ufe0f",
    "tag-character": "C\U000e0041",
    "c1-control": "C\u0080x",
    "private-use": "C\ue000",
    "supplementary-private-use": "C\U000f0000",
    "noncharacter": "C\ufdef",
    "plane-end-noncharacter": "C\uffff",
    "object-replacement": "C\ufffc",
    "khitan-filler": "C\U00016fe4",
    "fullwidth": "\uff23q",
    "ligature": "\ufb01sh",
    "superscript": "x\u00b2",
}
TAG_ATTACKS = {
    "tag_ids": "select * from public.tag_ids(array[%(name)s]::text[])",
    "insert": "insert into public.blog_tags (name) values (%(name)s)",
}


@pytest.mark.parametrize("name", list(LOOKALIKES.values()), ids=list(LOOKALIKES))
@pytest.mark.parametrize("statement", list(TAG_ATTACKS.values()), ids=list(TAG_ATTACKS))
def test_an_account_cannot_add_a_lookalike_tag_to_the_shared_table(db, superuser, make_user, name, statement):
    mallory = make_user()
    with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
        with db.connect() as conn, acting_transaction(conn, mallory.role_name):
            conn.execute(statement, {"name": name})
    assert superuser.execute("select count(*) from public.blog_tags where name = %s", (name,)).fetchone()[0] == 0


@pytest.mark.parametrize("name", list(LOOKALIKES.values()), ids=list(LOOKALIKES))
def test_an_administrator_cannot_rename_a_tag_to_a_lookalike(db, superuser, make_user, name):
    admin = make_user(admin=True)
    tag = superuser.execute("insert into public.blog_tags (name) values ('Kept') returning id").fetchone()[0]
    with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
        with db.connect() as conn, acting_transaction(conn, admin.role_name):
            conn.execute("update public.blog_tags set name = %s where id = %s", (name, tag))
    assert superuser.execute("select name from public.blog_tags where id = %s", (tag,)).fetchone()[0] == "Kept"


def test_an_account_cannot_redefine_the_list_of_refused_characters(db, superuser, make_user):
    mallory = make_user(admin=True)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, mallory.role_name):
            conn.execute(
                "create or replace function internal.holds_unshown_character(written text) returns boolean"
                " language sql immutable as $$ select false $$"
            )
    with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
        with db.connect() as conn, acting_transaction(conn, mallory.role_name):
            conn.execute("select * from public.tag_ids(array['C\u200b']::text[])")


TEMPLATE_NAMES = {
    "an-id": "0000aaaa-0000-4000-8000-000000000000",
    "an-id-upper-case": "0000AAAA-0000-4000-8000-00000000000A",
    "zwsp": "Listicle\u200b",
    "rlo": "\u202eListicle",
    "hangul-filler": "List\u3164icle",
    "nfd": unicodedata.normalize("NFD", "Café"),
    "terminal-escape": "Evil\x1b]0;pwned\x07\x1b[2J",
    "c1-control": "Cq\x80",
    "c0-control": "Cq\x01",
    "line-separator": "line\u2028break",
    "hair-space": "pay\u200apal",
    "no-break-space": "nb\u00a0sp",
    "two-spaces": "nb  sp",
    "trailing-space": "Listicle ",
    "private-use": "List\ue000icle",
    "object-replacement": "Listicle\ufffc",
}


def test_a_tag_with_a_trailing_no_break_space_is_trimmed_through_tag_ids(db, superuser, make_user):
    mallory = make_user()
    with db.connect() as conn, acting_transaction(conn, mallory.role_name):
        conn.execute("select * from public.tag_ids(array[%s, %s]::text[])", ("Trail\u00a0", "\u3000Lead\u2028x"))
    names = {name for (name,) in superuser.execute("select name from public.blog_tags")}
    assert {"Trail", "Lead x"} <= names and not {"Trail\u00a0", "Trail "} & names


@pytest.mark.parametrize("name", list(TEMPLATE_NAMES.values()), ids=list(TEMPLATE_NAMES))
def test_an_administrator_cannot_name_a_template_like_an_id_or_invisibly(db, superuser, make_user, name):
    admin = make_user(admin=True)
    for statement in (
        "insert into public.blog_templates (name, structure) values (%(name)s, %(structure)s)",
        "update public.blog_templates set name = %(name)s where name = 'Listicle'",
    ):
        with pytest.raises(psycopg.errors.CheckViolation, match="blog_templates_name_format"):
            with db.connect() as conn, acting_transaction(conn, admin.role_name):
                conn.execute(statement, {"name": name, "structure": Jsonb([])})
    assert superuser.execute("select count(*) from public.blog_templates where name = %s", (name,)).fetchone()[0] == 0
    # A name an id could be but for its shape stays a name.
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "insert into public.blog_templates (name, structure) values (%s, '[]')",
            ("post-" + TEMPLATE_NAMES["an-id"],),
        )
