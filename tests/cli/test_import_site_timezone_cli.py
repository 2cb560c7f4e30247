"""`blogster import` of a Hugo or Jekyll site whose config states a time zone (Hugo's `timeZone`, Jekyll's
`timezone`): a date without an offset is read in that zone, as the generator reads it, not in the timezone
setting; the run says so once (text and --json), records the zone on the post (`source.timezone`) so that
re-imports and export read and write the date the same way, and warns of a zone it does not know. Before,
`2023-06-30T23:30:00` in a Tokyo site was stored as 23:30 UTC, 9 hours after the moment Hugo builds."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

HUGO = shutil.which("hugo")
POST = "---\ntitle: TZ post\ndate: 2023-06-30T23:30:00\n---\nhi\n"
DATE_ALONE = "---\ntitle: Day post\ndate: 2023-07-01\n---\nday\n"
TOKYO_MOMENT = datetime(2023, 6, 30, 14, 30, tzinfo=UTC)  # 23:30 at +09:00
TOKYO_DAY = datetime(2023, 6, 30, 15, 0, tzinfo=UTC)  # midnight of July 1st at +09:00
BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}  # the setting the site's zone overrides


def hugo_site(root: Path, config: str = 'baseURL = "https://ex.org/"\ntimeZone = "Asia/Tokyo"\n') -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(config)
    (root / "content" / "posts" / "tz.md").write_text(POST)
    (root / "content" / "posts" / "day.md").write_text(DATE_ALONE)
    return root


def published(cli, slug: str) -> datetime:
    result = cli("posts", "show", slug, "--json")
    assert result.exit_code == 0, result.stderr
    return datetime.fromisoformat(result.json()["published_at"])


def imported(cli, folder: Path, *more: str, env: dict[str, str] | None = None):
    result = cli("import", str(folder), *more, env=env)
    assert result.exit_code == 0, result.stderr
    return result


def test_a_hugo_site_s_time_zone_reads_its_dates_and_is_said_once(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    result = imported(cli, site, env=BERLIN)
    lines = result.stderr.splitlines()
    assert lines[0] == "dates without an offset read in Asia/Tokyo (hugo.toml timeZone)"
    assert lines.count(lines[0]) == 1
    assert published(cli, "tz") == TOKYO_MOMENT
    assert published(cli, "day") == TOKYO_DAY

    again = cli("import", str(site / "content" / "posts"), "--json", env=BERLIN)  # from inside the site
    assert again.exit_code == 0, again.stderr
    assert again.json()["timezones"] == [
        {"timezone": "Asia/Tokyo", "setting": "hugo.toml timeZone", "site": str(site.resolve())}
    ]
    assert again.json()["counts"]["unchanged"] == 2 and again.json()["warnings"] == []


def test_the_zone_is_recorded_so_a_re_import_after_a_config_change_keeps_the_moment(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    imported(cli, site)
    (site / "hugo.toml").write_text('baseURL = "https://ex.org/"\n')  # no zone stated now: the setting's (UTC)
    again = cli("import", str(site), "--json")
    assert again.exit_code == 0 and again.json()["counts"]["unchanged"] == 2, again.stdout
    assert published(cli, "tz") == TOKYO_MOMENT


def test_config_default_hugo_toml_states_it_too(cli, signed_up, tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "config" / "_default").mkdir(parents=True)
    (site / "config" / "_default" / "hugo.toml").write_text('baseURL = "https://ex.org/"\ntimezone = "Asia/Tokyo"\n')
    (site / "content" / "posts" / "tz.md").write_text(POST)
    result = imported(cli, site)
    assert "dates without an offset read in Asia/Tokyo (config/_default/hugo.toml timezone)" in result.stderr
    assert published(cli, "tz") == TOKYO_MOMENT


def test_a_jekyll_site_s_timezone_reads_its_dates(cli, signed_up, tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Mine\ntimezone: America/New_York\n")
    (site / "_posts" / "2023-06-30-evening.md").write_text("---\ntitle: Evening\ndate: 2023-06-30 23:30:00\n---\nhi\n")
    result = imported(cli, site / "_posts", env=BERLIN)  # the posts folder of the site: its config still found
    assert "dates without an offset read in America/New_York (_config.yml timezone)" in result.stderr
    assert published(cli, "evening") == datetime(2023, 7, 1, 3, 30, tzinfo=UTC)  # -04:00 in June


def test_without_a_stated_zone_the_setting_still_reads_them(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site", config='baseURL = "https://ex.org/"\n')
    result = imported(cli, site, env=BERLIN)
    assert "dates without an offset" not in result.stderr
    assert published(cli, "tz") == datetime(2023, 6, 30, 21, 30, tzinfo=UTC)  # 23:30 in Berlin (+02:00)


def test_an_unknown_zone_is_one_warning_and_the_setting_reads_them(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site", config='baseURL = "https://ex.org/"\ntimeZone = "Mars/Olympus"\n')
    result = imported(cli, site, env=BERLIN)
    warning = (
        "warning: hugo.toml timeZone 'Mars/Olympus' is not a known time zone: dates without an offset read in"
        " Europe/Berlin (the timezone setting)"
    )
    assert result.stderr.splitlines().count(warning) == 1, result.stderr
    assert published(cli, "tz") == datetime(2023, 6, 30, 21, 30, tzinfo=UTC)
    as_json = cli("import", str(site), "--json", env=BERLIN).json()
    assert as_json["warnings"] == [warning.removeprefix("warning: ")] and as_json["timezones"] == []


def hugo_dates(site: Path) -> dict[str, str]:
    """`hugo list all`'s date of each page, by its path."""
    assert HUGO is not None
    listed = subprocess.run([HUGO, "list", "all", "--source", str(site)], capture_output=True, text=True, check=True)
    rows = [line.split(",") for line in listed.stdout.splitlines()[1:]]
    return {row[0]: row[3] for row in rows}


