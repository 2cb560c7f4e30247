"""Messages that named the wrong thing (h213 B13): a wrong current password in `auth passwd`, the
ISO 'T' in `admin maintenance` times, an empty image file."""

from datetime import UTC, datetime, timedelta

from tests.cli.conftest import PASSWORD


def test_passwd_says_the_current_password_is_wrong(cli, signed_up):
    result = cli("auth", "passwd", "--password-stdin", input="wrong-current-pw\nanother-new-password\n")
    assert (result.exit_code, result.stderr) == (1, "error: the current password is wrong\n")
    assert cli("auth", "whoami").exit_code == 0  # still logged in, the password unchanged
    login = cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n")
    assert login.exit_code == 0, login.stderr


def test_a_wrong_password_at_login_still_names_both(cli, signed_up):
    """Logging in, the email may be the wrong one too: the message stays as it was."""
    result = cli("auth", "login", "--email", signed_up, "--password-stdin", input="wrong-current-pw\n")
    assert (result.exit_code, result.stderr) == (1, "error: wrong email or password\n")


def test_maintenance_times_take_the_iso_t(cli, signed_up):
    scheduled = cli(
        "admin", "maintenance", "schedule", "--title", "Upgrade",
        "--start", "2030-01-05T02:00", "--end", "2030-01-05 03:00", "--json",
    )  # fmt: skip
    assert scheduled.exit_code == 0, scheduled.stderr
    window = scheduled.json()
    assert (window["start_time"], window["end_time"]) == ("2030-01-05T02:00:00+00:00", "2030-01-05T03:00:00+00:00")
    moved = cli("admin", "maintenance", "update", window["id"], "--end", "2030-01-05T04:30", "--json")
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()["end_time"] == "2030-01-05T04:30:00+00:00"
    bad = cli("admin", "maintenance", "schedule", "--title", "x", "--start", "2030-01-05 2am", "--end", "2030-01-06")
    tomorrow = f"{datetime.now(UTC).date() + timedelta(days=1):%Y-%m-%d}"  # the account's timezone: UTC
    assert (bad.exit_code, bad.stderr) == (
        2,
        f"error: --start '2030-01-05 2am' is not a time like '{tomorrow} 09:00'"
        f" (or with its offset, '{tomorrow} 09:00+01:00')\n",
    )


def test_an_empty_image_file_is_called_empty(cli, signed_up, tmp_path):
    assert cli("posts", "new", "With pictures").exit_code == 0
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    result = cli("images", "add", "with-pictures", str(empty))
    assert (result.exit_code, result.stderr) == (2, f"error: {empty} is empty (0 bytes): not an image\n")
    assert cli("images", "list", "--format", "count").stdout == "0\n"
