"""`calendar export --ics` and `calendar feed --out` say a file that cannot be written as every
other command writing one does (exit 8, the path and the reason), and `calendar feed` makes the
site folder as `site build` does (h293 L8, L18: "error: /proc does not exist", exit 2, and "is not
a folder (build the site first, or give --out)")."""

from pathlib import Path


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


def test_an_export_into_a_missing_or_unwritable_folder_is_a_file_system_error(cli, signed_up, tmp_path):
    assert cli("calendar", "add", "Launch", "--date", "2026-12-07").exit_code == 0
    missing = tmp_path / "no-such-folder" / "plan.ics"
    said = one_line(cli("calendar", "export", "--ics", str(missing)), 8)
    assert said == f"error: cannot write {missing}: no such file or directory\n"
    said = one_line(cli("calendar", "export", "--ics", "/proc/x.ics"), 8)
    assert said.startswith("error: cannot write /proc/x.ics: ") and "does not exist" not in said
    # as the other exports say it
    assert cli("chatbot", "intents", "export", str(tmp_path / "no-such-folder" / "i.yaml")).exit_code == 8
    assert not missing.parent.exists()


def test_feed_makes_the_site_folder_as_site_build_does(cli, signed_up, tmp_path):
    assert cli("calendar", "add", "Launch", "--date", "2026-12-07").exit_code == 0
    out = tmp_path / "site" / "public"
    result = cli("calendar", "feed", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert Path(result.json()["path"]) == out / "calendar.ics" and (out / "calendar.ics").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["calendar.ics"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert "is a file" in one_line(cli("calendar", "feed", "--out", str(a_file)), 2)
    said = one_line(cli("calendar", "feed", env={"BLOGSTER_SITE_OUT": str(a_file)}), 2)
    assert said == f"error: {a_file} is not a folder\n"
    said = one_line(cli("calendar", "feed", "--out", "/proc/blogster-site"), 8)
    assert said.startswith("error: cannot write /proc/blogster-site: ")
