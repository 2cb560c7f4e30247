"""New-user walk, part 10 (h409): `auth signup` while logged in switched the profile to the new
account unsaid; quickstart was silent for seconds while it made the database, and ended on a short
password typed twice; `doctor` before quickstart advised `db migrate`, and `posts list` on a fresh
home created the home (mode 755); the out-of-credits message did not say how to get more; and
wording: the agenda's "Nothing planned." with entries past its window, `--status a,b`, quickstart's
`blogs list`, `generate image`'s empty alt text, `flags create`'s help, `import --json`'s
`warnings` empty beside 62 counted."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading

import pytest

from tests.cli.conftest import PASSWORD, error_message
from tests.cli.test_revise_cli import new_post
from tests.terminal import on_a_terminal

SHORT = "short"
TOO_SHORT = "a password needs at least 8 characters"

# -- 1: `auth signup` while logged in -------------------------------------------------------------


def test_signup_while_logged_in_says_whose_session_it_replaced(cli, signed_up):
    made = cli("auth", "signup", "--email", "grace@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.stderr
    assert "now logged in as grace@example.com (was ada@example.com)" in made.stderr
    assert "--profile NAME" in made.stderr
    assert cli("auth", "whoami", "--json").json()["email"] == "grace@example.com"

    again = cli("auth", "signup", "--email", "lin@example.com", "--password-stdin", "--json", input=PASSWORD + "\n")
    assert again.exit_code == 0 and again.stderr == ""
    assert again.json()["replaced_session"] == "grace@example.com"


def test_a_first_signup_replaced_no_session(cli):
    made = cli("auth", "signup", "--email", "ada@example.com", "--password-stdin", "--json", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.stderr
    assert made.json()["replaced_session"] is None


def test_quickstart_for_another_account_names_a_profile_of_its_own_first(cli, signed_up):
    other = cli("quickstart", "--email", "grace@example.com", "--password-stdin", input=PASSWORD + "\n")
    line = error_message(other, 5)
    assert "give that one a profile of its own: `blogster --profile NAME quickstart --email grace@example.com`" in line
    assert "`blogster auth signup --email grace@example.com` would log this profile in as it instead" in line
    assert cli("auth", "whoami", "--json").json()["email"] == "ada@example.com"


# -- 2: quickstart on a terminal --------------------------------------------------------------------


def quickstart_with_stderr_on_a_terminal(*, no_color: bool) -> tuple[int, str]:
    """`blogster quickstart --email ...` (the password from BLOGSTER_PASSWORD) with stderr a real
    terminal, as a person sees it: its exit code and all it drew there."""
    controller, terminal = pty.openpty()
    environment = {**os.environ, "BLOGSTER_PASSWORD": PASSWORD, "TERM": "xterm-256color", "COLUMNS": "100"}
    environment.pop("NO_COLOR", None)
    if no_color:
        environment["NO_COLOR"] = "1"
    drawn: list[bytes] = []

    def drain() -> None:  # the terminal's buffer is small: read as it is written
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every end of the terminal closed
                return
            if not chunk:
                return
            drawn.append(chunk)

    reader = threading.Thread(target=drain)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "quickstart", "--email", "ada@example.com"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=environment,
        )  # fmt: skip
        os.close(terminal)
        terminal = -1
        reader.start()
        code = process.wait(timeout=120)
        reader.join(10)
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
    return code, b"".join(drawn).decode("utf-8", "replace")


def test_quickstart_shows_a_spinner_on_a_terminal_while_it_sets_up(cli):
    code, drawn = quickstart_with_stderr_on_a_terminal(no_color=False)
    assert code == 0, drawn
    assert "Setting up the database" in drawn and "- created account ada@example.com" in drawn


def test_the_spinner_has_no_colour_with_no_color(cli):
    code, drawn = quickstart_with_stderr_on_a_terminal(no_color=True)
    assert code == 0, drawn
    assert "Setting up the database" in drawn
    assert re.findall(r"\x1b\[[0-9;]*m", drawn) == [], drawn  # no colour (cursor moves stay)


def test_quickstart_off_a_terminal_draws_no_spinner(cli):
    made = cli("quickstart", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.stderr
    assert "Setting up" not in made.stderr and made.stderr.startswith("- database ready")


@pytest.mark.parametrize("command", [("quickstart",), ("auth", "signup")], ids=" ".join)
def test_a_short_password_on_a_terminal_is_asked_for_again(cli, command):
    typed = f"{SHORT}\n{PASSWORD}\n{PASSWORD}\n"
    run = on_a_terminal(*command, "--email", "ada@example.com", "--json", typed=typed)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["email"] == "ada@example.com"
    assert f"{TOO_SHORT}: try again" in run.stderr
    assert run.stderr.count("Password: ") == 2 and run.stderr.count("Repeat for confirmation: ") == 1


def test_three_short_passwords_end_the_run_with_the_rule(cli):
    run = on_a_terminal("quickstart", "--email", "ada@example.com", typed=f"{SHORT}\n" * 3)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.count(f"{TOO_SHORT}: try again") == 2
    assert run.stderr.splitlines()[-1] == f"error: {TOO_SHORT}"
    assert "Repeat for confirmation" not in run.stderr  # a refused one is not typed twice


def test_a_short_password_off_a_terminal_is_still_one_line(cli):
    refused = cli("quickstart", "--email", "ada@example.com", "--password-stdin", input=SHORT + "\n")
    assert error_message(refused, 2) == TOO_SHORT


# -- 3: before quickstart ---------------------------------------------------------------------------


def doctor_migrations(cli) -> str:
    report = cli("doctor", "--json")
    [check] = [check for check in report.json() if check["name"] == "migrations"]
    return str(check["detail"])


def test_doctor_on_a_database_with_no_account_advises_quickstart(cli, superuser):
    superuser.execute(
        "delete from internal.schema_migrations where name = (select max(name) from internal.schema_migrations)"
    )
    assert doctor_migrations(cli) == "1 pending: run blogster quickstart"


def test_doctor_on_a_database_never_set_up_advises_quickstart(cli, superuser):
    total = superuser.execute("delete from internal.schema_migrations").rowcount
    assert doctor_migrations(cli) == f"{total} pending: run blogster quickstart"


def test_doctor_with_accounts_still_advises_db_migrate(cli, signed_up, superuser):
    superuser.execute(
        "delete from internal.schema_migrations where name = (select max(name) from internal.schema_migrations)"
    )
    assert doctor_migrations(cli) == "1 pending: run blogster db migrate"


def test_a_command_before_quickstart_creates_no_home(tmp_path):
    """The keyring's choice was noted in a home it created (0755) for it: README says nothing is
    created. keyring's own setting left unset, as a user has it (with it, nothing is noted)."""
    home = tmp_path / "new"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    environment["BLOGSTER_HOME"] = str(home)
    listed = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "posts", "list"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=environment, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 6, listed.stderr
    assert listed.stderr == "error: no Blogster database here yet: run `blogster quickstart`\n"
    assert not home.exists()


