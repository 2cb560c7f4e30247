"""`sync` writing an edit made in Blogster back into a Jekyll file changes only the edited line of its
YAML front matter (h277 H2): before, the whole block was dumped anew, so `# keep me` went,
`"Three"` lost its quotes and `tags: [a, b]` became three lines."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs
from blogster_cli.services import sync as sync_service

POST = "_posts/2020-01-03-three.md"
TEXT = '---\n# keep me\ntitle: "Three"\nlayout: post\n\ntags: [a, b]\n---\n\nBody three.\n'


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def test_a_title_edited_in_blogster_is_synced_as_its_line_alone(acting, tmp_path):
    site = tmp_path / "j2"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: j2\n")
    (site / POST).write_text(TEXT)
    assert [(f.path, f.action) for f in sync_service.sync_folder(acting, directory=site).files] == [(POST, "imported")]

    blogs.update(acting, ref="three", changes=blogs.BlogChanges(title="Three edited"))
    assert [(f.path, f.action) for f in sync_service.sync_folder(acting, directory=site).files] == [(POST, "written")]
    assert (site / POST).read_text() == TEXT.replace('"Three"', '"Three edited"')

    blogs.update(acting, ref="three", changes=blogs.BlogChanges(tags=["a", "b", "c"]))
    sync_service.sync_folder(acting, directory=site)
    assert (site / POST).read_text() == TEXT.replace('"Three"', '"Three edited"').replace("[a, b]", "[a, b, c]")
