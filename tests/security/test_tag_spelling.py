"""Migration 0117: the first account to write a tag's spelling no longer chooses everyone's.

Tags are one shared table (unique on lower(name)) and a link's `tag_name` was forced to the
tag's name (0094): a red team account tagged its posts `RuSt-LoL` and `Kubernetes` with the
Kelvin sign (U+212A, which lower() turns into `k`), and another account's `rust-lol` and
`kubernetes` posts then showed those spellings in `blogs show`, `tags list`, its site and its
exports. Now a link carries its writer's spelling (one spelling per author and tag), the tag
row stays shared, and an admin's rename still rewrites every link.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.repositories import audience as audience_rows
from blogster_cli.services import blogs, exports, imports, publishing, site, tags

KELVIN = "\u212aubernetes"  # lower() gives 'kubernetes'
BASE = "blogster.page"


def publish(acting: ActingUser, title: str, tags_: list[str]) -> blogs.BlogRow:
    row = blogs.create(acting, new=blogs.NewBlog(title=title, markdown=f"Words of {title}.", tags=tags_))
    publishing.publish(acting, refs=[str(row.id)])
    return row


def shown(acting: ActingUser, ref: str) -> list[str]:
    return blogs.get(acting, ref=ref).tags


def listed(acting: ActingUser) -> list[tuple[str, int]]:
    return sorted((t.name, t.posts) for t in tags.list_tags(acting))


def written(root: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.suffix in (".md", ".html", ".xml")
    )


@pytest.fixture
def mal_first(db, make_user, superuser):
    """Mal writes `RuSt-LoL`, `KUBERNETES` and the Kelvin-sign spelling before anyone else: the Kelvin
    one through his own INSERT of a link, as the CLI would not store it (normalise_tags). The tag
    itself cannot be so spelled since 0199 (blog_tags_name_format: composed, and U+212A is K's)."""
    mal = ActingUser(db, make_user())
    post = publish(mal, "Mal post", ["RuSt-LoL"])
    with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
        with db.connect() as conn, acting_transaction(conn, mal.actor.role_name):
            conn.execute("select id from public.tag_ids(array[%s])", (KELVIN,))
    with db.connect() as conn, acting_transaction(conn, mal.actor.role_name):
        (tag_id,) = conn.execute("select id from public.tag_ids(array['KUBERNETES'])").fetchone()
        conn.execute(
            "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)",
            (post.id, tag_id, KELVIN),
        )
    assert superuser.execute("select name from public.blog_tags where lower(name) = 'kubernetes'").fetchone() == (
        "KUBERNETES",
    )
    return mal, post


def test_each_account_shows_its_own_spelling_everywhere(db, make_user, superuser, mal_first, tmp_path):
    mal, mal_post = mal_first
    alice = ActingUser(db, make_user())
    post = publish(alice, "Pub post", ["rust-lol", "kubernetes"])
    assert shown(alice, str(post.id)) == ["kubernetes", "rust-lol"]
    assert listed(alice) == [("kubernetes", 1), ("rust-lol", 1)]
    # The tags stay shared: one row each, whose ids both accounts link to.
    assert superuser.execute(
        "select count(*), count(distinct bt.tag_id) from public.blogs_to_tags bt"
        " join public.blog_tags t on t.id = bt.tag_id where lower(t.name) in ('rust-lol', 'kubernetes')"
    ).fetchone() == (4, 2)
    assert superuser.execute("select count(*) from public.blog_tags").fetchone()[0] == 2

    # Alice's second post, tagged `RUST-LOL` (and again `Kubernetes`), shows her one spelling.
    second = publish(alice, "Second post", ["RUST-LOL"])
    blogs.tag(alice, ref=str(second.id), add=["Kubernetes"])
    assert shown(alice, str(second.id)) == ["kubernetes", "rust-lol"]
    assert listed(alice) == [("kubernetes", 2), ("rust-lol", 2)]

    # Her export and her site: her spelling, never Mal's.
    exports.export_posts(alice, directory=tmp_path / "hugo", dialect="hugo")
    site.build(alice, out=tmp_path / "site", base_domain=BASE)
    for root in (tmp_path / "hugo", tmp_path / "site"):
        text = written(root)
        assert "rust-lol" in text and "kubernetes" in text, root
        assert "RuSt-LoL" not in text and KELVIN not in text and "RUST-LOL" not in text, root
        assert "KUBERNETES" not in text, root
    page = (tmp_path / "site" / "tags" / "rust-lol" / "index.html").read_text(encoding="utf-8")
    assert "Posts tagged “rust-lol”" in page and page.count('class="summary"') == 2
    assert sorted(p.name for p in (tmp_path / "site" / "tags").iterdir() if p.is_dir()) == ["kubernetes", "rust-lol"]

    # The tags `audience segments` describes her posts by.
    with orm_unit_of_work(alice) as session:
        assert audience_rows.own_posts(session)[1] == {str(post.id): ["kubernetes", "rust-lol"],
                                                       str(second.id): ["kubernetes", "rust-lol"]}  # fmt: skip

    # Mal keeps his.
    assert sorted(shown(mal, str(mal_post.id))) == sorted(["RuSt-LoL", KELVIN])
    assert listed(mal) == sorted([("RuSt-LoL", 1), (KELVIN, 1)])
    assert KELVIN not in "".join(shown(alice, str(p.id))[0] for p in (post, second))


def test_an_import_spells_the_links_as_the_files_do(db, make_user, mal_first, tmp_path):
    """The import's write path: a new account keeps its files' spelling; an author who already
    has a spelling for the tag keeps that one."""
    alice, carol = ActingUser(db, make_user()), ActingUser(db, make_user())
    publish(alice, "Alice post", ["rust-lol"])
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "imported.md").write_text("---\ntitle: Imported\ntags: [Rust-Lol, KUBERNETES]\n---\n\nBody.\n")
    for acting in (alice, carol):
        report = imports.import_paths(acting, paths=[folder])
        assert report.failed == [], report.failed
    assert shown(alice, "imported") == ["KUBERNETES", "rust-lol"]
    assert shown(carol, "imported") == ["KUBERNETES", "Rust-Lol"]


