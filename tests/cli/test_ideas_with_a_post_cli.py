"""blogster ideas save/discard of an idea that already has a post."""


def test_an_idea_with_a_post_is_not_saved_again(cli, signed_up, superuser):
    """A red team discarded a started idea, then saved it: `generate batch` would have drafted it twice."""
    (idea_id,) = superuser.execute(
        "insert into public.blog_ideas (user_id, title) select id, 'Grind size' from auth.users returning id"
    ).fetchone()
    assert cli("ideas", "save", str(idea_id)).exit_code == 0  # no post yet: saved, discarded, saved again
    assert cli("ideas", "discard", str(idea_id)).exit_code == 0
    assert cli("ideas", "save", str(idea_id)).exit_code == 0
    slug = cli("ideas", "start", str(idea_id)).stdout.strip()
    for status in ("in_progress", "discarded"):
        refused = cli("ideas", "save", str(idea_id))
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert f"already has a post ({slug})" in refused.stderr
        assert [i["status"] for i in cli("ideas", "list", "--json").json()] == [status]
        assert cli("ideas", "discard", str(idea_id)).exit_code == 0  # setting it aside stays possible
