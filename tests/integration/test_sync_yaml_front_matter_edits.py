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


def test_a_date_keeps_its_text_after_the_timezone_setting_changed(acting, tmp_path):
    """Walk 13 L5: a post written in Blogster has no front matter stored, so every render wrote its date
    in the zone set then: after `config set timezone Asia/Tokyo`, a slug edit rewrote the date line
    (`+00:00` became `+09:00`, the same moment). Its file keeps the date as written while it is the same."""
    from zoneinfo import ZoneInfo

    site = tmp_path / "site"
    site.mkdir()
    (site / "one.md").write_text("---\ntitle: One\n---\nFirst.\n")
    sync_service.sync_folder(acting, directory=site)
    blogs.create(acting, new=blogs.NewBlog(title="Written here", markdown="Hello.\n"))
    [created] = sync_service.sync_folder(acting, directory=site).files
    before = (site / created.path).read_text()
    assert "+00:00\n" in before

    tokyo = ZoneInfo("Asia/Tokyo")
    blogs.update(acting, ref="written-here", changes=blogs.BlogChanges(slug="written-there"))
    [renamed] = sync_service.sync_folder(acting, directory=site, default_tz=tokyo).files
    assert (renamed.action, renamed.path) == ("renamed", "posts/written-there.md")
    assert (site / renamed.path).read_text() == before  # its name states the slug: nothing else changed
    blogs.update(acting, ref="written-there", changes=blogs.BlogChanges(title="Written there"))
    sync_service.sync_folder(acting, directory=site, default_tz=tokyo)
    assert (site / renamed.path).read_text() == before.replace("title: Written here", "title: Written there")


def test_a_tag_added_changes_only_the_tags_text(acting, tmp_path):
    """Walk 13 L6: a tag added in Blogster dropped the file's byte-order mark, unquoted `["t1"]`
    (`[t1, Neu]`), reformatted JSON front matter whole and dropped the blank after `tags: `."""
    site = tmp_path / "site"
    site.mkdir()
    files = {
        "bom.md": ('\ufeff---\ntitle: Bom\ntags: ["t1"]\n---\nFirst.\n', '["t1", "Neu"]'),
        "space.md": ("---\ntitle: Space\ntags: \n---\nFirst.\n", "\n- Neu"),
        "json.md": ('{\n    "title": "Json",\n    "tags": ["t1"],\n    "x":   1.50\n}\nBody.\n', '["t1", "Neu"]'),
    }
    for name, (text, _) in files.items():
        (site / name).write_bytes(text.encode())
    sync_service.sync_folder(acting, directory=site)
    for name in files:
        slug = name.removesuffix(".md")
        tags = ["t1", "Neu"] if slug != "space" else ["Neu"]
        blogs.update(acting, ref=slug, changes=blogs.BlogChanges(tags=tags))
    written = sync_service.sync_folder(acting, directory=site).files
    assert sorted((file.path, file.action) for file in written) == [(name, "written") for name in sorted(files)]
    assert (site / "bom.md").read_bytes() == files["bom.md"][0].replace('["t1"]', '["t1", "Neu"]').encode()
    assert (site / "space.md").read_text() == "---\ntitle: Space\ntags: \n- Neu\n---\nFirst.\n"
    assert (site / "json.md").read_text() == files["json.md"][0].replace('["t1"]', '["t1", "Neu"]')
