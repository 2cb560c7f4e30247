"""Red team 60 (F1, F8): an account's own SQL against its posts' slugs.

- F8: a slug with an invisible or direction-changing character (`pay` U+200B `pal`, `pay` U+202E
  `pal` beside `paypal`), or decomposed (NFD `café` beside the composed one), made addresses that
  look alike. The schema refuses them now (blogs_slug_format, 0196), on insert and on update; and
  since 0198 the characters that show as nothing without being format characters (Unicode's
  default-ignorable ones: `pay` U+3164 `pal` with a Hangul filler, a variation selector, the
  grapheme joiner; and the braille blank U+2800); since 0201 (red team 64, F4) the characters that
  show as nothing or as a box: private-use ones, noncharacters, U+FFFC, the Khitan filler U+16FE4.
- F1: a slug that is another post's id is still the account's to write (the check cannot know ids),
  but it takes nothing: the id names its own post in every command (repositories/blogs.find_own).
"""

from __future__ import annotations

import unicodedata

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import PermissionDenied
from blogster_cli.services import blogs, publishing

ATTACKS = [
    ("update public.blogs set slug = %(slug)s where id = %(id)s", "update"),
    ("insert into public.blogs (title, slug, status, published_at) values ('Look', %(slug)s, 'published', now())", "insert"),
]  # fmt: skip
LOOKALIKES = {
    "zwsp": "pay\u200bpal",
    "rlo": "pay\u202epal",
    "isolate": "\u2066paypal\u2069",
    "soft-hyphen": "paypal\u00ad",
    "nfd": unicodedata.normalize("NFD", "café"),
    "hangul-filler": "pay\u3164pal",
    "halfwidth-hangul-filler": "paypal\uffa0",
    "variation-selector": "pay\ufe0fpal",
    "supplementary-variation-selector": "pay\U000e0100pal",
    "grapheme-joiner": "pay\u034fpal",
    "mongolian-variation-selector": "pay\u180bpal",
    "braille-blank": "\u2800paypal",
    "private-use": "pay\ue000pal",
    "supplementary-private-use": "pay\U0010fffdpal",
    "noncharacter": "pay\ufdd0pal",
    "plane-end-noncharacter": "paypal\U0001fffe",
    "object-replacement": "pay\ufffcpal",
    "khitan-filler": "pay\U00016fe4pal",
}


@pytest.mark.parametrize("slug", list(LOOKALIKES.values()), ids=list(LOOKALIKES))
@pytest.mark.parametrize(("statement", "kind"), ATTACKS, ids=[kind for _, kind in ATTACKS])
def test_an_account_cannot_store_a_lookalike_slug_on_its_own_post(db, make_user, slug, statement, kind):
    ada = make_user()
    post = blogs.create(ActingUser(db, ada), new=blogs.NewBlog(title="Kept", markdown="Words.", slug="paypal"))
    with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
        with db.connect() as conn, acting_transaction(conn, ada.role_name):
            conn.execute(statement, {"slug": slug, "id": post.id})
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        assert conn.execute("select slug from public.blogs").fetchall() == [("paypal",)]


def test_a_slug_written_as_another_posts_id_takes_none_of_its_commands(db, make_user):
    ada = make_user()
    acting = ActingUser(db, ada)
    target = blogs.create(acting, new=blogs.NewBlog(title="Target", markdown="Words."))
    decoy = blogs.create(acting, new=blogs.NewBlog(title="Decoy", markdown="Words."))
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        conn.execute("update public.blogs set slug = %s where id = %s", (str(target.id), decoy.id))
    assert blogs.get(acting, ref=str(target.id)).title == "Target"
    publishing.publish(acting, refs=[str(target.id)])
    assert blogs.get(acting, ref=str(target.id)).status == "published"
    assert blogs.get(acting, ref=str(decoy.id)).status == "draft"
    blogs.trash(acting, refs=[str(target.id)])
    assert blogs.get(acting, ref=str(decoy.id)).deleted_at is None


def test_a_slug_written_as_another_accounts_post_id_takes_none_of_its_reads(db, make_user):
    """Another account's published post, by its id: read as that post (and refused as not mine to
    change), never as my post whose slug is that id."""
    bob, ada = make_user(), make_user()
    theirs = blogs.create(ActingUser(db, bob), new=blogs.NewBlog(title="Bob's", markdown="Words."))
    publishing.publish(ActingUser(db, bob), refs=[str(theirs.id)])
    acting = ActingUser(db, ada)
    mine = blogs.create(acting, new=blogs.NewBlog(title="Ada's", markdown="Words."))
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        conn.execute("update public.blogs set slug = %s where id = %s", (str(theirs.id), mine.id))
    assert blogs.get(acting, ref=str(theirs.id)).title == "Bob's"
    with pytest.raises(PermissionDenied, match="another account's post"):
        blogs.trash(acting, refs=[str(theirs.id)])
    assert blogs.get(acting, ref=str(mine.id)).deleted_at is None
