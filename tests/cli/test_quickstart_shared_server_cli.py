"""`blogster quickstart` on a server others use (BLOGSTER_DATABASE_URL, as a team shares one) gave the
new account a dozen example posts, most of them published: the team's public feed and site showed
posts nobody wrote. There they are left out unless asked (--examples); the embedded database still
gets them (tests/cli/test_embedded_server.py)."""

from __future__ import annotations

from tests.cli.conftest import PASSWORD


def published(superuser) -> int:
    return superuser.execute("select count(*) from public.blogs where status = 'published'").fetchone()[0]


def test_on_a_shared_server_quickstart_leaves_the_example_posts_out(cli, superuser):
    started = cli("quickstart", "--email", "ada@example.com", "--password-stdin", "--json", input=PASSWORD + "\n")
    assert started.exit_code == 0, started.stderr
    assert superuser.execute("select count(*) from public.blogs").fetchone()[0] == 0 == published(superuser)
    report = started.json()
    assert (report["account_created"], report["examples_imported"], report["examples_left_out"]) == (True, 0, True)
    assert any("left out the example posts" in step and "blogster import " in step for step in report["steps"])

    second = cli("--profile", "bob", "quickstart", "--email", "bob@example.com", "--password-stdin",
                 input=PASSWORD + "\n")  # fmt: skip
    assert second.exit_code == 0, second.stderr
    assert "left out the example posts: on a server others use" in second.stderr
    assert published(superuser) == 0


def test_examples_asked_for_on_a_shared_server_are_imported(cli, superuser):
    started = cli("quickstart", "--email", "ada@example.com", "--password-stdin", "--examples", "--json",
                  input=PASSWORD + "\n")  # fmt: skip
    assert started.exit_code == 0, started.stderr
    assert (started.json()["examples_imported"], started.json()["examples_left_out"]) == (12, False)
    assert cli("blogs", "list", "--format", "count").stdout.strip() == "12"
    assert published(superuser) > 0


def test_no_examples_leaves_them_out_and_says_so(cli, superuser):
    started = cli("quickstart", "--email", "ada@example.com", "--password-stdin", "--no-examples",
                  input=PASSWORD + "\n")  # fmt: skip
    assert started.exit_code == 0, started.stderr
    assert "left out the example posts (--no-examples)" in started.stderr
    assert superuser.execute("select count(*) from public.blogs").fetchone()[0] == 0
