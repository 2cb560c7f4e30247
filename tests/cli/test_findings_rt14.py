"""Findings of a new user following README (rt14): exit codes, wording and pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD

DOCS = {
    "guide/events.md": "---\ntitle: Events\n---\n# Events\n\nSee [setup](/guide/setup/).\n",
    "guide/setup.md": "---\ntitle: Setup\n---\n# Setup\n\nBroken link [x](/guide/missing/).\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_check_links_exits_1_and_counts_one_broken_link(cli, signed_up, tmp_path):
    root = _tree(tmp_path / "docs", DOCS)
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    result = cli("docs", "check-links")
    assert result.exit_code == 1, result
    assert "guide/setup: /guide/missing/" in result.stdout
    assert "1 broken link." in result.stderr and "links" not in result.stderr


def _blogster(*args: str, stdout) -> subprocess.Popen:
    """`blogster ARGS` as a user runs it: stdout block-buffered (not PYTHONUNBUFFERED, as CI sets)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", *args], stdout=stdout, stderr=subprocess.PIPE, env=env
    )


@pytest.mark.same_on_every_server  # the pipe's end is Python's to handle: CI's second pass leaves it out
def test_a_reader_that_stops_reading_ends_the_command_quietly(cli, signed_up, tmp_path):
    """`blogster docs list | head -1` under `set -o pipefail`: the reader closes the pipe after one line,
    the rest of the output (far more than a pipe holds) meets EPIPE: exit 0, nothing on stderr."""
    pages = {f"p{i:04}.md": f"---\ntitle: Page number {i} {'x' * 60}\n---\nText {i}.\n" for i in range(1500)}
    pages["big.md"] = "---\ntitle: Big\n---\n" + "A line of the big page.\n" * 20_000
    assert cli("docs", "import", str(_tree(tmp_path / "docs", pages)), "--publish").exit_code == 0
    for command in (["docs", "list"], ["docs", "show", "big"]):
        for _ in range(2):
            process = _blogster(*command, stdout=subprocess.PIPE)
            assert process.stdout is not None and process.stderr is not None
            assert process.stdout.readline()
            process.stdout.close()
            stderr = process.stderr.read()
            assert (process.wait(), stderr) == (0, b""), command


@pytest.mark.same_on_every_server  # a full stdout is Python's to handle: CI's second pass leaves it out
def test_a_full_disk_under_stdout_still_fails(cli, signed_up, tmp_path):
    assert cli("docs", "import", str(_tree(tmp_path / "docs", DOCS)), "--publish").exit_code == 0
    for command in (["docs", "list"], ["docs", "show", "guide/setup"]):
        with open("/dev/full", "w") as full:
            process = _blogster(*command, stdout=full)
            _, stderr = process.communicate()
        assert process.returncode == 8, (command, stderr)
        lines = stderr.decode().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "no space left on device" in lines[0], lines


def test_csv_lines_left_out_of_a_successful_run_are_warnings(cli, newsletter, smtp, tmp_path):
    readers = tmp_path / "readers.csv"
    readers.write_text("email,name\nann@example.com,Ann\nbob@example.com,Bob\nnot-an-address,\n")
    for command in (
        ["newsletter", "subscribers", "import", str(readers)],
        ["newsletter", "send", newsletter, "--to", str(readers)],
    ):
        result = cli(*command, env={"BLOGSTER_SMTP_URL": smtp[1]})
        assert result.exit_code == 0, result.stderr
        assert "warning: line 4: not an email address: 'not-an-address' (left out)\n" in result.stderr
        assert "error:" not in result.stderr


def test_an_id_prefix_that_is_not_hex_is_named_as_such(cli, newsletter, smtp):
    wrong = cli("newsletter", "send", "nope", env={"BLOGSTER_SMTP_URL": smtp[1]})
    assert wrong.exit_code == 2
    assert "'nope' is not a newsletter id or the start of one" in wrong.stderr and "first 4" not in wrong.stderr
    short = cli("newsletter", "send", newsletter[:3], env={"BLOGSTER_SMTP_URL": smtp[1]})
    assert short.exit_code == 2 and "too short: give at least the first 4 characters" in short.stderr


