"""Hugo's own date rules (gohugo.io, "Configure front matter"): a page is built from its
publishDate on (`publishdate`, `pubdate`, `published` when it holds a date, then `date`) and no longer once its expiryDate
(`expirydate`, `unpublishdate`) has passed. Import reads them so; export writes them back."""

import datetime as dt
from dataclasses import replace

import pytest

from blogster_cli.content.document import new_document
from blogster_cli.content.errors import DateParseError
from blogster_cli.content.export import export_file
from blogster_cli.content.frontmatter import parse_raw, split_front_matter
from blogster_cli.content.mapping import map_metadata
from blogster_cli.content.post import PostFields, import_post
from blogster_cli.services.post_steps import expiry_warning

UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(microsecond=0)
LATER = NOW + dt.timedelta(days=200)
EARLIER = NOW - dt.timedelta(days=40)
PATH = "content/posts/results.md"


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _front(text: str) -> dict:
    split = split_front_matter(text)
    assert split.raw is not None
    return parse_raw(split.raw)[1].values


@pytest.mark.parametrize("key", ["publishDate", "pubDate", "publishdate"])
def test_a_later_publish_date_is_when_the_post_goes_live(key: str) -> None:
    text = f"---\ntitle: Results\ndate: {_iso(EARLIER)}\n{key}: {_iso(LATER)}\ndraft: false\n---\nBody.\n"
    post = import_post(text, PATH, dialect="hugo")
    assert (post.status, post.published_at) == ("scheduled", LATER)
    assert export_file(post.fields(), post.content, "hugo").text == text  # byte for byte


def test_published_holding_a_date_is_hugos_publish_date() -> None:
    """Hugo reads `published: 2099-01-01` as the publish date (its alias): the post was imported
    published at once, dated by its `date`, and went live years early."""
    text = f"---\ntitle: Results\ndate: {_iso(EARLIER)}\npublished: {_iso(LATER)}\n---\nBody.\n"
    post = import_post(text, PATH, dialect="hugo")
    assert (post.status, post.published_at) == ("scheduled", LATER)
    assert export_file(post.fields(), post.content, "hugo").text == text  # byte for byte
    sooner = LATER - dt.timedelta(days=100)
    moved = _front(export_file(replace(post.fields(), published_at=sooner), post.content, "hugo").text)
    assert (moved["published"], moved["date"]) == (sooner, EARLIER)  # the date stays where Hugo reads it


@pytest.mark.parametrize("value", ["true", "false", "'yes'", "soon"])
def test_published_holding_no_date_is_passed_over_as_hugo_does(value: str) -> None:
    """`published: true` (or text that is no date) leaves the date to `date`; `false` is a draft."""
    text = f"---\ntitle: Results\ndate: {_iso(EARLIER)}\npublished: {value}\n---\nBody.\n"
    post = import_post(text, PATH, dialect="hugo")
    assert (post.status, post.published_at) == ("draft" if value == "false" else "published", EARLIER)
    assert export_file(post.fields(), post.content, "hugo").text == text


def test_published_holding_a_date_is_no_status_to_convert_for_other_dialects() -> None:
    """Exported for Zola, Hugo's `published: DATE` became `draft: null`, which Zola refuses."""
    dated = import_post(f"---\ntitle: R\npublished: {_iso(EARLIER)}\n---\nBody.\n", PATH, dialect="hugo")
    values = _front(export_file(dated.fields(), dated.content, "zola").text)
    assert "draft" not in values and "published" not in values and values["date"] == EARLIER
    astro = _front(export_file(dated.fields(), dated.content, "astro").text)  # a date there too (Fuwari's)
    assert "draft" not in astro and astro["published"] == EARLIER


