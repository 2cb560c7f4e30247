"""What parsing a post for import skips when it cannot matter, each found by the import benchmark:
the fence reading of a body that links no picture, the JSON measure of a text far below the post
limit, and the WordPress reader in the fork server of a markdown import."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.content import fences, linked_images, rules
from blogster_cli.errors import InvalidInput
from blogster_cli.services import imports


def test_a_body_without_a_picture_link_is_not_read_for_fences(monkeypatch):
    def no_fences(lines):
        raise AssertionError("read for fences")

    monkeypatch.setattr(fences, "parts", no_fences)
    body = "# Title\n\nSee [the docs](https://example.com/a.png) and `code`.\n\n```sh\n$ ls\n```\n"
    assert linked_images.image_links(body) == []


@pytest.mark.parametrize(
    "body",
    [
        "Intro.\n\n![a chart](chart.png)\n",
        "Intro.\n\n[chart]: chart.png\n",
        'Intro.\n\n<IMG alt="x" src="chart.png">\n',
        '{{< figure src="chart.png" >}}\n',
    ],
)
def test_a_body_with_a_picture_link_still_yields_it(body):
    assert [link.path for link in linked_images.image_links(body)] == ["chart.png"]


def test_a_text_far_below_the_limit_is_not_measured_as_json(monkeypatch):
    def measured(value):
        raise AssertionError("measured")

    monkeypatch.setattr(rules, "stored_size", measured)
    assert rules.check_text('é\n"' * 10_000, "the body") == 'é\n"' * 10_000


def test_a_text_that_may_exceed_the_limit_as_stored_is_still_refused():
    control = "\x01" * (rules.MAX_CONTENT_BYTES // 6 + 1)  # 6 bytes each as stored (\u0001)
    with pytest.raises(InvalidInput, match=re.escape(rules.POST_TOO_LARGE)):
        rules.check_text(control, "the body")


def _preloaded(monkeypatch, sources, fmt="auto"):
    seen = {}

    def parallel_map(function, chunks, *, workers, preload=()):
        seen["preload"] = list(preload)
        return iter(())

    monkeypatch.setattr("blogster_cli.services.parallel.parallel_map", parallel_map)
    list(imports._prepared(sources, fmt, None, 2, False, False))  # type: ignore[arg-type]
    return seen["preload"]


def _source(name: str) -> imports.ImportSource:
    return imports.ImportSource(label=name, root=Path("/site"), relative=PurePosixPath(name))


def test_a_markdown_import_preloads_no_wordpress_reader_in_its_fork_server(monkeypatch):
    preload = _preloaded(monkeypatch, [_source("a.md"), _source("posts/b.markdown"), _source("c.MDX")])
    assert "blogster_cli.content.post" in preload
    assert "blogster_cli.content.wordpress" not in preload


@pytest.mark.parametrize("names, fmt", [(["a.md", "export.xml"], "auto"), (["a.md"], "wordpress")])
def test_an_import_that_may_read_a_wordpress_export_preloads_its_reader(monkeypatch, names, fmt):
    assert "blogster_cli.content.wordpress" in _preloaded(monkeypatch, [_source(name) for name in names], fmt)


def test_standard_input_may_be_a_wordpress_export(monkeypatch):
    preload = _preloaded(monkeypatch, [imports.ImportSource(label="-", data=b"x")])
    assert "blogster_cli.content.wordpress" in preload
