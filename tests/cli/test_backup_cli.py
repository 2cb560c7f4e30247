"""`db backup` / `db restore` from the command line: no silent overwrite, one-line errors."""

from tests.cli.conftest import PASSWORD


def test_backup_refuses_an_existing_file_without_force(cli, signed_up, tmp_path):
    target = tmp_path / "nightly.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    written = target.read_bytes()

    again = cli("db", "backup", str(target))
    assert again.exit_code == 5
    assert again.stderr.strip().count("\n") == 0 and "--force" in again.stderr
    assert target.read_bytes() == written

    forced = cli("db", "backup", str(target), "--force", "--json")
    assert forced.exit_code == 0 and forced.json()["roles"] == 1


def test_restore_of_a_file_that_is_no_backup_is_one_line_exit_2(cli, signed_up, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    result = cli("db", "restore", str(bogus), "--yes")
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0


def test_cli_round_trip_keeps_the_login_working(cli, signed_up, tmp_path):
    cli("blogs", "new", "Kept across restore")
    target = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    assert cli("blogs", "delete", "kept-across-restore").exit_code == 0
    restored = cli("db", "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert "kept-across-restore" in cli("blogs", "list").stdout


def test_restore_killed_between_its_renames_leaves_every_command_working(cli, signed_up, db, tmp_path):
    """The red team's kill: the database renamed aside, its replacement not yet in place. The next
    command (here doctor, then the restore again) finds the complete copy put in place."""
    from tests.killed_restore import restore_killed_at

    cli("blogs", "new", "Kept across restore")
    target = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    cli("blogs", "new", "Written after the backup")
    db.close()
    restore_killed_at(db.conninfo, target, "between-renames")

    doctor = cli("doctor", "--json")
    assert doctor.exit_code == 0, doctor.stdout
    assert "restore leftovers" not in {c["name"] for c in doctor.json()}
    assert "written-after-the-backup" not in cli("blogs", "list").stdout
    restored = cli("db", "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert "kept-across-restore" in cli("blogs", "list").stdout


def test_doctor_lists_what_a_killed_restore_left_and_the_next_restore_drops_it(cli, signed_up, db, tmp_path):
    from tests.killed_restore import restore_killed_at

    target = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    db.close()
    restore_killed_at(db.conninfo, target, "loading")

    checks = {c["name"]: c for c in cli("doctor", "--json").json()}
    left = checks["restore leftovers"]
    assert left["status"] == "warn" and f"{db.database_name}_restore_" in left["detail"], left
    assert cli("db", "restore", str(target), "--yes").exit_code == 0
    assert "restore leftovers" not in {c["name"] for c in cli("doctor", "--json").json()}


def test_backup_into_a_missing_folder_is_one_line_exit_2_and_makes_no_folder(cli, signed_up, tmp_path):
    """As `calendar export`: a typo in the folder is an error, not a new private folder holding the backup."""
    target = tmp_path / "no-such-dir" / "deeper" / "x.blogster-backup"
    result = cli("db", "backup", str(target))
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert f"cannot write {target}: no such folder" in result.stderr
    assert not (tmp_path / "no-such-dir").exists()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("hello")
    under_a_file = cli("db", "backup", str(a_file / "x.blogster-backup"))
    assert under_a_file.exit_code == 2 and "not a folder" in under_a_file.stderr
    assert cli("db", "backup", str(tmp_path / "x.blogster-backup")).exit_code == 0  # the scratch folder still works
