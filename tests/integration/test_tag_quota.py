"""0112's daily cap on new tags (10,000 per account) leaves real work alone: a 1,000-post
import with thousands of new tags and a blog with hundreds of tags, on the same day."""

from __future__ import annotations

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports


def test_large_imports_and_tagging_stay_under_the_daily_cap(db, make_user, superuser, tmp_path):
    actor = make_user()
    acting = ActingUser(db, actor)
    many = tmp_path / "many"
    many.mkdir()
    for n in range(1000):  # four tags of its own each, and one they share
        tags = ", ".join([f"topic-{n}-{k}" for k in range(4)] + ["shared"])
        (many / f"p{n:04d}.md").write_text(f"---\ntitle: Post {n}\ntags: [{tags}]\n---\nBody {n}.\n")
    assert imports.import_paths(acting, paths=[many]).counts["imported"] == 1000
    blog = tmp_path / "blog"
    blog.mkdir()
    for n in range(60):  # 300 tags over 60 posts, five each
        tags = ", ".join(f"subject-{(n * 5 + k) % 300}" for k in range(5))
        (blog / f"b{n:02d}.md").write_text(f"---\ntitle: Blog post {n}\ntags: [{tags}]\n---\nText {n}.\n")
    assert imports.import_paths(acting, paths=[blog]).counts["imported"] == 60
    post = blogs.tag(acting, ref="p0000", add=["one-more", "shared"])
    assert {"one-more", "shared"} <= set(post.tags)
    assert superuser.execute(
        "select created from internal.tag_creation_rates where account_id = %s", (actor.user_id,)
    ).fetchone() == (4302,)  # 4,000 + "shared" + 300 + "one-more"
    # Importing the same folder again (p0000 loses "one-more") creates no tag: nothing more is counted.
    assert imports.import_paths(acting, paths=[many]).counts["unchanged"] == 999
    assert superuser.execute("select count(*) from public.blog_tags").fetchone() == (4302,)
    assert superuser.execute(
        "select created from internal.tag_creation_rates where account_id = %s", (actor.user_id,)
    ).fetchone() == (4302,)
