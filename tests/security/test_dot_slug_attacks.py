"""An account writes `.` or `..` as its own post's slug by raw SQL as its role (the commands refuse
them, content/slugs.py `is_usable`). A slug is a path component of the files the site build,
export and sync write: before 0191 the schema took both, and the site build wrote a published post
slugged `.` at `posts/./index.html`, the posts folder's own page (its address `/posts/`). The schema
refuses them now (blogs_slug_format), on insert and on update, so no writer ever meets one."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import blogs, publishing, site

ATTACKS = [
    ("update public.blogs set slug = %(slug)s where id = %(id)s", "update"),
    ("insert into public.blogs (title, slug, status, published_at) values ('Dots', %(slug)s, 'published', now())", "insert"),
]  # fmt: skip


@pytest.mark.parametrize("slug", [".", ".."])
@pytest.mark.parametrize(("statement", "kind"), ATTACKS, ids=[kind for _, kind in ATTACKS])
def test_an_account_cannot_store_a_dot_segment_slug_on_its_own_post(db, make_user, tmp_path, slug, statement, kind):
    ada = make_user()
    acting = ActingUser(db, ada)
    post = blogs.create(acting, new=blogs.NewBlog(title="Kept", markdown="Words."))
    publishing.publish(acting, refs=[str(post.id)])
    with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
        with db.connect() as conn, acting_transaction(conn, ada.role_name):
            conn.execute(statement, {"slug": slug, "id": post.id})
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        assert conn.execute("select slug from public.blogs").fetchall() == [("kept",)]

    out = tmp_path / "site"
    site.build(acting, out=out, base_domain="blogster.page")
    assert (out / "posts" / "kept" / "index.html").is_file()
    assert not (out / "posts" / "index.html").exists()
