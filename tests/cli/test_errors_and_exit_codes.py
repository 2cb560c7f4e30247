"""Exit codes are the CLI's contract: one module maps error kinds to codes, every error is one line."""

import re
import subprocess
import sys

import pytest

from blogster_cli import errors
from blogster_cli.cli import exit_codes
from tests.cli.conftest import REPO_ROOT_README


def readme_exit_codes() -> dict[int, str]:
    text = REPO_ROOT_README.read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", section, flags=re.M)
    return {int(code): meaning for code, meaning in rows}


def test_readme_table_is_the_exit_code_module():
    assert readme_exit_codes() == exit_codes.MEANINGS


def test_the_help_centre_page_is_the_exit_code_module():
    """The shipped help page (examples/docs/guides/exit-codes.md, which quickstart publishes) had
    drifted: codes 5, 6 and 7 twice each, with other meanings."""
    page = (REPO_ROOT_README.parent / "examples" / "docs" / "guides" / "exit-codes.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", page, flags=re.M)
    assert [int(code) for code, _ in rows] == list(exit_codes.MEANINGS)
    assert {int(code): meaning for code, meaning in rows} == exit_codes.MEANINGS


def test_core_errors_carry_no_exit_codes():
    assert not hasattr(errors, "EXIT_CODES")
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert not hasattr(value, "exit_code"), name
    assert exit_codes.for_error(errors.InvalidInput("x")) == 2
    assert exit_codes.for_error(errors.DatabaseUnavailable("x")) == 7
    assert exit_codes.for_error(errors.BlogsterError("x")) == 1