def test_the_export_round_trip_is_byte_exact_and_hugo_reads_the_stored_moments(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    imported(cli, site, env=BERLIN)
    out = tmp_path / "out"
    exported = cli("export", str(out), "--format", "hugo", env=BERLIN)
    assert exported.exit_code == 0, exported.stderr
    for name in ("tz.md", "day.md"):
        assert (out / "content" / "posts" / name).read_bytes() == (site / "content" / "posts" / name).read_bytes()

    assert cli("unpublish", "tz").exit_code == 0
    assert cli("publish", "tz", "--at", "2030-01-01 00:00+00:00").exit_code == 0  # a date changed in Blogster
    exported = cli("export", str(out), "--format", "hugo", env=BERLIN)
    assert exported.exit_code == 0, exported.stderr
    written = (out / "content" / "posts" / "tz.md").read_text()
    assert written == POST.replace("2023-06-30T23:30:00", "2030-01-01 09:00:00+09:00")  # in Tokyo's time
    shutil.copyfile(site / "hugo.toml", out / "hugo.toml")
    again = cli("import", str(out), "--json", env=BERLIN)
    assert again.exit_code == 0 and again.json()["counts"]["unchanged"] == 2, again.stdout
    assert published(cli, "tz") == datetime(2030, 1, 1, tzinfo=UTC)
    if HUGO is not None:
        assert hugo_dates(out)["content/posts/tz.md"] == "2030-01-01T09:00:00+09:00"


@pytest.mark.skipif(HUGO is None, reason="hugo is not installed")
def test_the_dates_are_the_ones_hugo_builds(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    imported(cli, site, env=BERLIN)
    built = hugo_dates(site)
    for slug in ("tz", "day"):
        assert published(cli, slug) == datetime.fromisoformat(built[f"content/posts/{slug}.md"])


def test_posts_new_from_a_file_of_such_a_site_reads_its_date_as_import_does(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    created = cli("posts", "new", "--from", str(site / "content" / "posts" / "tz.md"), "--json", env=BERLIN)
    assert created.exit_code == 0, created.stderr
    assert datetime.fromisoformat(created.json()["published_at"]) == TOKYO_MOMENT


def test_sync_reads_the_site_s_dates_in_its_zone_too(cli, signed_up, tmp_path):
    site = hugo_site(tmp_path / "site")
    synced = cli("sync", str(site), "--json", env=BERLIN)
    assert synced.exit_code == 0, synced.stderr
    assert published(cli, "tz") == TOKYO_MOMENT and published(cli, "day") == TOKYO_DAY
    assert (site / "content" / "posts" / "tz.md").read_text() == POST  # nothing written back
    again = cli("sync", str(site), "--json", env=BERLIN)
    assert again.exit_code == 0, again.stderr
    assert published(cli, "tz") == TOKYO_MOMENT


def test_a_zone_that_is_no_name_is_shown_by_its_kind_never_written_out(cli, signed_up, tmp_path):
    """A YAML list of aliases of lists (9 levels: a 525-byte config, 10^9 items written out) took
    minutes and GBs to show (red team 71): shown by its kind, the import is instant."""
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    (site / "_config.yml").write_text("\n".join([*levels, "timezone: *a8", ""]))
    (site / "_posts" / "2023-06-30-evening.md").write_text("---\ntitle: Evening\ndate: 2023-06-30 23:30:00\n---\nhi\n")
    result = imported(cli, site, env=BERLIN)
    assert (
        "warning: _config.yml timezone (a list, not a name) is not a known time zone: dates without an offset"
        " read in Europe/Berlin (the timezone setting)"
    ) in result.stderr.splitlines(), result.stderr
    assert published(cli, "evening") == datetime(2023, 6, 30, 21, 30, tzinfo=UTC)