def test_a_draft_whose_published_holds_a_date_is_exported_as_a_draft() -> None:
    """Unpublished, a post whose Hugo file states `published: DATE` was exported with `published:
    false` written over its date, and no `draft`: Hugo reads no status there (red team 69 F1)."""
    text = f"---\ntitle: R\ndate: {_iso(EARLIER)}\npublished: {_iso(EARLIER)}\n---\nBody.\n"
    post = import_post(text, PATH, dialect="hugo")
    values = _front(export_file(replace(post.fields(), status="draft"), post.content, "hugo").text)
    assert (values["draft"], values["published"]) == (True, EARLIER)


def test_a_hugo_draft_whose_published_holds_a_date_stays_a_draft_for_jekyll() -> None:
    """Jekyll builds a page whose `published` is anything but false: a Hugo draft stating
    `published: DATE` went live once exported for Jekyll (red team 69 F2)."""
    text = f"---\ntitle: R\ndraft: true\npublished: {_iso(EARLIER)}\n---\nBody.\n"
    post = import_post(text, PATH, dialect="hugo")
    assert post.status == "draft"
    jekyll = export_file(post.fields(), post.content, "jekyll").text
    values = _front(jekyll)
    assert values["published"] is False and values["date"] == EARLIER and "draft" not in values
    assert import_post(jekyll, "_posts/2020-01-01-r.md").status == "draft"
    dated = f"---\ntitle: R\ndate: {_iso(EARLIER)}\ndraft: true\npublished: {_iso(LATER)}\n---\nBody.\n"
    values = _front(export_file(import_post(dated, PATH).fields(), import_post(dated, PATH).content, "jekyll").text)
    assert values["published"] is False and values["date"] == LATER  # the post's date: Hugo's publish date


def test_an_astro_themes_published_date_is_the_posts_date() -> None:
    """Astro themes such as Fuwari date a post by `published`: `published: 2099-01-01` with `draft:
    false` was imported published at once (red team 69 F6)."""
    text = f"---\ntitle: R\npublished: {_iso(LATER)}\ndraft: false\n---\nBody.\n"
    post = import_post(text, "src/content/posts/r.md", dialect="astro")
    assert (post.status, post.published_at) == ("scheduled", LATER)
    assert export_file(post.fields(), post.content, "astro").text == text  # byte for byte


def test_a_past_publish_date_is_the_posts_date_and_it_is_published() -> None:
    went_live = EARLIER + dt.timedelta(days=5)
    text = f"---\ntitle: Results\ndate: {_iso(EARLIER)}\npublishDate: {_iso(went_live)}\n---\nBody.\n"
    post = import_post(text, PATH)
    assert (post.status, post.published_at) == ("published", went_live)
    assert export_file(post.fields(), post.content, "hugo").text == text


def test_rescheduled_in_blogster_the_publish_date_moves_and_date_stays() -> None:
    text = f"---\ntitle: Results\ndate: {_iso(EARLIER)}\npublishDate: {_iso(LATER)}\n---\nBody.\n"
    post = import_post(text, PATH)
    sooner = LATER - dt.timedelta(days=100)
    written = export_file(replace(post.fields(), published_at=sooner), post.content, "hugo").text
    values = _front(written)
    assert values["publishDate"] == sooner and values["date"] == EARLIER
    assert import_post(written, PATH).published_at == sooner


def test_other_dialects_keep_their_own_date_keys() -> None:
    jekyll = f"---\ntitle: R\ndate: {_iso(EARLIER)}\npublishDate: {_iso(LATER)}\n---\nBody.\n"
    assert import_post(jekyll, "_posts/2020-01-01-r.md").published_at == EARLIER
    astro = f"---\ntitle: R\npubDate: {_iso(EARLIER)}\npublishDate: {_iso(LATER)}\n---\nBody.\n"
    assert import_post(astro, "src/content/blog/r.md").published_at == EARLIER


