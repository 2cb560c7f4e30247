"""`blogster tags respell`: its messages, --json and exit codes."""

from tests.cli.test_blogs_cli import new_post


def test_respell_says_what_it_did_and_refuses_another_name(cli, signed_up):
    new_post(cli, "First post", "--tag", "rust")
    new_post(cli, "Second post", "--tag", "rust")
    done = cli("tags", "respell", "rust", "Rust")
    assert done.exit_code == 0 and done.stderr == "'rust' is now 'Rust' on your 2 posts\n", done.stderr
    assert cli("tags", "list", "--json").json() == [{"name": "Rust", "posts": 2}]
    again = cli("tags", "respell", "RUST", "Rust", "--json")
    assert again.exit_code == 0 and again.json() == {"tag": "Rust", "spelling": "Rust", "posts": 2, "in_trash": 0}
    other = cli("tags", "respell", "rust", "rustlang")
    assert other.exit_code == 2 and other.stderr.startswith("error: 'rustlang' is another name, not a spelling")
    missing = cli("tags", "respell", "go", "Go")
    assert missing.exit_code == 3
    assert missing.stderr == "error: no post of yours is tagged 'go' (see `blogster tags list`)\n"


def test_respell_counts_as_tags_list_does_and_names_the_trash(cli, signed_up):
    # `tags list` counts posts outside the trash; respell changes the trashed ones too and said
    # "on your 3 posts" where the list said 2: it says both now.
    new_post(cli, "First post", "--tag", "go")
    new_post(cli, "Second post", "--tag", "go")
    binned = new_post(cli, "Third post", "--tag", "go")
    assert cli("posts", "rm", binned).exit_code == 0
    assert cli("tags", "list", "--json").json() == [{"name": "go", "posts": 2}]
    done = cli("tags", "respell", "go", "Go")
    assert done.exit_code == 0 and done.stderr == "'go' is now 'Go' on your 2 posts (and 1 in the trash)\n"
    assert cli("tags", "respell", "GO", "Go", "--json").json() == {
        "tag": "Go", "spelling": "Go", "posts": 2, "in_trash": 1
    }  # fmt: skip
    only_binned = new_post(cli, "Fourth post", "--tag", "zig")
    assert cli("posts", "rm", only_binned).exit_code == 0
    trashed_only = cli("tags", "respell", "zig", "Zig")
    assert trashed_only.stderr == "'zig' is now 'Zig' on no post outside the trash (and 1 in the trash)\n"
