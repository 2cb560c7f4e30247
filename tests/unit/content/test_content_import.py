"""Import mapping: dialect detection and how front matter fields become post fields."""

import datetime as dt
from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.content.document import check_document
from blogster_cli.content.errors import ContentError
from blogster_cli.content.post import (
    detect_dialect,
    find_markdown_files,
    import_post,
    import_post_file,
    iter_imported,
    read_text_file,
    write_text_file,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "path", "dialect"),
    [
        ("---\ntitle: A\n---\n", "_posts/2021-06-16-a.md", "jekyll"),
        ("---\ntitle: A\n---\n", "2021-06-16-a.md", "jekyll"),
        ("---\ntitle: A\n---\n", "_drafts/a.md", "jekyll"),
        ("---\ntitle: A\n---\n", "src/content/blog/a.md", "astro"),
        ("---\ntitle: A\npubDate: 2021-06-16\n---\n", "a.md", "astro"),
        ('+++\ntitle = "A"\n[extra]\n+++\n', "a.md", "zola"),
        ('+++\ntitle = "A"\npath = "2021/06/16/a"\n+++\n', "a.md", "zola"),
        ('+++\ntitle = "A"\n+++\n', "content/posts/a.md", "hugo"),
        ("---\ntitle: A\n---\n", "content/posts/a.md", "hugo"),
        ('{"title": "A"}\n', "content/posts/a.md", "hugo"),
        ("# A\n", "notes/a.md", "markdown"),
    ],
)
def test_dialect_detection(text: str, path: str, dialect: str) -> None:
    post = import_post(text, path)
    assert post.content["source"]["dialect"] == dialect


def test_explicit_dialect_wins() -> None:
    post = import_post("---\ntitle: A\n---\n", "2021-06-16-a.md", dialect="hugo")
    assert post.content["source"]["dialect"] == "hugo"
    assert post.slug == "2021-06-16-a"
    with pytest.raises(ContentError, match="unknown dialect"):
        import_post("# A\n", "a.md", dialect="gatsby")  # type: ignore[arg-type]


def test_detect_dialect_without_a_path() -> None:
    assert detect_dialect("yaml", {"title": "A"}, None) == "hugo"
    assert detect_dialect(None, {}, None) == "markdown"


def test_hugo_mapping_of_every_field() -> None:
    text = (
        "---\n"
        "Title: Tips\n"
        "date: 2021-06-16T10:00:00+02:00\n"
        "lastmod: 2021-07-01\n"
        "draft: true\n"
        "slug: Tips-1.0\n"
        "tags: [SQL, sql, Postgres]\n"
        "categories: [Databases]\n"
        "summary: Short.\n"
        "keywords: [a, b]\n"
        "cover:\n  image: /img/c.png\n  alt: C\n"
        "custom: {nested: [1, 2]}\n"
        "---\n"
        "Body\n"
    )
    post = import_post(text, "content/posts/tips.md")
    assert post.title == "Tips"
    assert post.published_at == post.created_at == dt.datetime(2021, 6, 16, 8, 0, tzinfo=UTC)
    assert post.status == "draft"
    assert (post.slug, post.slug_explicit) == ("Tips-1.0", True)
    assert post.tags == ["SQL", "Postgres", "Databases"]
    assert post.categories == ["Databases"]
    assert post.meta_description == "Short."
    assert post.meta_keywords == "a, b"
    assert post.featured_image == "/img/c.png"
    fields = post.content["front_matter"]["fields"]
    assert list(fields) == [
        "Title", "date", "lastmod", "draft", "slug", "tags", "categories", "summary", "keywords", "cover", "custom"
    ]  # fmt: skip
    assert fields["lastmod"] == "2021-07-01"
    assert fields["custom"] == {"nested": [1, 2]}


def test_description_priority_and_published_false() -> None:
    post = import_post(
        "---\nexcerpt: E\ndescription: D\npublished: false\nimage: ''\nfeatured_image: /f.png\n---\n",
        "_posts/2020-01-01-x.md",
    )
    assert post.meta_description == "D"
    assert post.status == "draft"
    assert post.featured_image == "/f.png"
    assert post.title == "x"


