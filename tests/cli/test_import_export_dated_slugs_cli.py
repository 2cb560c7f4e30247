"""A post whose slug starts with a date (`2021-03-04-foo`) keeps it through export and import.

Before: `export --format hugo` wrote `content/posts/2021-03-04-foo.md` without a `slug` key (Hugo
reads the name whole), and `blogster import DIR`, detecting YAML front matter under a dated name
as Jekyll's, read the slug `foo`; `account export` then `import DIR/posts` too. Export now states
the slug whenever the dialect import detects for the file would read another one from its name.
"""

from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD

# Python-bound (front matter and file names written and read back): the statements are the plain
# ones every import and export runs on every server. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

DIALECTS = ("hugo", "zola", "astro", "markdown", "jekyll")
SLUGS = {"2021-03-04-foo", "2019-12-31_bar", "2020-02-02-draft", "plain-post"}


def signup(cli, email: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr


def slugs(cli) -> set[str]:  # type: ignore[no-untyped-def]
    return {post["slug"] for post in cli("blogs", "list", "--json").json()}


@pytest.fixture
def exported(cli, signed_up, tmp_path):  # type: ignore[no-untyped-def]
    """Ada's posts with dated slugs (and one without), exported in every dialect and whole."""
    for title, slug, status in (("Foo", "2021-03-04-foo", "published"), ("Bar", "2019-12-31_bar", "published"),
                                ("Draft", "2020-02-02-draft", "draft"), ("Plain", "plain-post", "published")):  # fmt: skip
        made = cli(
            "blogs", "new", title, "--slug", slug, "--status", status, "--tag", "dates", input=f"{title} text.\n"
        )
        assert made.exit_code == 0, made.stderr
    assert slugs(cli) == SLUGS
    for dialect in DIALECTS:
        result = cli("export", str(tmp_path / dialect), "--format", dialect)
        assert result.exit_code == 0, result.stderr
    assert cli("account", "export", str(tmp_path / "account")).exit_code == 0
    return tmp_path


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dated_slugs_survive_an_export_imported_into_another_account(cli, exported, dialect):
    names = {path.name for path in (exported / dialect).rglob("*.md")}
    if dialect == "jekyll":  # Jekyll names its files by date itself: the slug follows that date
        assert {name[11:-3] for name in names} == SLUGS
    else:
        assert names == {f"{slug}.md" for slug in SLUGS}
    for how, options in (("detected", ()), ("format", ("--format", dialect))):
        signup(cli, f"{dialect}-{how}@example.com")
        result = cli("import", str(exported / dialect), *options)
        assert result.exit_code == 0, result.stderr
        assert slugs(cli) == SLUGS, (dialect, how)


def test_an_account_export_imports_back_with_its_dated_slugs(cli, exported):
    signup(cli, "copy@example.com")
    result = cli("import", str(Path(exported / "account" / "posts")))
    assert result.exit_code == 0, result.stderr
    assert slugs(cli) == SLUGS


def test_an_imported_file_states_its_slug_only_where_import_would_misread_its_name(cli, signed_up, tmp_path):
    """Exported in its own dialect, a file reading back as its post is written as it was, unless
    `import DIR` would read another slug from its name: a Hugo page with YAML front matter (read
    as Jekyll's) and a Zola page without Zola's tables (read as Hugo's) gain a `slug`; a Zola page
    with `[taxonomies]`, which import reads as Zola's, keeps its bytes."""
    hugo_file = "---\ntitle: Foo\ndate: 2021-03-04\n---\nFoo text.\n"
    zola_bare = '+++\ntitle = "Baz"\ndate = 2021-03-05\n+++\nBaz text.\n'
    zola_tagged = '+++\ntitle = "Qux"\ndate = 2021-03-06\n\n[taxonomies]\ntags = ["a"]\n+++\nQux text.\n'
    sources = {"hugo": {"2021-03-04-foo.md": hugo_file}, "zola": {"2021-03-05-baz.md": zola_bare,
               "2021-03-06-qux.md": zola_tagged}}  # fmt: skip
    for dialect, files in sources.items():
        folder = tmp_path / "in" / dialect / "content"
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text)
        assert cli("import", str(folder.parent), "--format", dialect).exit_code == 0
    wanted = {"2021-03-04-foo", "baz", "qux"}
    assert slugs(cli) == wanted
    for dialect in sources:
        assert cli("export", str(tmp_path / "out" / dialect), "--format", dialect).exit_code == 0
    out = tmp_path / "out"
    assert (out / "hugo/content/2021-03-04-foo.md").read_text() == hugo_file.replace(
        "---\nFoo", "slug: 2021-03-04-foo\n---\nFoo"
    )
    assert (out / "zola/content/2021-03-05-baz.md").read_text() == zola_bare.replace(
        "\n+++\nBaz", '\nslug = "baz"\n+++\nBaz'
    )
    assert (out / "zola/content/2021-03-06-qux.md").read_text() == zola_tagged
    for dialect in sources:
        signup(cli, f"{dialect}@example.com")
        assert cli("import", str(out / dialect)).exit_code == 0
        assert slugs(cli) == wanted, dialect  # each export holds all three