def assert_one_line(result):
    lines = result.stderr.strip("\n").splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_file_system_errors_are_one_plain_line_with_their_own_code(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("config", "set", "timezone", "UTC", env={"BLOGSTER_HOME": str(blocker / "home")})
    assert result.exit_code == exit_codes.FILE_SYSTEM, result.stderr
    assert_one_line(result)
    assert "Error]" not in result.stderr and "NotADirectoryError" not in result.stderr
    assert str(blocker) in result.stderr and "not a directory" in result.stderr


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_debug_adds_the_traceback_and_keeps_the_exit_code(cli):
    plain = cli("config", "get", "nope")
    debug = cli("--debug", "config", "get", "nope")
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.stderr and "Traceback" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.rstrip()


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_debug_keeps_the_file_system_exit_code(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {"BLOGSTER_HOME": str(blocker / "home")}
    assert cli("--debug", "config", "set", "timezone", "UTC", env=env).exit_code == exit_codes.FILE_SYSTEM


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_usage_errors_are_one_line_with_a_help_pointer(cli):
    for args in (("blogs", "list", "--nope"), ("nope",), ("config", "get"), ("blogs", "list", "--limit", "x")):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert_one_line(result)
        assert "--help" in result.stderr


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_a_mistyped_command_gets_a_suggestion_at_the_top_level_too(cli):
    """`blogster post list` said only "No such command 'post'" while `posts lst` got typer's "Did you
    mean": typer suggests from the commands it has loaded, and the root group loads them lazily."""
    typo = cli("post", "list")
    assert typo.exit_code == 2
    assert typo.stderr == "error: No such command 'post'. Did you mean 'posts'? (see `blogster --help`)\n"
    assert "Did you mean 'blogs'?" in cli("blog", "list").stderr  # an alias is a command too
    assert "Did you mean 'list'?" in cli("posts", "lst").stderr
    unlike = cli("nope")
    assert unlike.exit_code == 2 and unlike.stderr == "error: No such command 'nope'. (see `blogster --help`)\n"
    assert "Did you mean" not in cli("--post").stderr  # an unknown option is no mistyped command


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_help_with_a_word_points_to_the_help_and_the_help_centres_search(cli):
    """`blogster help publishing` said only "No such command 'help'": users type `help WORD`, as in
    git. One line, the usage error's code, and where the help is: `blogster --help`, a command's own
    --help, or the help centre's search for the words (quoted for the shell)."""
    said = {
        ("help",): "The commands and their options: `blogster --help`",
        ("help", "publishing"): "See `blogster --help`, or search the help centre: `blogster docs search publishing`",
        ("help", "restore", "a", "backup"): "or search the help centre: `blogster docs search 'restore a backup'`",
        ("help", "publish"): "See `blogster publish --help`",
        ("help", "blogs", "list"): "See `blogster blogs --help`",
    }
    for args, pointer in said.items():
        result = cli(*args)
        assert result.exit_code == exit_codes.USAGE, args
        assert_one_line(result)
        assert result.stderr.startswith("error: No such command 'help'. ") and result.stderr.endswith(f"{pointer}\n")
        assert "(see `" not in result.stderr  # the help named once


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_an_impossible_date_is_called_invalid(cli, signed_up):
    result = cli("blogs", "list", "--since", "2015-02-30")
    assert result.exit_code == 2
    assert_one_line(result)
    assert "invalid date" in result.stderr and "2015-02-30" in result.stderr
    assert "does not match" not in result.stderr
    assert cli("blogs", "list", "--since", "2015-02-28").exit_code == 0
    assert "not a date" in cli("blogs", "list", "--since", "soon").stderr


IMPOSSIBLE_DATES = [
    ("research", "add", "--url", "https://example.org", "--title", "T", "--date", "2024-02-30"),
    ("calendar", "add", "X", "--date", "2026-02-30"),
    ("calendar", "list", "--from", "2026-02-30"),
    ("calendar", "move", "8e46a31a", "--date", "2026-02-30"),
    ("calendar", "week", "2026-02-30"),
    ("review", "assign", "some-post", "--to", "b@example.com", "--role", "editor", "--due", "2026-02-30"),
    ("seo", "import-positions", str(REPO_ROOT_README), "--date", "2026-02-30"),
]


@pytest.mark.parametrize("args", IMPOSSIBLE_DATES, ids=[" ".join(a[:2]) for a in IMPOSSIBLE_DATES])
@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_every_date_option_says_why_a_date_is_impossible(cli, signed_up, args):
    """The shape is right, so the message says what is wrong with the day (cli/params.parse_date),
    not click's strftime pattern ("does not match the formats '%Y-%m-%d'") or "is not like 2026-12-01"."""
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert_one_line(result)
    assert f"invalid date '{args[-1]}': day is out of range for month" in result.stderr
    wrong_shape = cli(*args[:-1], "30/02/2026")
    assert wrong_shape.exit_code == 2 and "'30/02/2026' is not a date (use YYYY-MM-DD)" in wrong_shape.stderr


IMPOSSIBLE_TIMES = [
    (("publish", "some-post", "--at", "2027-02-30 10:00"), "--at '2027-02-30 10:00' is not a valid time: day is"),
    (("newsletter", "send", "abcd1234", "--at", "2027-13-01 10:00"), "is not a valid time: month must be in 1..12"),
    (("social", "schedule", "abcd1234", "--at", "2099-01-04 25:00"), "is not a valid time: hour must be in 0..23"),
    (("calendar", "run-due", "--now", "2026-12-01 09:00:61"), "is not a valid time: second must be in 0..59"),
    (
        (
            "admin",
            "maintenance",
            "schedule",
            "--title",
            "x",
            "--end",
            "2030-01-06 00:00",
            "--start",
            "2030-01-05 02:60",
        ),
        "--start '2030-01-05 02:60' is not a valid time: minute must be in 0..59",
    ),
    (("calendar", "add", "X", "--date", "2026-12-01", "--time", "25:00"), "'25:00' is not a valid time: hour must"),
    (("calendar", "month", "2026-13"), "month '2026-13' is not a valid month: month must be in 1..12"),
    (("blogs", "list", "--since", "2026-01-01T24:00"), "invalid time '2026-01-01T24:00': hour must be in 0..23"),
    (("notifications", "prefs", "set", "quiet_hours_start", "25:00"), "'25:00' is not a valid time: hour must"),
]


@pytest.mark.parametrize("args", IMPOSSIBLE_TIMES, ids=[" ".join(a[0][:2]) for a in IMPOSSIBLE_TIMES])
@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_every_time_a_user_types_says_why_a_time_is_impossible(cli, signed_up, args):
    """`publish --at "2027-02-30 10:00"` said only "is not a time like ...": text of the right shape
    naming no time is told why (planning/times.NoSuchTime), as a date option is; text of another
    shape still gets the shape to use."""
    words, reason = args
    result = cli(*words)
    assert result.exit_code == 2, result.stderr
    assert_one_line(result)
    assert reason in result.stderr
    wrong_shape = cli(*words[:-1], "soon")
    assert wrong_shape.exit_code == 2 and "must be in" not in wrong_shape.stderr, wrong_shape.stderr
    assert re.search(r"is not a (time|date) like|is not like|is not a date|takes HH:MM", wrong_shape.stderr)


INVALID_INPUT = [
    ("config", "get", "nope"),
    ("config", "set", "nope", "1"),
    ("config", "set", "statement_timeout_ms", "abc"),
    ("config", "set", "statement_timeout_ms", "-5"),
    ("config", "set", "timezone", "Mars/Olympus"),
    ("config", "set", "database_url", "notaurl"),
    ("config", "set", "session_days", "0"),
    ("config", "set", "connect_timeout_s", "0"),
    ("activity", "--type", "bogus"),
    ("blogs", "list", "--status", "bogus"),
    ("blogs", "list", "--format", "nope"),
    ("blogs", "list", "--json", "--format", "csv"),
    ("blogs", "list", "--fields", "nope"),
    ("blogs", "list", "--limit", "-1"),
    ("blogs", "trash", "--json", "--format", "yaml"),
    ("personas", "list", "--format", "xml"),
    ("personas", "create", "Gardeners", "--age-range", "abc"),
    ("personas", "create", "Gardeners", "--age-range", "60-35"),
    ("templates", "save", "x", "/no/such/file.json"),
    ("images", "add", "some-post", "/no/such/picture.png"),
    ("db", "restore", "/no/such/backup", "--yes"),
]


@pytest.mark.parametrize("args", INVALID_INPUT, ids=[" ".join(a) for a in INVALID_INPUT])
@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_invalid_input_is_exit_2_in_one_line(cli, signed_up, args):
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert_one_line(result)


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_a_missing_path_says_so(cli, signed_up):
    result = cli("templates", "save", "x", "/no/such/file.json")
    assert "/no/such/file.json" in result.stderr and "does not exist" in result.stderr


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_bad_values_name_their_source(cli, isolated_environment):
    env = cli("config", "get", "timezone", env={"BLOGSTER_DATABASE_URL": "notaurl"})
    assert env.exit_code == 6 and "BLOGSTER_DATABASE_URL" in env.stderr
    flag = cli("--database-url", "notaurl", "config", "get", "timezone")
    assert flag.exit_code == 6 and "--database-url" in flag.stderr and "BLOGSTER_DATABASE_URL" not in flag.stderr
    (isolated_environment / "config.toml").write_text("[profiles.default]\nsession_days = 0\n")
    stored = cli("config", "get", "timezone")
    assert stored.exit_code == 6 and "config.toml" in stored.stderr and "session_days" in stored.stderr


def test_unexpected_errors_never_show_exception_class_names():
    code = (
        "import sys; sys.argv = ['blogster', 'config', 'list']\n"
        "import blogster_cli.cli.config_cmd as c\n"
        "def boom(*a, **k): raise RuntimeError('kaput')\n"
        "import blogster_cli.config as cfg; cfg.inspect_settings = boom\n"
        "from blogster_cli.cli.app import main\nmain()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "RuntimeError" not in result.stderr and "kaput" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_numbers_out_of_range_name_their_option(cli, signed_up):
    """A red team's `--limit 99999999999999999999` reached PostgreSQL ("bigint out of range");
    a negative setting was read as an option (`No such option: -1`)."""
    result = cli("posts", "list", "--limit", "99999999999999999999")
    assert result.exit_code == 2 and "'--limit'" in result.stderr and "bigint" not in result.stderr
    setting = cli("config", "set", "lock_timeout_ms", "-1")
    assert setting.exit_code == 2 and "No such option" not in setting.stderr and "lock_timeout_ms" in setting.stderr


def test_an_empty_docs_search_is_invalid_input(cli, signed_up):
    """`docs search ''` said "No pages found." and exited 0, as if it had searched."""
    for query in ("", "   "):
        result = cli("docs", "search", query)
        assert result.exit_code == 2 and "words to search for" in result.stderr
        assert_one_line(result)


@pytest.mark.same_on_every_server  # the CLI's messages (Python-bound): CI's second pass leaves it out
def test_a_value_with_a_leading_dash_is_pointed_after_double_dash(cli):
    """`docs search -deprecated` said only "No such option: -d": the query is an argument, and
    a value starting with '-' has to follow `--`. A misspelt option keeps click's suggestion."""
    query = cli("docs", "search", "-deprecated")
    assert query.exit_code == 2 and "No such option: -d; a value starting with '-' goes after `--`" in query.stderr
    assert_one_line(query)
    typo = cli("docs", "search", "deploy", "--jsn")
    assert typo.exit_code == 2 and "--json" in typo.stderr and "goes after" not in typo.stderr
    no_arguments = cli("auth", "whoami", "-x")
    assert no_arguments.exit_code == 2 and "goes after" not in no_arguments.stderr
    long_option = cli("posts", "rm", "a-post", "--yes")  # an option mistaken, not a value
    assert long_option.exit_code == 2 and "goes after" not in long_option.stderr


def test_a_database_older_than_blogster_says_to_migrate(cli, signed_up, superuser):
    """Red team 17: a new release's `credits` before `db migrate` failed with "function ... does
    not exist", exit 1. A function or table Blogster's own SQL needs and the schema lacks is a
    configuration problem (exit 6) with the command that mends it."""
    superuser.execute("drop function public.held_generation_credits()")
    result = cli("credits", "--json")
    assert result.exit_code == 6 and result.stdout == ""
    assert result.stderr == "error: the database is older than this Blogster: run `blogster db migrate`\n"


def test_a_database_never_set_up_says_to_run_quickstart(cli, empty_db):
    """A new user's `auth signup` before `quickstart` said 'schema "auth" does not exist', exit 1;
    then "run `blogster db migrate`", though README's first command, `quickstart`, is what sets a
    database up (h326)."""
    env = {"BLOGSTER_DATABASE_URL": empty_db.conninfo}
    result = cli(
        "auth", "signup", "--email", "new@example.com", "--password-stdin", input="pw-long-enough-1\n", env=env
    )
    assert result.exit_code == 6 and result.stdout == ""
    assert result.stderr == "error: no Blogster database here yet: run `blogster quickstart`\n"
    assert cli("db", "migrate", env=env).exit_code == 0
    again = cli("auth", "signup", "--email", "new@example.com", "--password-stdin", input="pw-long-enough-1\n", env=env)
    assert again.exit_code == 0, again.stderr