def test_jekyll_string_tags_split_on_blanks_and_drafts_folder() -> None:
    post = import_post("---\ntitle: A\ntags: git tools\ncategory: Dev Ops\n---\n", "_drafts/a.md")
    assert post.tags == ["git", "tools", "Dev Ops"]
    assert post.status == "draft"
    assert post.published_at is None


def test_zola_taxonomies_extra_and_path() -> None:
    text = (
        '+++\ntitle = "Z"\npath = "inside-rust/2021/07/26/renamed"\ndescription = "D"\n'
        '[taxonomies]\ntags = ["rust"]\n[extra]\nimage = "/z.png"\nkeywords = "k"\n+++\nBody\n'
    )
    post = import_post(text, "inside-rust/original.md")
    assert post.slug == "renamed"
    assert post.published_at == dt.datetime(2021, 7, 26, tzinfo=UTC)
    assert post.tags == ["rust"]
    assert (post.featured_image, post.meta_keywords, post.meta_description) == ("/z.png", "k", "D")


def test_zola_dated_file_names_and_bundles() -> None:
    post = import_post('+++\ntitle = "Z"\n[extra]\n+++\n', "blog/2020-05-04_launch/index.md")
    assert post.slug == "launch"
    assert post.published_at == dt.datetime(2020, 5, 4, tzinfo=UTC)


def test_plain_markdown_title_from_heading_or_file_name() -> None:
    post = import_post("Intro\n\n```\n# not a heading\n```\n# Real Title #\n\ntext\n", "notes/my-notes.md")
    assert post.title == "Real Title"
    assert post.slug == "my-notes"
    assert post.status == "draft"  # no generator publishes a plain markdown file
    assert post.published_at is None
    assert post.content["front_matter"] == {"format": None, "raw": None, "fields": {}}
    assert import_post("no heading here\n", "notes/my_first-note.md").title == "my first note"
    assert import_post("text", None).title == "Untitled"
    assert import_post("text", None).slug is None


def test_content_document_contract() -> None:
    text = "---\ntitle: A\ndate: 2021-06-16\n---\n\nBody with trailing spaces  \n\n"
    post = import_post(text, PurePosixPath("blog/_posts/2021-06-16-a.md"))
    check_document(post.content)
    assert post.content == {
        "version": 1,
        "markdown": "\nBody with trailing spaces  \n\n",
        "sections": [],
        "front_matter": {
            "format": "yaml",
            "raw": "---\ntitle: A\ndate: 2021-06-16\n---\n",
            "fields": {"title": "A", "date": "2021-06-16"},
        },
        "source": {"dialect": "jekyll", "path": "blog/_posts/2021-06-16-a.md", "date_text": "2021-06-16"},
    }


def test_nul_characters_are_rejected() -> None:
    with pytest.raises(ContentError, match="NUL"):
        import_post("# A\x00\n", "a.md")


def test_bogus_excerpt_key_is_kept_as_an_unknown_field(jekyll_corpus) -> None:
    bogus = [
        (file, key)
        for file in jekyll_corpus
        for key in file.post.content["front_matter"]["fields"]
        if key.startswith("<p>In the movies")
    ]
    assert len(bogus) == 1
    file, key = bogus[0]
    assert file.post.content["front_matter"]["fields"][key].startswith("productively disruptive")
    assert file.post.meta_description.startswith("When asked what it is we do")


def test_real_corpus_mapping(jekyll_corpus, zola_corpus) -> None:
    jekyll = {file.path.as_posix(): file.post for file in jekyll_corpus}
    spaced = jekyll["2017-09-28-three-ways-to manage-research-projects.md"]
    assert spaced.slug == "three-ways-to manage-research-projects"
    assert [post.status for post in jekyll.values()].count("draft") == 1
    assert all(post.content["source"]["dialect"] == "jekyll" for post in jekyll.values())
    zola = {file.path.as_posix(): file.post for file in zola_corpus}
    assert zola["Rust-1.12/index.md"].slug == "Rust-1.12"
    assert zola["inside-rust/stage0-redesign/index.md"].slug == "redesigning-the-initial-bootstrap-sequence"
    assert all(post.content["source"]["dialect"] == "zola" for post in zola.values())
    assert all(post.slug_explicit for post in zola.values())


