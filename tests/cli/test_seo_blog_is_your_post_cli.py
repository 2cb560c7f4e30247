"""`seo keywords --blog`, `seo positions --blog` and `seo import-positions --blog` find the post
as every command that acts on "your post" does (post_steps.find_own, h321 F6): another account's
public post, by id or AUTHOR/SLUG, is "not yours to change" (exit 4), its slug alone or its draft
"no post" (exit 3). They said "no post" (exit 3), and import-positions "none of your posts" (exit 2)."""

from __future__ import annotations

from tests.cli.test_scheduling_and_publishing_rules_cli import draft, graces_posts_seen_by_ada, login


def test_another_accounts_post_gets_the_answer_publish_gives(cli, tmp_path):
    author, post_id = graces_posts_seen_by_ada(cli)
    export = tmp_path / "queries.csv"
    export.write_text("Query,Position\nterminal habits,3\n")  # filtered by page: no Page column
    commands = [
        ("seo", "keywords", "--blog", "{ref}"),
        ("seo", "positions", "--blog", "{ref}"),
        ("seo", "import-positions", str(export), "--blog", "{ref}"),
    ]
    for ref, code in ((f"{author}/open", 4), (post_id, 4), ("open", 3), (f"{author}/secret", 3)):
        expected = cli("publish", ref)
        assert expected.exit_code == code, (ref, expected.stderr)
        for command in commands:
            result = cli(*(arg.format(ref=ref) for arg in command))
            assert (result.exit_code, result.stderr) == (code, expected.stderr), (command, ref)
    assert cli("seo", "positions", "--json").json() == []  # nothing was imported


def test_my_post_by_slug_id_or_address(cli, tmp_path):
    login(cli, "ada@example.com", signup=True)
    draft(cli, "mine")
    (post,) = cli("posts", "list", "--json").json()
    export = tmp_path / "queries.csv"
    export.write_text("Query,Position\nterminal habits,3\n")
    for ref in ("mine", post["id"], "/posts/mine/"):
        imported = cli("seo", "import-positions", str(export), "--blog", ref, "--json")
        assert (imported.exit_code, imported.json()["rejected"]) == (0, []), (ref, imported.stderr)
        assert [row["slug"] for row in cli("seo", "positions", "--blog", ref, "--json").json()] == ["mine"]
        assert [row["keyword"] for row in cli("seo", "keywords", "--blog", ref, "--json").json()] == ["terminal habits"]