def test_ideas_take_a_unique_prefix_of_their_id(cli, signed_up, superuser):
    ids = [
        str(row[0])
        for row in superuser.execute(
            "insert into public.blog_ideas (id, user_id, title) select v.id::uuid, u.id, v.title from auth.users u,"
            " (values ('abcd0000-0000-4000-8000-000000000001', 'One'), ('abcd0000-0000-4000-8000-100000000002', 'Two'))"
            " as v(id, title) returning id"
        ).fetchall()
    ]
    saved = cli("ideas", "save", ids[0][:30], "--json")
    assert saved.exit_code == 0, saved.stderr
    assert saved.json()["id"] == ids[0] and saved.json()["status"] == "saved"
    both = cli("ideas", "discard", "abcd0000")
    assert both.exit_code == 2 and "'abcd0000' names several ideas; type more of the id" in both.stderr
    assert cli("ideas", "discard", "ABCD0000-0000-4000-8000-1").exit_code == 0
    missing = cli("ideas", "start", "beef")
    assert missing.exit_code == 3 and "no idea with id starting 'beef'" in missing.stderr
    wrong = cli("ideas", "save", "nope")
    assert wrong.exit_code == 2 and "'nope' is not an idea id or the start of one" in wrong.stderr
    assert cli("ideas", "start", "abcd0001").exit_code == 3
    assert cli("ideas", "start", "abcd0000-0000-4000-8000-000000000001").exit_code == 0
    statuses = {i["title"]: i["status"] for i in cli("ideas", "list", "--json").json()}
    assert statuses == {"One": "in_progress", "Two": "discarded"}


def test_flag_conditions_print_as_json_and_the_log_refusal_is_about_reading(cli, signed_up):
    created = cli("flags", "create", "beta", "--strategy", "subscription_tier", "--conditions", '{"tiers": ["pro"]}')
    assert created.exit_code == 0, created.stderr
    [line] = [line for line in created.stdout.splitlines() if line.startswith("conditions")]
    pasted = line.split(None, 1)[1]
    assert pasted == '{"tiers": ["pro"]}'
    assert cli("flags", "update", "beta", "--conditions", pasted).exit_code == 0
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    refused = cli("flags", "log")
    assert refused.exit_code == 4 and refused.stderr == "error: only administrators read the feature flag log\n"
    assert "only administrators change feature flags" in cli("flags", "create", "sneaky").stderr


def test_a_command_group_alone_prints_its_help_on_stdout(cli, db):
    for args, shown in (((), "quickstart"), (("posts",), "list"), (("newsletter", "subscribers"), "import")):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (0, ""), args
        assert result.stdout.startswith("Usage: blogster") and shown in result.stdout
    assert cli("posts", "nosuch").exit_code == 2


def test_messages_say_what_happened(cli, signed_up, tmp_path):
    from tests.cli.test_catalog_and_images_cli import png_bytes

    missing = cli("analytics", "ingest", str(tmp_path / "nofile.log"))
    assert missing.exit_code == 2 and missing.stderr.endswith(": no such file\n"), missing.stderr
    folder = cli("analytics", "ingest", str(tmp_path))
    assert folder.exit_code == 2 and folder.stderr.endswith(": not a file\n"), folder.stderr

    assert cli("posts", "new", "With pictures").exit_code == 0
    picture = tmp_path / "shot.png"
    picture.write_bytes(png_bytes())
    first = cli("images", "add", "with-pictures", str(picture))
    assert first.exit_code == 0 and first.stderr.startswith("Added media/"), first.stderr
    again = cli("images", "add", "with-pictures", str(picture), "--alt", "A shot")
    assert again.exit_code == 0 and again.stderr.startswith("Already stored as media/"), again.stderr
    assert "(alt text updated)" in again.stderr and again.stdout == "![A shot](" + again.stdout.split("(", 1)[1]
    assert len(cli("images", "list", "with-pictures", "--json").json()) == 1

    listed = cli("config", "list").stdout
    assert "smtp_url" in listed and "smtp url" not in listed
