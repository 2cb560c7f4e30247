"""Round trips on the 1,255 real posts: byte-identical export, edits, other dialects."""

import dataclasses

from blogster_cli.content.export import ExportedFile, export_file, site_path
from blogster_cli.content.frontmatter import parse_raw
from blogster_cli.content.post import PostFields, import_post

OTHER_DIALECTS = ("hugo", "jekyll", "zola", "astro")
CROSS_DIALECT_SAMPLE_STEP = 25


def comparable(fields: PostFields) -> dict:
    values = dataclasses.asdict(fields)
    values["tags"] = set(values["tags"])
    return values


def test_unchanged_posts_export_byte_identical_at_the_same_path(corpus) -> None:
    _, files = corpus
    for file in files:
        dialect = file.post.content["source"]["dialect"]
        exported_file = export_file(file.post.fields(), file.post.content, dialect)
        path, text = exported_file.path, exported_file.text
        assert path == site_path(file.path, dialect)  # the same file, in the dialect's layout
        assert text.encode("utf-8") == file.data, file.path


def test_edited_posts_reimport_with_new_values_and_keep_unknown_fields(corpus) -> None:
    """Title, tags and description change; every other key survives; export is a fixed point."""
    _, files = corpus
    for file in files:
        post = file.post
        dialect = post.content["source"]["dialect"]
        edited = post.fields()
        edited.title = "Edited: " + post.title
        edited.tags = [*post.tags[1:], "Added Tag"]
        edited.meta_description = "A new description."
        exported_file = export_file(edited, post.content, dialect)
        path, text = exported_file.path, exported_file.text
        assert path == site_path(file.path, dialect)  # the same file, in the dialect's layout
        again = import_post(text, path, dialect=dialect)
        assert comparable(again.fields()) == comparable(edited), file.path
        assert again.content["markdown"] == post.content["markdown"]
        assert again.content["source"]["date_text"] == post.content["source"]["date_text"]
        _, before = parse_raw(post.content["front_matter"]["raw"])
        _, after = parse_raw(again.content["front_matter"]["raw"])
        changed_keys = {"title", "tags", "categories", "description", "summary", "excerpt"}
        kept = {key: value for key, value in before.values.items() if key not in changed_keys}
        assert {key: after.values.get(key) for key in kept} == kept, file.path
        assert [key for key in after.values if key in kept] == list(kept)
        assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


def test_slug_and_date_edits_on_real_posts(jekyll_corpus, zola_corpus) -> None:
    for file in jekyll_corpus[::10] + zola_corpus[::10]:
        post = file.post
        dialect = post.content["source"]["dialect"]
        edited = post.fields()
        edited.slug = post.slug + "-moved"
        edited.published_at = edited.created_at = post.published_at.replace(year=2030)
        edited.status = "draft"
        exported_file = export_file(edited, post.content, dialect)
        path, text = exported_file.path, exported_file.text
        again = import_post(text, path, dialect=dialect)
        assert comparable(again.fields()) == comparable(edited), file.path
        assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


def test_real_posts_convert_to_every_other_dialect(jekyll_corpus, zola_corpus) -> None:
    for file in jekyll_corpus[::CROSS_DIALECT_SAMPLE_STEP] + zola_corpus[::CROSS_DIALECT_SAMPLE_STEP]:
        post = file.post
        for dialect in OTHER_DIALECTS:
            exported_file = export_file(post.fields(), post.content, dialect)
            path, text = exported_file.path, exported_file.text
            again = import_post(text, path, dialect=dialect)
            assert comparable(again.fields()) == comparable(post.fields()), (file.path, dialect)
            assert again.content["markdown"] == post.content["markdown"]
            assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


def test_zola_post_exported_as_hugo_reads_back_as_hugo():
    from blogster_cli.content.export import ExportedFile, export_file
    from blogster_cli.content.post import import_post

    zola = '+++\ntitle = "Survey"\npath = "2020/04/14/survey"\n\n[extra]\nteam = "Core"\n+++\n\nBody.\n'
    post = import_post(zola, "survey.md", dialect="zola")
    exported_file = export_file(post.fields(), post.content, "hugo")
    path, text = exported_file.path, exported_file.text
    again = import_post(text, path)
    assert again.content["source"]["dialect"] == "hugo"
    assert again.content["front_matter"]["fields"]["params"] == {"team": "Core"}
    assert again.content["front_matter"]["fields"]["url"] == "/2020/04/14/survey/"
    assert export_file(again.fields(), again.content, "hugo") == ExportedFile(path, text)
