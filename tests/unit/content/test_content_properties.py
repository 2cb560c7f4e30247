"""Property tests: any title, tags and body survive render then parse in every dialect."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.content.document import new_document
from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.mapping import first_heading
from blogster_cli.content.post import PostFields, import_post

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text a UTF-8 file can hold, but no NUL (not a text file) and no lone surrogates.
any_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
some_text = any_text.filter(bool)
tricky_lines = st.sampled_from(
    ["---", "+++", "...", "```", "```toml", "~~~", "{", "}", '{"title": "x"}', "title: fake", "# Heading", ""]
)
bodies = st.lists(st.one_of(tricky_lines, any_text), max_size=12).map("\n".join) | any_text
slugs = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,24}", fullmatch=True)
zones = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-4)), dt.timezone(dt.timedelta(hours=5, minutes=30))])
moments = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=zones)


@st.composite
def posts(draw: st.DrawFn) -> PostFields:
    moment = draw(moments)
    # A post that is not a draft is published by its date, or scheduled for a date to come.
    live = "scheduled" if moment > dt.datetime.now(dt.UTC) else "published"
    return PostFields(
        title=draw(some_text),
        slug=draw(slugs),
        status=draw(st.sampled_from(["draft", live])),
        published_at=moment,
        created_at=moment,
        tags=draw(st.lists(some_text, max_size=5, unique_by=str.casefold)),
        meta_description=draw(st.none() | some_text),
        meta_keywords=draw(st.none() | some_text),
        featured_image=draw(st.none() | some_text),
    )


def assert_round_trip(post: PostFields, content: dict, dialect: str) -> None:
    exported_file = export_file(post, content, dialect)
    path, text = exported_file.path, exported_file.text
    again = import_post(text, path, dialect=dialect)
    assert again.fields() == post
    assert again.content["markdown"] == content["markdown"]
    assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


@EXAMPLES
@given(post=posts(), body=bodies, dialect=st.sampled_from(["hugo", "jekyll", "zola", "astro"]))
def test_new_posts_round_trip_in_every_dialect(post: PostFields, body: str, dialect: str) -> None:
    assert_round_trip(post, new_document(body), dialect)


@EXAMPLES
@given(
    post=posts(),
    body=bodies,
    seed=st.sampled_from(['+++\ntitle = "seed"\n+++\n', '{"title": "seed"}\n', "---\ntitle: seed\n---\n"]),
)
def test_hugo_keeps_toml_and_json_front_matter(post: PostFields, body: str, seed: str) -> None:
    imported = import_post(seed + body, "content/posts/seed.md", dialect="hugo")
    text = export_file(post, imported.content, "hugo").text
    assert text[0] == seed[0]
    assert_round_trip(post, imported.content, "hugo")


@EXAMPLES
@given(
    title=st.from_regex(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*", fullmatch=True),
    slug=slugs.filter(lambda slug: slug != "index"),
    body=bodies,
)
def test_plain_markdown_keeps_title_and_body(title: str, slug: str, body: str) -> None:
    post = PostFields(title=title, slug=slug)
    exported_file = export_file(post, new_document(body), "markdown")
    path, text = exported_file.path, exported_file.text
    again = import_post(text, path, dialect="markdown")
    assert (again.title, again.slug) == (title, slug)
    lines = body.splitlines(keepends=True)
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and first_heading(lines[first]) is not None and not body.startswith(("---", "+++", "{")):
        assert text.endswith("".join(lines[first + 1 :]))  # the heading line now holds the title
    else:
        assert text.endswith(body)
    assert export_file(again.fields(), again.content, "markdown") == ExportedFile(path, text)
