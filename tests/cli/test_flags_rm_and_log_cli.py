"""`flags rm` asks first as the other deletes for every account do (`--yes` off a terminal), and
`flags log` names who changed a flag by email (h213 B10)."""

from blogster_cli.cli import ask
from tests.cli.conftest import PASSWORD


def test_rm_off_a_terminal_needs_yes(cli, signed_up):
    assert cli("flags", "create", "long").exit_code == 0
    unasked = cli("flags", "rm", "long")
    assert (unasked.exit_code, unasked.stderr) == (2, "error: not on a terminal, so nobody to ask: use --yes\n")
    assert [f["name"] for f in cli("flags", "list", "--json").json()] == ["long"]
    assert cli("flags", "rm", "long", "--yes").exit_code == 0
    assert cli("flags", "list", "--json").json() == []


def test_rm_on_a_terminal_asks_and_no_keeps_the_flag(cli, signed_up, monkeypatch):
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    assert cli("flags", "create", "long").exit_code == 0
    assert cli("flags", "enable", "long").exit_code == 0
    kept = cli("flags", "rm", "long", input="n\n")
    assert kept.exit_code == 1 and "Delete the flag 'long' (on) for every account? [y/N]" in kept.stderr
    assert [f["name"] for f in cli("flags", "list", "--json").json()] == ["long"]
    removed = cli("flags", "rm", "long", input="y\n")
    assert removed.exit_code == 0, removed.stderr
    assert cli("flags", "list", "--json").json() == []


def test_nobody_is_asked_about_what_they_could_not_delete(cli, signed_up, monkeypatch):
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    missing = cli("flags", "rm", "nope", input="y\n")
    assert (missing.exit_code, missing.stderr) == (3, "error: no flag nope\n")
    assert cli("flags", "create", "long").exit_code == 0
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    for args in (("long",), ("long", "--yes")):
        denied = cli("flags", "rm", *args, input="y\n")
        assert (denied.exit_code, denied.stderr) == (4, "error: only administrators change feature flags\n")


def test_log_names_who_changed_a_flag_by_email(cli, signed_up, superuser):
    assert (
        cli("auth", "signup", "--email", "grace@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    )
    (grace,) = superuser.execute("select role_name from auth.users where email = 'grace@example.com'").fetchone()
    superuser.execute(f'grant blogster_admin to "{grace}"')
    assert cli("flags", "create", "by-grace").exit_code == 0
    cli("auth", "login", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("flags", "enable", "by-grace").exit_code == 0
    entries = cli("flags", "log", "--json").json()
    assert [(e["action"], e["changed_by_email"]) for e in entries] == [
        ("updated", "ada@example.com"),
        ("created", "grace@example.com"),
    ]
    ids = dict(superuser.execute("select email, id::text from auth.users").fetchall())
    assert [e["changed_by"] for e in entries] == [ids["ada@example.com"], ids["grace@example.com"]]
    csv = cli("flags", "log", "--format", "csv").stdout.splitlines()
    assert csv[0] == "created_at,change,flag,changed_by_email,reason"
    assert [line.split(",")[1:] for line in csv[1:]] == [
        ["enabled", "by-grace", "ada@example.com", ""],
        ["created", "by-grace", "grace@example.com", ""],
    ]
    table = cli("flags", "log").stdout
    assert "grace@example.com" in table and ids["grace@example.com"] not in table
