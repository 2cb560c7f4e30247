"""Dates: the shapes real posts use, time zones, and which source of a date wins."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.content.dates import dated_name, parse_date, zola_path_date
from blogster_cli.content.errors import DateParseError
from blogster_cli.content.frontmatter import parse_metadata, split_front_matter
from blogster_cli.content.post import import_post

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")


def offset(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-16", dt.datetime(2021, 6, 16, tzinfo=UTC)),
        ("June 16, 2021", dt.datetime(2021, 6, 16, tzinfo=UTC)),
        ("September 8, 2015", dt.datetime(2015, 9, 8, tzinfo=UTC)),
        ("2013-01-23 19:52:42 +0000", dt.datetime(2013, 1, 23, 19, 52, 42, tzinfo=UTC)),
        ("2016-03-22 10:00 EDT", dt.datetime(2016, 3, 22, 10, 0, tzinfo=offset(-4))),
        ("2016-01-22 10:00 CET", dt.datetime(2016, 1, 22, 10, 0, tzinfo=offset(1))),
        ("2016-07-19 (optional)", dt.datetime(2016, 7, 19, tzinfo=UTC)),
        ("2014-03-19T10:14:29-04:00", dt.datetime(2014, 3, 19, 10, 14, 29, tzinfo=offset(-4))),
        ("2021-06-16T10:00:00.250Z", dt.datetime(2021, 6, 16, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2016-06-17 12:00-400", dt.datetime(2016, 6, 17, 12, 0, tzinfo=offset(-4))),
        ("2016-03-03 3:00", dt.datetime(2016, 3, 3, 3, 0, tzinfo=UTC)),
        ("2019-12-3", dt.datetime(2019, 12, 3, tzinfo=UTC)),
        ("  2021-06-16  ", dt.datetime(2021, 6, 16, tzinfo=UTC)),
        (dt.date(2021, 6, 16), dt.datetime(2021, 6, 16, tzinfo=UTC)),
        (dt.datetime(2015, 3, 17, 14, 0), dt.datetime(2015, 3, 17, 14, 0, tzinfo=UTC)),
        (dt.datetime(2015, 3, 17, 14, 0, tzinfo=offset(2)), dt.datetime(2015, 3, 17, 12, 0, tzinfo=UTC)),
    ],
)
def test_date_shapes_from_real_posts(value: object, expected: dt.datetime) -> None:
    parsed = parse_date(value)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_naive_values_are_taken_in_the_configured_zone() -> None:
    assert parse_date("2021-06-16 10:00", NEW_YORK) == dt.datetime(2021, 6, 16, 14, 0, tzinfo=UTC)
    assert parse_date("2021-01-16", NEW_YORK) == dt.datetime(2021, 1, 16, 5, 0, tzinfo=UTC)
    assert parse_date(dt.date(2021, 6, 16), NEW_YORK).utcoffset() == dt.timedelta(hours=-4)
    # an explicit offset wins over the configured zone
    assert parse_date("2021-06-16 10:00 +0000", NEW_YORK) == dt.datetime(2021, 6, 16, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "text", "floating"),
    [
        ("_posts/2021-05-06-bare.md", "No front matter.\n", dt.datetime(2021, 5, 6)),
        ("content/a.md", '+++\ntitle = "A"\npath = "2016/09/29/a"\n+++\nBody\n', dt.datetime(2016, 9, 29)),
        ("content/posts/a.md", "---\ntitle: A\ndate: 2023-10-04\n---\nBody\n", dt.datetime(2023, 10, 4)),
        ("_posts/2015-09-21-a.md", "---\ntitle: A\ndate: 2015-09-21 16:52\n---\n", dt.datetime(2015, 9, 21, 16, 52)),
        ("content/posts/a.md", '+++\ntitle = "A"\ndate = 2024-08-03T10:00:00\n+++\n', dt.datetime(2024, 8, 3, 10)),
        ("_posts/2016-03-22-a.md", "---\ntitle: A\ndate: 2016-03-22 10:00 EDT\n---\n", None),
        ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-15T08:00:00+01:00\n---\n", None),
    ],
)
def test_a_date_without_an_offset_keeps_its_wall_time(path: str, text: str, floating: dt.datetime | None) -> None:
    """What import needs to read the date again in the zone its post was imported in."""
    post = import_post(text, path, default_tz=NEW_YORK)
    assert post.floating_date == floating
    if floating is not None:
        assert post.published_at == floating.replace(tzinfo=NEW_YORK)


def test_yaml_and_toml_date_objects() -> None:
    yaml_values = parse_metadata(split_front_matter("---\na: 2021-06-16\nb: 2021-06-16 10:00:00\n---\n")).values
    toml_values = parse_metadata(
        split_front_matter("+++\na = 2021-06-16\nb = 2021-06-16T10:00:00\nc = 2021-06-16T10:00:00-04:00\n+++\n")
    ).values
    assert parse_date(yaml_values["a"]) == parse_date(toml_values["a"]) == dt.datetime(2021, 6, 16, tzinfo=UTC)
    assert parse_date(yaml_values["b"], NEW_YORK) == parse_date(toml_values["b"], NEW_YORK)
    assert parse_date(toml_values["c"]) == dt.datetime(2021, 6, 16, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("tomorrow", "is not a date"),
        ("June 2021", "has no day"),
        ("12:00", "has no year, month, day"),
        ("2021-02-30", "is not a date"),
        ("2016-03-22 10:00 XYZ", "time zone we do not know"),
        ("", "empty"),
        (20210616, "is a int, not a date"),
        (dt.time(10, 0), "time of day without a date"),
        (None, "not a date"),
        # In range where written, not in UTC (where they are stored): Python cannot read them back.
        ("9999-12-31 23:59 PST", "out of range"),
        ("9999-12-31T23:59:59-14:00", "out of range"),
        ("0001-01-01T00:00:00+14:00", "out of range"),
        (dt.datetime(9999, 12, 31, 23, 0, tzinfo=ZoneInfo("Pacific/Honolulu")), "out of range"),
        ("2020-01-01T00:00:00+25:00", "offset of a day or more"),
    ],
)
def test_unparseable_dates_raise_with_a_reason(value: object, reason: str) -> None:
    with pytest.raises(DateParseError, match=reason):
        parse_date(value)


def test_the_last_and_first_moments_python_holds_in_utc_are_dates() -> None:
    assert parse_date("9999-12-31T23:59:59Z") == dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert parse_date("0001-01-01T00:00:00Z") == dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert parse_date(dt.date(9999, 12, 31), ZoneInfo("Pacific/Honolulu")).year == 9999  # 10:00 UTC that day


def test_dated_names_and_zola_paths() -> None:
    assert dated_name("2017-09-28-three-ways-to manage-research-projects") == (
        dt.date(2017, 9, 28),
        "three-ways-to manage-research-projects",
        "2017-09-28",
    )
    assert dated_name("2021-06-16_slug") is None
    assert dated_name("2021-06-16_slug", "-_") == (dt.date(2021, 6, 16), "slug", "2021-06-16")
    assert dated_name("2021-13-45-slug") is None
    assert dated_name("rust-1.12") is None
    assert zola_path_date("inside-rust/2021/07/26/1.54.0-prerelease") == (
        dt.date(2021, 7, 26),
        "1.54.0-prerelease",
        "2021/07/26",
    )
    assert zola_path_date("about") is None


def test_front_matter_date_wins_over_the_file_name() -> None:
    post = import_post("---\ntitle: T\ndate: 2020-02-02 10:00\n---\n", "_posts/2020-01-01-slug.md")
    assert post.published_at == post.created_at == dt.datetime(2020, 2, 2, 10, 0, tzinfo=UTC)
    assert post.content["source"]["date_text"] == "2020-02-02 10:00"
    dateless = import_post("---\ntitle: T\n---\n", "_posts/2020-01-01-slug.md", default_tz=NEW_YORK)
    assert dateless.published_at == dt.datetime(2020, 1, 1, tzinfo=NEW_YORK)
    assert dateless.content["source"]["date_text"] == "2020-01-01"


def test_a_bad_front_matter_date_names_its_key() -> None:
    with pytest.raises(DateParseError, match="^date: 'someday' is not a date"):
        import_post("---\ntitle: T\ndate: someday\n---\n", "_posts/2020-01-01-slug.md")


def test_real_jekyll_dates(jekyll_corpus) -> None:
    """89 posts take the file-name date; the 63 whose date text differs take the front matter's."""
    written_differently, other_day, from_file_name = [], [], []
    for file in jekyll_corpus:
        file_date = dated_name(file.path.stem)
        post = file.post
        fields = post.content["front_matter"]["fields"]
        if "date" not in fields:
            from_file_name.append(file)
            assert post.published_at == dt.datetime.combine(file_date.day, dt.time(), UTC)
            assert post.content["source"]["date_text"] == file_date.text
            continue
        written = parse_date(fields["date"])
        assert post.published_at == written
        assert post.content["source"]["date_text"] == str(fields["date"])
        if not str(fields["date"]).startswith(file_date.text):
            written_differently.append(file)
            if written.date() != file_date.day:
                other_day.append(file)
    assert len(from_file_name) == 89
    assert len(written_differently) == 63
    # the rest only spell the same day differently ("September 8, 2014", "2017-11-8")
    assert len(other_day) == 44


def test_real_zola_dates_come_from_path(zola_corpus) -> None:
    for file in zola_corpus:
        fields = file.post.content["front_matter"]["fields"]
        assert "date" not in fields
        dated = zola_path_date(fields["path"])
        assert file.post.published_at == dt.datetime.combine(dated.day, dt.time(), UTC)
        assert file.post.content["source"]["date_text"] == dated.text


def test_real_zola_dates_in_a_configured_zone(zola_corpus) -> None:
    file = next(f for f in zola_corpus if f.path.as_posix() == "Rust-1.12/index.md")
    post = import_post(file.text, file.path, default_tz=NEW_YORK)
    assert post.published_at == dt.datetime(2016, 9, 29, tzinfo=NEW_YORK)