def test_find_markdown_files_skips_hidden_and_section_pages(tmp_path: Path) -> None:
    for name in [
        "a.md",
        "b.markdown",
        "_index.md",
        ".hidden.md",
        ".git/x.md",
        "node_modules/y.md",
        "c.txt",
        "d/index.md",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# T\n")
    assert [path.as_posix() for path in find_markdown_files(tmp_path)] == ["a.md", "b.markdown", "d/index.md"]


def test_iter_imported_reports_bad_files_and_keeps_crlf(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_bytes(b"---\r\ntitle: Good\r\n---\r\nBody\r\n")
    (tmp_path / "bad.md").write_bytes(b"---\ntitle: [\n---\n")
    (tmp_path / "latin1.md").write_bytes("# caf\xe9\n".encode("latin-1"))
    results = dict(iter_imported(tmp_path))
    assert results[PurePosixPath("good.md")].content["markdown"] == "Body\r\n"
    assert "YAML front matter" in str(results[PurePosixPath("bad.md")])
    assert "not UTF-8" in str(results[PurePosixPath("latin1.md")])


def test_file_helpers_keep_bytes_exactly(tmp_path: Path) -> None:
    text = "\ufeff---\r\ntitle: Ünïcode\r\n---\r\nBody  \r\n\r\n"
    write_text_file(tmp_path / "site" / "_posts" / "2021-06-16-u.md", text)
    assert (tmp_path / "site/_posts/2021-06-16-u.md").read_bytes() == text.encode("utf-8")
    assert read_text_file(tmp_path / "site/_posts/2021-06-16-u.md") == text
    post = import_post_file(tmp_path / "site", PurePosixPath("_posts/2021-06-16-u.md"))
    assert (post.title, post.slug) == ("Ünïcode", "u")
    assert post.content["front_matter"]["raw"] + post.content["markdown"] == text


@pytest.mark.parametrize(
    ("text", "path", "status"),
    [
        ("---\ntitle: T\nstatus: draft\n---\n", "t.md", "draft"),  # what `blogs edit` writes
        ("---\ntitle: T\nstatus: Draft\n---\n", "content/posts/t.md", "draft"),
        ("---\ntitle: T\nstatus: published\n---\n", "t.md", "published"),
        ("---\ntitle: T\nstatus: publish\n---\n", "t.md", "published"),
        ("---\ntitle: T\nstatus: archived\n---\n", "t.md", "draft"),  # never published by accident
        ("---\ntitle: T\nstatus: published\ndraft: true\n---\n", "t.md", "draft"),
        ("---\ntitle: T\ndraft: true\n---\n", "content/posts/t.md", "draft"),  # Hugo
        ("---\ntitle: T\npublished: false\n---\n", "_posts/2020-01-01-t.md", "draft"),  # Jekyll
        ('+++\ntitle = "T"\ndraft = true\n[extra]\n+++\n', "content/t.md", "draft"),  # Zola
        ("---\ntitle: T\ndraft: true\n---\n", "src/content/blog/t.md", "draft"),  # Astro
        ("---\ntitle: T\n---\n", "t.md", "published"),  # import's own default
        ("# T\n", "t.md", "draft"),  # plain markdown: no generator publishes it
        ("---\ntitle: T\ndate: 2999-01-01\n---\n", "t.md", "scheduled"),  # published at its date
        ("---\ntitle: T\ndate: 2999-01-01\ndraft: true\n---\n", "t.md", "draft"),
    ],
)
def test_status_keys_are_honoured_in_every_dialect(text: str, path: str, status: str) -> None:
    assert import_post(text, path).status == status


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("title: [1, 2]", "title: a list where text belongs"),
        ("title: {a: b}", "title: a table where text belongs"),
        ("tags: {a: b}", "tags: a table where text belongs"),
        ("tags: [shell, {a: b}]", "tags: a table where text belongs"),
        ("description: [x]", "description: a list where text belongs"),
    ],
)
def test_a_list_or_table_where_text_belongs_refuses_the_file(front_matter: str, reason: str) -> None:
    """Stored as Python's spelling before: `tags: {a: b}` became the tag "{'a': 'b'}"."""
    with pytest.raises(ContentError, match=reason):
        import_post(f"---\n{front_matter}\n---\nBody.\n", "content/posts/a.md")
    kept = import_post("---\ntitle: 2024\ntags: [1, true, shell]\n---\nBody.\n", "content/posts/a.md")
    assert (kept.title, kept.tags) == ("2024", ["1", "True", "shell"])
