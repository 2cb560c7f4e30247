"""An assignment whose post is in its author's trash (h329 L8): its assignee's `review show` and
steps say so in one line (exit 3), change nothing and tell nobody; restored, they go as before."""

from __future__ import annotations

import pytest

from tests.cli.test_review_cli import assign, login, notifications, ok, setup_team


@pytest.mark.parametrize(
    "command",
    [("show",), ("comment", "Still reading it."), ("start",), ("submit",), ("approve",), ("approve", "--publish")],
)
def test_the_assignee_is_told_the_post_is_in_its_authors_trash(cli, tmp_path, superuser, command):
    setup_team(cli, tmp_path)
    role = "approver" if command[0] == "approve" else "editor"
    assigned = ok(assign(cli, "draft-one", "grace@example.com", role, "--allow-publish", "--json")
                  if role == "approver" else assign(cli, "draft-one", "grace@example.com", role, "--json"))  # fmt: skip
    ref = assigned["id"][:8]
    login(cli, "grace@example.com")
    if command[0] in ("submit", "approve"):
        assert cli("review", "start", ref).exit_code == 0
    login(cli, "ada@example.com")
    assert cli("posts", "rm", "draft-one").exit_code == 0
    told = notifications(superuser, "ada@example.com")
    before = superuser.execute("select status, comments from public.team_collaboration").fetchall()
    login(cli, "grace@example.com")

    refused = cli("review", command[0], ref, *command[1:])
    assert (refused.exit_code, refused.stdout) == (3, ""), refused.stderr
    assert refused.stderr == f"error: the post of assignment {ref} is in its author's trash\n"
    assert superuser.execute("select status, comments from public.team_collaboration").fetchall() == before
    assert notifications(superuser, "ada@example.com") == told

    login(cli, "ada@example.com")
    assert cli("review", "show", ref).exit_code == 0  # the author reads her post in the trash
    assert cli("posts", "restore", "draft-one").exit_code == 0
    login(cli, "grace@example.com")
    again = cli("review", command[0], ref, *command[1:])
    assert again.exit_code == 0 and "draft-one" in again.stdout + again.stderr, again.stderr
