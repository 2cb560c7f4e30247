"""An image row names a stored file, and a site build uses only its own account's rows.

The attack (red team, rt13): account B, with only its own role, inserts an image_assets row on
its own published post with the URL of A's picture and path `../credentials.json` (or
`/etc/passwd`); A's `site build` looked URLs up among every row it could read and copied
`media_dir() / path` into A's public site, and `images rm` unlinked such a path. Now the
schema refuses such a path (0115), the build reads only A's own rows, and the code opens or
unlinks only stored names (media_files.is_stored_name).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.services import blogs, images, publishing, site
from blogster_cli.services.media_files import media_dir

SECRET = '{"profiles": {"default": {"token": "s3cr3t-session-token"}}}\n'
FORGED_PATHS = [
    "../x",
    "../credentials.json",
    "/etc/passwd",
    "a/b.png",
    "media/" + "a" * 64 + ".png",
    "a" * 64 + ".png/../../credentials.json",
    "A" * 64 + ".png",
    "a" * 64 + ".png\n",
    "a" * 63 + ".png",
    "",
]
MIGRATION = Path(__file__).parents[2] / "db" / "migrations" / "0115_image_paths_are_stored_names.sql"


def png(path: Path, colour: bytes) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + colour * 16)
    return path


def published(acting: ActingUser, title: str, markdown: str = "Words.") -> blogs.BlogRow:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=markdown))
    publishing.publish(acting, refs=[str(row.id)])
    return row


def as_role(db, actor: Actor) -> psycopg.Connection:
    """A connection under the account's own role only, as the red team used it."""
    conn = db.connect()
    conn.execute(f'set role "{actor.role_name}"')
    return conn


@pytest.fixture
def ada(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


@pytest.fixture
def bob(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("bob@example.com"))


@pytest.mark.parametrize("path", FORGED_PATHS)
def test_an_account_cannot_name_a_path_as_its_image_file(db, bob, path):
    post = published(bob, "Bob's post")
    with as_role(db, bob.actor) as conn:
        with pytest.raises(errors.CheckViolation, match="image_assets_path_is_stored_name"):
            conn.execute(
                "insert into public.image_assets (url, path, blog_id, file_type, size)"
                " values ('media/x.png', %s, %s, 'image/png', 1)",
                (path, post.id),
            )
        row = conn.execute(
            "insert into public.image_assets (url, path, blog_id) values ('media/y.png', %s, %s) returning id",
            ("b" * 64 + ".png", post.id),
        ).fetchone()
        with pytest.raises(errors.CheckViolation, match="image_assets_path_is_stored_name"):
            conn.execute("update public.image_assets set path = %s where id = %s", (path, row[0]))


def test_a_build_never_uses_another_accounts_row_for_my_picture(db, ada, bob, tmp_path):
    """B's row names A's picture URL with the valid name of another stored file (B's own):
    A's build must not use B's row at all, whether A still has a row for that URL or not."""
    ada_post = blogs.create(ada, new=blogs.NewBlog(title="Ada's post", markdown="Words."))
    mine = images.add(ada, blog_ref=str(ada_post.id), source=png(tmp_path / "a.png", b"a"), featured=True)
    publishing.publish(ada, refs=[str(ada_post.id)])
    bob_post = published(bob, "Bob's post")
    bobs = images.add(bob, blog_ref=str(bob_post.id), source=png(tmp_path / "b.png", b"b"))
    with as_role(db, bob.actor) as conn:
        for _ in range(3):
            conn.execute(
                "insert into public.image_assets (url, path, blog_id, file_type, size) values (%s, %s, %s, 'image/png', 1)",
                (mine.url, bobs.path, bob_post.id),
            )

    out = tmp_path / "public"
    site.build(ada, out=out, base_domain="blogster.page")
    assert (out / mine.url).read_bytes() == (tmp_path / "a.png").read_bytes()

    # A's own row gone (its file stays: B's rows still name the URL, not the file): nothing of B's is served.
    with db.connect() as conn:
        conn.execute("delete from public.image_assets where id = %s", (mine.id,))
    site.build(ada, out=out, base_domain="blogster.page", full=True)
    assert not (out / mine.url).exists()
    served = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    assert (tmp_path / "b.png").read_bytes() not in served


def test_the_build_reads_no_path_outside_the_media_folder(tmp_path):
    """The build's own check, whatever the rows hold (a database from before 0115, by hand)."""
    media = tmp_path / "home" / "media"
    media.mkdir(parents=True)
    (tmp_path / "home" / "credentials.json").write_text(SECRET)
    stored = "c" * 64 + ".png"
    (media / stored).write_bytes(b"\x89PNG\r\n\x1a\n")
    rows = {
        "media/a.png": "../credentials.json",
        "media/b.png": str(tmp_path / "home" / "credentials.json"),
        "media/c.png": "sub/../../credentials.json",
        "media/" + stored: stored,
    }
    pages = site._image_pages(rows, media, {})
    assert [page.path for page in pages] == ["media/" + stored]


def test_images_rm_never_unlinks_a_path_outside_the_media_folder(db, ada, tmp_path):
    """A row stored before 0115 (the constraint dropped here to make one): `images rm` deletes
    the row and leaves the file its path points at."""
    post = published(ada, "Ada's post")
    media_dir().mkdir(parents=True, exist_ok=True)  # `media/../x` resolves only through a real folder
    secret = media_dir().parent / "credentials.json"
    secret.write_text(SECRET)
    with db.connect() as conn:
        conn.execute("alter table public.image_assets drop constraint image_assets_path_is_stored_name")
        row = conn.execute(
            "insert into public.image_assets (url, path, blog_id, created_by) values ('media/x.png', %s, %s, %s)"
            " returning id",
            ("../credentials.json", post.id, ada.actor.user_id),
        ).fetchone()
    images.remove(ada, refs=[str(row[0])])
    assert secret.read_text() == SECRET
    with db.connect() as conn:
        assert conn.execute("select count(*) from public.image_assets").fetchone()[0] == 0


def test_the_migration_clears_paths_that_are_no_stored_name(db, ada, tmp_path):
    """Rows from before 0115 with a path keep their description and lose the path; stored names stay."""
    post = published(ada, "Ada's post")
    good = "d" * 64 + ".webp"
    with db.connect() as conn:
        conn.execute("alter table public.image_assets drop constraint image_assets_path_is_stored_name")
        for path in ("../credentials.json", "/etc/passwd", good, None):
            conn.execute(
                "insert into public.image_assets (url, path, blog_id, created_by, alt_text) values (%s, %s, %s, %s, 'alt')",
                (f"media/{path}", path, post.id, ada.actor.user_id),
            )
        with conn.transaction():
            conn.execute(MIGRATION.read_text())
        rows = set(conn.execute("select url, path, alt_text from public.image_assets").fetchall())
        validated = conn.execute(
            "select convalidated from pg_constraint where conname = 'image_assets_path_is_stored_name'"
        ).fetchone()
    assert rows == {
        ("media//etc/passwd", None, "alt"),
        ("media/../credentials.json", None, "alt"),
        ("media/None", None, "alt"),
        (f"media/{good}", good, "alt"),
    }
    assert validated == (True,)
