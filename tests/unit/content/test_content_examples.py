"""The example posts in examples/posts/ import recursively and round-trip byte for byte."""

from blogster_cli.content.export import ExportedFile, export_file, site_path
from blogster_cli.content.post import import_post


def test_examples_cover_the_dialects(example_files) -> None:
    assert len(example_files) >= 12
    assert [file.error for file in example_files if file.error] == []
    by_dialect: dict[str, int] = {}
    for file in example_files:
        dialect = file.post.content["source"]["dialect"]
        assert dialect == file.path.parts[0], file.path
        by_dialect[dialect] = by_dialect.get(dialect, 0) + 1
    formats = {file.post.content["front_matter"]["format"] for file in example_files}
    assert formats == {"yaml", "toml"}
    assert set(by_dialect) == {"hugo", "jekyll", "zola"}
    assert any(file.post.status == "draft" for file in example_files)
    assert any(not file.post.title.isascii() for file in example_files)
    assert any(file.post.categories for file in example_files)


def test_examples_are_realistic_lengths(example_files) -> None:
    for file in example_files:
        assert 150 <= len(file.post.content["markdown"].split()) <= 600, file.path


def test_examples_round_trip(example_files) -> None:
    for file in example_files:
        post = file.post
        dialect = post.content["source"]["dialect"]
        # the same bytes, in the dialect's layout (`content/` or `_posts/` at the export
        # folder's root: each site was imported from its parent folder)
        expected_path = site_path(file.path, dialect)
        kept = file.path.relative_to(dialect)
        assert expected_path == kept.as_posix()
        assert export_file(post.fields(), post.content, dialect) == ExportedFile(expected_path, file.text)
        for other in ("hugo", "jekyll", "zola", "astro", "markdown"):
            exported_file = export_file(post.fields(), post.content, other)
            path, text = exported_file.path, exported_file.text
            again = import_post(text, path, dialect=other)
            if other != "markdown":
                assert again.fields() == post.fields(), (file.path, other)
            assert export_file(again.fields(), again.content, other) == ExportedFile(path, text)


def test_an_example_keeps_front_matter_lines_inside_code_fences(example_files) -> None:
    fenced = [file for file in example_files if "```yaml\n---\n" in file.post.content["markdown"]]
    assert len(fenced) == 1
    assert "```toml\n+++\n" in fenced[0].post.content["markdown"]