def test_an_admins_rename_still_rewrites_every_link(db, make_user, superuser, mal_first):
    mal, mal_post = mal_first
    alice, admin = ActingUser(db, make_user()), make_user(admin=True)
    post = publish(alice, "Pub post", ["rust-lol"])
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute("update public.blog_tags set name = 'Rust-Lang' where lower(name) = 'rust-lol'")
    assert shown(alice, str(post.id)) == ["Rust-Lang"]
    assert "Rust-Lang" in shown(mal, str(mal_post.id))
    # A new link after the rename: the author's existing spelling (the rename's).
    third = publish(alice, "Third post", ["rust-lang"])
    assert shown(alice, str(third.id)) == ["Rust-Lang"]


def test_a_sent_spelling_of_another_name_is_not_stored(db, make_user, superuser):
    """The link's spelling must match its tag case-insensitively: an account cannot label a
    link to `rust` with any other text (0094's guarantee, kept)."""
    alice = ActingUser(db, make_user())
    post = publish(alice, "Pub post", [])
    with db.connect() as conn, acting_transaction(conn, alice.actor.role_name):
        (tag_id,) = conn.execute("select id from public.tag_ids(array['rust'])").fetchone()
        conn.execute(
            "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)",
            (post.id, tag_id, "Someone else's tag"),
        )
    assert shown(alice, str(post.id)) == ["rust"]


def test_lookalike_tag_names_are_made_plain(db, make_user):
    """The CLI's tag check (content/rules.normalise_tags): fullwidth letters, ligatures,
    superscripts and the Kelvin sign are stored as the plain letters they stand for (NFKC)."""
    alice = ActingUser(db, make_user())
    post = publish(alice, "Pub post", [])
    for name, plain in (("ｒｕｓｔ", "rust"), ("ﬁle", "file"), ("x²", "x2")):
        assert plain in shown(alice, str(blogs.tag(alice, ref=str(post.id), add=[name]).id))
        other = blogs.create(alice, new=blogs.NewBlog(title=f"Other {plain}", markdown="Words.", tags=[name]))
        assert shown(alice, str(other.id)) == [plain]
    assert "Kubernetes" in shown(alice, str(blogs.tag(alice, ref=str(post.id), add=[KELVIN]).id))
