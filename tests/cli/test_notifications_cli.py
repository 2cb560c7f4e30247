"""admin maintenance and notifications from the command line: one notification per change, own rows only."""

from tests.cli.conftest import PASSWORD

EMAIL_JOBS = (
    "select count(*) from procrastinate.procrastinate_jobs j, jsonb_array_elements(j.args->'recipients') r"
    " where j.task_name = 'notification_email'"
)


def login(cli, email):
    assert cli("auth", "login", "--email", email, "--password-stdin", input=PASSWORD + "\n").exit_code == 0


def test_maintenance_changes_notify_each_user_once(cli, signed_up, superuser):
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    denied = cli(
        "admin", "maintenance", "schedule", "--title", "X", "--start", "2030-01-01 00:00", "--end", "2030-01-01 01:00"
    )
    assert denied.exit_code == 4

    login(cli, signed_up)
    created = cli(
        "admin",
        "maintenance",
        "schedule",
        "--title",
        "DB upgrade",
        "--start",
        "2030-01-05 02:00",
        "--end",
        "2030-01-05 03:00",
        "--severity",
        "high",
        "--services",
        "publishing",
        "--json",
    )
    assert created.exit_code == 0, created.stderr
    window = created.json()["id"]
    assert superuser.execute(EMAIL_JOBS).fetchone()[0] == 2
    assert cli("admin", "maintenance", "update", window, "--end", "2030-01-05 04:00").exit_code == 0
    assert cli("admin", "maintenance", "cancel", window).exit_code == 0
    assert superuser.execute(EMAIL_JOBS).fetchone()[0] == 6
    assert cli("admin", "maintenance", "list", "--json").json()[0]["status"] == "cancelled"
    bad = cli("admin", "maintenance", "update", window, "--start", "2030-01-06 00:00")
    assert bad.exit_code == 2 and "--end must be after --start" in bad.stderr

    mine = cli("notifications", "list", "--json").json()
    assert [n["title"] for n in mine][::-1] == [
        "Scheduled maintenance: DB upgrade",
        "Maintenance updated: DB upgrade",
        "Maintenance cancelled: DB upgrade",
    ]
    assert cli("notifications", "read", mine[0]["id"]).exit_code == 0
    assert cli("notifications", "read-all", "--json").json() == {"marked_read": 2}

    login(cli, "bob@example.com")
    assert cli("notifications", "read", mine[1]["id"]).exit_code == 3  # Ada's: invisible to Bob
    assert len(cli("notifications", "list", "--unread", "--json").json()) == 3


def test_preferences_show_and_set(cli, signed_up):
    assert cli("notifications", "prefs", "set", "email_notifications", "off").exit_code == 0
    assert cli("notifications", "prefs", "set", "quiet_hours_start", "22:00").exit_code == 0
    assert cli("notifications", "prefs", "set", "timezone", "Europe/Paris").exit_code == 0
    prefs = cli("notifications", "prefs", "show", "--json").json()
    assert (prefs["email_notifications"], prefs["quiet_hours_start"], prefs["timezone"]) == (
        False,
        "22:00",
        "Europe/Paris",
    )
    assert cli("notifications", "prefs", "set", "timezone", "Mars/Olympus").exit_code == 2
    assert cli("notifications", "prefs", "set", "colour", "blue").exit_code == 2
    maybe = cli("notifications", "prefs", "set", "in_app_notifications", "maybe")
    assert maybe.exit_code == 2  # the words `prefs show` prints (yes/no) are named too
    assert maybe.stderr == "error: in_app_notifications takes on or off (or yes/no, true/false, 1/0), not 'maybe'\n"


def test_lists_take_the_shared_format_and_limit_options(cli, signed_up):
    for start in ("2030-01-05 02:00", "2030-02-05 02:00"):
        end = start.replace("02:00", "03:00")
        assert cli("admin", "maintenance", "schedule", "--title", "T", "--start", start, "--end", end).exit_code == 0
    assert cli("admin", "maintenance", "list", "--format", "count").stdout == "2\n"
    assert len(cli("admin", "maintenance", "list", "--limit", "1", "--json").json()) == 1
    assert cli("admin", "maintenance", "list", "--format", "csv").stdout.startswith("id,title,start_time")
    assert cli("notifications", "list", "--format", "count").stdout == "2\n"
    ids = cli("notifications", "list", "--format", "ids", "--limit", "1").stdout.split()
    assert ids == [cli("notifications", "list", "--json").json()[0]["id"]]
    assert cli("notifications", "list", "--json", "--format", "csv").exit_code == 2


def test_a_maintenance_window_already_over_is_refused_and_notifies_nobody(cli, signed_up):
    """It notified every user "Scheduled maintenance: ..." of a window in 2020, which
    `maintenance list` then did not even show."""
    past = cli("admin", "maintenance", "schedule", "--title", "Past", "--start", "2020-01-05 02:00", "--end",
               "2020-01-05 03:00")  # fmt: skip
    assert past.exit_code == 2 and "has passed" in past.stderr and past.stderr.count("\n") == 1
    assert cli("notifications", "list", "--format", "count").stdout == "0\n"


def test_read_takes_a_unique_start_of_an_id(cli, signed_up, superuser):
    """As calendar, ideas and newsletter do: 4+ characters; several matches exit 2, none exit 3."""
    first, second = "9a7cd1ae-1000-4000-8000-000000000001", "9a7cd1ae-2000-4000-8000-000000000002"
    for notification_id in (first, second):
        superuser.execute(
            "insert into public.user_notifications (id, user_id, type, title)"
            " select %s, id, 'security', 'New sign-in' from auth.users where email = %s",
            (notification_id, signed_up),
        )
    several = cli("notifications", "read", "9a7cd1ae")
    assert several.exit_code == 2 and "names several notifications; type more of the id" in several.stderr
    none = cli("notifications", "read", "beef")
    assert none.exit_code == 3 and "no notification with id starting 'beef'" in none.stderr
    assert cli("notifications", "read", "9a7").exit_code == 2  # too short to look up
    assert cli("notifications", "read", "9A7CD1AE-2").exit_code == 0
    assert [n["id"] for n in cli("notifications", "list", "--unread", "--json").json()] == [first]
    assert cli("notifications", "read", first).exit_code == 0
    assert cli("notifications", "list", "--unread", "--json").json() == []
