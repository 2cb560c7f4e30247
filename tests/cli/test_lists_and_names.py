"""Every list has --format, --json and --limit; names are `posts`, `rm`, `tags list`; global options go anywhere."""

import base64
import os
import subprocess
import sys

import pytest

from tests.cli.test_blogs_cli import new_post

# Output options, command names and the pager: Python's (CLI argument handling and rendering).
pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

LISTS = [
    ("posts", "list"),
    ("blogs", "list"),
    ("posts", "trash"),
    ("personas", "list"),
    ("templates", "list"),
    ("images", "list"),
    ("activity",),
    ("admin", "users", "list"),
    ("revisions", "list", "first-post"),
    ("db", "status"),
    ("tags", "list"),
]


PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def some_posts(cli, signed_up, tmp_path):
    new_post(cli, "First post", "--tag", "shell", "--tag", "rust")
    picture = tmp_path / "pixel.png"
    picture.write_bytes(PIXEL_PNG)
    assert cli("images", "add", "first-post", str(picture)).exit_code == 0
    new_post(cli, "Second post", "--tag", "shell")
    trashed = new_post(cli, "Third post")
    assert cli("posts", "rm", trashed).exit_code == 0


def check_list_options(cli, command: tuple[str, ...]) -> list:
    """The output options every list shares, checked on `command`; its records as --json gives them."""
    as_json = cli(*command, "--json")
    assert as_json.exit_code == 0, as_json.stderr
    records = as_json.json()
    assert isinstance(records, list) and records
    assert cli(*command, "--format", "json").json() == records
    assert cli(*command, "--format", "count").stdout.strip() == str(len(records))
    assert len(cli(*command, "--format", "ids").stdout.split()) == len(records)
    assert cli(*command, "--format", "csv").stdout.count("\n") == len(records) + 1
    assert cli(*command, "--format", "yaml").stdout.startswith("- ")
    assert cli(*command, "--limit", "1", "--json").json() == records[:1]
    assert cli(*command, "--limit", "0", "--json").json() == records
    clash = cli(*command, "--json", "--format", "csv")
    assert clash.exit_code == 2 and clash.stderr == "error: --json and --format csv disagree: give one of them\n"
    return records


@pytest.mark.parametrize("command", LISTS, ids=[" ".join(c) for c in LISTS])
def test_every_list_has_the_same_output_options(cli, some_posts, command):
    records = check_list_options(cli, command)
    assert cli("--json", *command).json() == records  # --json before the command too


def test_posts_list_json_includes_the_id(cli, some_posts):
    listed = cli("posts", "list", "--json").json()
    assert all(len(p["id"]) == 36 for p in listed)
    assert {p["id"] for p in listed} == set(cli("posts", "list", "--format", "ids").stdout.split())


def test_changes_report_as_json(cli, some_posts):
    removed = cli("posts", "rm", "second-post", "--json").json()
    assert [p["slug"] for p in removed] == ["second-post"] and removed[0]["id"]
    assert [p["slug"] for p in cli("posts", "restore", "second-post", "--json").json()] == ["second-post"]
    assert cli("posts", "tag", "add", "second-post", "go", "--json").json()["tags"] == ["go", "shell"]
    assert cli("posts", "tag", "rm", "second-post", "go", "--json").json()["tags"] == ["shell"]
    diff = cli("revisions", "diff", "second-post", "1", "--json").json()
    assert diff["diff"] == "" and diff["from"] == 1
    assert [p["slug"] for p in cli("posts", "purge", "third-post", "--yes", "--json").json()] == ["third-post"]


def test_global_options_work_after_the_subcommand(cli, some_posts):
    assert cli("posts", "list", "--debug").exit_code == 0
    debug_failure = cli("posts", "show", "nope", "--debug")
    assert debug_failure.exit_code == 3 and "Traceback" in debug_failure.stderr
    assert cli("posts", "rm", "second-post", "-q").stderr == ""
    other_profile = cli("posts", "list", "--profile", "work")
    # A profile with neither settings nor a login is named as such (exit 2), not "not logged in".
    assert other_profile.exit_code == 2 and "no profile 'work'" in other_profile.stderr
    taken = cli("config", "get", "timezone", "--profile=work")  # taken after the command: refused as unknown
    assert taken.exit_code == 2 and "no profile 'work'" in taken.stderr


def test_hoisting_leaves_values_and_the_double_dash_alone():
    from blogster_cli.cli.app import hoist_global_options

    assert hoist_global_options(["posts", "list", "--debug", "-q"]) == ["--debug", "-q", "posts", "list"]
    assert hoist_global_options(["--profile", "w", "posts", "list", "--database-url", "x"]) == [
        "--database-url", "x", "--profile", "w", "posts", "list",
    ]  # fmt: skip
    assert hoist_global_options(["posts", "new", "--", "--debug"]) == ["posts", "new", "--", "--debug"]


def test_posts_is_the_name_blogs_an_alias(cli, some_posts):
    listing = subprocess.run([sys.executable, "-m", "blogster_cli", "--help"], capture_output=True, text=True).stdout
    commands = listing.split("Commands:")[1]
    assert "  posts " in commands and "  blogs " not in commands and "  tags " in commands
    assert cli("blogs", "list", "--json").json() == cli("posts", "list", "--json").json()


def test_rm_everywhere_with_delete_hidden(cli, some_posts):
    help_text = cli("posts", "--help").stdout.split("Commands:")[1]
    assert "  rm " in help_text and "  delete " not in help_text
    assert cli("posts", "delete", "second-post").exit_code == 0
    assert cli("personas", "create", "Gardeners").exit_code == 0
    assert cli("personas", "rm", "Gardeners").exit_code == 0
    assert "  delete " not in cli("personas", "--help").stdout


def test_tags_list_counts_my_posts(cli, some_posts):
    assert cli("tags", "list", "--json").json() == [{"name": "shell", "posts": 2}, {"name": "rust", "posts": 1}]
    assert cli("tags", "list", "--format", "ids").stdout.split() == ["shell", "rust"]


def test_long_tables_are_paged_on_a_terminal_only(cli, some_posts, tmp_path):
    import pty

    marker = tmp_path / "paged.txt"
    env = {**os.environ, "PAGER": f"cat > {marker}", "LINES": "5", "COLUMNS": "120", "TERM": "xterm"}
    code = "import sys; sys.argv = ['blogster', 'posts', 'list']\nfrom blogster_cli.cli.app import main\nmain()\n"
    primary, secondary = pty.openpty()
    subprocess.run([sys.executable, "-c", code], stdin=secondary, stdout=secondary, stderr=subprocess.PIPE, env=env,
                   timeout=60)  # fmt: skip
    os.close(secondary)
    os.close(primary)
    assert "first-post" in marker.read_text()
    marker.unlink()
    piped = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "first-post" in piped.stdout and not marker.exists()
