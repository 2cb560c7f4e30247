"""Export: paths, when raw front matter is reused, and how edits are written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.content.document import new_document
from blogster_cli.content.errors import ContentError
from blogster_cli.content.export import ExportedFile, conventional_path, export_file
from blogster_cli.content.frontmatter import parse_raw, split_front_matter
from blogster_cli.content.post import PostFields, import_post

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def new_post(**overrides) -> PostFields:
    """A post written in Blogster; import sets created_at to the date, so do the same."""
    values = {
        "title": "Fresh post",
        "slug": "fresh-post",
        "published_at": dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "tags": ["one", "Two"],
    } | overrides
    return PostFields(created_at=values["published_at"], **values)


def front_matter_of(text: str) -> dict:
    return parse_raw(split_front_matter(text).raw)[1].values


@pytest.mark.parametrize(
    ("dialect", "path"),
    [
        ("hugo", "content/posts/fresh-post.md"),
        ("jekyll", "_posts/2024-05-01-fresh-post.md"),
        ("zola", "content/fresh-post.md"),
        ("astro", "src/content/blog/fresh-post.md"),
        ("markdown", "fresh-post.md"),
    ],
)
def test_posts_written_in_blogster_use_the_dialect_convention(dialect: str, path: str) -> None:
    post = new_post(meta_description="About it", meta_keywords="a, b", featured_image="/i.png")
    exported_file = export_file(post, new_document("Body\n"), dialect)
    rendered_path, text = exported_file.path, exported_file.text
    assert rendered_path == path
    assert text.endswith("Body\n")
    again = import_post(text, rendered_path, dialect=dialect)
    if dialect != "markdown":
        assert again.fields() == post
    assert export_file(again.fields(), again.content, dialect) == ExportedFile(rendered_path, text)


def test_generated_front_matter_per_dialect() -> None:
    post = new_post(status="draft", featured_image="/i.png", meta_keywords="a, b")
    zola = front_matter_of(export_file(post, new_document(""), "zola").text)
    assert zola == {
        "title": "Fresh post",
        "date": dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "draft": True,
        "taxonomies": {"tags": ["one", "Two"]},
        "extra": {"keywords": ["a", "b"], "image": "/i.png"},
    }
    jekyll = front_matter_of(export_file(post, new_document(""), "jekyll").text)
    assert jekyll["published"] is False
    astro = front_matter_of(export_file(post, new_document(""), "astro").text)
    assert astro["pubDate"] == dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert astro["heroImage"] == "/i.png"


def test_midnight_dates_are_written_as_days() -> None:
    post = new_post(published_at=dt.datetime(2024, 5, 1, tzinfo=BERLIN))
    text = export_file(post, new_document(""), "hugo", default_tz=BERLIN).text
    assert "date: 2024-05-01\n" in text
    assert import_post(text, "content/posts/fresh-post.md", default_tz=BERLIN).published_at == post.published_at


def test_jekyll_needs_a_date() -> None:
    with pytest.raises(ContentError, match="needs a date"):
        conventional_path(new_post(published_at=None), "jekyll")


def test_unsafe_slugs_get_a_safe_file_name_and_a_slug_key() -> None:
    post = new_post(slug="a/b")
    exported_file = export_file(post, new_document(""), "hugo")
    path, text = exported_file.path, exported_file.text
    assert path == "content/posts/a-b.md"
    assert front_matter_of(text)["slug"] == "a/b"
    assert import_post(text, path).slug == "a/b"
    index_path = export_file(new_post(slug="index"), new_document(""), "hugo").path
    assert index_path == "content/posts/index/index.md"


JEKYLL = "---\ntitle: Old\ntags: [a]\nimage:\nlayout: post\n---\nBody\n"


def test_raw_front_matter_is_reused_when_nothing_changed() -> None:
    post = import_post(JEKYLL, "_posts/2020-01-02-old.md")
    assert export_file(post.fields(), post.content, "jekyll") == ExportedFile("_posts/2020-01-02-old.md", JEKYLL)
    # the database may hand tags back in another order: still unchanged
    fields = post.fields()
    fields.tags = list(reversed(fields.tags))
    assert export_file(fields, post.content, "jekyll").text == JEKYLL


def test_file_name_slug_and_date_follow_edits() -> None:
    post = import_post(JEKYLL, "blog/_posts/2020-01-02-old.md")
    fields = post.fields()
    fields.slug = "new"
    fields.published_at = dt.datetime(2021, 3, 4, tzinfo=UTC)
    exported_file = export_file(fields, post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2021-03-04-new.md"
    assert "date" not in front_matter_of(text)
    fields.published_at = dt.datetime(2021, 3, 4, 15, 0, tzinfo=UTC)
    exported_file = export_file(fields, post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2021-03-04-new.md"
    assert front_matter_of(text)["date"] == dt.datetime(2021, 3, 4, 15, 0, tzinfo=UTC)


def test_front_matter_date_edits_rename_the_file_with_them() -> None:
    """The name's date follows a new date even when the front matter stated it (h310 M5: a file
    named for one day under a `date:` of another); an unchanged date keeps a name that disagreed."""
    post = import_post("---\ntitle: T\ndate: 2020-01-05\n---\n", "_posts/2020-01-02-t.md")
    fields = post.fields()
    assert export_file(fields, post.content, "jekyll").path == "_posts/2020-01-02-t.md"
    fields.published_at = dt.datetime(2020, 2, 1, tzinfo=UTC)
    exported_file = export_file(fields, post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2020-02-01-t.md"
    assert text == "---\ntitle: T\ndate: 2020-02-01\n---\n"


def test_bundles_rename_their_folder() -> None:
    post = import_post("---\ntitle: T\n---\n", "content/posts/old/index.md")
    fields = post.fields()
    fields.slug = "new"
    assert export_file(fields, post.content, "hugo").path == "content/posts/new/index.md"


def test_zola_path_key_carries_slug_and_date() -> None:
    text = '+++\npath = "inside-rust/2021/07/26/old"\ntitle = "T"\n\n[extra]\nteam = "x"\n+++\nBody\n'
    post = import_post(text, "inside-rust/file-name.md")
    fields = post.fields()
    fields.slug = "new"
    fields.published_at = dt.datetime(2022, 1, 2, tzinfo=UTC)
    exported_file = export_file(fields, post.content, "zola")
    path, rendered = exported_file.path, exported_file.text
    assert path == "content/inside-rust/file-name.md"
    assert front_matter_of(rendered) == {"path": "inside-rust/2022/01/02/new", "title": "T", "extra": {"team": "x"}}


def test_publishing_a_jekyll_draft_moves_it_to_posts() -> None:
    post = import_post("---\ntitle: T\n---\n", "_drafts/t.md")
    fields = post.fields()
    fields.status = "published"
    fields.published_at = dt.datetime(2024, 2, 3, tzinfo=UTC)
    exported_file = export_file(fields, post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2024-02-03-t.md"
    assert import_post(text, path).status == "published"


def test_status_edits_reuse_existing_keys() -> None:
    hugo = import_post("---\ntitle: T\ndraft: true\n---\n", "content/posts/t.md")
    fields = hugo.fields()
    fields.status = "published"
    assert front_matter_of(export_file(fields, hugo.content, "hugo").text)["draft"] is False
    jekyll = import_post("---\ntitle: T\n---\n", "_posts/2020-01-01-t.md")
    fields = jekyll.fields()
    fields.status = "draft"
    assert front_matter_of(export_file(fields, jekyll.content, "jekyll").text)["published"] is False


def test_meta_field_edits() -> None:
    text = "---\ntitle: T\ndescription: D\nexcerpt: E\nkeywords: [a, b]\ncover:\n  image: /c.png\n  alt: C\n---\n"
    post = import_post(text, "content/posts/t.md")
    fields = post.fields()
    fields.meta_keywords = "x, y, z"
    fields.featured_image = "/new.png"
    values = front_matter_of(export_file(fields, post.content, "hugo").text)
    assert values["keywords"] == ["x", "y", "z"]
    assert values["cover"] == {"image": "/new.png", "alt": "C"}
    fields.meta_description = None
    fields.meta_keywords = "x,y"
    values = front_matter_of(export_file(fields, post.content, "hugo").text)
    assert "description" not in values and "excerpt" not in values
    assert values["keywords"] == "x,y"


def test_tag_edits_keep_categories_and_spelling() -> None:
    post = import_post("---\ntitle: T\ntags: [Go, rust]\ncategories: [Dev]\n---\n", "content/posts/t.md")
    assert post.tags == ["Go", "rust", "Dev"]
    fields = post.fields()
    fields.tags = ["Dev", "rust", "WebAssembly"]
    values = front_matter_of(export_file(fields, post.content, "hugo").text)
    assert values["tags"] == ["rust", "WebAssembly"]
    assert values["categories"] == ["Dev"]


def test_raw_less_fields_render_the_same_in_any_key_order() -> None:
    fields = {"title": "T", "tags": ["a"], "zeta": 1, "alpha": {"b": 2}, "date": "2024-01-02"}
    reordered = dict(reversed(list(fields.items())))
    post = PostFields(title="T", slug="t", tags=["a"], published_at=dt.datetime(2024, 1, 2, tzinfo=UTC))
    first = export_file(post, new_document("", fields=fields, source=None), "hugo")
    second = export_file(post, new_document("", fields=reordered, source=None), "hugo")
    assert first == second
    assert first.text.startswith("---\ntitle: T\ndate: '2024-01-02'\ntags:\n- a\nalpha:")


def test_other_front_matter_formats_are_regenerated() -> None:
    post = import_post('+++\ntitle = "T"\ndate = 2024-01-02\ntags = ["a"]\n+++\nBody\n', "content/posts/t.md")
    exported_file = export_file(post.fields(), post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2024-01-02-t.md"
    # the address Hugo gave it redirects to its Jekyll page (jekyll-redirect-from's key)
    assert text == "---\ntitle: T\ndate: 2024-01-02\ntags:\n- a\nredirect_from:\n- /posts/t/\n---\nBody\n"
    json_post = import_post('{"title": "T", "date": "2024-01-02"}\nBody\n', "content/posts/t.md")
    fields = json_post.fields()
    fields.title = "New"
    exported_file = export_file(fields, json_post.content, "hugo")
    path, text = exported_file.path, exported_file.text
    assert text == '{"title": "New", "date": "2024-01-02"}\nBody\n'  # edited in place, as written


def test_markdown_export_puts_the_title_in_a_first_heading_of_its_own() -> None:
    """The body is kept whole: a renamed post's body heading is the body's (red team 62: the export
    wrote `# Novel draft` over a body's `# Chapter one`), and import takes the added line back off."""
    post = import_post("# Old title\n\nText\n", "notes/old.md")
    assert export_file(post.fields(), post.content, "markdown") == ExportedFile("notes/old.md", "# Old title\n\nText\n")
    fields = post.fields()
    fields.title = "New title"
    assert export_file(fields, post.content, "markdown").text == "# New title\n\n# Old title\n\nText\n"
    no_heading = import_post("Text only\n", "notes/text.md")
    fields = no_heading.fields()
    fields.title = "Named"
    assert export_file(fields, no_heading.content, "markdown").text == "# Named\n\nText only\n"
    hugo = import_post("---\ntitle: From Hugo\n---\n---\nrule: not front matter\n---\n", "content/posts/h.md")
    exported_file = export_file(hugo.fields(), hugo.content, "markdown")
    path, text = exported_file.path, exported_file.text
    assert text == "# From Hugo\n\n---\nrule: not front matter\n---\n"
    assert import_post(text, path).content["markdown"] == text


def test_unknown_dialect_and_bad_documents_are_rejected() -> None:
    with pytest.raises(ContentError, match="unknown dialect"):
        export_file(new_post(), new_document(""), "gatsby")  # type: ignore[arg-type]
    with pytest.raises(ContentError, match="version"):
        export_file(new_post(), {"version": 2, "markdown": ""}, "hugo")


def test_a_status_key_follows_status_edits() -> None:
    post = import_post("---\ntitle: T\nstatus: draft\n---\nBody\n", "content/posts/t.md")
    fields = post.fields()
    fields.status = "published"
    exported_file = export_file(fields, post.content, "hugo")
    path, text = exported_file.path, exported_file.text
    assert front_matter_of(text)["status"] == "published"
    assert import_post(text, path).status == "published"