def test_a_post_written_in_blogster_is_exported_for_hugo_under_date() -> None:
    """Hugo reads `date` as the publish date when no publishDate is written: an ordinary post's
    file is as it was, `date:` and no `publishDate:`."""
    post = PostFields(title="Fresh", slug="fresh", status="scheduled", published_at=LATER)
    text = export_file(post, new_document("Hi.\n"), "hugo").text
    assert "publishDate" not in text and _front(text)["date"] == LATER
    astro = import_post(f"---\ntitle: R\npubDate: {_iso(EARLIER)}\n---\nBody.\n", "src/content/blog/r.md")
    retitled = export_file(replace(astro.fields(), title="R2"), astro.content, "hugo").text  # written anew
    assert list(_front(retitled)) == ["title", "date"]


@pytest.mark.parametrize("key", ["expiryDate", "unpublishDate"])
def test_an_expiry_date_passed_makes_a_draft(key: str) -> None:
    text = f"---\ntitle: Sale\ndate: {_iso(EARLIER)}\n{key}: {_iso(NOW - dt.timedelta(days=1))}\n---\nBody.\n"
    post = import_post(text, PATH)
    assert post.status == "draft" and post.expiry == NOW - dt.timedelta(days=1)
    assert export_file(post.fields(), post.content, "hugo").text == text
    published = export_file(replace(post.fields(), status="published"), post.content, "hugo").text
    assert key not in published and import_post(published, PATH).status == "published"
    assert import_post(text, "_posts/2020-01-01-sale.md").status == "published"  # Jekyll has no expiry


def test_an_expiry_date_to_come_keeps_the_post_live_and_in_the_file() -> None:
    ends = NOW + dt.timedelta(days=9)
    text = f"---\ntitle: Call\ndate: {_iso(EARLIER)}\nexpiryDate: {_iso(ends)}\n---\nBody.\n"
    post = import_post(text, PATH)
    assert (post.status, post.expiry) == ("published", ends)
    assert export_file(post.fields(), post.content, "hugo").text == text


def test_an_expiry_date_that_is_no_date_fails_the_file_as_a_bad_date_does() -> None:
    """Import's read (strict) fails the file; export's, of front matter stored before expiryDate
    was read, reads no expiry and keeps the post as it is (a published post stays published)."""
    with pytest.raises(DateParseError, match="^expiryDate: "):
        map_metadata({"title": "x", "expiryDate": "soonish"}, "Body.\n", None, "hugo", strict_expiry=True)
    stored = map_metadata({"title": "x", "expiryDate": "soonish"}, "Body.\n", None, "hugo")
    assert (stored.expiry, stored.status) == (None, "published")
    assert map_metadata({"title": "x", "expiryDate": "soonish"}, "Body.\n", None, "zola").expiry is None


def test_the_expiry_warnings() -> None:
    when = dt.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert expiry_warning(when, "draft", now) == (
        "its expiryDate (2025-03-01 12:00 UTC) has passed, so Hugo no longer builds it: imported as a draft"
    )
    later = dt.datetime(2026, 6, 1, tzinfo=UTC)
    assert expiry_warning(later, "published", now) == (
        "its expiryDate (2026-06-01 00:00 UTC) is kept in the file, but Blogster takes no post down:"
        " it stays published after it"
    )
    assert expiry_warning(later, "draft", now) is None


def test_the_expiry_warning_names_the_time_in_the_timezone_setting() -> None:
    """`expiryDate: 2021-01-01` read in Europe/Berlin was warned of as "2020-12-31 23:00 UTC" (tester 494, 3)."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    read = dt.datetime(2021, 1, 1, tzinfo=berlin)
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert expiry_warning(read.astimezone(UTC), "draft", now, zone=berlin).startswith(
        "its expiryDate (2021-01-01 00:00 CET)"
    )
    assert expiry_warning(read, "draft", now).startswith("its expiryDate (2021-01-01 00:00 CET)")  # as import read it
    offset = dt.datetime(2021, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # an offset the file wrote
    assert expiry_warning(offset, "draft", now).startswith("its expiryDate (2020-12-31 23:00 UTC)")
