"""`blogster tags respell`: its messages, --json and exit codes."""

from tests.cli.test_blogs_cli import new_post


def test_respell_says_what_it_did_and_refuses_another_name(cli, signed_up):
    new_post(cli, "First post", "--tag", "rust")
    new_post(cli, "Second post", "--tag", "rust")
    done = cli("tags", "respell", "rust", "Rust")
    assert done.exit_code == 0 and done.stderr == "'rust' is now 'Rust' on your 2 posts\n", done.stderr
    assert cli("tags", "list", "--json").json() == [{"name": "Rust", "posts": 2}]
    again = cli("tags", "respell", "RUST", "Rust", "--json")
    assert again.exit_code == 0 and again.json() == {"tag": "Rust", "spelling": "Rust", "posts": 2}
    other = cli("tags", "respell", "rust", "rustlang")
    assert other.exit_code == 2 and other.stderr.startswith("error: 'rustlang' is another name, not a spelling")
    missing = cli("tags", "respell", "go", "Go")
    assert missing.exit_code == 3
    assert missing.stderr == "error: no post of yours is tagged 'go' (see `blogster tags list`)\n"