# -- 5: wording -------------------------------------------------------------------------------------


def test_an_empty_agenda_names_its_window_and_days(cli, signed_up):
    agenda = cli("calendar", "agenda")
    assert agenda.exit_code == 0, agenda.stderr
    assert agenda.stdout.strip() == "Nothing planned in the next 14 days (--days N for more)."
    today = cli("calendar", "agenda", "--days", "1")
    assert today.stdout.strip() == "Nothing planned today (--days N for more)."


@pytest.mark.parametrize("command", [("export", "--format", "hugo"), ("posts", "list")], ids=lambda command: command[0])
def test_a_list_of_statuses_says_to_repeat_status(cli, signed_up, command, tmp_path):
    where = (str(tmp_path / "out"),) if command[0] == "export" else ()
    refused = cli(*command, *where, "--status", "published,draft")
    assert error_message(refused, 2) == (
        "--status must be one of draft, scheduled, published, archived, not 'published,draft':"
        " one per --status, repeated (--status published --status draft)"
    )
    assert "repeated" not in error_message(cli(*command, *where, "--status", "bogus"), 2)


def test_quickstart_names_posts_list_as_readme_does(cli):
    made = cli("quickstart", "--email", "ada@example.com", "--examples", "--password-stdin", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.stderr
    assert "example posts (blogster posts list)" in made.stderr and "blogs list" not in made.stderr


def test_generate_image_takes_its_prompt_on_one_line_as_alt_text(cli, signed_up, ai_env, tmp_path):
    slug = new_post(cli, tmp_path)
    prompt = "a [crusty] loaf\non a board, " + "warm light " * 20
    made = cli("generate", "image", slug, "--prompt", prompt, "--model", "gpt-image-1", "--json")
    assert made.exit_code == 0, made.stderr
    alt = made.json()["alt_text"]
    one_line = " ".join(prompt.split())
    assert (
        alt.endswith("…") and len(alt) <= 125 and (one_line + " ").startswith(alt.removesuffix("…") + " ")
    )  # at a word
    pasted = cli("generate", "image", slug, "--prompt", "a [crusty] loaf", "--model", "gpt-image-1")
    assert pasted.stdout.startswith("![a \\[crusty\\] loaf](media/"), pasted.stdout


def test_flags_create_explains_its_name_and_options(cli):
    shown = cli("flags", "create", "--help")
    assert shown.exit_code == 0
    words = " ".join(shown.stdout.split())
    assert "NAME The name `flags check` and your code ask by: lowercase letters" in words
    assert "--description TEXT What the flag turns on" in words
    assert "--percentage N With --strategy percentage: the share of accounts" in words


def test_import_json_lists_each_files_warnings_at_the_top_too(cli, signed_up, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "empty.md").write_text("---\ntitle: Empty\nstatus: published\n---\n")
    (folder / "fine.md").write_text("---\ntitle: Fine\n---\nSome text.\n")
    imported = cli("import", str(folder), "--json")
    assert imported.exit_code == 0, imported.stderr
    summary = imported.json()
    [warned] = [file for file in summary["files"] if file["warnings"]]
    assert summary["counts"]["warnings"] == 1 and warned["path"].endswith("empty.md")
    assert summary["warnings"] == [f"{warned['path']}: {text}" for text in warned["warnings"]] != []
