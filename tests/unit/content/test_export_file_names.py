"""The file names export gives posts: a name import would not read back as the post (a hidden
file, a translation's or a section index's name, a repository's own file, a name past 255 bytes)
is never used; the file gets a safe name and states its slug (red team 43b F2, F3, F4)."""

import datetime as dt
import hashlib
from pathlib import PurePosixPath

import pytest

from blogster_cli.content.document import new_document
from blogster_cli.content.export import export_file
from blogster_cli.content.mapping import fitted_path, numbered_path
from blogster_cli.content.post import PostFields, import_post
from blogster_cli.file_names import NAME_MAX_BYTES, fitted_name, name_bytes

DIALECTS = ("hugo", "jekyll", "zola", "astro", "markdown")
WHEN = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
LONG = "日" * 90  # 270 bytes: the schema allows 200 characters


def exported(slug: str, dialect: str) -> tuple[PurePosixPath, str]:
    post = PostFields(title="A post", slug=slug, published_at=WHEN, created_at=WHEN, tags=["t"])
    exported_file = export_file(post, new_document("Body.\n"), dialect)  # type: ignore[arg-type]
    path, text = exported_file.path, exported_file.text
    assert import_post(text, path).slug == slug, (path, text)  # read back under its own slug
    return PurePosixPath(path), text


def test_a_name_that_fits_is_kept_and_a_longer_one_is_cut_with_a_hash_of_it() -> None:
    assert fitted_name("a" * 252, ".md") == "a" * 252 + ".md"  # 255 bytes
    cut = fitted_name("a" * 253, ".md")
    digest = hashlib.sha256(b"a" * 253).hexdigest()[:8]
    assert cut == "a" * 243 + f"-{digest}.md" and name_bytes(cut) == NAME_MAX_BYTES
    assert fitted_name("a" * 253, ".md") == cut  # stable
    japanese = fitted_name("a" + LONG, ".md")
    assert name_bytes(japanese) == 253 and japanese.startswith("a" + "日" * 80 + "-")  # cut at a character
    assert fitted_name("a" + LONG + "x", ".md") != japanese  # slugs that start alike get names of their own
    assert name_bytes(fitted_name("日" * 100)) <= NAME_MAX_BYTES  # a folder's name: no suffix


def test_numbered_and_fitted_paths_stay_within_the_limit() -> None:
    full = PurePosixPath("content/posts") / ("a" * 252 + ".md")
    assert all(name_bytes(part) <= NAME_MAX_BYTES for part in numbered_path(full, 2).parts)
    assert numbered_path(full, 2) != numbered_path(full, 3)
    bundle = PurePosixPath("content/posts") / ("b" * 255) / "index.md"
    assert name_bytes(numbered_path(bundle, 2).parent.name) <= NAME_MAX_BYTES
    assert fitted_path(PurePosixPath("a/b.md")) == PurePosixPath("a/b.md")
    long_folder = fitted_path(PurePosixPath("content") / ("c" * 300) / ("d" * 300 + ".mdx"))
    assert [name_bytes(part) for part in long_folder.parts] == [7, 255, 255] and long_folder.suffix == ".mdx"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_slug_past_the_name_limit_gets_a_cut_name_and_is_stated(dialect: str) -> None:
    path, text = exported(LONG, dialect)
    assert name_bytes(path.name) <= NAME_MAX_BYTES and path.suffix == ".md"
    assert path.name.startswith(("日", "2024-05-01-日"))  # Jekyll's date kept in front
    assert f"slug: {LONG}" in text or f'slug = "{LONG}"' in text
    assert exported(LONG + "x", dialect)[0] != path


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("slug", ["...", ".-x", ".hidden"])
def test_a_slug_starting_with_a_dot_never_names_a_hidden_file(dialect: str, slug: str) -> None:
    path, _ = exported(slug, dialect)
    assert not any(part.startswith(".") for part in path.parts), path


@pytest.mark.parametrize(
    ("dialect", "slug", "path"),
    [
        ("zola", "foo.md", "content/foo-md.md"),  # `foo.md.md`: a translation (md) of `foo.md`
        ("zola", "x.mdx", "content/x-mdx.md"),  # not a bundle `x.mdx/`: a file `x.mdx` may be there
        ("hugo", "node.js", "content/posts/node.js/index.md"),  # a bundle, named by its folder, as sync writes it
        ("hugo", "_index.fr", "content/posts/_index.fr/index.md"),
        ("markdown", "release.fr", "release-fr.md"),  # a plain markdown file with front matter reads as Hugo's
        ("astro", "_index.fr", "src/content/blog/index-fr.md"),  # a section's index, in every dialect
        ("markdown", "README", "readme-2b7814d3.md"),  # a repository's own file at the folder's top
        ("markdown", "license", "license-cc1d3b02.md"),
        ("jekyll", "foo.md", "_posts/2024-05-01-foo.md.md"),  # in `_posts/`: always Jekyll's, no translations
        ("astro", "node.js", "src/content/blog/node.js.md"),
        ("hugo", "readme", "content/posts/readme.md"),  # below `content/`
        ("hugo", "a.b", "content/posts/a.b.md"),  # not a language
        ("hugo", "_index", "content/posts/_index/index.md"),
    ],
)
def test_a_name_import_would_skip_is_not_used(dialect: str, slug: str, path: str) -> None:
    assert exported(slug, dialect)[0] == PurePosixPath(path)


def test_a_renamed_post_keeps_its_file_when_the_new_slug_cannot_name_it() -> None:
    """A post imported from `foo.md` (its slug from the name) renamed: to a slug that can name
    a file, the file follows; to one that cannot, it stays and states the slug; past the limit,
    its name is cut."""
    post = import_post("---\ntitle: Foo\n---\nBody.\n", "content/posts/foo.md", dialect="hugo")
    fields = post.fields()
    fields.slug = "bar"
    assert export_file(fields, post.content, "hugo").path == "content/posts/bar.md"
    for slug in (".bar", "bar.en"):
        fields.slug = slug
        exported_file = export_file(fields, post.content, "hugo")
        path, text = exported_file.path, exported_file.text
        assert path == "content/posts/foo.md" and import_post(text, path).slug == slug
    fields.slug = LONG
    exported_file = export_file(fields, post.content, "hugo")
    path, text = exported_file.path, exported_file.text
    assert name_bytes(PurePosixPath(path).name) <= NAME_MAX_BYTES and import_post(text, path).slug == LONG
